#include "app/invoice_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace tend {
namespace {

// ---- page geometry (PDF points, 1/72 inch; A4) ----------------------------------------------------------
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 48;
constexpr double kRight = kPageWidth - kMargin;
constexpr double kContentWidth = kRight - kMargin;
constexpr double kFooterRule = kPageHeight - 46;
constexpr double kBodyBottom = kFooterRule - 14;
constexpr double kCellPad = 4;
constexpr double kRowPad = 4.5;

// Columns of the lines table: description, quantity, unit price, tax, amount.
struct Column {
  double x;
  double width;
  PangoAlignment align;
};
constexpr double kQtyWidth = 62, kPriceWidth = 72, kTaxWidth = 66, kAmountWidth = 78;
constexpr double kDescWidth = kContentWidth - kQtyWidth - kPriceWidth - kTaxWidth - kAmountWidth;
constexpr std::array<Column, 5> kColumns = {{
    {kMargin, kDescWidth, PANGO_ALIGN_LEFT},
    {kMargin + kDescWidth, kQtyWidth, PANGO_ALIGN_RIGHT},
    {kMargin + kDescWidth + kQtyWidth, kPriceWidth, PANGO_ALIGN_RIGHT},
    {kMargin + kDescWidth + kQtyWidth + kPriceWidth, kTaxWidth, PANGO_ALIGN_RIGHT},
    {kMargin + kDescWidth + kQtyWidth + kPriceWidth + kTaxWidth, kAmountWidth, PANGO_ALIGN_RIGHT},
}};

struct Color {
  double r, g, b;
};
constexpr Color kInk{0.12, 0.13, 0.15};
constexpr Color kMuted{0.42, 0.44, 0.47};
constexpr Color kAccent{0.10, 0.29, 0.45};
constexpr Color kRuleColor{0.82, 0.84, 0.86};
constexpr Color kShade{0.93, 0.95, 0.97};
constexpr Color kDraftColor{0.80, 0.12, 0.12};

enum class Font { body, bold, small, small_bold, label, name, title, watermark };

const char* font_spec(Font font) {
  switch (font) {
    case Font::body: return "DejaVu Sans 8.5";
    case Font::bold: return "DejaVu Sans Bold 8.5";
    case Font::small: return "DejaVu Sans 7.5";
    case Font::small_bold: return "DejaVu Sans Bold 7.5";
    case Font::label: return "DejaVu Sans Bold 7";
    case Font::name: return "DejaVu Sans Bold 14";
    case Font::title: return "DejaVu Sans Bold 20";
    case Font::watermark: return "DejaVu Sans Bold 120";
  }
  return "DejaVu Sans 8.5";
}
constexpr int kFontCount = 8;

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;
struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDestroy {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct FontDescriptionFree {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The logo's box on the page and its largest scale: a pixel is at most 0.75
// point (96 pixels per inch), so a small logo is not blown up.
constexpr double kLogoMaxWidth = 160;
constexpr double kLogoMaxHeight = 50;
constexpr double kLogoMaxScale = 72.0 / 96.0;

// Feeds cairo's PNG reader from bytes in memory.
struct PngSource {
  std::string_view bytes;
  size_t offset = 0;
};
cairo_status_t read_from_string(void* closure, unsigned char* data, unsigned int length) {
  auto* source = static_cast<PngSource*>(closure);
  if (source->bytes.size() - source->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, source->bytes.data() + source->offset, length);
  source->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

// The decoded PNG, or null when cairo cannot read it.
std::unique_ptr<cairo_surface_t, SurfaceDestroy> decode_png(std::string_view png) {
  PngSource source{png};
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> image(
      cairo_image_surface_create_from_png_stream(read_from_string, &source));
  if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
  return image;
}

// A laid-out piece of text with its size.
struct Text {
  LayoutPtr layout;
  double width = 0;
  double height = 0;
};

// Makes pango layouts on one cairo context and draws them. One per render.
class Canvas {
 public:
  explicit Canvas(cairo_t* cr) : cr_(cr), context_(pango_cairo_create_context(cr)) {
    // Points as the unit, and no hinting, so that measuring and drawing agree
    // and the PDF scales cleanly.
    pango_cairo_context_set_resolution(context_.get(), 72);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    for (int i = 0; i < kFontCount; ++i) {
      fonts_[static_cast<size_t>(i)].reset(
          pango_font_description_from_string(font_spec(static_cast<Font>(i))));
    }
  }

  // `width` > 0 wraps (words, else characters) and aligns within it.
  Text text(std::string_view content, Font font, double width = 0, PangoAlignment align = PANGO_ALIGN_LEFT) {
    Text t;
    t.layout.reset(pango_layout_new(context_.get()));
    PangoLayout* layout = t.layout.get();
    pango_layout_set_font_description(layout, fonts_[static_cast<size_t>(font)].get());
    if (width > 0) {
      pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment(layout, align);
    }
    pango_layout_set_text(layout, content.data(), static_cast<int>(content.size()));
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    t.width = static_cast<double>(logical.width) / PANGO_SCALE;
    t.height = static_cast<double>(logical.height) / PANGO_SCALE;
    return t;
  }

  // Draws `t` with its top-left corner (of the wrapping box) at x, y.
  void draw(const Text& t, double x, double y, Color color) {
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, t.layout.get());
  }
  // Draws `t` ending at `right` (for text laid out without a width).
  void draw_right(const Text& t, double right, double y, Color color) { draw(t, right - t.width, y, color); }

  void rule(double x1, double x2, double y, double width, Color color) {
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x1, y);
    cairo_line_to(cr_, x2, y);
    cairo_stroke(cr_);
  }
  void fill(double x, double y, double w, double h, Color color) {
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }
  // Draws `image` with its top-left corner at x, y, scaled by `scale`.
  void image(cairo_surface_t* image, double x, double y, double scale) {
    cairo_save(cr_);
    cairo_translate(cr_, x, y);
    cairo_scale(cr_, scale, scale);
    cairo_set_source_surface(cr_, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_GOOD);
    cairo_paint(cr_);
    cairo_restore(cr_);
  }
  // The big diagonal "DRAFT" across the page, faint, under the content.
  void watermark(const Text& t) {
    cairo_save(cr_);
    cairo_translate(cr_, kPageWidth / 2, kPageHeight / 2);
    cairo_rotate(cr_, -0.9);
    cairo_set_source_rgba(cr_, kDraftColor.r, kDraftColor.g, kDraftColor.b, 0.10);
    cairo_move_to(cr_, -t.width / 2, -t.height / 2);
    pango_cairo_show_layout(cr_, t.layout.get());
    cairo_restore(cr_);
  }

 private:
  cairo_t* cr_;
  ContextPtr context_;
  std::array<std::unique_ptr<PangoFontDescription, FontDescriptionFree>, kFontCount> fonts_;
};

// ---- formatting ---------------------------------------------------------------------------------------
std::string format_date(CivilDate day) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::chrono::year_month_day ymd(day);
  return std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1] + " " + std::to_string(static_cast<int>(ymd.year()));
}

