// The SVG memory map.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "conformance/explain/render.h"
#include "conformance/suite/report.h"

namespace bufconf::explain::internal {
namespace {

using layout::Descriptor;
using layout::FullView;
using layout::Memory;
using layout::Region;

// XML text: the suite's escaping (strings here are already Printable ASCII).
std::string Esc(const std::string& s) { return suite::XmlEscape(s); }

std::string Num(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", x);
  std::string s = b;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

constexpr int kRowCells = 16;
constexpr double kCellW = 40;
constexpr double kLeft = 160;  // a multiple of kCellW: the grid pattern lines up
constexpr double kStripW = kRowCells * kCellW;
constexpr double kRight = 110;
constexpr double kWidth = kLeft + kStripW + kRight;
constexpr double kBand = 13;   // above the cells: region names, buf marker
constexpr double kCellH = 24;  // the cells
constexpr double kRowH = kBand + kCellH + 5;
constexpr double kGapH = 22;
constexpr size_t kMaxRows = 2048;
constexpr size_t kMaxSegments = 256;
constexpr size_t kMaxRegionsDrawn = 512;
constexpr u128 kAddressEnd = static_cast<u128>(1) << 64;

struct Interval {
  u128 start, end;  // [start, end), end > start
};

struct Segment {
  u128 start, end;  // multiples of the row size
  double y0 = 0;    // y of its first row
};

class SvgMap {
 public:
  explicit SvgMap(const Analysis& a) : a_(a) {}

  std::string Render() {
    CollectInterest();
    ChooseScale();
    std::vector<std::string> header = HeaderLines();
    const double legend_y = 14 + 16.0 * static_cast<double>(header.size()) + 6;
    double y = legend_y + Legend(legend_y, false) + 14;
    for (size_t k = 0; k < segments_.size(); ++k) {
      segments_[k].y0 = y;
      y += static_cast<double>((segments_[k].end - segments_[k].start) / row_bytes_) * kRowH;
      if (k + 1 < segments_.size()) y += kGapH;
    }
    if (segments_.empty()) y += 30;
    const double height = y + 20;

    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << Num(kWidth) << "\" height=\""
         << Num(height) << "\" viewBox=\"0 0 " << Num(kWidth) << " " << Num(height)
         << "\" font-family=\"monospace\" font-size=\"10\">\n";
    out_ << "<title>" << Esc(header[0]) << "</title>\n";
    Defs();
    out_ << "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"" << Num(kWidth) << "\" height=\""
         << Num(height) << "\"/>\n";
    for (size_t k = 0; k < header.size(); ++k) {
      out_ << "<text class=\"" << (k == 0 ? "h1" : "h2") << "\" x=\"10\" y=\""
           << Num(16 + 16.0 * static_cast<double>(k)) << "\">" << Esc(header[k]) << "</text>\n";
    }
    Legend(legend_y, true);
    if (segments_.empty()) {
      out_ << "<text class=\"note\" x=\"10\" y=\"" << Num(legend_y + 50)
           << "\">nothing to draw</text>\n";
    }
    Rows();
    Regions();
    Span();
    Pointers();
    Elements();
    out_ << labels_.str();  // on top of every cell, so overlapping elements keep their labels
    Arrows();
    BufMarker();
    out_ << "</svg>\n";
    return out_.str();
  }

 private:
  void Add(u128 start, u128 size) {
    if (size == 0) size = 1;
    u128 end = start + size;
    if (end > kAddressEnd) end = kAddressEnd;
    if (start >= end) return;
    interest_.push_back({start, end});
  }

  void CollectInterest() {
    Add(a_.v->buf, 1);
    const u128 itemsize = a_.full ? static_cast<u128>(a_.full->itemsize) : 1;
    for (const Element& e : a_.elements) {
      if (e.placed) Add(e.addr, itemsize);
    }
    for (const PointerRead& p : a_.pointers) {
      Add(p.at, 8);
      if (p.target_valid) Add(p.target, 1);
    }
    if (a_.m != nullptr) {
      size_t k = 0;
      for (const Region& r : a_.m->regions()) {
        if (k++ >= kMaxRegionsDrawn) break;
        const u128 size = r.bytes.size();
        if (size <= 4096) {
          Add(r.base, size);
        } else {
          Add(r.base, 64);
          Add(static_cast<u128>(r.end()) - 64, 64);
        }
      }
    }
    std::sort(interest_.begin(), interest_.end(),
              [](const Interval& x, const Interval& y) { return x.start < y.start; });
  }

  std::vector<Segment> Merge(u128 row_bytes) const {
    std::vector<Segment> out;
    for (const Interval& i : interest_) {
      const u128 s = i.start / row_bytes * row_bytes;
      u128 e = (i.end + row_bytes - 1) / row_bytes * row_bytes;
      if (!out.empty() && s <= out.back().end + 2 * row_bytes) {
        out.back().end = std::max(out.back().end, e);
      } else {
        out.push_back({s, e, 0});
      }
    }
    return out;
  }

  void ChooseScale() {
    for (unit_ = 1;; unit_ *= 2) {
      row_bytes_ = unit_ * kRowCells;
      segments_ = Merge(row_bytes_);
      u128 rows = 0;
      for (const Segment& s : segments_) rows += (s.end - s.start) / row_bytes_;
      if ((rows <= kMaxRows && segments_.size() <= kMaxSegments) || unit_ >= (u128{1} << 62)) {
        break;
      }
    }
  }

  // The segment holding address `x` (as a byte position), or null.
  const Segment* Find(u128 x) const {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), x,
                               [](u128 value, const Segment& s) { return value < s.start; });
    if (it == segments_.begin()) return nullptr;
    --it;
    return x < it->end ? &*it : nullptr;
  }

