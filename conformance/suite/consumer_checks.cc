// The consumer-side checks (ABI 3): the implementation's consumers (memoryview.tolist, bytes(),
// numpy.asarray, ...) read exporters the suite provides — the case's generated layout in real
// memory, answering every request as the request oracle says — and every reading is compared
// with the reference model's. The provider also watches how the consumer uses the protocol:
// every get released exactly once (RELEASE-PAIRED), the fields it handed out left alone
// (FIELDS-CONSUMER-NO-MODIFY).
//
// A consumer may refuse a layout it cannot handle, cleanly (BUFCONF_REFUSED: CPython's
// BufferError, ValueError, TypeError, NotImplementedError): the case then does not count for
// the consumer's rule. A wrong reading, or a failure of another kind, is a finding. Where the
// case has a feature a rule is about (a stride <= 0, suboffsets, a stride on an extent-1
// dimension, a view without shape or strides, many dimensions), a wrong reading is also filed
// under that rule when a control case without the feature reads right: the feature is the cause.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/consumer_rules.h"
#include "conformance/suite/report.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/layout/values_json.h"

namespace bufconf::suite {
namespace {

using conformance::RealLayout;
using layout::Descriptor;
using layout::Memory;

// At most this many consumers are asked for (an adapter listing more is in error), and at most
// this many bytes of one consumer's output are kept (more is a reading far past the view).
constexpr size_t kMaxConsumers = 256;
constexpr size_t kMaxOutput = size_t{64} << 20;

// ---- the provider -------------------------------------------------------------------------

// One view handed out: the storage its pointers point at, and a pristine copy to compare with
// when it comes back.
struct Export {
  std::optional<std::string> format;
  std::vector<bufconf_ssize_t> shape, strides, suboffsets;
  bufconf_buffer handed{};
  std::optional<std::string> format0;
  std::vector<bufconf_ssize_t> shape0, strides0, suboffsets0;
  bool released = false;
};

// An exporter over a layout in real memory that answers as the request oracle says (and, like
// memoryview and the reference adapter, refuses what it may refuse).
class Provider {
 public:
  explicit Provider(const Descriptor& full) : full_(full) {}
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;

  bufconf_provider Abi() { return bufconf_provider{this, &Provider::Get, &Provider::Release}; }

  int granted() const { return static_cast<int>(exports_.size()); }
  int refused() const { return refused_; }
  bool saw_suboffsets() const { return saw_suboffsets_; }
  bool saw_no_shape() const { return saw_no_shape_; }
  bool saw_no_strides() const { return saw_no_strides_; }
  bool saw_format() const { return saw_format_; }
  const std::vector<std::string>& unpaired() const { return unpaired_; }
  const std::vector<std::string>& modified() const { return modified_; }

  // After the consumer returned: views never released, and fields of those changed anyway.
  void Finish() {
    int open = 0;
    for (const auto& x : exports_) {
      if (x->released) continue;
      ++open;
      CompareFields(*x, x->handed, "a view it never released");
    }
    if (open > 0) {
      unpaired_.push_back(std::to_string(open) + " of the " + std::to_string(exports_.size()) +
                          " views it got were not released when it returned");
    }
  }

 private:
  static int Get(void* ctx, bufconf_buffer* view, int flags, char* message, size_t size) {
    return static_cast<Provider*>(ctx)->DoGet(view, flags, message, size);
  }
  static void Release(void* ctx, bufconf_buffer* view) {
    static_cast<Provider*>(ctx)->DoRelease(view);
  }