std::string kind_title(const Invoice& invoice) {
  return invoice.kind == InvoiceKind::credit_note ? "Credit note" : "Invoice";
}

std::string tax_label(const std::string& code) {
  if (code == "reverse_charge") return "Reverse charge";
  if (code == "exempt") return "Exempt";
  return code;
}

std::string tax_text(const LineTax& tax) {
  std::string rate = tax.rate_percent.to_string() + "%";
  return tax.code.empty() ? rate : tax_label(tax.code) + " " + rate;
}

std::string country_name(const std::string& code) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"NL", "Netherlands"}, {"BE", "Belgium"}, {"DE", "Germany"},        {"FR", "France"},
      {"LU", "Luxembourg"},  {"AT", "Austria"}, {"GB", "United Kingdom"}, {"CH", "Switzerland"}};
  for (const auto& [c, name] : kNames) {
    if (c == code) return std::string(name);
  }
  return code;
}

std::vector<std::string> address_lines(const Address& a) {
  std::vector<std::string> lines;
  auto add = [&](std::string line) {
    if (!line.empty()) lines.push_back(std::move(line));
  };
  add(a.line1);
  add(a.line2);
  std::string place = a.postal_code;
  if (!a.city.empty()) place += (place.empty() ? "" : " ") + a.city;
  add(place);
  add(a.region);
  add(country_name(a.country));
  return lines;
}

