// Invoices and credit notes: lines with quantity, unit price and tax; the
// totals and the tax summary per rate; the gapless number per year; the
// life of an invoice (draft -> issued -> sent -> partly paid / paid); due
// dates from payment terms; credit notes that correct an issued invoice.
// Pure values and rules: no I/O, no clock. docs/billing-rules.md states the
// rules with worked examples; tests/golden/billing/ holds hand-worked cases.
//
// The rounding rule (one rule, everywhere on an invoice):
//   line amount = unit price x quantity x factor, rounded half away from
//                 zero to a minor unit, once per line;
//   line tax    = line amount x rate / 100, rounded the same way, once per
//                 line;
//   tax summary = per (tax code, rate): the sums of the lines' amounts and
//                 of their taxes (never re-rounded);
//   net = sum of line amounts; tax = sum of line taxes; total = net + tax.
// So the totals always add up to the cent, and a credit line that negates a
// line (negative quantity) is exactly the negation of that line.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/money.h"
#include "core/work.h"

namespace tend {

using InvoiceId = Id<struct InvoiceTag>;

// Bounds of a line; they keep every total of an invoice inside 64 bits.
inline constexpr int64_t kMaxLineQuantity = 1'000'000;             // |quantity|
inline constexpr int64_t kMaxUnitPriceMinor = 10'000'000'000'000;  // |unit price| in minor units
inline constexpr int64_t kMaxLineAmountMinor =
    100'000'000'000'000;  // |line amount|: 10^4 lines fit in 64 bits
inline constexpr int64_t kMaxLinesPerInvoice = 10'000;

// The tax of a line: the category it came from, the code printed in the tax
// summary ("NL21"), and the rate in percent (0-100).
struct LineTax {
  TaxCategoryId category;  // optional (0 = none recorded)
  std::string code;
  Rational rate_percent{0, 1};

  friend bool operator==(const LineTax&, const LineTax&) = default;
};

// How a client is taxed. Wire spelling = enumerator name.
enum class TaxTreatment {
  standard,        // each line at its category's rate
  reverse_charge,  // EU B2B: the client accounts for the VAT; 0% on the invoice
  exempt,          // the client is exempt (a charity, outside the EU): 0%
};
const char* to_string(TaxTreatment treatment);
// invalid_input (without field) naming the accepted values.
Result<TaxTreatment> parse_tax_treatment(std::string_view text);

// The tax a line actually carries for a client: `category_tax` under
// standard treatment; otherwise rate 0 with code "reverse_charge" or
// "exempt" (the category is kept for reporting).
LineTax effective_tax(const LineTax& category_tax, TaxTreatment treatment);

// What a line bills. Wire spelling = enumerator name.
enum class LineKind {
  recurring_fee,   // a managed agreement's monthly fee (billed in advance)
  block_purchase,  // a purchase of prepaid hours (billed in advance)
  time,            // a time entry (billed in arrears)
  part,            // a part used on a ticket
  service,         // a fixed-price service
  manual,          // typed in by a person on a draft
  credit,          // a line of a credit note
};
const char* to_string(LineKind kind);
Result<LineKind> parse_line_kind(std::string_view text);

// One invoice line. The inputs are description .. line_key; amount and
// tax_amount are computed by price_line() and never set by hand.
struct InvoiceLine {
  LineKind kind = LineKind::manual;
  std::string description;
  Rational quantity{1, 1};  // hours, pieces, devices; negative on credit notes
  std::string unit;         // "h", "pcs", "month" (display only)
  Money unit_price = Money::zero(Currency::eur());
  // A multiplier applied on top of quantity x unit price: the share of a
  // month (15/30) or an after-hours multiplier (3/2). 1 otherwise; 0-100.
  Rational factor{1, 1};
  LineTax tax;
  // The billable item the line bills ("time_entry:123", core/billing.h) and
  // a key unique per line (the item key, or "<item>/<part>" when one item
  // makes several lines). Empty on manual and credit lines.
  std::string item_key;
  std::string line_key;
  // The days a recurring line pays for (inclusive); nullopt otherwise.
  std::optional<CivilDate> service_from;
  std::optional<CivilDate> service_to;
  // Computed.
  Money amount = Money::zero(Currency::eur());
  Money tax_amount = Money::zero(Currency::eur());

