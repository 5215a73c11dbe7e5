#include "conformance/suite/run_support.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/cases.h"
#include "conformance/suite/report.h"
#include "conformance/suite/session.h"
#include "reference/layout/descriptor_json.h"

namespace bufconf::suite {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::pair<uint64_t, const char*> kCapabilityNames[] = {
    {BUFCONF_CAP_MAKE_EXPORTER, "make_exporter"},
    {BUFCONF_CAP_ENUMERATE, "enumerate"},
    {BUFCONF_CAP_EXPORT_COUNT, "export_count"},
    {BUFCONF_CAP_VIA_INTERPRETER, "via_interpreter"},
    {BUFCONF_CAP_IS_CONTIGUOUS, "is_contiguous"},
    {BUFCONF_CAP_GET_POINTER, "get_pointer"},
    {BUFCONF_CAP_TO_CONTIGUOUS, "to_contiguous"},
    {BUFCONF_CAP_FROM_CONTIGUOUS, "from_contiguous"},
    {BUFCONF_CAP_FILL_STRIDES, "fill_contiguous_strides"},
    {BUFCONF_CAP_SIZE_FROM_FORMAT, "size_from_format"},
    {BUFCONF_CAP_COPY_DATA, "copy_data"},
    {BUFCONF_CAP_RESIZE, "resize"},
    {BUFCONF_CAP_REFERENCES, "references"},
    {BUFCONF_CAP_FILL_INFO, "fill_info"},
    {BUFCONF_CAP_CONSUMERS, "consumers"},
};

}  // namespace

// What the exporter of a failing exporter-side case hands out, recorded in its counterexample
// file for the picture of `bufconf run --html`: {"flags", "full": the PyBUF_FULL_RO description
// with its memory (docs/descriptor.md; memory left out above 64 KiB), "request": the description
// granted for the case's flags (no memory: it shares the full one's), or "refused": why}. Null
// when it cannot be had. Runs the adapter again: call it where the case ran (in the child).
ordered_json ReturnedView(const bufconf_adapter& a, const json& case_json) {
  void* handle = nullptr;
  int flags = 0;
  std::string made;  // what make_exporter said it made (its message on success), if anything
  try {
    char message[512] = {0};
    const std::string kind = case_json.value("kind", "");
    if (kind == "exporter" && a.make_exporter != nullptr) {
      const ExporterCase c = ExporterCaseFromJson(case_json);
      const bufconf_array_spec spec = c.spec.Abi();
      if (a.make_exporter(a.context, &spec, &handle, message, sizeof message) != BUFCONF_OK) {
        return nullptr;
      }
      message[sizeof message - 1] = '\0';
      made = SanitizeUtf8(message);
      flags = c.flags;
    } else if (kind == "enumerated" && a.enumerate != nullptr) {
      const EnumeratedCase c = EnumeratedCaseFromJson(case_json);
      bufconf_enumerated info{};
      if (a.enumerate(a.context, c.index, &handle, &info) != BUFCONF_OK) return nullptr;
      flags = c.flags;
    } else {
      return nullptr;
    }
  } catch (const std::exception&) {
    return nullptr;
  }
  ordered_json out;
  bufconf_buffer full{}, request{};
  bool have_full = false, have_request = false;
  try {
    char message[512] = {0};
    have_full = a.get_buffer(a.context, handle, &full, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message) == BUFCONF_OK;
    if (have_full) {
      const std::vector<bufconf_region> regions = AskRegions(a, handle);
      const conformance::Snapshot snapshot =
          conformance::TakeSnapshot(full, regions.data(), regions.size());
      uint64_t bytes = 0;
      for (const layout::Region& r : snapshot.memory.regions()) bytes += r.bytes.size();
      out["flags"] = flags;
      if (!made.empty()) out["made"] = made;
      out["full"] = layout::DescriptorToJson(
          snapshot.view, bytes <= (uint64_t{64} << 10) ? &snapshot.memory : nullptr);
      message[0] = '\0';
      const int rc = a.get_buffer(a.context, handle, &request, flags, message, sizeof message);
      have_request = rc == BUFCONF_OK;
      if (have_request) {
        out["request"] = layout::DescriptorToJson(conformance::DescriptorOf(request), nullptr);
      } else {
        message[sizeof message - 1] = '\0';
        out["refused"] = SanitizeUtf8(message);
      }
    }
  } catch (const std::exception&) {
    out = nullptr;
  }
  if (have_request && a.release_buffer != nullptr) a.release_buffer(a.context, handle, &request);
  if (have_full && a.release_buffer != nullptr) a.release_buffer(a.context, handle, &full);
  if (a.destroy_exporter != nullptr) a.destroy_exporter(a.context, handle);
  return out;
}