  int DoGet(bufconf_buffer* view, int flags, char* message, size_t size) {
    if (view == nullptr) return BUFCONF_REFUSED;
    const layout::RequestOutcome outcome = layout::Request(full_, flags);
    if (outcome.verdict != layout::RequestOutcome::Verdict::kMustSucceed) {
      ++refused_;
      std::string text = "the exporter refuses flags " + std::to_string(flags);
      if (!outcome.reasons.empty()) text += " (" + outcome.reasons[0].first + ")";
      if (message != nullptr && size > 0) {
        std::snprintf(message, size, "%s", text.c_str());
      }
      return BUFCONF_REFUSED;
    }
    const Descriptor& e = outcome.expected;
    auto x = std::make_unique<Export>();
    x->format = e.format;
    auto bind = [](const std::optional<std::vector<int64_t>>& from,
                   std::vector<bufconf_ssize_t>& to) -> bufconf_ssize_t* {
      if (!from) return nullptr;
      to.assign(from->begin(), from->end());
      to.reserve(1);  // non-NULL even when empty
      return to.data();
    };
    view->buf = reinterpret_cast<void*>(static_cast<uintptr_t>(e.buf));
    view->obj = nullptr;
    view->len = e.len;
    view->itemsize = e.itemsize;
    view->readonly = e.readonly;
    view->ndim = static_cast<int>(e.ndim);
    view->format = x->format ? x->format->data() : nullptr;
    view->shape = bind(e.shape, x->shape);
    view->strides = bind(e.strides, x->strides);
    view->suboffsets = bind(e.suboffsets, x->suboffsets);
    view->internal = x.get();
    x->handed = *view;
    x->format0 = x->format;
    x->shape0 = x->shape;
    x->strides0 = x->strides;
    x->suboffsets0 = x->suboffsets;
    saw_suboffsets_ = saw_suboffsets_ || view->suboffsets != nullptr;
    saw_no_shape_ = saw_no_shape_ || view->shape == nullptr;
    saw_no_strides_ = saw_no_strides_ || (view->shape != nullptr && view->strides == nullptr);
    saw_format_ = saw_format_ || view->format != nullptr;
    exports_.push_back(std::move(x));
    return BUFCONF_OK;
  }

  void DoRelease(bufconf_buffer* view) {
    if (view == nullptr) {
      unpaired_.push_back("it released a NULL view");
      return;
    }
    // The export is found by internal, never by the view's address (RELEASE-INTERNAL: a
    // consumer may pass a copy); a pointer that is not one of ours is never followed.
    Export* found = nullptr;
    for (const auto& x : exports_) {
      if (x.get() == view->internal) found = x.get();
    }
    if (found == nullptr) {
      unpaired_.push_back(
          "it released a view it did not get (or whose internal it changed: "
          "FIELDS-CONSUMER-NO-MODIFY)");
      return;
    }
    if (found->released) {
      unpaired_.push_back("it released the same view twice");
      return;
    }
    found->released = true;
    CompareFields(*found, *view, "the view it released");
  }

  // FIELDS-CONSUMER-NO-MODIFY: the pointers as handed out, the arrays and string unchanged.
  void CompareFields(const Export& x, const bufconf_buffer& back, const char* which) {
    std::vector<std::string> changed;
    if (back.format != x.handed.format) changed.push_back("repointed format");
    if (back.shape != x.handed.shape) changed.push_back("repointed shape");
    if (back.strides != x.handed.strides) changed.push_back("repointed strides");
    if (back.suboffsets != x.handed.suboffsets) changed.push_back("repointed suboffsets");
    if (back.internal != x.handed.internal) changed.push_back("changed internal");
    if (x.format != x.format0) changed.push_back("wrote into the format string");
    if (x.shape != x.shape0) changed.push_back("wrote into the shape array");
    if (x.strides != x.strides0) changed.push_back("wrote into the strides array");
    if (x.suboffsets != x.suboffsets0) changed.push_back("wrote into the suboffsets array");
    if (changed.empty()) return;
    std::string text;
    for (const std::string& c : changed) text += (text.empty() ? "" : ", ") + c;
    modified_.push_back(text + " (" + which + ")");
  }