  double X(const Segment& s, u128 x) const {
    const u128 col = (x - s.start) % row_bytes_;
    return kLeft + static_cast<double>(col) / static_cast<double>(unit_) * kCellW;
  }
  double RowY(const Segment& s, u128 x) const {
    return s.y0 + static_cast<double>((x - s.start) / row_bytes_) * kRowH;
  }

  // Rectangles covering [start, end) inside segment s, on the cell band offset by dy, height h:
  // at most three (first row, full middle rows as one block, last row), or with `block` false
  // one per row.
  void Pieces(const Segment& s, u128 start, u128 end, double dy, double h, const std::string& cls,
              const std::string& title = "", bool block = true) {
    start = std::max(start, s.start);
    end = std::min(end, s.end);
    if (start >= end) return;
    auto rect = [&](double x0, double x1, double y0, double height) {
      out_ << "<rect class=\"" << cls << "\" x=\"" << Num(x0) << "\" y=\"" << Num(y0)
           << "\" width=\"" << Num(std::max(x1 - x0, 1.5)) << "\" height=\"" << Num(height) << "\"";
      if (title.empty()) {
        out_ << "/>\n";
      } else {
        out_ << "><title>" << Esc(title) << "</title></rect>\n";
      }
    };
    const u128 r0 = (start - s.start) / row_bytes_;
    const u128 r1 = (end - 1 - s.start) / row_bytes_;
    const double y_first = RowY(s, start) + kBand + dy;
    const double x_end = kLeft + kStripW;
    if (r0 == r1) {
      const u128 col_end = end - s.start - r1 * row_bytes_;
      rect(X(s, start), kLeft + static_cast<double>(col_end) / static_cast<double>(unit_) * kCellW,
           y_first, h);
      return;
    }
    rect(X(s, start), x_end, y_first, h);
    if (r1 > r0 + 1 && block) {
      rect(kLeft, x_end, y_first + kRowH, static_cast<double>(r1 - r0 - 2) * kRowH + h);
    }
    for (u128 r = r0 + 1; r < r1 && !block; ++r) {
      rect(kLeft, x_end, y_first + static_cast<double>(r - r0) * kRowH, h);
    }
    const u128 col_end = end - s.start - r1 * row_bytes_;
    rect(kLeft, kLeft + static_cast<double>(col_end) / static_cast<double>(unit_) * kCellW,
         RowY(s, end - 1) + kBand + dy, h);
  }

  // Pieces of [start, end) in every segment it meets.
  void AllPieces(u128 start, u128 end, double dy, double h, const std::string& cls,
                 bool block = true) {
    for (const Segment& s : segments_) {
      if (s.end <= start) continue;
      if (s.start >= end) break;
      Pieces(s, start, end, dy, h, cls, "", block);
    }
  }

