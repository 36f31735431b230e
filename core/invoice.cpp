#include "core/invoice.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "core/validation.h"

namespace tend {
namespace {

using std::chrono::days;

constexpr const char* kTaxTreatmentNames[] = {"standard", "reverse_charge", "exempt"};
constexpr const char* kLineKindNames[] = {"recurring_fee", "block_purchase", "time",  "part",
                                          "service",       "manual",         "credit"};
constexpr const char* kInvoiceKindNames[] = {"invoice", "credit_note"};
constexpr const char* kInvoiceStatusNames[] = {"draft", "issued", "sent", "partly_paid", "paid"};

template <class Enum, size_t N>
Result<Enum> parse_enum(std::string_view text, const char* const (&names)[N], std::string_view what) {
  std::string accepted;
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
    accepted += (i == 0 ? "" : (i + 1 == N ? " or " : ", "));
    accepted += names[i];
  }
  return std::unexpected(
      Error::invalid("unknown " + std::string(what) + " '" + std::string(text) + "': use " + accepted));
}

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

// numerator / denominator (> 0) rounded half away from zero, in 128 bits.
__int128 round_half_away(__int128 numerator, __int128 denominator) {
  __int128 quotient = numerator / denominator;
  __int128 remainder = numerator % denominator;
  if (abs128(remainder) * 2 >= denominator) quotient += numerator < 0 ? -1 : 1;
  return quotient;
}

// a x b x c in 128 bits; false on overflow.
bool product(int64_t a, int64_t b, int64_t c, __int128& out) {
  __int128 ab = 0;
  return !__builtin_mul_overflow(static_cast<__int128>(a), static_cast<__int128>(b), &ab) &&
         !__builtin_mul_overflow(ab, static_cast<__int128>(c), &out);
}

constexpr int64_t kMaxQuantityDenominator = 1'000'000'000;
constexpr int64_t kMaxFactorDenominator = 1'000'000'000;
constexpr int64_t kMaxRateDenominator = 1'000'000'000;

// Checks a rational against [lo, hi] (whole numbers) and a denominator bound.
std::string check_rational(Rational r, int64_t lo, int64_t hi, int64_t max_denominator) {
  if (r.denominator <= 0) return "must have a positive denominator";
  Rational reduced = r.reduced();
  if (reduced.denominator > max_denominator) {
    return "has too many decimals (at most " + std::to_string(max_denominator) + " parts of one)";
  }
  if (reduced < Rational{lo, 1} || Rational{hi, 1} < reduced) {
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  }
  return {};
}

bool is_draft(const Invoice& invoice) { return invoice.status == InvoiceStatus::draft; }

}  // namespace

const char* to_string(TaxTreatment treatment) { return kTaxTreatmentNames[static_cast<size_t>(treatment)]; }
Result<TaxTreatment> parse_tax_treatment(std::string_view text) {
  return parse_enum<TaxTreatment>(text, kTaxTreatmentNames, "tax treatment");
}
const char* to_string(LineKind kind) { return kLineKindNames[static_cast<size_t>(kind)]; }
Result<LineKind> parse_line_kind(std::string_view text) {
  return parse_enum<LineKind>(text, kLineKindNames, "line kind");
}
const char* to_string(InvoiceKind kind) { return kInvoiceKindNames[static_cast<size_t>(kind)]; }
const char* to_string(InvoiceStatus status) { return kInvoiceStatusNames[static_cast<size_t>(status)]; }
Result<InvoiceKind> parse_invoice_kind(std::string_view text) {
  return parse_enum<InvoiceKind>(text, kInvoiceKindNames, "invoice kind");
}
Result<InvoiceStatus> parse_invoice_status(std::string_view text) {
  return parse_enum<InvoiceStatus>(text, kInvoiceStatusNames, "invoice status");
}

LineTax effective_tax(const LineTax& category_tax, TaxTreatment treatment) {
  if (treatment == TaxTreatment::standard) return category_tax;
  return LineTax{category_tax.category, to_string(treatment), Rational{0, 1}};
}

Money line_amount(const Money& unit_price, Rational quantity, Rational factor) {
  Rational q = quantity.reduced(), f = factor.reduced();
  __int128 numerator = 0, denominator = 0;
  if (!product(unit_price.minor_units(), q.numerator, f.numerator, numerator) ||
      !product(q.denominator, f.denominator, 1, denominator)) {
    throw std::overflow_error("line amount overflow");
  }
  return Money(unit_price.currency(), divide_round_half_away(numerator, denominator));
}

