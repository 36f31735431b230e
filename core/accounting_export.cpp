#include "core/accounting_export.h"

#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

namespace tend {
namespace {

using std::chrono::year_month_day;

constexpr std::string_view kFormatNames[] = {"xero", "quickbooks", "xero_credit_notes"};

std::string trim(std::string_view text) {
  size_t from = 0, to = text.size();
  while (from < to && (text[from] == ' ' || text[from] == '\t')) ++from;
  while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) --to;
  return std::string(text.substr(from, to - from));
}

const std::string& mapped(const std::map<std::string, std::string>& map, const std::string& key,
                          const std::string& fallback) {
  auto found = map.find(key);
  return found == map.end() ? fallback : found->second;
}

std::string tax_type(const InvoiceLine& line, const ExportOptions& options) {
  static const std::string none = "No VAT";
  return mapped(options.tax_types, line.tax.code, line.tax.code.empty() ? none : line.tax.code);
}

std::string default_quickbooks_item(LineKind kind) {
  switch (kind) {
    case LineKind::recurring_fee: return "Managed services";
    case LineKind::block_purchase: return "Prepaid hours";
    case LineKind::time: return "Labour";
    case LineKind::part: return "Parts";
    case LineKind::service: return "Fixed-price services";
    case LineKind::manual: return "Services";
    case LineKind::credit: return "Credit";
  }
  return "Services";
}

template <size_t N>
void header(std::string& out, const std::string_view (&columns)[N]) {
  std::string line;
  for (size_t i = 0; i < N; ++i) {
    if (i) line += ',';
    line += csv_field(columns[i]);
  }
  out += line + "\r\n";
}

std::string date_or_empty(const std::optional<CivilDate>& day, ExportDateOrder order) {
  return day ? format_export_date(*day, order) : "";
}

// A row: fields joined by commas, ended by CRLF.
void row(std::string& out, const std::vector<std::string_view>& fields) {
  for (size_t k = 0; k < fields.size(); ++k) {
    if (k) out += ',';
    out += csv_field(fields[k]);
  }
  out += "\r\n";
}

// The rows of one invoice in Xero's invoice file (kXeroColumns) or of one
// credit note in its credit-note file (kXeroCreditNoteColumns: no DueDate
// or Total, the Reference names the credited invoice, and each line is
// turned positive: what the note credits).
void xero_rows(std::string& out, const ExportInvoice& e, bool credit_note_file,
               const ExportOptions& options) {
  const Invoice& i = e.invoice;
  const std::string issued = date_or_empty(i.issued_on, options.dates);
  const std::string due = date_or_empty(i.due_on ? i.due_on : i.issued_on, options.dates);
  const std::string total = i.totals.total.to_decimal();
  const std::string reference = credit_note_file ? "Credit note for " + e.credited_number : std::string();
  for (const InvoiceLine& line : i.lines) {
    const InvoiceLine* shown = &line;
    InvoiceLine turned;
    if (credit_note_file) {
      turned = line;
      turned.quantity.numerator = -turned.quantity.numerator;
      turned.amount = -turned.amount;
      turned.tax_amount = -turned.tax_amount;
      shown = &turned;
    }
    const ExportQuantity q = export_quantity(*shown);
    const std::string tax_amount = shown->tax_amount.to_decimal();
    const std::string tax = tax_type(line, options);
    const std::string& account = mapped(options.account_codes, to_string(line.kind), options.account_code);
    std::vector<std::string_view> fields = {
        e.contact_name, e.email,          e.address.line1,       e.address.line2,   "",       "",
        e.address.city, e.address.region, e.address.postal_code, e.address.country, i.number, reference,
        issued};
    if (!credit_note_file) fields.insert(fields.end(), {due, total});
    fields.insert(fields.end(), {"", line.description, q.quantity, q.unit_amount, "", account, tax,
                                 tax_amount, "", "", "", "", i.currency.code(), ""});
    row(out, fields);
  }
}

}  // namespace

const std::string_view kXeroColumns[29] = {
    "*ContactName",      "EmailAddress",    "POAddressLine1", "POAddressLine2", "POAddressLine3",
    "POAddressLine4",    "POCity",          "PORegion",       "POPostalCode",   "POCountry",
    "*InvoiceNumber",    "Reference",       "*InvoiceDate",   "*DueDate",       "Total",
    "InventoryItemCode", "*Description",    "*Quantity",      "*UnitAmount",    "Discount",
    "*AccountCode",      "*TaxType",        "TaxAmount",      "TrackingName1",  "TrackingOption1",
    "TrackingName2",     "TrackingOption2", "Currency",       "BrandingTheme"};

// Xero's credit note template: the invoice template's columns with
// CreditNoteNumber and CreditNoteDate, and no DueDate or Total.
const std::string_view kXeroCreditNoteColumns[27] = {
    "*ContactName",      "EmailAddress",  "POAddressLine1",  "POAddressLine2",    "POAddressLine3",
    "POAddressLine4",    "POCity",        "PORegion",        "POPostalCode",      "POCountry",
    "*CreditNoteNumber", "Reference",     "*CreditNoteDate", "InventoryItemCode", "*Description",
    "*Quantity",         "*UnitAmount",   "Discount",        "*AccountCode",      "*TaxType",
    "TaxAmount",         "TrackingName1", "TrackingOption1", "TrackingName2",     "TrackingOption2",
    "Currency",          "BrandingTheme"};

const std::string_view kQuickbooksColumns[16] = {
    "InvoiceNo",       "Customer",      "InvoiceDate", "DueDate",
    "Terms",           "Location",      "Memo",        "Item(Product/Service)",
    "ItemDescription", "ItemQuantity",  "ItemRate",    "ItemAmount",
    "ItemTaxCode",     "ItemTaxAmount", "Currency",    "Service Date"};