std::string ChildLine(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Runs `body` in a child of its own with the per-case limit (the child notes each case before
// running it), or in process with --no-fork.
// An exception escaping `body` is bufconf's own error (a limit, a bug), never the
// implementation's: it is written as the child's line {"bufconf_error": what}, and the child
// ends normally (an implementation that exits with any status is still told apart).
IsolatedResult RunChild(const bufconf_adapter& adapter, const RunSettings& settings,
                        const std::function<void(ChildChannel&)>& body) {
  const auto guarded = [&body](ChildChannel& channel) {
    try {
      body(channel);
    } catch (const std::exception& e) {
      channel.Write(ChildLine(ordered_json({{"bufconf_error", std::string(e.what())}})));
    }
  };
  if (!settings.isolate) return RunInProcess(guarded);
  return RunIsolated(
      guarded, settings.timeout_seconds,
      [&] {
        if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
      },
      TimeLimit::kPerNote);
}

std::optional<std::string> AfterForkError(const bufconf_adapter& adapter,
                                          const RunSettings& settings) {
  if (!settings.isolate || adapter.after_fork == nullptr) return std::nullopt;
  const IsolatedResult child = RunIsolated(
      [&](ChildChannel& channel) {
        const int rc = adapter.after_fork(adapter.context);
        channel.Write(ChildLine(ordered_json({{"rc", rc}})));
      },
      settings.timeout_seconds);
  std::string what;
  if (child.outcome == IsolatedResult::Outcome::kTimedOut) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", settings.timeout_seconds);
    what = std::string("did not return within ") + seconds + " s (--timeout)";
  } else if (child.outcome != IsolatedResult::Outcome::kOk) {
    what = Describe(child);
  } else {
    const json line =
        json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
    if (line.is_discarded() || !line.contains("rc") || !line["rc"].is_number_integer()) {
      what = "ended without returning (the child exited with status 0 inside it)";
    } else if (const int rc = line["rc"].get<int>(); rc != 0) {
      what = "returned " + std::to_string(rc) + " (it failed; 0 means ready)";
    } else {
      return std::nullopt;
    }
  }
  return "the adapter's after_fork (called in each forked child before its cases) " + what;
}

// "the implementation crashed (signal 11, SIGSEGV)", "the implementation hung (no answer to
// one case within 20 s)".
std::string WhatHappened(const IsolatedResult& child, const RunSettings& settings) {
  if (child.outcome == IsolatedResult::Outcome::kTimedOut) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", settings.timeout_seconds);
    return std::string("the implementation hung (no answer to one case within ") + seconds + " s)";
  }
  return "the implementation " + Describe(child);
}