  const Descriptor& full_;
  std::vector<std::unique_ptr<Export>> exports_;
  int refused_ = 0;
  bool saw_suboffsets_ = false, saw_no_shape_ = false, saw_no_strides_ = false;
  bool saw_format_ = false;
  std::vector<std::string> unpaired_, modified_;
};

// ---- running one consumer -----------------------------------------------------------------

struct Output {
  std::string bytes;
  bool overflow = false;
};

void Write(void* ctx, const void* data, size_t size) {
  auto* out = static_cast<Output*>(ctx);
  if (data == nullptr || size == 0 || out->overflow) return;
  if (out->bytes.size() + size > kMaxOutput) {
    out->overflow = true;
    return;
  }
  out->bytes.append(static_cast<const char*>(data), size);
}

// A layout in real memory the consumer reads, and the model's view of it (real addresses).
struct Layout {
  std::unique_ptr<RealLayout> real;
  Descriptor view;
  Memory memory;
};

// The case's view as an exporter's full description: format (NULL: "B"), shape and strides
// filled in.
Layout Provide(const Descriptor& view, const Memory& memory) {
  Layout out;
  out.real = conformance::Realize(view, memory);
  conformance::Snapshot s =
      conformance::TakeSnapshot(out.real->view, out.real->regions.data(), out.real->regions.size());
  const layout::FullView full = layout::Expand(s.view);
  out.view = s.view;
  if (!out.view.format) out.view.format = "B";
  if (out.view.ndim > 0 && !s.view.shape) {
    // No shape: len unsigned bytes (LAYOUT-LEN-SIMPLE), whatever itemsize and ndim say.
    out.view.format = "B";
    out.view.itemsize = 1;
    out.view.ndim = 1;
  }
  if (out.view.ndim > 0) {
    out.view.shape = full.shape;
    out.view.strides = full.strides;
  }
  out.memory = std::move(s.memory);
  return out;
}

// The C-contiguous copy of `view` (same format, itemsize, shape; read-only as it is), or with
// `flat` the same items as one dimension.
Layout ContiguousCopy(const Descriptor& view, const Memory& memory, bool flat) {
  Descriptor copy = view;
  copy.suboffsets.reset();
  if (flat && view.ndim != 1) {
    copy.ndim = 1;
    copy.shape = std::vector<int64_t>{view.itemsize > 0 ? view.len / view.itemsize : 0};
  }
  if (copy.ndim > 0) copy.strides = layout::FillContiguousStrides(*copy.shape, copy.itemsize, 'C');
  copy.buf = 0x1000;
  Memory m;
  m.AddRegion({0x1000, layout::ToContiguous(view, memory, view.len, 'C'), "copy"});
  return Provide(copy, m);
}

// One item (the view's first, or zero bytes when it is empty) as a C-contiguous view of `ndim`
// extent-1 dimensions: whether a consumer handles that many dimensions, apart from the layout.
Layout OneItem(const Descriptor& view, const Memory& memory, int64_t ndim) {
  std::vector<uint8_t> item(static_cast<size_t>(view.itemsize), 0);
  const std::vector<uint8_t> all = layout::ToContiguous(view, memory, view.len, 'C');
  if (all.size() >= item.size()) std::copy(all.begin(), all.begin() + item.size(), item.begin());
  Descriptor one = view;
  one.suboffsets.reset();
  one.ndim = ndim;
  one.len = view.itemsize;
  one.shape.reset();
  one.strides.reset();
  if (ndim > 0) {
    one.shape = std::vector<int64_t>(static_cast<size_t>(ndim), 1);
    one.strides = std::vector<int64_t>(static_cast<size_t>(ndim), view.itemsize);
  }
  one.buf = 0x1000;
  Memory m;
  m.AddRegion({0x1000, item, "one item"});
  return Provide(one, m);
}

// `view` with the stride of every extent-1 dimension set to its C stride (no element moves).
std::optional<Layout> UnitStridesNormalized(const Descriptor& view, const Memory& memory) {
  if (view.ndim == 0 || !view.shape || !view.strides) return std::nullopt;
  const std::vector<int64_t> c = layout::FillContiguousStrides(*view.shape, view.itemsize, 'C');
  Descriptor normal = view;
  bool changed = false;
  for (size_t d = 0; d < c.size(); ++d) {
    if ((*view.shape)[d] <= 1 && (*normal.strides)[d] != c[d]) {
      (*normal.strides)[d] = c[d];
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  // Real memory is kept: the copy's model addresses are the real ones.
  Layout out;
  out.real = conformance::Realize(normal, memory);
  conformance::Snapshot s =
      conformance::TakeSnapshot(out.real->view, out.real->regions.data(), out.real->regions.size());
  out.view = s.view;
  out.memory = std::move(s.memory);
  return out;
}

struct Consumer {
  size_t index = 0;
  std::string name;
  uint32_t kind = 0;
  std::string rule;  // the catalogue rule it is judged on
};

std::vector<Consumer> Consumers(const bufconf_adapter& a) {
  std::vector<Consumer> out;
  for (size_t i = 0;; ++i) {
    bufconf_consumer_info info{};
    const int rc = a.consumer(a.context, i, &info);
    if (rc == BUFCONF_UNSUPPORTED) break;
    if (rc != BUFCONF_OK) throw AdapterError("consumer(" + std::to_string(i) + ") failed");
    if (i >= kMaxConsumers) {
      throw AdapterError("consumer(): more than " + std::to_string(kMaxConsumers) +
                         " consumers (index " + std::to_string(i) + " answered BUFCONF_OK)");
    }
    info.name[sizeof info.name - 1] = '\0';
    info.rule[sizeof info.rule - 1] = '\0';
    Consumer c;
    c.index = i;
    c.name = SanitizeUtf8(info.name);
    c.kind = info.kind;
    c.rule = info.rule[0] == '\0' ? "ALGO-READ-ELEMENTS" : std::string(info.rule);
    if (c.kind < BUFCONF_CONSUME_BYTES_C || c.kind > BUFCONF_CONSUME_EQUAL) {
      throw AdapterError("consumer " + std::to_string(i) + " (" + c.name + ") has kind " +
                         std::to_string(c.kind) + ", not a BUFCONF_CONSUME_* value");
    }
    const std::vector<std::string>& allowed = ConsumerPrincipalRules();
    if (std::find(allowed.begin(), allowed.end(), c.rule) == allowed.end()) {
      throw AdapterError("consumer " + std::to_string(i) + " (" + c.name + ") names rule '" +
                         SanitizeUtf8(c.rule) +
                         "': a consumer is judged on ALGO-TOLIST, ALGO-TOBYTES, ALGO-EQUAL, "
                         "ALGO-GET-CONTIGUOUS or \"\" (ALGO-READ-ELEMENTS)");
    }
    if ((c.kind == BUFCONF_CONSUME_EQUAL) != (c.rule == "ALGO-EQUAL")) {
      throw AdapterError("consumer " + std::to_string(i) + " (" + c.name +
                         "): rule ALGO-EQUAL goes with kind BUFCONF_CONSUME_EQUAL, and only it");
    }
    out.push_back(std::move(c));
  }
  return out;
}

struct Run {
  int rc = BUFCONF_ERROR;
  std::string message;
  Output output;
  std::unique_ptr<Provider> a, b;
};

Run Consume(const bufconf_adapter& adapter, const Consumer& c, const Layout& a, const Layout* b) {
  Run run;
  run.a = std::make_unique<Provider>(a.view);
  if (b != nullptr) run.b = std::make_unique<Provider>(b->view);
  const bufconf_provider pa = run.a->Abi();
  bufconf_provider pb{};
  if (run.b) pb = run.b->Abi();
  const bufconf_sink sink{&run.output, &Write};
  char message[512] = {0};
  run.rc = adapter.consume(adapter.context, c.index, &pa, run.b ? &pb : nullptr, &sink, message,
                           sizeof message);
  message[sizeof message - 1] = '\0';
  run.message = SanitizeUtf8(message);
  run.a->Finish();
  if (run.b) run.b->Finish();
  if (run.rc == BUFCONF_ERROR) {
    throw AdapterError("consume(" + std::to_string(c.index) + ", " + c.name +
                       ") failed: " + run.message);
  }
  if (run.rc != BUFCONF_OK && run.rc != BUFCONF_REFUSED && run.rc != BUFCONF_UNSUPPORTED &&
      run.rc != BUFCONF_REFUSED_IMPROPERLY) {
    throw AdapterError("consume(" + std::to_string(c.index) + ", " + c.name + ") returned " +
                       std::to_string(run.rc));
  }
  return run;
}

std::string Excerpt(const std::string& text) {
  return text.size() <= 120 ? text : text.substr(0, 117) + "...";
}

// What the model reads where the consumer read `kind`; nullopt when the model cannot read the
// layout that way (a format it cannot decode at the itemsize): such a reading is not judged.
std::optional<std::string> Expected(uint32_t kind, const Layout& l) {
  try {
    switch (kind) {
      case BUFCONF_CONSUME_BYTES_C:
      case BUFCONF_CONSUME_BYTES_F:
      case BUFCONF_CONSUME_BYTES_A: {
        const char order = kind == BUFCONF_CONSUME_BYTES_C   ? 'C'
                           : kind == BUFCONF_CONSUME_BYTES_F ? 'F'
                                                             : 'A';
        const std::vector<uint8_t> bytes =
            layout::ToContiguous(l.view, l.memory, l.view.len, order);
        return std::string(bytes.begin(), bytes.end());
      }
      case BUFCONF_CONSUME_VALUES:
        return layout::ValuesJson(layout::ToList(l.view, l.memory, format::Dialect::kStruct))
            .dump();
      case BUFCONF_CONSUME_VALUES_FLAT:
        return layout::FlatValuesJson(layout::ToList(l.view, l.memory, format::Dialect::kStruct),
                                      l.view.ndim)
            .dump();
      default:
        return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// "" when the consumer's output equals the model's, else what differs.
std::string Compare(uint32_t kind, const std::string& theirs, const std::string& ours) {
  if (kind == BUFCONF_CONSUME_VALUES || kind == BUFCONF_CONSUME_VALUES_FLAT) {
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(theirs);
    } catch (const std::exception&) {
      return "its output is not JSON: " + Excerpt(SanitizeUtf8(theirs));
    }
    if (parsed == nlohmann::json::parse(ours)) return "";
    return "it read " + Excerpt(parsed.dump()) + ", the model reads " + Excerpt(ours);
  }
  if (theirs == ours) return "";
  if (theirs.size() != ours.size()) {
    return "it read " + std::to_string(theirs.size()) + " bytes, the model reads " +
           std::to_string(ours.size());
  }
  size_t i = 0;
  while (theirs[i] == ours[i]) ++i;
  char text[160];
  std::snprintf(text, sizeof text, "byte %zu of what it read is 0x%02x, the model reads 0x%02x", i,
                static_cast<unsigned>(static_cast<uint8_t>(theirs[i])),
                static_cast<unsigned>(static_cast<uint8_t>(ours[i])));
  return text;
}

// A stride <= 0 or not a multiple of the itemsize on a dimension of extent > 1 (not one that
// walks a table of pointers: its stride is the pointers').
bool OddStrides(const Descriptor& v) {
  if (!v.shape || !v.strides) return false;
  for (size_t d = 0; d < v.shape->size(); ++d) {
    if (v.suboffsets && (*v.suboffsets)[d] >= 0) continue;
    const int64_t s = (*v.strides)[d];
    if ((*v.shape)[d] > 1 && (s <= 0 || (v.itemsize > 0 && s % v.itemsize != 0))) return true;
  }
  return false;
}

}  // namespace

void CheckConsumers(const bufconf_adapter& adapter, const Descriptor& view, const Memory& memory,
                    const std::string& only_rule, CheckResult& out) {
  const auto& principal = ConsumerPrincipalRules();
  const bool only_principal =
      std::find(principal.begin(), principal.end(), only_rule) != principal.end();
  auto wanted = [&](const std::string& rule) { return only_rule.empty() || only_rule == rule; };
  auto checked = [&](const std::string& rule) {
    if (wanted(rule) && std::find(out.rules_checked.begin(), out.rules_checked.end(), rule) ==
                            out.rules_checked.end()) {
      out.rules_checked.push_back(rule);
    }
  };
  auto add = [&](const std::string& rule, const Consumer& c, const std::string& message) {
    if (!wanted(rule)) return;
    for (const Finding& f : out.findings) {
      if (f.rule == rule) return;  // one finding per rule and case: the first consumer's
    }
    out.findings.push_back({rule, c.name + ": " + message, false});
  };

  const Layout a = Provide(view, memory);
  const bool odd_strides = OddStrides(a.view);
  // A feature rule's own cases: those without the feature cannot break it and run no consumer.
  // (A provider grants views without shape or strides only for C-contiguous layouts.)
  const bool c_contiguous = layout::IsContiguous(a.view, 'C');
  if ((only_rule == "LAYOUT-STRIDES-ANY" && !odd_strides) ||
      (only_rule == "ALGO-INDIRECT-HANDLED" && !a.view.suboffsets) ||
      (only_rule == "ALGO-UNIT-EXTENT-STRIDES" && !UnitStridesNormalized(a.view, a.memory)) ||
      (only_rule == "ALGO-NDIM-64" && a.view.ndim < 2) ||
      ((only_rule == "LAYOUT-LEN-SIMPLE" || only_rule == "LAYOUT-STRIDES-NULL-C" ||
        only_rule == "FORMAT-NULL-IS-B") &&
       !c_contiguous)) {
    return;
  }
  std::optional<Layout> copy;  // made when first needed
  auto contiguous = [&]() -> const Layout& {
    if (!copy) copy = ContiguousCopy(a.view, a.memory, false);
    return *copy;
  };
  // Whether consumer `c` reads `l` right (a control case).
  auto reads_right = [&](const Consumer& c, const Layout& l) {
    const Run r = Consume(adapter, c, l, c.kind == BUFCONF_CONSUME_EQUAL ? &l : nullptr);
    if (r.rc != BUFCONF_OK || r.output.overflow) return false;
    if (c.kind == BUFCONF_CONSUME_EQUAL) return true;
    const std::optional<std::string> ours = Expected(c.kind, l);
    return ours && Compare(c.kind, r.output.bytes, *ours).empty();
  };

  for (const Consumer& c : Consumers(adapter)) {
    if (only_principal && c.rule != only_rule) continue;
    // The pairs an equality is asked: the layout and itself (two exporters), and the layout and
    // its C-contiguous copy. Every other consumer reads the layout alone.
    std::vector<const Layout*> partners = {nullptr};
    if (c.kind == BUFCONF_CONSUME_EQUAL) partners = {&a, &contiguous()};
    for (const Layout* partner : partners) {
      const Run r = Consume(adapter, c, a, partner);
      if (r.rc == BUFCONF_UNSUPPORTED) continue;
      const int granted = r.a->granted() + (r.b ? r.b->granted() : 0);
      // How it used the protocol, whatever it read.
      if (granted > 0) {
        checked("RELEASE-PAIRED");
        checked("FIELDS-CONSUMER-NO-MODIFY");
      }
      for (const Provider* p : {r.a.get(), r.b.get()}) {
        if (p == nullptr) continue;
        for (const std::string& u : p->unpaired()) add("RELEASE-PAIRED", c, u);
        for (const std::string& m : p->modified()) add("FIELDS-CONSUMER-NO-MODIFY", c, m);
      }
      if (r.rc == BUFCONF_REFUSED || r.rc == BUFCONF_REFUSED_IMPROPERLY) {
        // Refusing many dimensions, cleanly or not, is ALGO-NDIM-64's when the number of
        // dimensions is the cause: one item at this ndim (C-contiguous, every extent 1) is
        // refused too, and the same item at one dimension reads right.
        bool ndim_cause = false;
        if (a.view.ndim >= 2 && r.a->refused() == 0 && c.kind != BUFCONF_CONSUME_EQUAL &&
            (wanted("ALGO-NDIM-64") || (r.rc == BUFCONF_REFUSED_IMPROPERLY && wanted(c.rule)))) {
          const Layout many = OneItem(a.view, a.memory, a.view.ndim);
          const Run control = Consume(adapter, c, many, nullptr);
          if ((control.rc == BUFCONF_REFUSED || control.rc == BUFCONF_REFUSED_IMPROPERLY) &&
              control.a->refused() == 0) {
            ndim_cause = reads_right(c, OneItem(a.view, a.memory, 1));
          }
        }
        if (ndim_cause) {
          checked("ALGO-NDIM-64");
          add("ALGO-NDIM-64", c,
              "refused a C-contiguous view of ndim " + std::to_string(a.view.ndim) + " (" +
                  r.message + ") whose items it reads at ndim 1" +
                  (r.rc == BUFCONF_REFUSED_IMPROPERLY
                       ? ", and not with an exception the protocol documents"
                       : ""));
        } else if (r.rc == BUFCONF_REFUSED_IMPROPERLY) {
          checked(c.rule);
          add(c.rule, c, "failed in a way no consumer documents (" + r.message + ")");
        }
        continue;
      }
      // BUFCONF_OK: compare with the model.
      const bool values_kind =
          c.kind == BUFCONF_CONSUME_VALUES || c.kind == BUFCONF_CONSUME_VALUES_FLAT;
      const bool formatless =
          values_kind && r.a->granted() > 0 && !r.a->saw_format() && r.a->saw_no_shape() && !r.b;
      std::string wrong;
      if (r.output.overflow) {
        wrong = "it wrote more than " + std::to_string(kMaxOutput >> 20) + " MiB of output";
      } else if (c.kind == BUFCONF_CONSUME_EQUAL) {
        bool ours = false;
        try {
          ours = layout::MemoryviewEqual(a.view, a.memory, partner->view, partner->memory);
        } catch (const std::exception&) {
          continue;  // the model cannot compare these formats: not judged
        }
        if (r.output.bytes.size() != 1 || (r.output.bytes[0] != 0 && r.output.bytes[0] != 1)) {
          wrong = "its output is not one byte 0 or 1";
        } else if ((r.output.bytes[0] == 1) != ours) {
          wrong = std::string("it says the layout and ") +
                  (partner == &a ? "an exporter of the same layout" : "its C-contiguous copy") +
                  " are " + (ours ? "unequal" : "equal") + "; the model says " +
                  (ours ? "equal" : "unequal");
        }
      } else if (formatless) {
        // It was given no format and no shape (PyBUF_SIMPLE): all it can know is len unsigned
        // bytes (FORMAT-NULL-IS-B, LAYOUT-LEN-SIMPLE).
        nlohmann::json ours = nlohmann::json::array();
        for (uint8_t byte : layout::ToContiguous(a.view, a.memory, a.view.len, 'C')) {
          ours.push_back(byte);
        }
        wrong = Compare(c.kind, r.output.bytes, ours.dump());
      } else {
        const std::optional<std::string> ours = Expected(c.kind, a);
        if (!ours) continue;  // the model cannot read it so: not judged
        wrong = Compare(c.kind, r.output.bytes, *ours);
      }
      checked(c.rule);
      if (a.view.ndim >= 4) checked("ALGO-NDIM-64");
      // The features this reading exercised.
      const bool no_shape = r.a->saw_no_shape();
      const bool no_strides = r.a->saw_no_strides();
      const bool bytes_kind = c.kind <= BUFCONF_CONSUME_BYTES_A;
      if (odd_strides) checked("LAYOUT-STRIDES-ANY");
      if (r.a->saw_suboffsets()) checked("ALGO-INDIRECT-HANDLED");
      if (no_shape && (bytes_kind || formatless)) checked("LAYOUT-LEN-SIMPLE");
      if (formatless) checked("FORMAT-NULL-IS-B");
      if (no_strides && bytes_kind) checked("LAYOUT-STRIDES-NULL-C");
      std::optional<Layout> normalized;
      if (wanted("ALGO-UNIT-EXTENT-STRIDES")) normalized = UnitStridesNormalized(a.view, a.memory);
      if (normalized) checked("ALGO-UNIT-EXTENT-STRIDES");
      if (wrong.empty()) continue;
      add(c.rule, c, wrong);
      if (no_shape && (bytes_kind || formatless)) {
        add("LAYOUT-LEN-SIMPLE", c, "given a view without shape (len bytes at buf), " + wrong);
      }
      if (formatless) {
        add("FORMAT-NULL-IS-B", c,
            "given only views without format (unsigned bytes) and shape, " + wrong);
      }
      if (no_strides && bytes_kind) {
        add("LAYOUT-STRIDES-NULL-C", c, "given a view without strides (C-contiguous), " + wrong);
      }
      if (c.kind == BUFCONF_CONSUME_EQUAL) continue;
      const bool contiguous_right =
          (odd_strides && wanted("LAYOUT-STRIDES-ANY")) ||
                  (r.a->saw_suboffsets() && wanted("ALGO-INDIRECT-HANDLED"))
              ? reads_right(c, contiguous())
              : false;
      if (odd_strides && contiguous_right) {
        add("LAYOUT-STRIDES-ANY", c,
            "misreads a layout with a stride <= 0 or not a multiple of the itemsize (" + wrong +
                ") and reads its C-contiguous copy right");
      }
      if (r.a->saw_suboffsets() && contiguous_right) {
        add("ALGO-INDIRECT-HANDLED", c,
            "requested PyBUF_INDIRECT, got suboffsets and misread them (" + wrong +
                "); it reads the C-contiguous copy right");
      }
      if (normalized && reads_right(c, *normalized)) {
        add("ALGO-UNIT-EXTENT-STRIDES", c,
            "misreads the layout (" + wrong +
                ") but reads it right when the strides of its extent-1 dimensions are the C "
                "ones (no element moves)");
      }
    }
  }
}

}  // namespace bufconf::suite
