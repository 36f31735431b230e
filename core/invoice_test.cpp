#include "core/invoice.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

namespace tend {
namespace {

using std::chrono::days;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }

// Property tests run with a fixed seed so a failure is reproducible.
template <class Property>
bool check_seeded(const std::string& description, Property&& property) {
  rc::detail::TestParams params;
  params.seed = 20261101;
  params.maxSuccess = 300;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = description;
  auto result = rc::detail::checkTestable(std::forward<Property>(property), metadata, params);
  if (!result.template is<rc::detail::SuccessResult>()) rc::detail::printResultMessage(result, std::cerr);
  return result.template is<rc::detail::SuccessResult>();
}

LineTax vat(int64_t percent) {
  return LineTax{TaxCategoryId(1), "NL" + std::to_string(percent), {percent, 1}};
}

InvoiceLine line(std::string description, Rational quantity, Money unit_price, LineTax tax = vat(21)) {
  InvoiceLine l;
  l.description = std::move(description);
  l.quantity = quantity;
  l.unit_price = unit_price;
  l.tax = std::move(tax);
  return l;
}

Invoice issued_invoice() {
  Invoice inv;
  inv.id = InvoiceId(7);
  inv.client_id = ClientId(3);
  inv.status = InvoiceStatus::issued;
  inv.number = "2026-000007";
  inv.lines = {line("Remote support", {3, 2}, eur(9500)), line("SSD 1 TB", {2, 1}, eur(8900)),
               line("Book", {1, 1}, eur(2000), vat(9))};
  auto totals = price_invoice(kEur, inv.lines);
  EXPECT_TRUE(totals.has_value());
  inv.totals = *totals;
  return inv;
}

TEST(InvoiceLine, AmountAndTaxRoundHalfAwayFromZeroOncePerLine) {
  // 1.5 h x 95.00 = 142.50; 21% = 29.925 -> 29.93.
  auto l = price_line(line("Remote support", {3, 2}, eur(9500)));
  ASSERT_TRUE(l.has_value()) << l.error().message;
  EXPECT_EQ(l->amount, eur(14250));
  EXPECT_EQ(l->tax_amount, eur(2993));
  // 0.1 h x 0.25 = 0.025 -> 0.03 (half away from zero), credited -> -0.03.
  auto small = price_line(line("x", {1, 10}, eur(25)));
  EXPECT_EQ(small->amount, eur(3));
  auto credit = price_line(line("x", {-1, 10}, eur(25)));
  EXPECT_EQ(credit->amount, eur(-3));
  // The factor multiplies before rounding: 12 x 25.00 x 15/30 = 150.00.
  InvoiceLine prorated = line("Workstations", {12, 1}, eur(2500));
  prorated.factor = {15, 30};
  EXPECT_EQ(price_line(prorated)->amount, eur(15000));
  // 7 x 33.33 x 11/30 = 85.547 -> 85.55.
  prorated = line("Users", {7, 1}, eur(3333));
  prorated.factor = {11, 30};
  EXPECT_EQ(price_line(prorated)->amount, eur(8555));
}

TEST(InvoiceLine, ValidationNamesEveryField) {
  InvoiceLine bad = line("", {2'000'000, 1}, eur(100));
  bad.factor = {101, 1};
  bad.tax.rate_percent = {-1, 1};
  bad.service_from = day(2026, 11, 2);
  bad.line_key = "x/y";
  auto r = price_line(bad, "lines[4]");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"lines[4].description", "lines[4].quantity", "lines[4].factor",
                                              "lines[4].tax.rate_percent", "lines[4].item_key",
                                              "lines[4].service_to"}));
}