// "NL91 ABNA 0417 1643 00": groups of four, as printed on paper.
std::string grouped_iban(const std::string& iban) {
  std::string compact;
  for (char c : iban) {
    if (c != ' ') compact += c;
  }
  std::string out;
  for (size_t i = 0; i < compact.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += compact[i];
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// ---- the document, laid out ---------------------------------------------------------------------------

// One row of the lines table.
struct Row {
  Text description;
  std::optional<Text> detail;  // factor, service period
  std::array<Text, 4> cells;   // quantity, unit price, tax, amount
  double height = 0;
  int page = 0;
  double y = 0;
};

// A block below the table (totals, payment, notes), drawn by `draw` at y.
struct Block {
  double height = 0;
  int page = 0;
  double y = 0;
  std::function<void(Canvas&, double)> draw;
};

class InvoiceRenderer {
 public:
  // `logo`: the decoded provider logo, or null.
  InvoiceRenderer(const InvoiceDocument& document, Canvas& canvas, cairo_surface_t* logo)
      : d_(document), i_(document.invoice), c_(canvas), logo_(logo) {}

  // Lays out everything, splits it into pages; returns the page count.
  int layout() {
    first_table_top_ = layout_first_page_header();
    layout_continuation_header();
    layout_table_header();
    for (size_t k = 0; k < i_.lines.size(); ++k) rows_.push_back(layout_row(i_.lines[k]));
    blocks_.push_back(totals_block());
    blocks_.push_back(payment_block());
    if (!d_.notes.empty()) blocks_.push_back(notes_block());
    return paginate();
  }

  void draw_page(int page, int pages, cairo_t* cr) {
    if (draft()) c_.watermark(watermark_);
    if (page == 0) {
      draw_first_page_header();
    } else {
      draw_continuation_header();
    }
    bool header_drawn = false;
    for (const Row& row : rows_) {
      if (row.page != page) continue;
      if (!header_drawn) {
        draw_table_header(row.y - header_height_);
        header_drawn = true;
      }
      draw_row(row);
    }
    for (const Block& block : blocks_) {
      if (block.page == page) block.draw(c_, block.y);
    }
    draw_footer(page, pages);
    cairo_show_page(cr);
  }

 private:
  bool draft() const { return i_.status == InvoiceStatus::draft; }
  Color accent() const { return draft() ? kDraftColor : kAccent; }
  std::string title() const {
    std::string t = i_.kind == InvoiceKind::credit_note ? "CREDIT NOTE" : "INVOICE";
    return draft() ? "DRAFT " + t : t;
  }
  std::string money(const Money& m) const {
    return std::string(m.currency().code()) + " " + format_amount(m);
  }

  // -- page 1: provider, title with the facts, client ------------------------------------------------
  double layout_first_page_header() {
    const ProviderSettings& p = d_.provider;
    provider_name_ = c_.text(p.name, Font::name, 270);
    std::vector<std::string> lines = address_lines(p.address);
    for (const auto& contact : {p.email, p.phone, p.website}) {
      if (!contact.empty()) lines.push_back(contact);
    }
    provider_details_ = c_.text(join(lines, "\n"), Font::small, 270);
    title_ = c_.text(title(), Font::title);
    if (draft()) watermark_ = c_.text("DRAFT", Font::watermark);

    std::vector<std::pair<std::string, std::string>> facts;
    if (draft()) {
      facts.emplace_back("Status", "Draft, not issued: no number yet");
    } else {
      facts.emplace_back(i_.kind == InvoiceKind::credit_note ? "Credit note number" : "Invoice number",
                         i_.number);
      if (i_.issued_on) facts.emplace_back("Issue date", format_date(*i_.issued_on));
      if (i_.due_on && i_.kind == InvoiceKind::invoice)
        facts.emplace_back("Due date", format_date(*i_.due_on));
    }
    if (i_.kind == InvoiceKind::credit_note && !i_.credited_number.empty()) {
      facts.emplace_back("Credits invoice", i_.credited_number);
    }
    if (d_.period_from && d_.period_to) {
      facts.emplace_back("Period", format_date(*d_.period_from) + " – " + format_date(*d_.period_to));
    }
    if (!d_.client.reference.empty()) facts.emplace_back("Client reference", d_.client.reference);
    for (auto& [label, value] : facts) {
      facts_.push_back({c_.text(label, Font::small), c_.text(value, Font::bold)});
    }

    bill_to_label_ = c_.text("BILL TO", Font::label);
    client_name_ = c_.text(d_.client.name, Font::bold, 250);
    std::vector<std::string> client_lines = address_lines(d_.client.address);
    if (!d_.client.vat_number.empty()) client_lines.push_back("VAT " + d_.client.vat_number);
    client_details_ = c_.text(join(client_lines, "\n"), Font::body, 250);

    if (logo_) {
      const double w = cairo_image_surface_get_width(logo_), h = cairo_image_surface_get_height(logo_);
      logo_scale_ = std::min({kLogoMaxWidth / w, kLogoMaxHeight / h, kLogoMaxScale});
      provider_top_ = kMargin + h * logo_scale_ + 10;
    }
    const double left_bottom = provider_top_ + provider_name_.height + 4 + provider_details_.height;
    double right_bottom = kMargin + title_.height + 8;
    for (const auto& f : facts_) right_bottom += std::max(f.first.height, f.second.height) + 3;
    client_top_ = std::max(left_bottom, right_bottom) + 22;
    const double client_bottom =
        client_top_ + bill_to_label_.height + 3 + client_name_.height + 2 + client_details_.height;
    return client_bottom + 26;
  }

  void draw_first_page_header() {
    if (logo_) c_.image(logo_, kMargin, kMargin, logo_scale_);
    c_.draw(provider_name_, kMargin, provider_top_, kAccent);
    c_.draw(provider_details_, kMargin, provider_top_ + provider_name_.height + 4, kMuted);
    c_.draw_right(title_, kRight, kMargin - 4, accent());
    double y = kMargin + title_.height + 8;
    for (const auto& [label, value] : facts_) {
      c_.draw(label, kRight - 230, y + 1, kMuted);
      c_.draw_right(value, kRight, y, draft() && &label == &facts_.front().first ? kDraftColor : kInk);
      y += std::max(label.height, value.height) + 3;
    }
    double cy = client_top_;
    c_.draw(bill_to_label_, kMargin, cy, kMuted);
    cy += bill_to_label_.height + 3;
    c_.draw(client_name_, kMargin, cy, kInk);
    cy += client_name_.height + 2;
    c_.draw(client_details_, kMargin, cy, kInk);
  }

  // -- later pages: who and what, small -------------------------------------------------------------
  void layout_continuation_header() {
    continued_left_ = c_.text(d_.provider.name, Font::bold);
    std::string what = kind_title(i_) + " " + (draft() ? "(draft)" : i_.number) + " (continued)";
    continued_right_ = c_.text(what, Font::body);
    continuation_table_top_ = kMargin + std::max(continued_left_.height, continued_right_.height) + 18;
  }
  void draw_continuation_header() {
    c_.draw(continued_left_, kMargin, kMargin, kAccent);
    c_.draw_right(continued_right_, kRight, kMargin, draft() ? kDraftColor : kMuted);
    c_.rule(kMargin, kRight, kMargin + continued_left_.height + 6, 0.5, kRuleColor);
  }

  // -- the lines table ------------------------------------------------------------------------------
  void layout_table_header() {
    const std::array<std::string, 5> labels = {"Description", "Quantity", "Unit price", "Tax",
                                               "Amount (" + std::string(i_.currency.code()) + ")"};
    double h = 0;
    for (size_t k = 0; k < labels.size(); ++k) {
      header_cells_[k] =
          c_.text(labels[k], Font::small_bold, kColumns[k].width - 2 * kCellPad, kColumns[k].align);
      h = std::max(h, header_cells_[k].height);
    }
    header_height_ = h + 2 * kRowPad + 2;
    first_table_top_ += header_height_;
    continuation_table_top_ += header_height_;
  }
  void draw_table_header(double y) {
    c_.fill(kMargin, y, kContentWidth, header_height_ - 2, kShade);
    for (size_t k = 0; k < header_cells_.size(); ++k) {
      c_.draw(header_cells_[k], kColumns[k].x + kCellPad, y + kRowPad, kAccent);
    }
    c_.rule(kMargin, kRight, y + header_height_ - 2, 0.8, kAccent);
  }

  Row layout_row(const InvoiceLine& line) {
    Row row;
    row.description = c_.text(line.description, Font::body, kColumns[0].width - 2 * kCellPad);
    std::vector<std::string> detail;
    if (!(line.factor == Rational{1, 1})) detail.push_back("× " + line.factor.to_string());
    if (line.service_from && line.service_to) {
      detail.push_back(format_date(*line.service_from) + " – " + format_date(*line.service_to));
    }
    if (!detail.empty())
      row.detail = c_.text(join(detail, " · "), Font::small, kColumns[0].width - 2 * kCellPad);
    std::string quantity = line.quantity.to_string();
    if (!line.unit.empty()) quantity += " " + line.unit;
    const std::array<std::string, 4> values = {quantity, format_amount(line.unit_price), tax_text(line.tax),
                                               format_amount(line.amount)};
    double h = row.description.height + (row.detail ? row.detail->height + 1 : 0);
    for (size_t k = 0; k < values.size(); ++k) {
      row.cells[k] =
          c_.text(values[k], Font::body, kColumns[k + 1].width - 2 * kCellPad, kColumns[k + 1].align);
      h = std::max(h, row.cells[k].height);
    }
    row.height = h + 2 * kRowPad;
    return row;
  }
  void draw_row(const Row& row) {
    const double y = row.y + kRowPad;
    c_.draw(row.description, kColumns[0].x + kCellPad, y, kInk);
    if (row.detail) c_.draw(*row.detail, kColumns[0].x + kCellPad, y + row.description.height + 1, kMuted);
    for (size_t k = 0; k < row.cells.size(); ++k)
      c_.draw(row.cells[k], kColumns[k + 1].x + kCellPad, y, kInk);
    c_.rule(kMargin, kRight, row.y + row.height, 0.4, kRuleColor);
  }

  // -- below the table ------------------------------------------------------------------------------
  // The tax summary (left) and net / tax / total (right).
  Block totals_block() {
    struct Laid {
      std::vector<std::array<Text, 4>> summary;
      std::vector<std::pair<Text, Text>> totals;
    };
    auto laid = std::make_shared<Laid>();
    constexpr double kSummaryWidth = 260;
    constexpr std::array<double, 4> kSummaryCols = {0, 95, 135, 200};  // x offsets; widths to the next
    auto summary_row = [&](const std::array<std::string, 4>& cells, Font font) {
      std::array<Text, 4> row;
      for (size_t k = 0; k < 4; ++k) {
        const double width =
            (k + 1 < 4 ? kSummaryCols[k + 1] : kSummaryWidth) - kSummaryCols[k] - 2 * kCellPad;
        row[k] = c_.text(cells[k], font, width, k == 0 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
      }
      laid->summary.push_back(std::move(row));
    };
    summary_row({"Tax", "Rate", "Net", "Tax"}, Font::small_bold);
    for (const auto& r : i_.totals.tax_summary) {
      summary_row({r.code.empty() ? "No tax" : tax_label(r.code), r.rate_percent.to_string() + "%",
                   format_amount(r.base), format_amount(r.tax)},
                  Font::body);
    }
    const std::string total_label = i_.kind == InvoiceKind::credit_note ? "Total credited" : "Total";
    laid->totals.push_back({c_.text("Net amount", Font::body), c_.text(money(i_.totals.net), Font::body)});
    laid->totals.push_back({c_.text("Tax", Font::body), c_.text(money(i_.totals.tax), Font::body)});
    laid->totals.push_back({c_.text(total_label, Font::bold), c_.text(money(i_.totals.total), Font::bold)});

    double summary_h = 0;
    for (const auto& row : laid->summary) summary_h += row[0].height + 2 * 3;
    double totals_h = 0;
    for (const auto& t : laid->totals) totals_h += t.first.height + 2 * 3;
    totals_h += 4;
    Block block;
    block.height = std::max(summary_h, totals_h) + 8;
    block.draw = [laid, kSummaryCols](Canvas& c, double y0) {
      double y = y0 + 8;
      bool first = true;
      for (const auto& row : laid->summary) {
        if (first) c.fill(kMargin, y, kSummaryWidth, row[0].height + 6, kShade);
        for (size_t k = 0; k < 4; ++k)
          c.draw(row[k], kMargin + kSummaryCols[k] + kCellPad, y + 3, first ? kAccent : kInk);
        y += row[0].height + 6;
        c.rule(kMargin, kMargin + kSummaryWidth, y, 0.4, kRuleColor);
        first = false;
      }
      const double left = kRight - 200;
      y = y0 + 8;
      for (size_t k = 0; k < laid->totals.size(); ++k) {
        const bool last = k + 1 == laid->totals.size();
        if (last) {
          c.rule(left, kRight, y + 1, 1.0, kAccent);
          y += 4;
        }
        c.draw(laid->totals[k].first, left + kCellPad, y + 3, last ? kAccent : kInk);
        c.draw_right(laid->totals[k].second, kRight - kCellPad, y + 3, last ? kAccent : kInk);
        y += laid->totals[k].first.height + 6;
      }
    };
    return block;
  }

  // Payment terms with the bank details (or what a credit note / draft means).
  Block payment_block() {
    struct Laid {
      Text heading, text;
      std::vector<std::pair<Text, Text>> bank;
    };
    auto laid = std::make_shared<Laid>();
    const ProviderSettings& p = d_.provider;
    std::string text;
    if (draft()) {
      text =
          "This is a draft for review, not a request for payment. It gets its number, issue date and due "
          "date when it is issued.";
    } else if (i_.kind == InvoiceKind::credit_note) {
      text = "This credit note corrects invoice " + i_.credited_number + ". " + money(-i_.totals.total) +
             " is deducted from what you owe us, or refunded when the invoice has been paid.";
    } else {
      text = "Please pay " + money(i_.totals.total) + (i_.due_on ? " by " + format_date(*i_.due_on) : "") +
             " (" + std::to_string(i_.payment_terms_days) + " days net), quoting invoice number " +
             i_.number + ".";
    }
    laid->heading = c_.text(
        draft() ? "DRAFT" : (i_.kind == InvoiceKind::credit_note ? "SETTLEMENT" : "PAYMENT"), Font::label);
    laid->text = c_.text(text, Font::body, kContentWidth);
    if (i_.kind == InvoiceKind::invoice) {
      const std::string holder = !p.bank_account_holder.empty()
                                     ? p.bank_account_holder
                                     : (!p.legal_name.empty() ? p.legal_name : p.name);
      std::vector<std::pair<std::string, std::string>> bank;
      if (!p.bank_account.empty()) bank.emplace_back("IBAN", grouped_iban(p.bank_account));
      if (!p.bank_bic.empty()) bank.emplace_back("BIC", p.bank_bic);
      if (!p.bank_account.empty()) bank.emplace_back("Account holder", holder);
      for (auto& [label, value] : bank) {
        laid->bank.push_back({c_.text(label, Font::small), c_.text(value, Font::bold, kContentWidth - 90)});
      }
    }
    Block block;
    block.height = 14 + laid->heading.height + 4 + laid->text.height;
    if (!laid->bank.empty()) block.height += 6;
    for (const auto& b : laid->bank) block.height += b.second.height + 2;
    const bool is_draft = draft();
    block.draw = [laid, is_draft](Canvas& c, double y0) {
      double y = y0 + 14;
      c.draw(laid->heading, kMargin, y, is_draft ? kDraftColor : kMuted);
      y += laid->heading.height + 4;
      c.draw(laid->text, kMargin, y, kInk);
      y += laid->text.height + 6;
      for (const auto& [label, value] : laid->bank) {
        c.draw(label, kMargin, y + 1, kMuted);
        c.draw(value, kMargin + 90, y, kInk);
        y += value.height + 2;
      }
    };
    return block;
  }

  Block notes_block() {
    auto heading = std::make_shared<Text>(c_.text("NOTES", Font::label));
    auto text = std::make_shared<Text>(c_.text(d_.notes, Font::body, kContentWidth));
    Block block;
    block.height = 14 + heading->height + 4 + text->height;
    block.draw = [heading, text](Canvas& c, double y0) {
      c.draw(*heading, kMargin, y0 + 14, kMuted);
      c.draw(*text, kMargin, y0 + 14 + heading->height + 4, kInk);
    };
    return block;
  }

  // -- footer ---------------------------------------------------------------------------------------
  void draw_footer(int page, int pages) {
    if (!footer_left_.layout) {
      const ProviderSettings& p = d_.provider;
      std::vector<std::string> parts = {p.legal_name.empty() ? p.name : p.legal_name};
      if (!p.registration_number.empty()) parts.push_back("Reg. no. " + p.registration_number);
      if (!p.vat_number.empty()) parts.push_back("VAT " + p.vat_number);
      footer_left_ = c_.text(join(parts, "  ·  "), Font::small, kContentWidth - 80);
    }
    c_.rule(kMargin, kRight, kFooterRule, 0.5, kRuleColor);
    c_.draw(footer_left_, kMargin, kFooterRule + 5, kMuted);
    Text number = c_.text("Page " + std::to_string(page + 1) + " of " + std::to_string(pages), Font::small);
    c_.draw_right(number, kRight, kFooterRule + 5, kMuted);
  }

  // -- pagination -----------------------------------------------------------------------------------
  int paginate() {
    int page = 0;
    double y = first_table_top_;
    for (Row& row : rows_) {
      if (y + row.height > kBodyBottom && y > continuation_table_top_) {
        ++page;
        y = continuation_table_top_;
      }
      row.page = page;
      row.y = y;
      y += row.height;
    }
    for (Block& block : blocks_) {
      if (y + block.height > kBodyBottom) {
        ++page;
        y = continuation_table_top_ - header_height_;
      }
      block.page = page;
      block.y = y;
      y += block.height;
    }
    return page + 1;
  }

  const InvoiceDocument& d_;
  const Invoice& i_;
  Canvas& c_;
  Text provider_name_, provider_details_, title_, watermark_, bill_to_label_, client_name_, client_details_;
  std::vector<std::pair<Text, Text>> facts_;
  Text continued_left_, continued_right_, footer_left_;
  std::array<Text, 5> header_cells_;
  double header_height_ = 0, client_top_ = 0, first_table_top_ = 0, continuation_table_top_ = 0;
  cairo_surface_t* logo_ = nullptr;  // decoded logo, or null
  double logo_scale_ = 1, provider_top_ = kMargin;
  std::vector<Row> rows_;
  std::vector<Block> blocks_;
};

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// fontconfig keeps its configuration and pattern caches for the life of the
// process (and pango a font map per thread); LeakSanitizer reports them at
// exit. They are not leaks of ours: suppressed for sanitizer builds only.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif

std::string format_amount(const Money& amount) {
  const std::string decimal = amount.to_decimal();
  const bool negative = !decimal.empty() && decimal[0] == '-';
  const std::string body = negative ? decimal.substr(1) : decimal;
  const size_t point = body.find('.');
  const std::string whole = body.substr(0, point);
  std::string grouped;
  for (size_t k = 0; k < whole.size(); ++k) {
    if (k > 0 && (whole.size() - k) % 3 == 0) grouped += ',';
    grouped += whole[k];
  }
  return (negative ? "-" : "") + grouped + (point == std::string::npos ? "" : body.substr(point));
}

std::string invoice_pdf_filename(const Invoice& invoice) {
  const std::string kind = invoice.kind == InvoiceKind::credit_note ? "credit-note" : "invoice";
  if (invoice.status == InvoiceStatus::draft || invoice.number.empty()) {
    return kind + "-draft-" + std::to_string(invoice.id.value()) + ".pdf";
  }
  return kind + "-" + invoice.number + ".pdf";
}

Result<std::pair<int, int>> logo_png_size(std::string_view png, const std::string& field) {
  static constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
  if (png.size() > kMaxLogoBytes) {
    return std::unexpected(Error::invalid_field(field, "at most " + std::to_string(kMaxLogoBytes / 1024) + " KiB"));
  }
  // The size from the header (IHDR, the first chunk) before decoding, so a
  // small file that claims a huge image is refused without allocating it.
  if (png.size() < 24 || !png.starts_with(kSignature) || png.substr(12, 4) != "IHDR") {
    return std::unexpected(Error::invalid_field(field, "not a PNG image"));
  }
  auto big_endian = [&](size_t at) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(png[at + k]);
    return v;
  };
  const uint32_t declared_width = big_endian(16), declared_height = big_endian(20);
  const auto limit = static_cast<uint32_t>(kMaxLogoPixels);
  if (declared_width < 1 || declared_height < 1 || declared_width > limit || declared_height > limit) {
    return std::unexpected(Error::invalid_field(
        field, "at most " + std::to_string(kMaxLogoPixels) + " x " + std::to_string(kMaxLogoPixels) + " pixels"));
  }
  auto image = decode_png(png);
  if (!image) return std::unexpected(Error::invalid_field(field, "not a PNG image"));
  return std::make_pair(cairo_image_surface_get_width(image.get()), cairo_image_surface_get_height(image.get()));
}

Result<std::string> render_invoice_pdf(const InvoiceDocument& document) {
  std::string bytes;
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_pdf_surface_create_for_stream(append_to_string, &bytes, kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return std::unexpected(Error::internal("cannot create the PDF surface"));
  }
  const Invoice& invoice = document.invoice;
  const std::string title =
      kind_title(invoice) + " " +
      (invoice.status == InvoiceStatus::draft ? std::string("(draft)") : invoice.number);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, document.provider.name.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Tend");
  // The issue date as the creation date: the same invoice gives the same bytes.
  if (invoice.issued_on) {
    const std::string created = format_civil_date(*invoice.issued_on) + "T00:00:00Z";
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  }
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> logo;
  if (!document.logo_png.empty()) {
    logo = decode_png(document.logo_png);
    if (!logo) return std::unexpected(Error::internal("the provider's logo is not a readable PNG"));
  }
  {
    std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
    Canvas canvas(cr.get());
    InvoiceRenderer renderer(document, canvas, logo.get());
    const int pages = renderer.layout();
    for (int page = 0; page < pages; ++page) renderer.draw_page(page, pages, cr.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return std::unexpected(Error::internal(std::string("cannot draw the invoice PDF: ") +
                                             cairo_status_to_string(cairo_status(cr.get()))));
    }
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return std::unexpected(Error::internal("cannot write the invoice PDF"));
  }
  return bytes;
}

}  // namespace tend