// A case in a few words: "an exporter of shape [1, 1, 0], format '3s', flags 0x3d", "a view of
// shape [2, 2], itemsize 1, order 'C'".
std::string CaseSummary(const json& c) {
  try {
    const auto shape = [](const json& s) {
      if (s.is_null()) return std::string("NULL");
      std::string out = "[";
      for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + s[i].dump();
      return out + "]";
    };
    char flags[32] = "";
    if (c.contains("flags")) std::snprintf(flags, sizeof flags, "0x%x", c["flags"].get<int>());
    const std::string kind = c.value("kind", "");
    if (kind == "exporter") {
      const json& spec = c.at("spec");
      return "an exporter of shape " + shape(spec.at("shape")) + ", format '" +
             spec.value("format", "") + "', asked for flags " + flags;
    }
    if (kind == "enumerated") {
      const std::string description = c.value("description", "");
      return (description.empty()
                  ? "enumerated exporter " + c.at("index").dump()
                  : description + " (enumerated exporter " + c.at("index").dump() + ")") +
             " asked for flags " + flags;
    }
    if (kind == "algorithm") {
      const json& view = c.at("view");
      return "a view of shape " + shape(view.value("shape", json())) + ", itemsize " +
             view.at("itemsize").dump() + ", order '" + c.value("order", "") + "'";
    }
  } catch (const std::exception&) {
  }
  return "a case";
}

bool HasCapability(const bufconf_adapter& a, uint64_t cap) { return (a.capabilities & cap) != 0; }

std::string CapabilityName(uint64_t cap) {
  for (const auto& [bit, name] : kCapabilityNames) {
    if (bit == cap) return name;
  }
  return "?";
}

std::string CapabilityNames(uint64_t caps, std::vector<std::string>* names) {
  std::string out;
  for (const auto& [bit, name] : kCapabilityNames) {
    if (caps & bit) {
      names->push_back(name);
      out += (out.empty() ? "" : ", ") + std::string(name);
    }
  }
  return out;
}

// The path of an adapter given as a file, made absolute (a counterexample file must replay from
// any directory); a built-in adapter's name as is.
std::string AdapterForReplay(const std::string& spec) {
  if (spec.find('/') == std::string::npos) return spec;
  char* real = ::realpath(spec.c_str(), nullptr);
  if (real == nullptr) return spec;
  std::string out = real;
  std::free(real);
  return out;
}

std::string SaveCounterexample(const RunSettings& settings, const bufconf_adapter& adapter,
                               const std::string& rule, const std::string& file_stem,
                               const json& case_json, const std::string& message,
                               const json& returned) {
  // The directory and its parents (a missing parent must not lose the files the report names).
  const std::string& dir = settings.failures_dir;
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') mkdir(dir.substr(0, i).c_str(), 0755);
  }
  const std::string path = settings.failures_dir + "/" + file_stem + ".json";
  ordered_json file = {
      {"bufconf_replay", 1},
      {"rule", rule},
      {"adapter", settings.adapter_spec.empty() ? std::string(adapter.name)
                                                : AdapterForReplay(settings.adapter_spec)},
      {"seed", settings.seed},
      {"timeout_seconds", settings.timeout_seconds},
      {"message", message},
      {"case", case_json}};
  if (!settings.factory.empty()) file["factory"] = settings.factory;
  if (!settings.python.empty()) file["python"] = settings.python;
  if (!settings.env_names.empty()) {
    ordered_json env = ordered_json::object();
    for (const std::string& name : settings.env_names) {
      const char* value = std::getenv(name.c_str());
      env[name] = value != nullptr ? ordered_json(std::string(value)) : ordered_json();
    }
    file["env"] = env;
  }
  // What replaying must see: a finding under the rule, or the crash or hang itself. A failure
  // found before a crash while shrinking ("... (then, while shrinking, ...)") is a finding.
  const bool shrinking = message.find("(then, while shrinking") != std::string::npos;
  file["expect"] = shrinking                                                      ? "finding"
                   : message.find("the implementation hung") != std::string::npos ? "hang"
                   : message.find("the implementation crashed") != std::string::npos ||
                           message.find("the implementation exited") != std::string::npos
                       ? "crash"
                       : "finding";
  if (!returned.is_null()) file["returned"] = returned;
  std::ofstream(path) << file.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
  return path;
}

}  // namespace bufconf::suite