TEST(InvoiceLine, TooLargeIsAFieldErrorNotAnOverflow) {
  auto r = price_line(line("Big", {1'000'000, 1}, Money(kEur, kMaxUnitPriceMinor)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().fields.at(0).field, "line.amount");
  // A factor with a huge denominator still prices exactly.
  InvoiceLine odd = line("Odd", {1, 3}, eur(100));
  odd.factor = {999'999'999, 1'000'000'000};
  EXPECT_EQ(price_line(odd)->amount, eur(33));
}

TEST(InvoiceTotals, TaxSummaryPerRateAndTotalsAddUp) {
  std::vector<InvoiceLine> lines = {
      line("Remote support", {3, 2}, eur(9500)), line("SSD", {2, 1}, eur(8900)),
      line("Book", {1, 1}, eur(2000), vat(9)),
      line("Export", {1, 1}, eur(1000), LineTax{TaxCategoryId(), "NL0", {0, 1}})};
  auto totals = price_invoice(kEur, lines);
  ASSERT_TRUE(totals.has_value()) << totals.error().message;
  // 142.50 + 178.00 + 20.00 + 10.00 = 350.50; tax 29.93 + 37.38 + 1.80 + 0.
  EXPECT_EQ(totals->net, eur(35050));
  EXPECT_EQ(totals->tax, eur(2993 + 3738 + 180));
  EXPECT_EQ(totals->total, eur(35050 + 2993 + 3738 + 180));
  ASSERT_EQ(totals->tax_summary.size(), 3u);
  EXPECT_EQ(totals->tax_summary[0].code, "NL0");
  EXPECT_EQ(totals->tax_summary[1].code, "NL9");
  EXPECT_EQ(totals->tax_summary[2].code, "NL21");
  EXPECT_EQ(totals->tax_summary[2].base, eur(32050));
  EXPECT_EQ(totals->tax_summary[2].tax, eur(2993 + 3738));  // per line, not 21% of 320.50 (67.31)
  EXPECT_EQ(totals->tax_summary[2].lines, 2);
  EXPECT_EQ(lines[0].amount, eur(14250));  // the lines come back priced
  // Lines priced already add up to the same without pricing them again.
  auto again = add_up_priced_lines(kEur, lines);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(*again, *totals);
  auto dollars = add_up_priced_lines(*Currency::parse("USD"), lines);
  ASSERT_FALSE(dollars.has_value());
  EXPECT_EQ(dollars.error().fields.at(0).field, "lines[0].amount");
}

TEST(InvoiceTotals, OtherCurrencyLinesAreFieldErrors) {
  std::vector<InvoiceLine> lines = {line("a", {1, 1}, eur(100)),
                                    line("b", {1, 1}, Money(*Currency::parse("USD"), 100))};
  auto totals = price_invoice(kEur, lines);
  ASSERT_FALSE(totals.has_value());
  EXPECT_EQ(totals.error().fields.at(0).field, "lines[1].unit_price");
}

TEST(InvoiceTotals, PropertyTotalsAlwaysAddUp) {
  EXPECT_TRUE(check_seeded("net + tax = total, the summary adds up, credits negate exactly", [] {
    const int n = *rc::gen::inRange(0, 40);
    std::vector<InvoiceLine> lines;
    const int64_t rates[] = {0, 9, 21};
    for (int i = 0; i < n; ++i) {
      InvoiceLine l =
          line("line", {*rc::gen::inRange<int64_t>(-100'000, 100'000), *rc::gen::inRange<int64_t>(1, 1000)},
               eur(*rc::gen::inRange<int64_t>(-1'000'000, 10'000'000)), vat(rates[*rc::gen::inRange(0, 3)]));
      l.factor = {*rc::gen::inRange<int64_t>(0, 31), *rc::gen::inRange<int64_t>(28, 32)};
      lines.push_back(l);
    }
    auto totals = price_invoice(kEur, lines);
    RC_ASSERT(totals.has_value());
    Money net = eur(0), tax = eur(0), base = eur(0), summary_tax = eur(0);
    for (const auto& l : lines) {
      net += l.amount;
      tax += l.tax_amount;
    }
    for (const auto& row : totals->tax_summary) {
      base += row.base;
      summary_tax += row.tax;
    }
    RC_ASSERT(totals->net == net);
    RC_ASSERT(totals->tax == tax);
    RC_ASSERT(totals->total == totals->net + totals->tax);
    RC_ASSERT(base == net);
    RC_ASSERT(summary_tax == tax);
    // A full credit note is exactly the negation.
    Invoice original;
    original.status = InvoiceStatus::issued;
    original.lines = lines;
    std::vector<InvoiceLine> credit = full_credit_lines(original);
    auto credit_totals = price_invoice(kEur, credit);
    RC_ASSERT(credit_totals.has_value());
    RC_ASSERT(credit_totals->total == -totals->total);
  }));
}

TEST(InvoiceNumber, FormatsAndParsesTheGaplessNumber) {
  EXPECT_EQ(format_invoice_number({2026, 123}), "2026-000123");
  EXPECT_EQ(format_invoice_number({2026, 1234567}), "2026-1234567");
  EXPECT_EQ(*parse_invoice_number("2026-000123"), (InvoiceNumber{2026, 123}));
  EXPECT_EQ(*parse_invoice_number("2026-1234567"), (InvoiceNumber{2026, 1234567}));
  for (const char* bad : {"2026-123", "2026-0001234", "2026-000000", "1999-000001", "2026/000001",
                          "26-000001", "2026-00012a", ""}) {
    auto r = parse_invoice_number(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().fields.at(0).field, "number");
  }
}

TEST(InvoiceNumber, NextIsGaplessPerYear) {
  EXPECT_EQ(*next_invoice_number(day(2026, 11, 30), std::nullopt), (InvoiceNumber{2026, 1}));
  EXPECT_EQ(*next_invoice_number(day(2026, 11, 30), InvoiceNumber{2026, 122}), (InvoiceNumber{2026, 123}));
  // A new year starts again at 1; the last number of another year is a bug.
  EXPECT_EQ(*next_invoice_number(day(2027, 1, 1), std::nullopt), (InvoiceNumber{2027, 1}));
  EXPECT_FALSE(next_invoice_number(day(2027, 1, 1), InvoiceNumber{2026, 500}).has_value());
  EXPECT_FALSE(next_invoice_number(day(2026, 1, 1), InvoiceNumber{2026, 999'999'999}).has_value());
}

TEST(InvoiceNumber, PropertyFormatParseRoundTrip) {
  EXPECT_TRUE(check_seeded("parse(format(n)) == n", [] {
    InvoiceNumber n{*rc::gen::inRange(2000, 10000), *rc::gen::inRange<int64_t>(1, 1'000'000'000)};
    auto parsed = parse_invoice_number(format_invoice_number(n));
    RC_ASSERT(parsed.has_value());
    RC_ASSERT(*parsed == n);
  }));
}

TEST(InvoiceStatus, StateMachine) {
  using S = InvoiceStatus;
  EXPECT_TRUE(check_transition(S::draft, S::issued).has_value());
  EXPECT_TRUE(check_transition(S::issued, S::sent).has_value());
  EXPECT_TRUE(check_transition(S::sent, S::sent).has_value());
  EXPECT_TRUE(check_transition(S::sent, S::partly_paid).has_value());
  EXPECT_TRUE(check_transition(S::partly_paid, S::paid).has_value());
  EXPECT_TRUE(check_transition(S::issued, S::paid).has_value());
  for (auto [from, to] : std::vector<std::pair<S, S>>{{S::draft, S::sent},
                                                      {S::draft, S::paid},
                                                      {S::issued, S::draft},
                                                      {S::paid, S::sent},
                                                      {S::paid, S::partly_paid},
                                                      {S::sent, S::issued}}) {
    auto r = check_transition(from, to);
    ASSERT_FALSE(r.has_value()) << to_string(from) << " -> " << to_string(to);
    EXPECT_EQ(r.error().kind, ErrorKind::conflict);
  }
  EXPECT_TRUE(check_editable(S::draft, "").has_value());
  auto locked = check_editable(S::sent, "2026-000007");
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().kind, ErrorKind::conflict);
  EXPECT_NE(locked.error().message.find("credit note"), std::string::npos);
  EXPECT_EQ(*parse_invoice_status("partly_paid"), S::partly_paid);
  EXPECT_FALSE(parse_invoice_status("void").has_value());
}

TEST(InvoiceStatus, SettlementFollowsTheOpenAmount) {
  using S = InvoiceStatus;
  EXPECT_EQ(status_after_settlement(S::sent, eur(10000), eur(10000)), S::sent);
  EXPECT_EQ(status_after_settlement(S::sent, eur(10000), eur(4000)), S::partly_paid);
  EXPECT_EQ(status_after_settlement(S::partly_paid, eur(10000), eur(0)), S::paid);
  EXPECT_EQ(status_after_settlement(S::issued, eur(10000), eur(-500)), S::paid);  // refund owed
  EXPECT_EQ(status_after_settlement(S::paid, eur(10000), eur(10000)), S::sent);   // payment moved away
  EXPECT_EQ(status_after_settlement(S::issued, eur(0), eur(0)), S::paid);         // all covered work
  EXPECT_EQ(status_after_settlement(S::draft, eur(10000), eur(0)), S::draft);
  EXPECT_EQ(status_after_settlement(S::issued, eur(-5000), eur(-2000)), S::partly_paid);  // a credit note
}

TEST(InvoiceDates, DueDateFromNetDays) {
  EXPECT_EQ(*due_date(day(2026, 11, 30), 14), day(2026, 12, 14));
  EXPECT_EQ(*due_date(day(2026, 12, 20), 30), day(2027, 1, 19));
  EXPECT_EQ(*due_date(day(2026, 11, 30), 0), day(2026, 11, 30));
  auto bad = due_date(day(2026, 11, 30), 400);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().fields.at(0).field, "payment_terms_days");
}

TEST(IssueInvoice, AssignsNumberDatesAndTotals) {
  Invoice draft = issued_invoice();
  draft.status = InvoiceStatus::draft;
  draft.number.clear();
  draft.payment_terms_days = 30;
  auto issued = issue_invoice(draft, day(2026, 12, 1), InvoiceNumber{2026, 41});
  ASSERT_TRUE(issued.has_value()) << issued.error().message;
  EXPECT_EQ(issued->number_text, "2026-000042");
  EXPECT_EQ(issued->due_on, day(2026, 12, 31));
  EXPECT_EQ(issued->status, InvoiceStatus::issued);
  EXPECT_EQ(issued->totals.total, draft.totals.total);

  auto again = issue_invoice(issued_invoice(), day(2026, 12, 1), std::nullopt);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, ErrorKind::conflict);

  Invoice empty;
  auto nothing = issue_invoice(empty, day(2026, 12, 1), std::nullopt);
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().fields.at(0).field, "lines");

  Invoice negative;
  negative.lines = {line("refund", {-1, 1}, eur(100))};
  EXPECT_FALSE(issue_invoice(negative, day(2026, 12, 1), std::nullopt).has_value());
}