  friend bool operator==(const InvoiceLine&, const InvoiceLine&) = default;
};

// Prices `line`: amount and tax_amount from the rounding rule above, in the
// unit price's currency. Field errors (prefixed by `field`, e.g.
// "lines[2]"): description (1-1000 characters), unit (at most 20),
// quantity (|q| <= kMaxLineQuantity, denominator <= 10^9), unit_price (|p| <=
// kMaxUnitPriceMinor minor units), factor (0-100, denominator <= 10^9),
// tax.rate_percent (0-100, denominator <= 10^9), tax.code (at most 40),
// amount (|amount| > kMaxLineAmountMinor), service_to (not before
// service_from; both or neither), item_key / line_key (at most 200, a
// line_key needs an item_key).
Result<InvoiceLine> price_line(InvoiceLine line, const std::string& field = "line");

// The amount of a line without validation: unit price x quantity x factor,
// half away from zero. Throws std::overflow_error beyond 64 bits.
Money line_amount(const Money& unit_price, Rational quantity, Rational factor);
// amount x rate / 100, half away from zero.
Money line_tax(const Money& amount, Rational rate_percent);

// One row of the tax summary.
struct TaxSummaryRow {
  std::string code;
  Rational rate_percent{0, 1};
  Money base = Money::zero(Currency::eur());  // sum of the line amounts at this rate
  Money tax = Money::zero(Currency::eur());   // sum of the line taxes at this rate
  int64_t lines = 0;

  friend bool operator==(const TaxSummaryRow&, const TaxSummaryRow&) = default;
};

// What an invoice comes to.
struct InvoiceTotals {
  Money net = Money::zero(Currency::eur());
  Money tax = Money::zero(Currency::eur());
  Money total = Money::zero(Currency::eur());
  std::vector<TaxSummaryRow> tax_summary;  // by rate ascending, then code

  friend bool operator==(const InvoiceTotals&, const InvoiceTotals&) = default;
};

// Re-prices every line (price_line) and adds them up. Field errors:
// lines (more than kMaxLinesPerInvoice), lines[i].* from price_line, and
// lines[i].unit_price when not in `currency`. Guarantees net = sum of line
// amounts, tax = sum of line taxes, total = net + tax, and that the summary
// rows add up to net and tax. The priced lines replace `lines` in place;
// on an error `lines` are left unspecified (moved from).
Result<InvoiceTotals> price_invoice(Currency currency, std::vector<InvoiceLine>& lines);
// Adds up lines that price_line priced already (the builders of
// core/billing.h return priced lines; stored lines were priced when stored):
// the totals and summary price_invoice would give, without pricing again.
// invalid_input for more than kMaxLinesPerInvoice lines or an amount not in
// `currency`.
Result<InvoiceTotals> add_up_priced_lines(Currency currency, const std::vector<InvoiceLine>& lines);

// ---- numbering ----------------------------------------------------------------

// A gapless invoice number: a sequence per calendar year of the issue date.
// Invoices and credit notes share one series.
struct InvoiceNumber {
  int year = 0;          // 2000-9999
  int64_t sequence = 0;  // 1-999999999