Money line_tax(const Money& amount, Rational rate_percent) {
  Rational r = rate_percent.reduced();
  return Money(amount.currency(),
               divide_round_half_away(static_cast<__int128>(amount.minor_units()) * r.numerator,
                                      static_cast<__int128>(r.denominator) * 100));
}

Result<InvoiceLine> price_line(InvoiceLine line, const std::string& field) {
  FieldErrors errors;
  auto check = [&](const std::string& name, const std::string& message) {
    if (!message.empty()) errors.add(field + "." + name, message);
  };
  check("description", check_required_text(line.description, 1000));
  check("unit", check_optional_text(line.unit, 20));
  check("quantity",
        check_rational(line.quantity, -kMaxLineQuantity, kMaxLineQuantity, kMaxQuantityDenominator));
  check("factor", check_rational(line.factor, 0, 100, kMaxFactorDenominator));
  check("tax.rate_percent", check_rational(line.tax.rate_percent, 0, 100, kMaxRateDenominator));
  check("tax.code", check_optional_text(line.tax.code, 40));
  const int64_t price = line.unit_price.minor_units();
  if (price > kMaxUnitPriceMinor || price < -kMaxUnitPriceMinor) {
    errors.add(field + ".unit_price", "is too large");
  }
  if (line.item_key.size() > 200) errors.add(field + ".item_key", "must be at most 200 characters");
  if (line.line_key.size() > 200) errors.add(field + ".line_key", "must be at most 200 characters");
  if (!line.line_key.empty() && line.item_key.empty())
    errors.add(field + ".item_key", "is required with a line_key");
  if (line.service_from.has_value() != line.service_to.has_value()) {
    errors.add(field + ".service_to", "service_from and service_to go together");
  } else if (line.service_from && *line.service_to < *line.service_from) {
    errors.add(field + ".service_to", "must not be before service_from");
  }
  if (!errors.empty()) return std::unexpected(std::move(errors).status().error());

  line.quantity = line.quantity.reduced();
  line.factor = line.factor.reduced();
  line.tax.rate_percent = line.tax.rate_percent.reduced();
  __int128 numerator = 0, denominator = 0, amount = 0;
  const bool overflow = !product(price, line.quantity.numerator, line.factor.numerator, numerator) ||
                        !product(line.quantity.denominator, line.factor.denominator, 1, denominator);
  if (!overflow) amount = round_half_away(numerator, denominator);
  if (overflow || abs128(amount) > kMaxLineAmountMinor) {
    return std::unexpected(Error::invalid_field(field + ".amount", "is too large for one line"));
  }
  line.amount = Money(line.unit_price.currency(), static_cast<int64_t>(amount));
  line.tax_amount = line_tax(line.amount, line.tax.rate_percent);
  return line;
}

Result<InvoiceTotals> price_invoice(Currency currency, std::vector<InvoiceLine>& lines) {
  if (lines.size() > static_cast<size_t>(kMaxLinesPerInvoice)) {
    return std::unexpected(Error::invalid_field(
        "lines", "an invoice has at most " + std::to_string(kMaxLinesPerInvoice) + " lines"));
  }
  std::vector<FieldError> problems;
  std::vector<InvoiceLine> priced;
  priced.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string field = "lines[" + std::to_string(i) + "]";
    if (!(lines[i].unit_price.currency() == currency)) {
      problems.push_back(
          {field + ".unit_price", "must be in " + std::string(currency.code()) + ", the invoice's currency"});
      continue;
    }
    auto line = price_line(std::move(lines[i]), field);
    if (!line) {
      for (auto& f : line.error().fields) problems.push_back(std::move(f));
      continue;
    }
    priced.push_back(std::move(*line));
  }
  if (!problems.empty())
    return std::unexpected(Error::invalid("the invoice has invalid lines", std::move(problems)));
  InvoiceTotals totals = TEND_TRY(add_up_priced_lines(currency, priced));
  lines = std::move(priced);
  return totals;
}

Result<InvoiceTotals> add_up_priced_lines(Currency currency, const std::vector<InvoiceLine>& lines) {
  if (lines.size() > static_cast<size_t>(kMaxLinesPerInvoice)) {
    return std::unexpected(Error::invalid_field(
        "lines", "an invoice has at most " + std::to_string(kMaxLinesPerInvoice) + " lines"));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!(lines[i].amount.currency() == currency) || !(lines[i].tax_amount.currency() == currency)) {
      return std::unexpected(Error::invalid_field("lines[" + std::to_string(i) + "].amount",
                                                  "must be in " + std::string(currency.code()) +
                                                      ", the invoice's currency"));
    }
  }
  InvoiceTotals totals;
  totals.net = totals.tax = totals.total = Money::zero(currency);
  // Keyed by (rate, code) so the summary lists rates in ascending order.
  std::map<std::tuple<Rational, std::string>, TaxSummaryRow> rows;
  for (const InvoiceLine& line : lines) {
    totals.net += line.amount;
    totals.tax += line.tax_amount;
    auto [it, inserted] = rows.try_emplace({line.tax.rate_percent, line.tax.code});
    TaxSummaryRow& row = it->second;
    if (inserted) {
      row.code = line.tax.code;
      row.rate_percent = line.tax.rate_percent;
      row.base = row.tax = Money::zero(currency);
    }
    row.base += line.amount;
    row.tax += line.tax_amount;
    ++row.lines;
  }
  totals.total = totals.net + totals.tax;
  for (auto& [key, row] : rows) totals.tax_summary.push_back(std::move(row));
  return totals;
}