TEST(IssueInvoice, AnInvoiceOfZeroIsPaidWhenIssued) {
  // Only prepaid hours used: the lines say what was done, nothing is owed.
  Invoice zero;
  zero.lines = {line("Remote support (from prepaid hours)", {3, 1}, eur(0))};
  auto issued = issue_invoice(zero, day(2026, 12, 1), std::nullopt);
  ASSERT_TRUE(issued.has_value()) << issued.error().message;
  EXPECT_TRUE(issued->totals.total.is_zero());
  EXPECT_EQ(issued->status, InvoiceStatus::paid);
  EXPECT_EQ(issued->number_text, "2026-000001");  // it still takes its number
  // Lines that cancel out come to zero as well.
  Invoice cancelled;
  cancelled.lines = {line("Laptop", {1, 1}, eur(50000)), line("Trade-in", {-1, 1}, eur(50000))};
  EXPECT_EQ(issue_invoice(cancelled, day(2026, 12, 1), std::nullopt)->status, InvoiceStatus::paid);
}

TEST(CreditNote, FullCreditReversesTheOriginalExactly) {
  Invoice original = issued_invoice();
  auto note = make_credit_note(original, full_credit_lines(original), eur(0));
  ASSERT_TRUE(note.has_value()) << note.error().message;
  EXPECT_EQ(note->kind, InvoiceKind::credit_note);
  EXPECT_EQ(note->status, InvoiceStatus::draft);
  EXPECT_EQ(note->credited_invoice_id, original.id);
  EXPECT_EQ(note->credited_number, "2026-000007");
  EXPECT_EQ(note->totals.total, -original.totals.total);
  EXPECT_EQ(note->lines[0].description, "Credit: Remote support");
  EXPECT_TRUE(note->lines[0].item_key.empty());
  // Issued like any invoice, from the same series.
  auto issued = issue_invoice(*note, day(2026, 12, 3), InvoiceNumber{2026, 7});
  ASSERT_TRUE(issued.has_value()) << issued.error().message;
  EXPECT_EQ(issued->number_text, "2026-000008");
}