  std::vector<std::string> HeaderLines() const {
    const Descriptor& v = *a_.v;
    std::vector<std::string> h;
    std::string title = "bufconf explain: " + std::to_string(v.ndim) + "-D view";
    if (a_.count) title += " of " + Plural(*a_.count, "element");
    title += ", itemsize " + std::to_string(v.itemsize) + ", format " +
             (v.format ? "\"" + Printable(*v.format, 30) + "\"" : std::string("NULL"));
    h.push_back(title);
    h.push_back("buf " + Hex(v.buf) + ", len " + std::to_string(v.len) + ", shape " +
                OptInts(v.shape) + ", strides " + OptInts(v.strides) + ", suboffsets " +
                OptInts(v.suboffsets));
    h.push_back(std::string("contiguous: C ") + (a_.c.value ? "yes" : "no") + ", F " +
                (a_.f.value ? "yes" : "no") + ", A " + (a_.a.value ? "yes" : "no") +
                "; is_unique " + a_.unique.value + ", is_exhaustive " + a_.exhaustive.value);
    // The verdict is Judge's, as in the text and the JSON: not checked wins (it said "valid: no
    // rule broken" for a view too large to walk, which `bufconf check` does not call valid).
    auto list = [](const std::vector<layout::Violation>& found) {
      std::string rules;
      for (size_t k = 0; k < found.size(); ++k) {
        if (k > 0) rules += ", ";
        rules += Printable(found[k].rule, 40);
      }
      return rules;
    };
    if (!a_.not_checked.empty()) {
      std::string line = "NOT CHECKED (too large to walk; as `bufconf check`, exit status 2): " +
                         list(a_.not_checked);
      if (!a_.violations.empty()) line += "; found before: " + list(a_.violations);
      h.push_back(std::move(line));
    } else {
      h.push_back(a_.violations.empty() ? std::string("valid: no rule broken")
                                        : std::string(a_.valid ? "valid (no MUST rule); findings: "
                                                               : "INVALID; breaks: ") +
                                              list(a_.violations));
    }
    std::string scale = unit_ == 1 ? "1 cell = 1 byte" : "1 cell = " + Dec(unit_) + " bytes";
    scale += ", " + Dec(row_bytes_) + " bytes per row";
    if (a_.m == nullptr) scale += "; no memory declared";
    h.push_back(scale);
    if (a_.summarised) {
      h.push_back((a_.count ? Dec(*a_.count) : std::string("more than 2^63")) +
                  " elements, summarised: " + std::to_string(a_.elements.size()) +
                  " drawn (the first and last in C order, and the ends of the span)");
    }
    if (a_.walk_capped) {
      h.push_back("(more than the " + Dec(kMaxWalkedElements) +
                  " elements bufconf walks one by one, whatever --max-elements says)");
    }
    if (a_.not_drawn > 0) {
      h.push_back(Dec(a_.walked) + " elements, " + std::to_string(a_.elements.size()) +
                  " drawn: ... " + Dec(a_.not_drawn) + " more not drawn (at most " +
                  Dec(kMaxDrawnElements) + " one by one)");
    }
    if (!a_.structure_error.empty()) h.push_back(a_.structure_error);
    if (a_.unplaced > 0) {
      h.push_back(Plural(static_cast<int64_t>(a_.unplaced), "element") +
                  " cannot be placed, e.g. " + a_.first_problem);
    }
    if (a_.pointers_truncated) h.push_back("pointer tables truncated");
    for (std::string& line : h) {
      if (line.size() > 140) line = line.substr(0, 137) + "...";
    }
    return h;
  }