// ---- numbering ----------------------------------------------------------------

std::string format_invoice_number(const InvoiceNumber& number) {
  std::string sequence = std::to_string(number.sequence);
  if (sequence.size() < 6) sequence.insert(0, 6 - sequence.size(), '0');
  return std::to_string(number.year) + "-" + sequence;
}

Result<InvoiceNumber> parse_invoice_number(std::string_view text) {
  auto invalid = [&] {
    return std::unexpected(Error::invalid_field(
        "number", "'" + std::string(text) + "' is not an invoice number such as 2026-000123"));
  };
  if (text.size() < 11 || text.size() > 14 || text[4] != '-') return invalid();
  auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string_view year_text = text.substr(0, 4), sequence_text = text.substr(5);
  if (!digits(year_text) || !digits(sequence_text)) return invalid();
  // Exactly the formatted spelling: six digits, or more without a leading zero.
  if (sequence_text.size() > 6 && sequence_text[0] == '0') return invalid();
  InvoiceNumber number{std::stoi(std::string(year_text)), std::stoll(std::string(sequence_text))};
  if (number.year < 2000 || number.sequence < 1) return invalid();
  return number;
}

Result<InvoiceNumber> next_invoice_number(CivilDate issue_date, std::optional<InvoiceNumber> last_of_year) {
  const int year = static_cast<int>(std::chrono::year_month_day(issue_date).year());
  if (year < 2000 || year > 9999) {
    return std::unexpected(Error::invalid_field("issued_on", "must be in the years 2000-9999"));
  }
  if (!last_of_year) return InvoiceNumber{year, 1};
  if (last_of_year->year != year) {
    return std::unexpected(Error::invalid("the last number " + format_invoice_number(*last_of_year) +
                                          " is not of " + std::to_string(year)));
  }
  if (last_of_year->sequence >= 999'999'999) {
    return std::unexpected(Error::invalid("the invoice numbers of " + std::to_string(year) + " are used up"));
  }
  return InvoiceNumber{year, last_of_year->sequence + 1};
}

// ---- life of an invoice ----------------------------------------------------------

Status check_transition(InvoiceStatus from, InvoiceStatus to) {
  using S = InvoiceStatus;
  bool allowed = false;
  switch (to) {
    case S::draft: allowed = false; break;
    case S::issued: allowed = from == S::draft; break;
    case S::sent: allowed = from == S::issued || from == S::sent; break;
    case S::partly_paid:
    case S::paid: allowed = from == S::issued || from == S::sent || from == S::partly_paid; break;
  }
  if (allowed) return {};
  return std::unexpected(
      Error::conflict(std::string("an invoice cannot go from ") + to_string(from) + " to " + to_string(to)));
}

Status check_editable(InvoiceStatus status, std::string_view number) {
  if (status == InvoiceStatus::draft) return {};
  return std::unexpected(Error::conflict("invoice " + std::string(number) + " is " + to_string(status) +
                                         " and cannot be changed: correct it with a credit note"));
}

InvoiceStatus status_after_settlement(InvoiceStatus current, const Money& total, const Money& open) {
  if (current == InvoiceStatus::draft) return current;
  // In the direction of the total (a credit note's total is negative).
  const __int128 sign = total.is_negative() ? -1 : 1;
  const __int128 open_part = sign * open.minor_units();
  const __int128 whole = sign * total.minor_units();
  if (open_part <= 0) return InvoiceStatus::paid;
  if (open_part < whole) return InvoiceStatus::partly_paid;
  return current == InvoiceStatus::issued || current == InvoiceStatus::sent ? current : InvoiceStatus::sent;
}

Result<CivilDate> due_date(CivilDate issue_date, int payment_terms_days) {
  if (payment_terms_days < 0 || payment_terms_days > 365) {
    return std::unexpected(Error::invalid_field("payment_terms_days", "must be between 0 and 365"));
  }
  return issue_date + days(payment_terms_days);
}