TEST(CreditNote, CannotExceedWhatIsLeftToCredit) {
  Invoice original = issued_invoice();  // total 409.61
  // One hour of support back: -95.00 - 19.95 = -114.95.
  std::vector<InvoiceLine> partial = {line("Remote support, 1 h too many", {-1, 1}, eur(9500))};
  ASSERT_TRUE(make_credit_note(original, partial, eur(0)).has_value());
  // After 300.00 credited, 109.61 is left: 114.95 is too much.
  auto too_much = make_credit_note(original, partial, eur(-30000));
  ASSERT_FALSE(too_much.has_value());
  EXPECT_EQ(too_much.error().fields.at(0).field, "lines");
  EXPECT_NE(too_much.error().fields.at(0).message.find("109.61"), std::string::npos)
      << too_much.error().fields[0].message;
  // Exactly what is left is fine.
  const Money left = original.totals.total - eur(30000);
  std::vector<InvoiceLine> rest = {line("rest", {-1, 1}, left, LineTax{TaxCategoryId(), "NL0", {0, 1}})};
  EXPECT_TRUE(make_credit_note(original, rest, eur(-30000)).has_value());
}

TEST(CreditNote, RefusesPositiveLinesDraftsAndCreditNotes) {
  Invoice original = issued_invoice();
  auto positive = make_credit_note(original, {line("oops", {1, 1}, eur(100))}, eur(0));
  ASSERT_FALSE(positive.has_value());
  EXPECT_EQ(positive.error().fields.at(0).field, "lines[0].quantity");
  Invoice draft = original;
  draft.status = InvoiceStatus::draft;
  EXPECT_EQ(make_credit_note(draft, full_credit_lines(draft), eur(0)).error().kind, ErrorKind::conflict);
  Invoice note = original;
  note.kind = InvoiceKind::credit_note;
  EXPECT_EQ(make_credit_note(note, full_credit_lines(note), eur(0)).error().kind, ErrorKind::conflict);
  EXPECT_FALSE(make_credit_note(original, {}, eur(0)).has_value());
  EXPECT_FALSE(make_credit_note(original, full_credit_lines(original), eur(100)).has_value());
}

TEST(Tax, ClientTreatmentOverridesTheCategoryRate) {
  LineTax standard = vat(21);
  EXPECT_EQ(effective_tax(standard, TaxTreatment::standard), standard);
  LineTax reverse = effective_tax(standard, TaxTreatment::reverse_charge);
  EXPECT_EQ(reverse.code, "reverse_charge");
  EXPECT_EQ(reverse.rate_percent, (Rational{0, 1}));
  EXPECT_EQ(reverse.category, standard.category);
  EXPECT_EQ(*parse_tax_treatment("exempt"), TaxTreatment::exempt);
  EXPECT_FALSE(parse_tax_treatment("zero").has_value());
}

}  // namespace
}  // namespace tend