  void Defs() {
    out_ << "<defs>\n"
         << "<pattern id=\"grid\" patternUnits=\"userSpaceOnUse\" width=\"" << Num(kCellW)
         << "\" height=\"10\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"10\" stroke=\"#d0d0d0\" "
            "stroke-width=\"1\"/></pattern>\n"
         << "<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fcbba1\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#cb181d\" stroke-width=\"3\"/>"
            "</pattern>\n"
         << "<pattern id=\"stray\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" "
            "patternTransform=\"rotate(-45)\"><rect width=\"8\" height=\"8\" fill=\"#f2f2f2\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#969696\" stroke-width=\"2\"/>"
            "</pattern>\n"
         << "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
            "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#7f2704\"/>"
            "</marker>\n"
         << "<marker id=\"arrow-bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
            "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
            "fill=\"#cb181d\"/></marker>\n"
         << "</defs>\n"
         << "<style>\n"
         << ".bg{fill:#ffffff}\n"
         << ".h1{font-family:sans-serif;font-size:13px;font-weight:bold}\n"
         << ".h2{font-family:sans-serif;font-size:11px}\n"
         << ".note{font-family:sans-serif;font-size:11px;fill:#555555}\n"
         << ".row{fill:#ffffff;stroke:#a0a0a0;stroke-width:0.6}\n"
         << ".grid{fill:url(#grid)}\n"
         << ".addr{font-size:9px;fill:#444444;text-anchor:end}\n"
         << ".gap{fill:#f4f4f4}\n"
         << ".gaptext{font-family:sans-serif;font-size:10px;fill:#666666;text-anchor:middle}\n"
         << ".region0{fill:#e5f5e0}.region1{fill:#deebf7}.region2{fill:#fff5d6}\n"
         << ".stray{fill:url(#stray)}\n"
         << ".boundary{stroke:#238b45;stroke-width:2}\n"
         << ".rname{font-family:sans-serif;font-size:9px;fill:#238b45}\n"
         << ".span{fill:#6a51a3}\n"
         << ".el0{fill:#6baed6;stroke:#08519c;stroke-width:0.8}\n"
         << ".el1{fill:#9ecae1;stroke:#08519c;stroke-width:0.8}\n"
         << ".outside{fill:#fd8d3c;stroke:#a63603;stroke-width:1.5}\n"
         << ".overlap{fill:url(#hatch);fill-opacity:0.75;stroke:#cb181d;stroke-width:1.5}\n"
         << ".ptr{fill:#fee391;stroke:#993404;stroke-width:0.8}\n"
         << ".ptrbad{fill:#fcbba1;stroke:#cb181d;stroke-width:1.5}\n"
         << ".lbl{font-size:10px;text-anchor:middle;fill:#08306b;paint-order:stroke;"
            "stroke:#ffffff;stroke-width:2.5px;stroke-opacity:0.8}\n"
         << ".arrow{fill:none;stroke:#7f2704;stroke-width:1.2}\n"
         << ".arrowbad{fill:none;stroke:#cb181d;stroke-width:1.2;stroke-dasharray:4 2}\n"
         << ".buf{fill:#000000}\n"
         << "</style>\n";
  }

  // The legend: swatches in rows of at most the drawing's width. Returns its height.
  double Legend(double y, bool draw) {
    struct Item {
      const char* cls;
      const char* text;
    };
    static const Item kItems[] = {{"el0", "element"},
                                  {"overlap", "overlapping element"},
                                  {"outside", "element outside declared memory"},
                                  {"ptr", "pointer-table entry"},
                                  {"arrow", "pointer + suboffset"},
                                  {"stray", "bytes outside any region"},
                                  {"region0", "declared region"},
                                  {"boundary", "region boundary"},
                                  {"span", "required span"}};
    double x = 10;
    double top = y;
    for (const Item& item : kItems) {
      const std::string cls = item.cls;
      const double w =
          24 + 5.6 * static_cast<double>(std::string(item.text).size()) + (cls == "arrow" ? 14 : 0);
      if (x + w > kWidth - 10) {
        x = 10;
        top += 20;
      }
      if (draw) {
        double text_x = x + 18;
        if (cls == "arrow") {
          out_ << "<path class=\"arrow\" d=\"M" << Num(x) << "," << Num(top + 7) << "H"
               << Num(x + 26) << "\" marker-end=\"url(#arrow)\"/>";
          text_x += 14;
        } else if (cls == "boundary") {
          out_ << "<line class=\"boundary\" x1=\"" << Num(x + 7) << "\" y1=\"" << Num(top)
               << "\" x2=\"" << Num(x + 7) << "\" y2=\"" << Num(top + 14) << "\"/>";
        } else {
          const bool thin = cls == "span";
          out_ << "<rect class=\"" << cls << "\" x=\"" << Num(x) << "\" y=\""
               << Num(top + (thin ? 5 : 0)) << "\" width=\"14\" height=\"" << (thin ? "4" : "14")
               << "\"/>";
        }
        out_ << "<text class=\"note\" x=\"" << Num(text_x) << "\" y=\"" << Num(top + 11) << "\">"
             << item.text << "</text>\n";
      }
      x += w;
    }
    return top + 20 - y;
  }

