#include "conformance/suite/checks.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "conformance/adapter/real_layout.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

using conformance::RealLayout;
using conformance::Snapshot;
using layout::Has;

std::string Show(const std::optional<std::vector<int64_t>>& a) {
  if (!a) return "NULL";
  std::string s = "(";
  for (size_t i = 0; i < a->size(); ++i) s += (i ? "," : "") + std::to_string((*a)[i]);
  return s + ")";
}

std::string Show(const std::optional<std::string>& s) { return s ? "'" + *s + "'" : "NULL"; }

std::string FlagsText(int flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", flags);
  return buf;
}

// Logical equality of decoded values that ignores the spelling of codes ('l' and 'q' are both
// 8-byte signed integers) and field names: kinds, shapes and significant bytes must agree.
// The scalars of a value in order: structs and arrays flattened, so equivalent spellings of a
// format ('i:a:' and 'T{i:a:}', '2i' and 'ii') give the same sequence.
void Scalars(const format::Value& v, std::vector<const format::Value*>& out) {
  if (v.shape == format::Value::Shape::kScalar) {
    out.push_back(&v);
    return;
  }
  for (const format::Value& item : v.items) Scalars(item, out);
}

// Equal contents: the same array structure for the first `ndim` levels (the shape), then the
// same scalars element by element.
bool SameValues(const format::Value& a, const format::Value& b, size_t ndim) {
  if (ndim > 0) {
    if (a.shape != format::Value::Shape::kArray || b.shape != format::Value::Shape::kArray ||
        a.items.size() != b.items.size()) {
      return false;
    }
    for (size_t i = 0; i < a.items.size(); ++i) {
      if (!SameValues(a.items[i], b.items[i], ndim - 1)) return false;
    }
    return true;
  }
  std::vector<const format::Value*> x, y;
  Scalars(a, x);
  Scalars(b, y);
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i]->kind != y[i]->kind || x[i]->bytes != y[i]->bytes) return false;
  }
  return true;
}

// The spec's items as a C-contiguous array in a memory of their own: the expected contents.
format::Value ExpectedValues(const ArraySpec& spec) {
  layout::Descriptor d;
  d.buf = 0x1000;
  d.itemsize = spec.itemsize;
  d.ndim = static_cast<int64_t>(spec.shape.size());
  d.len = static_cast<int64_t>(spec.items.size());
  d.format = spec.format;
  if (d.ndim > 0) d.shape = spec.shape;
  layout::Memory memory;
  memory.AddRegion({0x1000, spec.items, "expected"});
  return layout::ToList(d, memory);
}

class Exporter {
 public:
  Exporter(const bufconf_adapter& a, void* handle) : a_(a), handle_(handle) {}
  ~Exporter() {
    if (handle_ != nullptr && a_.destroy_exporter != nullptr)
      a_.destroy_exporter(a_.context, handle_);
  }
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  int Get(bufconf_buffer* view, int flags, std::string* message) {
    char buf[512] = {0};
    std::memset(view, 0, sizeof *view);
    const int rc = a_.get_buffer(a_.context, handle_, view, flags, buf, sizeof buf);
    *message = buf;
    if (rc != BUFCONF_OK && rc != BUFCONF_REFUSED) {
      throw AdapterError("get_buffer(" + FlagsText(flags) + ") failed: " + *message);
    }
    return rc;
  }
  void Release(bufconf_buffer* view) {
    if (a_.release_buffer != nullptr) a_.release_buffer(a_.context, handle_, view);
  }
  std::vector<bufconf_region> Regions() {
    std::vector<bufconf_region> out(16);
    size_t n = a_.regions(a_.context, handle_, out.data(), out.size());
    if (n > out.size()) {
      out.resize(n);
      n = a_.regions(a_.context, handle_, out.data(), out.size());
    }
    out.resize(std::min(n, out.size()));
    return out;
  }
  bool counts() const {
    return (a_.capabilities & BUFCONF_CAP_EXPORT_COUNT) != 0 && a_.export_count != nullptr;
  }
  int64_t Count() { return a_.export_count(a_.context, handle_); }

