#include "conformance/suite/checks.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/report.h"
#include "conformance/suite/session.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

using conformance::Snapshot;

struct ResizeVerdict {
  bool checked = false;  // the adapter could try (it did not answer BUFCONF_UNSUPPORTED)
  std::string failure;   // the exporter let itself be resized, or crashed: why
};

// With one export live, the adapter resizes the exporter the way its users can. Nothing is read
// through the live view after the resize.
ResizeVerdict TryResizeWhileExported(ExporterHandle& exporter) {
  ResizeVerdict out;
  std::string why;
  bufconf_buffer live;
  if (exporter.Get(&live, BUFCONF_PYBUF_FULL_RO, &why) != BUFCONF_OK) return out;
  std::string said;
  const int resized = exporter.Resize(&said);
  out.checked = resized != BUFCONF_UNSUPPORTED;
  if (resized == BUFCONF_OK) {
    out.failure = "the exporter's memory was resized while a buffer was exported";
    if (!said.empty()) out.failure += " (" + said + ")";
    const uint64_t buf = conformance::Address(live.buf);
    bool inside = false;
    for (const bufconf_region& r : exporter.Regions()) {
      const uint64_t base = conformance::Address(r.base);
      inside = inside || (buf >= base && buf - base <= r.size);
    }
    if (!inside) {
      out.failure +=
          "; the live view's buf is no longer in the exporter's memory (a use after free)";
    }
  }
  exporter.Release(&live);
  return out;
}

// The same for an exporter that lives on into the next cases (an enumerated one: the python
// adapter's factory objects, any adapter's own list of objects). A resize that succeeds changes
// it for good: a ctypes array grown by ctypes.resize would report a len that disagrees with its
// shape in every later case. So the attempt runs in a child of its own (the adapter's
// after_fork runs first) and its effect ends with that child; the verdict is kept for the
// object's later cases in this process (the resize does not depend on the case's flags), so
// there is one child per object, not one per case.
ResizeVerdict ResizeEnumeratedWhileExported(const bufconf_adapter& a, ExporterHandle& exporter,
                                            int64_t index) {
  static std::map<std::pair<const void*, int64_t>, ResizeVerdict> known;
  const auto key = std::make_pair(static_cast<const void*>(a.context), index);
  if (const auto it = known.find(key); it != known.end()) return it->second;
  const IsolatedResult child = RunIsolated(
      [&exporter](ChildChannel& channel) {
        const ResizeVerdict verdict = TryResizeWhileExported(exporter);
        channel.Write(verdict.checked ? "1" : "0");
        if (!verdict.failure.empty()) channel.Write(verdict.failure);
      },
      /*timeout_seconds=*/0,  // the case's own watchdog limits the whole case
      [&a] {
        if (a.after_fork != nullptr) a.after_fork(a.context);
      });
  ResizeVerdict out;
  if (child.outcome == IsolatedResult::Outcome::kExited && child.exit_code == 3) {
    // An exception escaped (the adapter's resize or regions answered garbage): bufconf's to
    // report, never the exporter's fault.
    throw AdapterError("resize while exported: " + child.stderr_tail);
  }
  if (child.outcome != IsolatedResult::Outcome::kOk) {
    out.checked = true;
    out.failure = "resizing the exporter while a buffer was exported " + Describe(child);
  } else {
    const size_t eol = child.payload.find('\n');
    out.checked = child.payload.compare(0, eol, "1") == 0;
    if (eol != std::string::npos && eol + 1 < child.payload.size()) {
      out.failure = child.payload.substr(eol + 1);
      if (!out.failure.empty() && out.failure.back() == '\n') out.failure.pop_back();
    }
  }
  known.emplace(key, out);
  return out;
}

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

// A 'c' and a one-byte 's' are the same value (struct unpacks both to a bytes object of length
// 1; numpy has no char type and exports 'c' as '1s').
bool IsOneByte(const format::Value& v) {
  return v.kind == format::ValueKind::kChar ||
         (v.kind == format::ValueKind::kBytes && v.code == "s" && v.bytes.size() == 1);
}