  void Rows() {
    const i128 buf = a_.v->buf;
    for (size_t k = 0; k < segments_.size(); ++k) {
      const Segment& s = segments_[k];
      for (u128 row = s.start; row < s.end; row += row_bytes_) {
        const double y = RowY(s, row) + kBand;
        out_ << "<rect class=\"row\" x=\"" << Num(kLeft) << "\" y=\"" << Num(y) << "\" width=\""
             << Num(kStripW) << "\" height=\"" << Num(kCellH) << "\"/>";
        if (unit_ == 1) {
          out_ << "<rect class=\"grid\" x=\"" << Num(kLeft) << "\" y=\"" << Num(y) << "\" width=\""
               << Num(kStripW) << "\" height=\"" << Num(kCellH) << "\"/>";
        }
        out_ << "<text class=\"addr\" x=\"" << Num(kLeft - 6) << "\" y=\"" << Num(y + 10) << "\">"
             << Hex(row) << "</text><text class=\"addr\" x=\"" << Num(kLeft - 6) << "\" y=\""
             << Num(y + 21) << "\">" << Rel(static_cast<i128>(row) - buf) << "</text>\n";
      }
      if (k + 1 < segments_.size()) {
        const Segment& next = segments_[k + 1];
        const double y = RowY(s, s.end - 1) + kRowH;
        out_ << "<rect class=\"gap\" x=\"10\" y=\"" << Num(y + 2) << "\" width=\""
             << Num(kWidth - 20) << "\" height=\"" << Num(kGapH - 4)
             << "\"/><text class=\"gaptext\" x=\"" << Num(kLeft + kStripW / 2) << "\" y=\""
             << Num(y + 15) << "\">... " << Dec(next.start - s.end) << " bytes not drawn ("
             << Hex(s.end) << ".." << Hex(next.start - 1) << ") ...</text>\n";
      }
    }
  }

  void Regions() {
    if (a_.m == nullptr) return;
    std::vector<const Region*> regions;
    for (const Region& r : a_.m->regions()) regions.push_back(&r);
    std::sort(regions.begin(), regions.end(),
              [](const Region* x, const Region* y) { return x->base < y->base; });
    // Bytes outside every region, then the regions, then their boundaries and names.
    for (const Segment& s : segments_) {
      u128 at = s.start;
      for (const Region* r : regions) {
        if (r->end() <= at || r->bytes.empty()) continue;
        if (r->base >= s.end) break;
        if (r->base > at) Pieces(s, at, r->base, 0, kCellH, "stray");
        at = std::max<u128>(at, r->end());
      }
      if (at < s.end) Pieces(s, at, s.end, 0, kCellH, "stray");
    }
    size_t k = 0;
    for (const Region* r : regions) {
      if (k >= kMaxRegionsDrawn) break;
      const std::string cls = "region" + std::to_string(k++ % 3);
      AllPieces(r->base, r->end(), 0, kCellH, cls);
    }
    k = 0;
    for (const Region* r : regions) {
      if (k++ >= kMaxRegionsDrawn) break;
      // The name where the region starts (or where it first appears in the drawing).
      const Segment* s = Find(r->base);
      u128 at = r->base;
      if (s == nullptr) {
        for (const Segment& seg : segments_) {
          if (seg.end > r->base && seg.start < r->end()) {
            s = &seg;
            at = seg.start;
            break;
          }
        }
      }
      if (s == nullptr) continue;
      const double x = X(*s, at);
      const double y = RowY(*s, at);
      const std::string name = RegionName(*r) + " (" + std::to_string(r->bytes.size()) + " B)";
      if (at == r->base) Boundary(x, y);
      out_ << "<text class=\"rname\" x=\"" << Num(x + 7) << "\" y=\"" << Num(y + kBand - 3) << "\">"
           << Esc(name) << "</text>\n";
      if (!r->bytes.empty()) {
        const u128 last = static_cast<u128>(r->end()) - 1;
        const Segment* e = Find(last);
        if (e != nullptr) Boundary(XEnd(*e, last + 1), RowY(*e, last));
      }
    }
  }