 private:
  const bufconf_adapter& a_;
  void* handle_;
};

}  // namespace

const std::vector<std::string>& ExporterRules() {
  static const std::vector<std::string> kRules = {
      // basic: the full description itself
      "REQ-GRANT", "FIELDS-NDIM-RANGE", "FIELDS-SCALAR-NULLS", "FIELDS-ARRAY-LENGTH",
      "FIELDS-SHAPE-PRESENT-STRIDES", "FIELDS-SUBOFFSETS-NEED-STRIDES", "FIELDS-SHAPE-NONNEG",
      "FIELDS-ITEMSIZE-NONNEG", "FIELDS-LEN-NONNEG", "LAYOUT-LEN",
      "LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL", "FORMAT-PARSES", "FORMAT-SIZE", "MEMORY-SPAN",
      "MEMORY-POINTER",
      // the rest
      "REQ-CONTENTS", "REQ-WRITABLE", "REQ-READONLY-CONSISTENT", "REQ-FORMAT-FILLED",
      "REQ-FORMAT-NULL", "REQ-ITEMSIZE-KEPT", "REQ-INDEPENDENT-FIELDS", "REQ-ND-SHAPE",
      "REQ-STRIDES-FILLED", "REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT", "REQ-STRIDES-NEEDED",
      "REQ-INDIRECT-NEEDED", "REQ-C-CONTIGUOUS", "REQ-F-CONTIGUOUS", "REQ-ANY-CONTIGUOUS",
      "REQ-READ-WRITE-FLAGS", "REQ-SAME-CONTENT", "RELEASE-EXPORT-COUNT"};
  return kRules;
}

bool IsBasicExporterRule(const std::string& rule) {
  const auto& rules = ExporterRules();
  const auto it = std::find(rules.begin(), rules.end(), rule);
  return it != rules.end() && it - rules.begin() < 15;
}