const char* to_string(ExportFormat format) { return kFormatNames[static_cast<size_t>(format)].data(); }

Result<ExportFormat> parse_export_format(std::string_view text) {
  for (size_t i = 0; i < std::size(kFormatNames); ++i) {
    if (text == kFormatNames[i]) return static_cast<ExportFormat>(i);
  }
  return std::unexpected(Error::invalid_field("format", "must be xero, xero_credit_notes or quickbooks"));
}

Result<ExportDateOrder> parse_export_date_order(std::string_view text) {
  if (text == "DD/MM/YYYY") return ExportDateOrder::dmy;
  if (text == "MM/DD/YYYY") return ExportDateOrder::mdy;
  if (text == "YYYY-MM-DD") return ExportDateOrder::iso;
  return std::unexpected(Error::invalid_field("date_format", "must be DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD"));
}

std::string format_export_date(CivilDate day, ExportDateOrder order) {
  const year_month_day ymd(day);
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  char buffer[16];
  switch (order) {
    case ExportDateOrder::dmy: std::snprintf(buffer, sizeof buffer, "%02u/%02u/%04d", d, m, y); break;
    case ExportDateOrder::mdy: std::snprintf(buffer, sizeof buffer, "%02u/%02u/%04d", m, d, y); break;
    case ExportDateOrder::iso: std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", y, m, d); break;
  }
  return buffer;
}

Result<std::map<std::string, std::string>> parse_export_mapping(std::string_view text,
                                                                const std::string& field) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string entry = trim(text.substr(start, end - start));
    if (!entry.empty()) {
      const size_t eq = entry.find('=');
      if (eq == std::string::npos || trim(std::string_view(entry).substr(0, eq)).empty()) {
        return std::unexpected(
            Error::invalid_field(field, "'" + entry + "' is not key=value (entries are separated by ';')"));
      }
      out[trim(std::string_view(entry).substr(0, eq))] = trim(std::string_view(entry).substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

std::string csv_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

ExportQuantity export_quantity(const InvoiceLine& line) {
  // quantity x factor, reduced; a decimal with at most four places when the
  // reduced denominator divides 10^4.
  const __int128 num = static_cast<__int128>(line.quantity.numerator) * line.factor.numerator;
  const __int128 den = static_cast<__int128>(line.quantity.denominator) * line.factor.denominator;
  __int128 a = num < 0 ? -num : num, b = den;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  const __int128 g = a == 0 ? 1 : a;
  const __int128 rn = num / g, rd = den / g;
  const bool fits = rd > 0 && 10000 % rd == 0 && rn <= INT64_MAX && rn >= INT64_MIN;
  if (fits) {
    return {Rational{static_cast<int64_t>(rn), static_cast<int64_t>(rd)}.to_string(),
            line.unit_price.to_decimal()};
  }
  if (line.amount.is_negative()) return {"-1", (-line.amount).to_decimal()};
  return {"1", line.amount.to_decimal()};
}

namespace {

// A Xero file: the invoices (kXeroColumns) or the credit notes
// (kXeroCreditNoteColumns) of `invoices`, in their order.
std::string xero_file(std::span<const ExportInvoice> invoices, const ExportOptions& options,
                      bool credit_notes) {
  std::string out;
  if (credit_notes)
    header(out, kXeroCreditNoteColumns);
  else
    header(out, kXeroColumns);
  for (const ExportInvoice& e : invoices) {
    if ((e.invoice.kind == InvoiceKind::credit_note) == credit_notes)
      xero_rows(out, e, credit_notes, options);
  }
  return out;
}

}  // namespace

std::string xero_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options) {
  return xero_file(invoices, options, /*credit_notes=*/false);
}

std::string xero_credit_notes_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options) {
  return xero_file(invoices, options, /*credit_notes=*/true);
}

std::string export_file(ExportFormat format, std::span<const ExportInvoice> invoices,
                        const ExportOptions& options) {
  switch (format) {
    case ExportFormat::xero: return xero_csv(invoices, options);
    case ExportFormat::xero_credit_notes: return xero_credit_notes_csv(invoices, options);
    case ExportFormat::quickbooks: return quickbooks_csv(invoices, options);
  }
  return quickbooks_csv(invoices, options);
}

std::string quickbooks_csv(std::span<const ExportInvoice> invoices, const ExportOptions& options) {
  std::string out;
  header(out, kQuickbooksColumns);
  for (const ExportInvoice& e : invoices) {
    const Invoice& i = e.invoice;
    const bool credit = i.kind == InvoiceKind::credit_note;
    const std::string issued = date_or_empty(i.issued_on, options.dates);
    const std::string due = date_or_empty(i.due_on ? i.due_on : i.issued_on, options.dates);
    const std::string terms = credit ? "" : "Net " + std::to_string(i.payment_terms_days);
    const std::string memo = credit ? "Credit note for " + e.credited_number : std::string();
    for (const InvoiceLine& line : i.lines) {
      const ExportQuantity q = export_quantity(line);
      const std::string item =
          mapped(options.quickbooks_items, to_string(line.kind), default_quickbooks_item(line.kind));
      row(out,
          {i.number, e.contact_name, issued, due, terms, "", memo, item, line.description, q.quantity,
           q.unit_amount, line.amount.to_decimal(), tax_type(line, options), line.tax_amount.to_decimal(),
           i.currency.code(), date_or_empty(line.service_from, options.dates)});
    }
  }
  return out;
}

}  // namespace tend