Result<IssuedInvoice> issue_invoice(const Invoice& draft, CivilDate issue_date,
                                    std::optional<InvoiceNumber> last_of_year) {
  TEND_CHECK(check_editable(draft.status, draft.number));
  if (draft.lines.empty())
    return std::unexpected(Error::invalid_field("lines", "an invoice needs at least one line"));
  std::vector<InvoiceLine> lines = draft.lines;
  IssuedInvoice out;
  out.totals = TEND_TRY(price_invoice(draft.currency, lines));
  if (draft.kind == InvoiceKind::invoice && out.totals.total.is_negative()) {
    return std::unexpected(Error::invalid_field(
        "lines", "an invoice's total must not be negative: issue a credit note instead"));
  }
  if (draft.kind == InvoiceKind::credit_note && !out.totals.total.is_negative()) {
    return std::unexpected(Error::invalid_field("lines", "a credit note's total must be negative"));
  }
  out.due_on = TEND_TRY(due_date(issue_date, draft.payment_terms_days));
  out.number = TEND_TRY(next_invoice_number(issue_date, last_of_year));
  out.number_text = format_invoice_number(out.number);
  out.issued_on = issue_date;
  // Settled as it stands, nothing paid yet: issued, or paid when nothing is
  // owed (an invoice of zero, say only prepaid hours used).
  out.status = status_after_settlement(InvoiceStatus::issued, out.totals.total, out.totals.total);
  return out;
}

// ---- credit notes ----------------------------------------------------------------

std::vector<InvoiceLine> full_credit_lines(const Invoice& original) {
  std::vector<InvoiceLine> out;
  out.reserve(original.lines.size());
  for (const InvoiceLine& line : original.lines) {
    InvoiceLine credit = line;
    credit.kind = LineKind::credit;
    credit.description = "Credit: " + line.description;
    if (credit.description.size() > 1000) credit.description.resize(1000);
    credit.quantity = Rational{-line.quantity.numerator, line.quantity.denominator};
    credit.item_key.clear();
    credit.line_key.clear();
    credit.amount = -line.amount;
    credit.tax_amount = -line.tax_amount;
    out.push_back(std::move(credit));
  }
  return out;
}

Result<Invoice> make_credit_note(const Invoice& original, std::vector<InvoiceLine> lines,
                                 const Money& already_credited) {
  if (is_draft(original)) {
    return std::unexpected(Error::conflict("a draft is corrected by editing it, not by a credit note"));
  }
  if (original.kind != InvoiceKind::invoice) {
    return std::unexpected(Error::conflict("a credit note cannot itself be credited"));
  }
  if (lines.empty())
    return std::unexpected(Error::invalid_field("lines", "a credit note needs at least one line"));
  if (!(already_credited.currency() == original.currency) || already_credited.minor_units() > 0) {
    return std::unexpected(Error::invalid_field(
        "already_credited", "must be zero or negative, in " + std::string(original.currency.code())));
  }
  for (auto& line : lines) line.kind = LineKind::credit;
  // The original's total from its lines (never a stale stored total).
  std::vector<InvoiceLine> original_lines = original.lines;
  InvoiceTotals original_totals = TEND_TRY(price_invoice(original.currency, original_lines));
  InvoiceTotals totals = TEND_TRY(price_invoice(original.currency, lines));
  FieldErrors errors;
  for (size_t i = 0; i < lines.size(); ++i) {
    const InvoiceLine& line = lines[i];
    if (line.amount.minor_units() > 0 || line.tax_amount.minor_units() > 0 ||
        (line.amount.is_zero() && line.tax_amount.is_zero())) {
      errors.add("lines[" + std::to_string(i) + "].quantity", "a credit line must come to a negative amount");
    }
  }
  TEND_CHECK(std::move(errors).status());
  // What is left to credit: the original's total less earlier credits.
  const Money left = original_totals.total + already_credited;
  if (left + totals.total < Money::zero(original.currency)) {
    return std::unexpected(Error::invalid_field(
        "lines", "the credit of " + (-totals.total).to_string() + " exceeds the " + left.to_string() +
                     " of invoice " + original.number + " that is left to credit"));
  }
  Invoice note;
  note.client_id = original.client_id;
  note.kind = InvoiceKind::credit_note;
  note.status = InvoiceStatus::draft;
  note.currency = original.currency;
  note.payment_terms_days = 0;
  note.credited_invoice_id = original.id;
  note.credited_number = original.number;
  note.lines = std::move(lines);
  note.totals = std::move(totals);
  return note;
}

}  // namespace tend