namespace {

// Judges one live exporter: its full description, its contents (when `expected` is given), the
// request `flags` against the oracle, and export counting. Destroys the exporter.
CheckResult JudgeExporter(const bufconf_adapter& a, void* handle,
                          const std::optional<format::Value>& expected, size_t expected_ndim,
                          int flags) {
  CheckResult out;
  auto add = [&](const std::string& rule, const std::string& message) {
    out.findings.push_back({rule, message, IsBasicExporterRule(rule)});
  };
  out.rules_checked = ExporterRules();
  Exporter exporter(a, handle);
  const int64_t count0 = exporter.counts() ? exporter.Count() : 0;

  // The full description.
  bufconf_buffer full;
  std::string why;
  if (exporter.Get(&full, BUFCONF_PYBUF_FULL_RO, &why) != BUFCONF_OK) {
    add("REQ-GRANT", "PyBUF_FULL_RO was refused: " + why);
    return out;
  }
  const std::vector<bufconf_region> regions = exporter.Regions();
  const Snapshot full_snapshot = conformance::TakeSnapshot(full, regions.data(), regions.size());
  const layout::Descriptor& fv = full_snapshot.view;
  for (const layout::Violation& v : layout::Validate(fv, &full_snapshot.memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule != nullptr && rule->level == rules::Level::kMust) {
      add(v.rule, "the full description (PyBUF_FULL_RO): " + v.message);
    }
  }
  if (!fv.format) add("REQ-FORMAT-FILLED", "PyBUF_FULL_RO gave format NULL");
  const bool basic_ok = out.findings.empty();
  if (exporter.counts() && exporter.Count() != count0 + 1) {
    add("RELEASE-EXPORT-COUNT", "a successful get did not count one export");
  }
  if (basic_ok && expected) {
    try {
      if (!SameValues(layout::ToList(fv, full_snapshot.memory), *expected, expected_ndim)) {
        add("REQ-CONTENTS", "the elements differ from the values the exporter was made with");
      }
    } catch (const std::exception& e) {
      add("REQ-CONTENTS", std::string("the elements cannot be read: ") + e.what());
    }
  }

  // The request.
  if (basic_ok) {
    const layout::RequestOutcome oracle = layout::Request(fv, flags);
    bufconf_buffer resp;
    const int granted = exporter.Get(&resp, flags, &why);
    if (granted != BUFCONF_OK) {
      if (oracle.verdict == layout::RequestOutcome::Verdict::kMustSucceed) {
        add("REQ-GRANT", "flags " + FlagsText(flags) + " were refused (" + why +
                             ") although the memory can be shared that way");
      }
    } else if (oracle.verdict == layout::RequestOutcome::Verdict::kMustFail) {
      add(oracle.reasons[0].first,
          "flags " + FlagsText(flags) + " were granted although " + oracle.reasons[0].second);
      exporter.Release(&resp);
    } else {
      const Snapshot rs = conformance::TakeSnapshot(resp, regions.data(), regions.size());
      const layout::Descriptor& r = rs.view;
      const std::string f = "flags " + FlagsText(flags) + ": ";
      if (r.itemsize != fv.itemsize) {
        add("REQ-ITEMSIZE-KEPT",
            f + "itemsize " + std::to_string(r.itemsize) + ", full " + std::to_string(fv.itemsize));
      }
      if (r.buf != fv.buf || r.len != fv.len) {
        add("REQ-INDEPENDENT-FIELDS", f + "buf or len differs from the full description");
      }
      if (Has(flags, layout::kFormat)) {
        if (r.format != oracle.expected.format) {
          add("REQ-FORMAT-FILLED",
              f + "format " + Show(r.format) + ", expected " + Show(oracle.expected.format));
        }
      } else if (r.format) {
        add("REQ-FORMAT-NULL", f + "format " + Show(r.format) + " without PyBUF_FORMAT");
      }
      if (Has(flags, layout::kNd)) {
        if (r.ndim != fv.ndim || r.shape != fv.shape) {
          add("REQ-ND-SHAPE", f + "ndim " + std::to_string(r.ndim) + " shape " + Show(r.shape) +
                                  ", full " + std::to_string(fv.ndim) + " " + Show(fv.shape));
        }
      } else if (r.shape) {
        add("REQ-ND-SHAPE", f + "shape " + Show(r.shape) + " without PyBUF_ND");
      }
      const bool want_strides = Has(flags, layout::kStrides) && r.ndim > 0;
      if (want_strides != r.strides.has_value() && (Has(flags, layout::kStrides) || r.strides)) {
        add("REQ-STRIDES-FILLED", f + "strides " + Show(r.strides));
      }
      if (!Has(flags, layout::kIndirect) && r.suboffsets) {
        add("REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT", f + "suboffsets " + Show(r.suboffsets));
      }
      if (Has(flags, layout::kWritable) && r.readonly != 0) {
        add("REQ-WRITABLE",
            f + "granted PyBUF_WRITABLE with readonly " + std::to_string(r.readonly));
      }
      if (!Has(flags, layout::kWritable) && r.readonly != fv.readonly) {
        add("REQ-READONLY-CONSISTENT", f + "readonly " + std::to_string(r.readonly) +
                                           ", full description " + std::to_string(fv.readonly));
      }
      const struct {
        int flag;
        char order;
        const char* rule;
      } kContiguity[] = {{layout::kCContiguous, 'C', "REQ-C-CONTIGUOUS"},
                         {layout::kFContiguous, 'F', "REQ-F-CONTIGUOUS"},
                         {layout::kAnyContiguous, 'A', "REQ-ANY-CONTIGUOUS"}};
      for (const auto& k : kContiguity) {
        if (Has(flags, k.flag) && !layout::IsContiguous(r, k.order)) {
          add(k.rule, f + "the response is not " + std::string(1, k.order) + "-contiguous");
        }
      }
      try {
        if (layout::ToContiguous(r, rs.memory, r.len, 'C') !=
            layout::ToContiguous(fv, full_snapshot.memory, fv.len, 'C')) {
          add("REQ-SAME-CONTENT", f + "the response's elements differ from the full description's");
        }
      } catch (const std::exception& e) {
        add("REQ-SAME-CONTENT", f + "the response cannot be read: " + e.what());
      }
      exporter.Release(&resp);
    }
    // Every case also makes the three contiguity requests: whether each must be granted depends
    // on the layout alone, so every generated layout is judged on them, whatever `flags` drew.
    for (const int extra : {layout::kCContiguous, layout::kFContiguous, layout::kAnyContiguous}) {
      if (extra == flags) continue;
      const layout::RequestOutcome o = layout::Request(fv, extra);
      bufconf_buffer x;
      if (exporter.Get(&x, extra, &why) != BUFCONF_OK) {
        if (o.verdict == layout::RequestOutcome::Verdict::kMustSucceed) {
          add("REQ-GRANT", "flags " + FlagsText(extra) + " were refused (" + why +
                               ") although the memory can be shared that way");
        }
        continue;
      }
      if (o.verdict == layout::RequestOutcome::Verdict::kMustFail) {
        add(o.reasons[0].first,
            "flags " + FlagsText(extra) + " were granted although " + o.reasons[0].second);
      }
      exporter.Release(&x);
    }
  }
  exporter.Release(&full);
  if (exporter.counts() && exporter.Count() != count0) {
    add("RELEASE-EXPORT-COUNT", "exports were not all released: count " +
                                    std::to_string(exporter.Count()) + ", was " +
                                    std::to_string(count0));
  }
  return out;
}

}  // namespace