  // The x of the end of the byte range ending at `end` (drawn on the row of end - 1).
  double XEnd(const Segment& s, u128 end) const {
    const u128 col = end - s.start - (end - 1 - s.start) / row_bytes_ * row_bytes_;
    return kLeft + static_cast<double>(col) / static_cast<double>(unit_) * kCellW;
  }

  void Boundary(double x, double y) {
    out_ << "<line class=\"boundary\" x1=\"" << Num(x) << "\" y1=\"" << Num(y + 2) << "\" x2=\""
         << Num(x) << "\" y2=\"" << Num(y + kBand + kCellH + 2) << "\"/>\n";
  }

  void Span() {
    if (!a_.has_span || a_.indirect || a_.hi_end <= a_.lo) return;
    const i128 start = static_cast<i128>(a_.v->buf) + a_.lo;
    const i128 end = static_cast<i128>(a_.v->buf) + a_.hi_end;
    if (start < 0 || end > static_cast<i128>(kAddressEnd)) return;
    AllPieces(static_cast<u128>(start), static_cast<u128>(end), kCellH + 1, 3, "span", false);
  }

  void Pointers() {
    for (const PointerRead& p : a_.pointers) {
      const Segment* s = Find(p.at);
      if (s == nullptr) continue;
      std::string title = "pointer for " + IndexLabel(p.prefix) + " (dim " + std::to_string(p.dim) +
                          ") at " + Hex(p.at);
      if (!p.readable) {
        title += ": outside the declared memory";
      } else {
        title += " = " + Hex(p.value) + ", + suboffset " + std::to_string(p.suboffset);
        if (p.target_valid) title += " -> " + Hex(p.target);
        if (!p.target_inside) title += " (outside the declared memory)";
      }
      const bool bad = !p.readable || !p.target_inside;
      Pieces(*s, p.at, static_cast<u128>(p.at) + 8, 2, kCellH - 4, bad ? "ptrbad" : "ptr", title);
      Label(*s, p.at, 8, "*" + IndexLabel(p.prefix));
    }
  }

  // A label centred on the first row piece of [start, start + size), if it is wide and tall
  // enough (the cell band offset by dy, height h).
  void Label(const Segment& s, u128 start, u128 size, const std::string& text, double dy = 0,
             double h = kCellH) {
    const u128 row_end = s.start + ((start - s.start) / row_bytes_ + 1) * row_bytes_;
    const u128 end = std::min(std::min<u128>(start + std::max<u128>(size, 1), row_end), s.end);
    const double x0 = X(s, start);
    const double x1 = XEnd(s, end);
    if ((x1 - x0) < 6.2 * static_cast<double>(text.size()) + 2 || h < 10.5) return;
    labels_ << "<text class=\"lbl\" x=\"" << Num((x0 + x1) / 2) << "\" y=\""
            << Num(RowY(s, start) + kBand + dy + h / 2 + 3.5) << "\">" << Esc(text) << "</text>\n";
  }