bool SameKind(const format::Value& a, const format::Value& b) {
  return a.kind == b.kind || (IsOneByte(a) && IsOneByte(b));
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
    if (!SameKind(*x[i], *y[i]) || x[i]->bytes != y[i]->bytes) return false;
  }
  return true;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
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
      "REQ-READ-WRITE-FLAGS", "REQ-SAME-CONTENT", "RELEASE-EXPORT-COUNT", "RELEASE-MEMORY-STABLE",
      "REQ-FAIL-BUFFERERROR", "RELEASE-RESIZE-WHILE-EXPORTED", "REQ-FIELDS-ALL-FILLED",
      "MEMORY-WRITABLE", "FIELDS-OBJ", "RELEASE-NO-DECREF", "RELEASE-CLEARS-OBJ",
      "RELEASE-INTERNAL"};
  return kRules;
}

bool IsBasicExporterRule(const std::string& rule) {
  const auto& rules = ExporterRules();
  const auto it = std::find(rules.begin(), rules.end(), rule);
  return it != rules.end() && it - rules.begin() < 15;
}

namespace {

// The byte the suite fills a view with before the REQ-FIELDS-ALL-FILLED request.
constexpr unsigned char kPoison = 0xA5;

// The consumer-visible fields of `view` that still hold the poison in every byte (the exporter
// did not write them); those pointers are set to NULL, so that releasing the view cannot follow
// them.
std::vector<std::string> UnwrittenFields(bufconf_buffer* view) {
  std::vector<std::string> out;
  auto poisoned = [](const void* field, size_t size) {
    const unsigned char* p = static_cast<const unsigned char*>(field);
    return std::all_of(p, p + size, [](unsigned char b) { return b == kPoison; });
  };
  auto pointer = [&](auto*& field, const char* name) {
    if (poisoned(&field, sizeof field)) {
      out.push_back(name);
      field = nullptr;
    }
  };
  auto scalar = [&](const auto& field, const char* name) {
    if (poisoned(&field, sizeof field)) out.push_back(name);
  };
  pointer(view->buf, "buf");
  pointer(view->obj, "obj");
  scalar(view->len, "len");
  scalar(view->itemsize, "itemsize");
  scalar(view->readonly, "readonly");
  scalar(view->ndim, "ndim");
  pointer(view->format, "format");
  pointer(view->shape, "shape");
  pointer(view->strides, "strides");
  pointer(view->suboffsets, "suboffsets");
  // `internal` is not judged: only the exporter reads it (in its bf_releasebuffer), so leaving it
  // unwritten harms no consumer (Cython's generated exporters do). It is not touched either: the
  // exporter's release gets it back as it was.
  return out;
}

// References (ABI 3, BUFCONF_CAP_REFERENCES), measured around one PyBUF_FULL_RO export:
// FIELDS-OBJ (a granted view names the exporter, or another object it redirects to, in obj, and
// holds a new reference to it), RELEASE-NO-DECREF (after the release the exporter's count is
// back where it was: not below, as when bf_releasebuffer DECREFs obj too) and, when releases go
// through the interpreter (BUFCONF_CAP_VIA_INTERPRETER: release_buffer is PyBuffer_Release),
// RELEASE-CLEARS-OBJ (obj is NULL afterwards, and the reference is dropped). An exporter whose
// count cannot be known (an immortal object) is not judged on the counts.
void JudgeReferences(const bufconf_adapter& a, void* handle, ExporterHandle& exporter,
                     const std::function<void(const std::string&, const std::string&)>& add,
                     std::vector<std::string>& rules_checked) {
  void* const obj = a.exporter_object(a.context, handle);
  if (obj == nullptr) return;
  const int64_t before = a.reference_count(a.context, obj);
  bufconf_buffer view;
  std::string why;
  if (exporter.Get(&view, BUFCONF_PYBUF_FULL_RO, &why) != BUFCONF_OK) return;
  rules_checked.push_back("FIELDS-OBJ");
  void* const named = view.obj;
  const int64_t during = before >= 0 && named == obj ? a.reference_count(a.context, obj) : -1;
  if (named == nullptr) {
    add("FIELDS-OBJ", "a granted PyBUF_FULL_RO view has obj NULL");
  } else if (named == obj && before >= 0 && during != before + 1) {
    add("FIELDS-OBJ",
        "a granted PyBUF_FULL_RO view names the exporter in obj, but the "
        "exporter's reference count went from " +
            std::to_string(before) + " to " + std::to_string(during) +
            " (a new reference adds exactly one)");
  }
  exporter.Release(&view);
  const bool via_interpreter = (a.capabilities & BUFCONF_CAP_VIA_INTERPRETER) != 0;
  if (via_interpreter) {
    rules_checked.push_back("RELEASE-CLEARS-OBJ");
    if (view.obj != nullptr) {
      add("RELEASE-CLEARS-OBJ", "after PyBuffer_Release the view's obj is still set");
    }
  }
  // Counts only when obj named the exporter (a redirect's object may be gone now).
  if (named != obj || before < 0) return;
  const int64_t after = a.reference_count(a.context, obj);
  rules_checked.push_back("RELEASE-NO-DECREF");
  // The release drops the one reference the view holds (PyBuffer_Release's DECREF), measured
  // from the count while the view was live: a view that took none (FIELDS-OBJ) still loses one.
  const int64_t dropped = during - after;
  if (dropped > 1) {
    add("RELEASE-NO-DECREF", "the release dropped " + std::to_string(dropped) +
                                 " references to the exporter (count " + std::to_string(during) +
                                 " with the view live, " + std::to_string(after) +
                                 " after): one more than the view held (bf_releasebuffer DECREFs "
                                 "obj?)");
  } else if (dropped < 1 && via_interpreter) {
    add("RELEASE-CLEARS-OBJ", "PyBuffer_Release dropped no reference to the exporter (count " +
                                  std::to_string(during) + " with the view live, " +
                                  std::to_string(after) + " after)");
  }
}

// Judges one live exporter: its full description, its contents (when `expected` is given), the
// request `flags` (and with `ask_named` every named request) against the oracle, and export
// counting; then, when the full description is
// sane and `session` is kWith, the multi-consumer session (session.h) with a second exporter from
// `make_second` (null, or returning null: the session runs on this exporter alone). Destroys the
// exporters. `enumerated_index`: the exporter is the adapter's enumerated object of that index,
// which lives on into later cases (made exporters are fresh for each case).
CheckResult JudgeExporter(const bufconf_adapter& a, void* handle,
                          const std::optional<format::Value>& expected, size_t expected_ndim,
                          int flags, SessionMode session, const std::function<void*()>& make_second,
                          bool memory_readonly, const std::vector<int64_t>* empty_shape,
                          bool ask_named, std::optional<int64_t> enumerated_index) {
  CheckResult out;
  // Findings about the full description (PyBUF_FULL_RO refused, or breaking a MUST rule) are
  // basic: the case says nothing about the other rules. Every later finding is not.
  bool describing = true;
  auto add = [&](const std::string& rule, const std::string& message) {
    out.findings.push_back({rule, message, describing});
  };
  // Only the rules this case can break are listed (a rule no case lists is a skip, never a
  // pass): the contents need expected values, the resize a resizable exporter, the
  // interpreter's flags check an adapter whose get_buffer goes through the interpreter.
  for (const std::string& rule : ExporterRules()) {
    if (rule == "REQ-CONTENTS" || rule == "RELEASE-RESIZE-WHILE-EXPORTED" ||
        rule == "REQ-READ-WRITE-FLAGS" || rule == "MEMORY-WRITABLE" || rule == "FIELDS-OBJ" ||
        rule == "RELEASE-NO-DECREF" || rule == "RELEASE-CLEARS-OBJ" || rule == "RELEASE-INTERNAL") {
      continue;
    }
    out.rules_checked.push_back(rule);
  }
  const bool judged_request = layout::IsConsumerRequest(flags);
  ExporterHandle exporter(a, handle);
  const int64_t count0 = exporter.counts() ? exporter.Count() : 0;

  // The full description.
  bufconf_buffer full;
  std::string why;
  // A refusal must be a BufferError with view->obj left NULL (REQ-FAIL-BUFFERERROR); the
  // adapter says when one was not (BUFCONF_REFUSED_IMPROPERLY).
  auto judge_refusals = [&](const std::string& improper) {
    if (!improper.empty()) {
      add("REQ-FAIL-BUFFERERROR", "a request was refused improperly: " + improper);
    }
  };
  if (exporter.Get(&full, BUFCONF_PYBUF_FULL_RO, &why) != BUFCONF_OK) {
    add("REQ-GRANT", "PyBUF_FULL_RO was refused: " + why);
    out.blocked_reason = "PyBUF_FULL_RO was refused";
    // Without a full description the basic rules are not judged on it: the runner reports them
    // blocked for this case, not passed (CheckResult::full_refused). A view the exporter does
    // grant must still be a valid one: the case's request, when granted, is judged on the
    // rules of its fields alone, FIELDS-* and LAYOUT-* (not its memory: what the exporter owns
    // is known from its full view; not its format: one not requested is NULL, read as 'B',
    // with the exporter's itemsize kept). Only requests with PyBUF_ND: without it a view's
    // ndim 0 is not a scalar (numpy answers PyBUF_SIMPLE with ndim 0 and shape NULL), and the
    // fields alone cannot tell.
    out.full_refused = true;
    describing = false;
    bufconf_buffer view;
    if (judged_request && (flags & BUFCONF_PYBUF_ND) == BUFCONF_PYBUF_ND &&
        exporter.Get(&view, flags, &why) == BUFCONF_OK) {
      for (const layout::Violation& v :
           layout::Validate(conformance::DescriptorOf(view), nullptr)) {
        const rules::Rule* rule = rules::FindRule(v.rule);
        const bool fields = v.rule.rfind("FIELDS-", 0) == 0 || v.rule.rfind("LAYOUT-", 0) == 0;
        if (fields && rule != nullptr && rule->level == rules::Level::kMust) {
          add(v.rule,
              "flags " + FlagsText(flags) + " (granted, PyBUF_FULL_RO refused): " + v.message);
        }
      }
      exporter.Release(&view);
    }
    judge_refusals(exporter.improper());
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
  if (!basic_ok) {
    out.blocked_reason = "its full description (PyBUF_FULL_RO) breaks " + out.findings[0].rule;
  }
  describing = false;
  if (exporter.counts() && exporter.Count() != count0 + 1) {
    add("RELEASE-EXPORT-COUNT", "a successful get did not count one export");
  }
  // MEMORY-WRITABLE: memory the implementation declared read-only is never handed out writable.
  if (memory_readonly) {
    out.rules_checked.push_back("MEMORY-WRITABLE");
    if (full.readonly == 0) {
      add("MEMORY-WRITABLE",
          "the exporter's memory is declared read-only, but PyBUF_FULL_RO gave readonly == 0 (a "
          "consumer may write through it)");
    }
  }
  // An empty array's contents are its shape alone: compared without listing (a (2**58, 0) view
  // has no element but 2**58 empty rows).
  if (basic_ok && empty_shape != nullptr) {
    const std::vector<int64_t> shape =
        fv.shape ? *fv.shape
                 : std::vector<int64_t>{fv.itemsize > 0 ? fv.len / fv.itemsize : fv.len};
    if (shape != *empty_shape) {
      add("REQ-CONTENTS", "the view's shape " + ShapeText(shape) +
                              " differs from the empty array's " + ShapeText(*empty_shape));
    }
  }
  // (Listed whenever there are expected values: a case blocked by its full description is then
  // one that could have broken it.)
  if (expected || empty_shape != nullptr) out.rules_checked.push_back("REQ-CONTENTS");
  if (basic_ok && expected) {
    try {
      if (!SameValues(layout::ToList(fv, full_snapshot.memory), *expected, expected_ndim)) {
        add("REQ-CONTENTS", "the elements differ from the values the exporter was made with");
      }
    } catch (const std::exception& e) {
      add("REQ-CONTENTS", std::string("the elements cannot be read: ") + e.what());
    }
  }

  if (basic_ok && (a.capabilities & BUFCONF_CAP_REFERENCES) != 0) {
    JudgeReferences(a, handle, exporter, add, out.rules_checked);
  }

  // One request judged against the oracle: its verdict, and every field of a granted view.
  auto judge_request = [&](int request) {
    const layout::RequestOutcome oracle = layout::Request(fv, request);
    bufconf_buffer resp;
    const int granted = exporter.Get(&resp, request, &why);
    if (granted == BUFCONF_OK && memory_readonly && resp.readonly == 0) {
      add("MEMORY-WRITABLE",
          "flags " + FlagsText(request) + " gave readonly == 0 over memory declared read-only");
    }
    if (granted != BUFCONF_OK) {
      if (oracle.verdict == layout::RequestOutcome::Verdict::kMustSucceed) {
        add("REQ-GRANT", "flags " + FlagsText(request) + " were refused (" + why +
                             ") although the memory can be shared that way");
      }
    } else if (oracle.verdict == layout::RequestOutcome::Verdict::kMustFail) {
      add(oracle.reasons[0].first,
          "flags " + FlagsText(request) + " were granted although " + oracle.reasons[0].second);
      exporter.Release(&resp);
    } else {
      const Snapshot rs = conformance::TakeSnapshot(resp, regions.data(), regions.size());
      JudgeGrantedResponse(fv, full_snapshot.memory, request, rs,
                           "flags " + FlagsText(request) + ": ", add);
      exporter.Release(&resp);
    }
  };
  // The request the case drew (a value no consumer can form is sent last, below: it is judged
  // only for memory safety, and its refusal, however made, is no finding); then every named
  // request (layout::NamedRequests), whatever the case drew: whether each must be granted, and
  // what each granted view must hold, depends on the layout alone, so every exporter is judged
  // on all of them (a fault in one request's answer is not left to the draw of the flags).
  if (basic_ok && judged_request) judge_request(flags);
  if (basic_ok) {
    // (Without `ask_named`, for an enumerated exporter whose sweep asks each named request in
    // turn: the three contiguity requests only.)
    for (const int named : layout::NamedRequests()) {
      const bool contiguity = named == layout::kCContiguous || named == layout::kFContiguous ||
                              named == layout::kAnyContiguous;
      if ((ask_named || contiguity) && named != flags) judge_request(named);
    }
    // REQ-FIELDS-ALL-FILLED: PyBUF_FULL_RO again, into a view whose every byte is 0xA5 (a
    // consumer's uninitialized Py_buffer): a field the exporter does not write keeps the pattern.
    // Nothing is read through that view.
    bufconf_buffer poisoned;
    const int again = exporter.Get(&poisoned, BUFCONF_PYBUF_FULL_RO, &why, kPoison);
    if (again != BUFCONF_OK) {
      add("REQ-FIELDS-ALL-FILLED", "PyBUF_FULL_RO was refused (" + why +
                                       ") into a view filled with 0xA5 bytes, and granted into "
                                       "a zeroed one");
    } else {
      const std::vector<std::string> unwritten = UnwrittenFields(&poisoned);
      if (!unwritten.empty()) {
        std::string names;
        for (const std::string& n : unwritten) names += (names.empty() ? "" : ", ") + n;
        add("REQ-FIELDS-ALL-FILLED", "PyBUF_FULL_RO into a view filled with 0xA5 bytes left " +
                                         names + " unwritten (still 0xA5...)");
      }
      exporter.Release(&poisoned);
    }
  }
  // The full description is released through a copy of its Py_buffer at another address, as a
  // consumer may pass one (RELEASE-INTERNAL): an exporter that finds its per-export resources by
  // the view's address instead of view->internal then leaves the export counted.
  {
    bufconf_buffer copy = full;
    full = bufconf_buffer{};
    exporter.Release(&copy);
  }
  if (exporter.counts()) out.rules_checked.push_back("RELEASE-INTERNAL");
  if (exporter.counts() && exporter.Count() != count0) {
    const bool only_full = exporter.Count() == count0 + 1;
    add(only_full ? "RELEASE-INTERNAL" : "RELEASE-EXPORT-COUNT",
        only_full ? "releasing a copy of the PyBUF_FULL_RO view (at another address, internal "
                    "unchanged) left its export counted: count " +
                        std::to_string(exporter.Count()) + ", was " + std::to_string(count0)
                  : "exports were not all released: count " + std::to_string(exporter.Count()) +
                        ", was " + std::to_string(count0));
  }

  // Several consumers at once (session.h): findings of their own, never basic (they are not
  // about the full description).
  if (basic_ok && session == SessionMode::kWith) {
    const int session_flags = judged_request ? flags : BUFCONF_PYBUF_FULL_RO;
    std::unique_ptr<ExporterHandle> second;
    if (make_second) {
      void* second_handle = make_second();
      if (second_handle != nullptr) second = std::make_unique<ExporterHandle>(a, second_handle);
    }
    RunSession(exporter, fv, second.get(), session_flags,
               [&](const std::string& rule, const std::string& message) {
                 out.findings.push_back({rule, message, false});
               });
  }
  // The refusals so far were of requests a consumer sends: they must be proper.
  const std::string improper_judged = exporter.improper();
  // Past this point refusals are no finding, however they are made: the requests below are not
  // ones a consumer sends to the exporter.
  if (basic_ok && !judged_request) {
    // Not a request: the exporter may refuse it any way it likes, or grant it; a granted view
    // must still lie in the exporter's memory (a consumer that sent it would read there).
    bufconf_buffer odd;
    if (exporter.Get(&odd, flags, &why) == BUFCONF_OK) {
      const Snapshot os = conformance::TakeSnapshot(odd, regions.data(), regions.size());
      // What a consumer could read through it: its elements, or, without a shape (whatever
      // ndim says), len bytes from buf — as for any request without PyBUF_ND.
      layout::Descriptor readable = os.view;
      if (!readable.shape) {
        readable.ndim = 1;
        readable.strides.reset();
        readable.suboffsets.reset();
      }
      for (const layout::Violation& v : layout::Validate(readable, &full_snapshot.memory)) {
        if (v.rule.rfind("MEMORY-", 0) == 0) {
          add(v.rule, "flags " + FlagsText(flags) +
                          " (not a request a consumer can form) were granted, and the view "
                          "reaches outside the exporter's memory: " +
                          v.message);
        }
      }
      exporter.Release(&odd);
    }
  }
  // REQ-READ-WRITE-FLAGS is the interpreter's: PyObject_GetBuffer must refuse PyBUF_READ and
  // PyBUF_WRITE before any bf_getbuffer sees them. Any exporter granting them shows that it
  // did not.
  // Only an answer that shows who answered is a case: a grant (the interpreter let the value
  // through) or the interpreter's own refusal (SystemError, as CPython 3.13 raises before any
  // bf_getbuffer runs). An exporter that refuses the value itself says nothing about the
  // interpreter.
  if (basic_ok && (a.capabilities & BUFCONF_CAP_VIA_INTERPRETER) != 0) {
    bool judged = false;
    for (const int rw : {layout::kRead, layout::kWrite}) {
      bufconf_buffer x;
      if (exporter.Get(&x, rw, &why) != BUFCONF_OK) {
        judged = judged || why.find("SystemError") != std::string::npos;
        continue;
      }
      judged = true;
      add("REQ-READ-WRITE-FLAGS",
          std::string("PyObject_GetBuffer passed ") +
              (rw == layout::kRead ? "PyBUF_READ (0x100)" : "PyBUF_WRITE (0x200)") +
              " on to bf_getbuffer, and the exporter granted it");
      exporter.Release(&x);
      break;
    }
    if (judged) out.rules_checked.push_back("REQ-READ-WRITE-FLAGS");
  }
  // Resizing while a buffer is exported must be refused (RELEASE-RESIZE-WHILE-EXPORTED).
  bool resize_checked = false;
  if (basic_ok && exporter.can_resize()) {
    const ResizeVerdict resize = enumerated_index
                                     ? ResizeEnumeratedWhileExported(a, exporter, *enumerated_index)
                                     : TryResizeWhileExported(exporter);
    resize_checked = resize.checked;
    if (!resize.failure.empty()) add("RELEASE-RESIZE-WHILE-EXPORTED", resize.failure);
  }
  if (resize_checked) out.rules_checked.push_back("RELEASE-RESIZE-WHILE-EXPORTED");
  judge_refusals(improper_judged);
  return out;
}

}  // namespace

CheckResult CheckExporterCase(const bufconf_adapter& a, const ExporterCase& c,
                              SessionMode session) {
  const bufconf_array_spec spec = c.spec.Abi();
  void* handle = nullptr;
  char message[512] = {0};
  const int made = a.make_exporter(a.context, &spec, &handle, message, sizeof message);
  message[sizeof message - 1] = '\0';  // an adapter that fills it without a NUL
  if (made == BUFCONF_UNSUPPORTED) {
    CheckResult out;
    out.unsupported = true;
    return out;
  }
  if (made != BUFCONF_OK) {
    throw AdapterError("make_exporter failed: " + SanitizeUtf8(message));
  }
  // The second exporter of the session: made for the same spec; a refusal only leaves it out.
  auto make_second = [&]() -> void* {
    void* second = nullptr;
    char why[512] = {0};
    if (a.make_exporter(a.context, &spec, &second, why, sizeof why) != BUFCONF_OK) return nullptr;
    return second;
  };
  // An exporter made read-only (BUFCONF_LAYOUT_READONLY) has memory declared read-only: its
  // views must say readonly == 1 (MEMORY-WRITABLE), whatever was requested.
  const bool readonly = (c.spec.layout & BUFCONF_LAYOUT_READONLY) != 0;
  return JudgeExporter(a, handle, ExpectedValues(c.spec), c.spec.shape.size(), c.flags, session,
                       make_second, readonly, nullptr, /*ask_named=*/true,
                       /*enumerated_index=*/std::nullopt);
}

CheckResult CheckEnumeratedCase(const bufconf_adapter& a, const EnumeratedCase& c,
                                std::string* description, std::string* note) {
  void* handle = nullptr;
  bufconf_enumerated info{};
  const int rc = a.enumerate(a.context, c.index, &handle, &info);
  if (rc == BUFCONF_UNSUPPORTED) {
    CheckResult out;
    out.unsupported = true;
    return out;
  }
  info.description[sizeof info.description - 1] = '\0';
  if (rc == BUFCONF_SKIPPED) {
    CheckResult out;
    out.unsupported = true;
    out.skipped_object = true;
    if (description != nullptr) *description = SanitizeUtf8(info.description);
    return out;
  }
  if (rc != BUFCONF_OK) throw AdapterError("enumerate(" + std::to_string(c.index) + ") failed");
  if (description != nullptr) *description = SanitizeUtf8(info.description);
  if (note != nullptr) *note = info.note != nullptr ? SanitizeUtf8(info.note) : "";
  std::optional<format::Value> expected;
  std::optional<std::vector<int64_t>> empty_shape;
  if (info.has_expected) {
    if (info.ndim < 0 || info.ndim > 64 || (info.ndim > 0 && info.shape == nullptr) ||
        info.itemsize < 0) {
      throw AdapterError("enumerate: the expected contents have ndim " + std::to_string(info.ndim) +
                         " and itemsize " + std::to_string(info.itemsize));
    }
    ArraySpec spec;
    spec.format = info.format != nullptr ? info.format : "B";
    spec.itemsize = info.itemsize;
    bool empty = false;
    for (int i = 0; i < info.ndim; ++i) {
      if (info.shape[i] < 0) throw AdapterError("enumerate: a negative expected extent");
      spec.shape.push_back(info.shape[i]);
      empty = empty || info.shape[i] == 0;
    }
    int64_t n = empty ? 0 : spec.itemsize;
    for (int64_t d : spec.shape) {
      if (!empty && __builtin_mul_overflow(n, d, &n)) {
        throw AdapterError("enumerate: the expected contents are larger than memory");
      }
    }
    if (empty && info.ndim > 0) {
      empty_shape = spec.shape;
    }
    if (n > 0 && info.items == nullptr) {
      throw AdapterError("enumerate: has_expected with " + std::to_string(n) +
                         " bytes of expected items, but items is NULL");
    }
    // The suite copies the expected items: as much as it copies of an exporter's memory.
    constexpr int64_t kMaxExpectedBytes = int64_t{256} << 20;
    if (n > kMaxExpectedBytes) {
      throw std::length_error("the expected contents of enumerated exporter " +
                              std::to_string(c.index) + " are " + std::to_string(n) +
                              " bytes, more than bufconf judges (256 MiB)");
    }
    const uint8_t* items = static_cast<const uint8_t*>(info.items);
    spec.items.assign(items, items + n);
    try {
      if (!empty_shape) expected = ExpectedValues(spec);
    } catch (const std::exception& e) {
      throw AdapterError(std::string("enumerate: the expected contents cannot be read: ") +
                         e.what());
    }
  }
  // Enumerated exporters cannot be made twice: the session runs on this one alone.
  return JudgeExporter(a, handle, expected, info.has_expected ? static_cast<size_t>(info.ndim) : 0,
                       c.flags, SessionMode::kWith, nullptr, info.memory_readonly != 0,
                       empty_shape ? &*empty_shape : nullptr,
                       // The sweep asks every enumerated exporter each named request already.
                       /*ask_named=*/false, static_cast<int64_t>(c.index));
}

}  // namespace bufconf::suite