CheckResult CheckExporterCase(const bufconf_adapter& a, const ExporterCase& c) {
  const bufconf_array_spec spec = c.spec.Abi();
  void* handle = nullptr;
  char message[512] = {0};
  const int made = a.make_exporter(a.context, &spec, &handle, message, sizeof message);
  if (made == BUFCONF_UNSUPPORTED) {
    CheckResult out;
    out.unsupported = true;
    return out;
  }
  if (made != BUFCONF_OK) throw AdapterError(std::string("make_exporter failed: ") + message);
  return JudgeExporter(a, handle, ExpectedValues(c.spec), c.spec.shape.size(), c.flags);
}

CheckResult CheckEnumeratedCase(const bufconf_adapter& a, const EnumeratedCase& c,
                                std::string* description) {
  void* handle = nullptr;
  bufconf_enumerated info{};
  const int rc = a.enumerate(a.context, c.index, &handle, &info);
  if (rc == BUFCONF_UNSUPPORTED) {
    CheckResult out;
    out.unsupported = true;
    return out;
  }
  if (rc != BUFCONF_OK) throw AdapterError("enumerate(" + std::to_string(c.index) + ") failed");
  info.description[sizeof info.description - 1] = '\0';
  if (description != nullptr) *description = info.description;
  std::optional<format::Value> expected;
  if (info.has_expected) {
    ArraySpec spec;
    spec.format = info.format != nullptr ? info.format : "B";
    spec.itemsize = info.itemsize;
    for (int i = 0; i < info.ndim; ++i) spec.shape.push_back(info.shape[i]);
    int64_t n = spec.itemsize;
    for (int64_t d : spec.shape) n *= d;
    const uint8_t* items = static_cast<const uint8_t*>(info.items);
    spec.items.assign(items, items + n);
    try {
      expected = ExpectedValues(spec);
    } catch (const std::exception& e) {
      throw AdapterError(std::string("enumerate: the expected contents cannot be read: ") +
                         e.what());
    }
  }
  return JudgeExporter(a, handle, expected, info.has_expected ? static_cast<size_t>(info.ndim) : 0,
                       c.flags);
}

}  // namespace bufconf::suite