  void Elements() {
    if (!a_.full) return;
    const u128 itemsize = static_cast<u128>(a_.full->itemsize);
    const u128 extent = std::max<u128>(itemsize, 1);
    // Elements at the same bytes are drawn once, with all their indices in the title.
    std::map<uint64_t, std::vector<const Element*>> groups;
    for (const Element& e : a_.elements) {
      if (e.placed && Find(e.addr) != nullptr) groups[e.addr].push_back(&e);
    }
    // Groups that share bytes with another group (sorted by address: a group before it reaches
    // past its start, or the next one starts before its end) go into lanes, one above the other,
    // so every overlapping element stays visible.
    std::vector<uint64_t> starts;
    for (const auto& group : groups) starts.push_back(group.first);
    std::vector<bool> intersects(starts.size(), false);
    std::vector<size_t> lane(starts.size(), 0);
    std::vector<u128> lane_end;  // the end of the last group in each lane
    constexpr size_t kMaxLanes = 4;
    u128 reach = 0;
    for (size_t k = 0; k < starts.size() && itemsize > 0; ++k) {
      const u128 at = starts[k];
      if (k > 0 && at < reach) intersects[k] = true;
      if (k + 1 < starts.size() && static_cast<u128>(starts[k + 1]) < at + itemsize) {
        intersects[k] = true;
      }
      reach = std::max(reach, at + itemsize);
      size_t j = 0;
      while (j < lane_end.size() && lane_end[j] > at) ++j;
      if (j == lane_end.size()) {
        if (lane_end.size() < kMaxLanes) {
          lane_end.push_back(0);
        } else {
          j = k % kMaxLanes;
        }
      }
      lane[k] = j;
      lane_end[j] = std::max(lane_end[j], at + itemsize);
    }
    const double lane_h = kCellH / static_cast<double>(std::max<size_t>(lane_end.size(), 1));
    size_t k = 0;
    for (const auto& [addr, members] : groups) {
      const bool overlap = intersects[k] || members.size() > 1;
      const double dy = intersects[k] ? static_cast<double>(lane[k]) * lane_h : 0;
      const double h = intersects[k] ? lane_h : kCellH;
      ++k;
      const Element& first = *members.front();
      std::string cls = "el" + std::to_string(k % 2);
      if (first.outside) cls = "outside";
      if (overlap) cls += " overlap";
      std::string title;
      for (size_t m = 0; m < members.size() && m < 6; ++m) {
        title += (m > 0 ? " " : "") + IndexLabel(members[m]->index);
      }
      if (members.size() > 6) title += " and " + std::to_string(members.size() - 6) + " more";
      title += " at " + Hex(addr) + " (" + Rel(static_cast<i128>(addr) - a_.v->buf) + "), " +
               Plural(static_cast<int64_t>(itemsize), "byte");
      if (first.outside) title += ", outside the declared memory";
      if (overlap) title += ", overlaps another element";
      const Segment& s = *Find(addr);
      Pieces(s, addr, static_cast<u128>(addr) + extent, dy, h, cls, title);
      std::string text = IndexLabel(first.index);
      if (members.size() > 1) text += "x" + std::to_string(members.size());
      Label(s, addr, itemsize, text, dy, h);
    }
  }

  void Arrows() {
    for (const PointerRead& p : a_.pointers) {
      if (!p.readable || !p.target_valid) continue;
      const Segment* from = Find(p.at);
      const Segment* to = Find(p.target);
      if (from == nullptr || to == nullptr) continue;
      // From the middle of the entry's first row piece, down (or up) to the target's cell.
      const u128 row_end = from->start + ((p.at - from->start) / row_bytes_ + 1) * row_bytes_;
      const double x1 =
          (X(*from, p.at) + XEnd(*from, std::min<u128>(static_cast<u128>(p.at) + 8, row_end))) / 2;
      const double row1 = RowY(*from, p.at);
      const double x2 = X(*to, p.target) + 1;
      const double row2 = RowY(*to, p.target);
      const bool down = row2 > row1;
      const double y1 = down ? row1 + kBand + kCellH - 2 : row1 + kBand + 2;
      const double y2 = down ? row2 + kBand : row2 + kBand + kCellH;
      const double pull = std::min(60.0, std::max(20.0, (down ? y2 - y1 : y1 - y2) / 2));
      const double c1 = down ? y1 + pull : y1 - pull;
      const double c2 = down ? y2 - pull : y2 + pull;
      const bool bad = !p.target_inside;
      out_ << "<path class=\"" << (bad ? "arrowbad" : "arrow") << "\" d=\"M" << Num(x1) << ","
           << Num(y1) << " C" << Num(x1) << "," << Num(c1) << " " << Num(x2) << "," << Num(c2)
           << " " << Num(x2) << "," << Num(y2) << "\" marker-end=\"url(#"
           << (bad ? "arrow-bad" : "arrow") << ")\"/>\n";
    }
  }

  void BufMarker() {
    const Segment* s = Find(a_.v->buf);
    if (s == nullptr) return;
    const double x = X(*s, a_.v->buf);
    const double y = RowY(*s, a_.v->buf) + kBand;
    out_ << "<path class=\"buf\" d=\"M" << Num(x) << "," << Num(y) << "l-4,-6h8z\"><title>buf "
         << Hex(a_.v->buf) << "</title></path>\n";
  }

  const Analysis& a_;
  std::vector<Interval> interest_;
  std::vector<Segment> segments_;
  u128 unit_ = 1;
  u128 row_bytes_ = kRowCells;
  std::ostringstream out_;
  std::ostringstream labels_;
};

}  // namespace

std::string RenderSvg(const Analysis& a) { return SvgMap(a).Render(); }

}  // namespace bufconf::explain::internal