  friend auto operator<=>(const InvoiceNumber&, const InvoiceNumber&) = default;
};

// "2026-000123": the year, a dash, and the sequence with at least six digits.
std::string format_invoice_number(const InvoiceNumber& number);
// The inverse; invalid_input (field "number") for anything else
// ("2026-123", "2026-0000001" with a needless leading zero, year 0).
Result<InvoiceNumber> parse_invoice_number(std::string_view text);
// The number the next invoice issued on `issue_date` gets, given the
// highest number issued so far in that date's year (nullopt: none yet) ->
// that + 1, or sequence 1. invalid_input when `last_of_year` belongs to
// another year, or the series is exhausted.
Result<InvoiceNumber> next_invoice_number(CivilDate issue_date, std::optional<InvoiceNumber> last_of_year);

// ---- life of an invoice ----------------------------------------------------------

// Wire spelling = enumerator name.
enum class InvoiceKind { invoice, credit_note };
enum class InvoiceStatus { draft, issued, sent, partly_paid, paid };
const char* to_string(InvoiceKind kind);
const char* to_string(InvoiceStatus status);
Result<InvoiceKind> parse_invoice_kind(std::string_view text);
Result<InvoiceStatus> parse_invoice_status(std::string_view text);

// The moves a person or the billing run may make:
//   draft -> issued; issued -> sent; sent -> sent (sent again);
//   issued | sent | partly_paid -> partly_paid | paid (payments, credits);
//   paid -> partly_paid | sent | issued are not allowed (money leaves only
//   through a credit note and a refund).
// Success, or conflict naming both states.
Status check_transition(InvoiceStatus from, InvoiceStatus to);

// Success for a draft; conflict for anything issued ("invoice 2026-000123
// is issued and cannot be changed: correct it with a credit note").
Status check_editable(InvoiceStatus status, std::string_view number);

// The status after money was applied or taken back. `open` = total -
// allocated payments - credits (same currency as `total`). A draft stays a
// draft; nothing open, or less than nothing (a refund is owed) -> paid;
// part of the total open -> partly paid; the whole total open -> `current`
// when issued or sent, else sent (a payment was reallocated away).
InvoiceStatus status_after_settlement(InvoiceStatus current, const Money& total, const Money& open);

// The last day to pay: the issue date plus `payment_terms_days` (net N).
// invalid_input (field "payment_terms_days") outside 0-365.
Result<CivilDate> due_date(CivilDate issue_date, int payment_terms_days);

// An invoice or credit note of one client in one currency.
struct Invoice {
  InvoiceId id;
  ClientId client_id;
  InvoiceKind kind = InvoiceKind::invoice;
  InvoiceStatus status = InvoiceStatus::draft;
  Currency currency = Currency::eur();
  std::string number;  // empty while draft
  std::optional<CivilDate> issued_on;
  std::optional<CivilDate> due_on;
  int payment_terms_days = 14;
  InvoiceId credited_invoice_id;  // a credit note: the invoice it corrects
  std::string credited_number;
  std::vector<InvoiceLine> lines;
  InvoiceTotals totals;
};

// What issuing sets.
struct IssuedInvoice {
  InvoiceNumber number;
  std::string number_text;
  CivilDate issued_on{};
  CivilDate due_on{};
  InvoiceStatus status = InvoiceStatus::issued;
  InvoiceTotals totals;
};

// Issues a draft on `issue_date` with the next number after `last_of_year`
// (see next_invoice_number) and its payment terms. conflict when it is not
// a draft; invalid_input when it has no lines, its lines do not price
// (price_invoice), an invoice's total is negative or a credit note's is
// not negative (field "lines"), or the terms are out of range. The status is
// issued, or paid for an invoice whose total is zero (nothing is owed).
Result<IssuedInvoice> issue_invoice(const Invoice& draft, CivilDate issue_date,
                                    std::optional<InvoiceNumber> last_of_year);

// ---- credit notes ----------------------------------------------------------------

// The credit lines that reverse `original` in full: each line with its
// quantity negated, kind credit, description prefixed "Credit: ", keys
// cleared. Their total is exactly minus the original's.
std::vector<InvoiceLine> full_credit_lines(const Invoice& original);

// A draft credit note for `original` with `lines` (use full_credit_lines
// for all of it). `already_credited` is the sum of the totals of the
// credit notes issued for it so far (zero or negative). Errors: conflict
// when the original is a draft or itself a credit note; invalid_input when
// lines are empty, a line is not negative (field lines[i].quantity: amount
// and tax must be <= 0 and not both 0), a line is in another currency, or
// the credit exceeds what is left to credit (field "lines": the original's
// total + already_credited).
Result<Invoice> make_credit_note(const Invoice& original, std::vector<InvoiceLine> lines,
                                 const Money& already_credited);

}  // namespace tend
