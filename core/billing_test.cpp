#include "core/billing.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tend {
namespace {

using std::chrono::days;
using std::chrono::year;
using std::chrono::year_month;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(year(y) / m / d); }
year_month ym(int y, unsigned m) { return year(y) / std::chrono::month(m); }
LineTax vat21() { return LineTax{TaxCategoryId(1), "NL21", {21, 1}}; }

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

ManagedTerms terms(CivilDate from, int64_t flat, int64_t per_ws, int64_t per_server, int64_t per_user,
                   int64_t users) {
  ManagedTerms t;
  t.effective_from = from;
  t.flat_fee = eur(flat);
  t.per_workstation = eur(per_ws);
  t.per_server = eur(per_server);
  t.per_user = eur(per_user);
  t.user_count = users;
  t.manual_workstations = 6;
  t.manual_servers = 1;
  return t;
}

Contract managed(CivilDate starts_on) {
  Contract c;
  c.id = ContractId(45);
  c.client_id = ClientId(3);
  c.kind = ContractKind::managed;
  c.name = "Managed Gold";
  c.starts_on = starts_on;
  c.term_months = 12;
  c.auto_renew = true;
  c.terms.push_back(terms(starts_on, 15000, 2500, 7500, 500, 8));
  return c;
}

Money sum(const std::vector<InvoiceLine>& lines) {
  Money total = eur(0);
  for (const auto& l : lines) total += l.amount;
  return total;
}

// ---- period -------------------------------------------------------------------------

TEST(BillingPeriod, CalendarMonthByDefault) {
  auto p = BillingPeriod::parse("2026-11");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->first_day, day(2026, 11, 1));
  EXPECT_EQ(p->last_day, day(2026, 11, 30));
  EXPECT_EQ(p->days(), 30);
  EXPECT_TRUE(p->is_calendar_month());
  EXPECT_EQ(p->to_string(), "2026-11");
  EXPECT_EQ(BillingPeriod::month(ym(2028, 2)).days(), 29);  // leap year
  EXPECT_EQ(BillingPeriod::month(ym(2026, 2)).days(), 28);
  EXPECT_EQ(days_in_month(ym(2026, 12)), 31);
}

TEST(BillingPeriod, RangesAndTheirMonths) {
  auto p = BillingPeriod::parse("2026-11-16..2027-01-15");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->days(), 61);
  EXPECT_FALSE(p->is_calendar_month());
  EXPECT_EQ(p->to_string(), "2026-11-16..2027-01-15");
  EXPECT_EQ(p->months(), (std::vector<year_month>{ym(2026, 11), ym(2026, 12), ym(2027, 1)}));
  EXPECT_TRUE(p->contains(day(2026, 11, 16)));
  EXPECT_FALSE(p->contains(day(2027, 1, 16)));
  EXPECT_EQ(BillingPeriod::parse("2026-12-01..2026-12-31")->to_string(), "2026-12");
}

TEST(BillingPeriod, InvalidPeriodsAreFieldErrors) {
  for (const char* bad : {"2026-13", "2026-1", "26-11", "1999-12", "2026-11-30..2026-11-01",
                          "2026-01-01..2027-01-02", "2026-11-01..", "november"}) {
    auto p = BillingPeriod::parse(bad);
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::invalid_input);
    ASSERT_EQ(p.error().fields.size(), 1u) << bad;
    EXPECT_EQ(p.error().fields[0].field, "period");
  }
  auto backwards = BillingPeriod::between(day(2026, 11, 30), day(2026, 11, 1));
  ASSERT_FALSE(backwards.has_value());
  EXPECT_EQ(backwards.error().fields.at(0).field, "last_day");
  auto missing = BillingPeriod::between(CivilDate{}, CivilDate{});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().fields.at(0).field, "first_day");
  EXPECT_TRUE(BillingPeriod::between(day(2028, 1, 1), day(2028, 12, 31)).has_value());  // 366 days
}

// ---- proration ----------------------------------------------------------------------

TEST(Proration, ByDaysOfTheMonthHalfAwayFromZero) {
  EXPECT_EQ(*prorate_monthly(eur(100000), 15, 30), eur(50000));
  EXPECT_EQ(*prorate_monthly(eur(100000), 30, 30), eur(100000));
  EXPECT_EQ(*prorate_monthly(eur(100000), 0, 30), eur(0));
  // 99.99 x 16/31 = 51.6077... -> 51.61
  EXPECT_EQ(*prorate_monthly(eur(9999), 16, 31), eur(5161));
  // 0.31 x 15/31 = 0.15 exactly; 0.31 x 1/2 would be 0.155 -> 0.16
  EXPECT_EQ(*prorate_monthly(eur(31), 15, 31), eur(15));
  EXPECT_EQ(*prorate_monthly(eur(1), 14, 28), eur(1));    // 0.005 -> 0.01
  EXPECT_EQ(*prorate_monthly(eur(-1), 14, 28), eur(-1));  // symmetric
  EXPECT_EQ(*month_share(15, 30), (Rational{1, 2}));
  EXPECT_EQ(month_share(31, 30).error().fields.at(0).field, "covered_days");
  EXPECT_EQ(month_share(10, 27).error().fields.at(0).field, "days_in_month");
}

TEST(Proration, PropertyConsecutiveSegmentsSumToTheFeeWithinHalfACentEach) {
  EXPECT_TRUE(check_seeded("segments of a month add up to the monthly fee within n/2 minor units", [] {
    const int64_t dim = *rc::gen::inRange<int64_t>(28, 32);
    const Money monthly = eur(*rc::gen::inRange<int64_t>(0, 100'000'000));
    // Cut the month into consecutive segments.
    std::vector<int64_t> lengths;
    int64_t left = dim;
    while (left > 0) {
      int64_t len = *rc::gen::inRange<int64_t>(1, left + 1);
      lengths.push_back(len);
      left -= len;
    }
    Money total = eur(0);
    for (int64_t len : lengths) total += *prorate_monthly(monthly, len, dim);
    const int64_t diff = std::abs((total - monthly).minor_units());
    RC_ASSERT(2 * diff <= static_cast<int64_t>(lengths.size()));
    if (lengths.size() == 1) RC_ASSERT(total == monthly);
  }));
}

TEST(FeeSegments, FullMonthMidMonthStartCancellationAndPriceChange) {
  Contract c = managed(day(2026, 1, 1));
  auto full = fee_segments(c, ym(2026, 11));
  ASSERT_TRUE(full.has_value()) << full.error().message;
  ASSERT_EQ(full->size(), 1u);
  EXPECT_EQ((*full)[0], (FeeSegment{day(2026, 11, 1), day(2026, 11, 30), 30, 30, 0}));
  EXPECT_EQ((*full)[0].share(), (Rational{1, 1}));

  Contract late = managed(day(2026, 11, 16));
  auto start = fee_segments(late, ym(2026, 11));
  ASSERT_EQ(start->size(), 1u);
  EXPECT_EQ((*start)[0], (FeeSegment{day(2026, 11, 16), day(2026, 11, 30), 15, 30, 0}));
  EXPECT_TRUE(fee_segments(late, ym(2026, 10))->empty());  // not started yet

  Contract cancelled = managed(day(2026, 1, 1));
  cancelled.cancellation_effective_on = day(2026, 11, 21);  // first day without cover
  auto end = fee_segments(cancelled, ym(2026, 11));
  ASSERT_EQ(end->size(), 1u);
  EXPECT_EQ((*end)[0], (FeeSegment{day(2026, 11, 1), day(2026, 11, 20), 20, 30, 0}));
  EXPECT_TRUE(fee_segments(cancelled, ym(2026, 12))->empty());

  Contract changed = managed(day(2026, 1, 1));
  changed.terms.push_back(terms(day(2026, 11, 15), 20000, 3000, 7500, 500, 8));
  changed.terms.push_back(terms(day(2027, 1, 1), 20000, 3500, 7500, 500, 8));
  auto two = fee_segments(changed, ym(2026, 11));
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0], (FeeSegment{day(2026, 11, 1), day(2026, 11, 14), 14, 30, 0}));
  EXPECT_EQ((*two)[1], (FeeSegment{day(2026, 11, 15), day(2026, 11, 30), 16, 30, 1}));
  auto december = fee_segments(changed, ym(2026, 12));
  ASSERT_EQ(december->size(), 1u);
  EXPECT_EQ((*december)[0].terms_index, 1u);

  // A change on the first of the month makes no empty segment.
  changed.terms[1].effective_from = day(2026, 11, 1);
  ASSERT_EQ(fee_segments(changed, ym(2026, 11))->size(), 1u);
  EXPECT_EQ((*fee_segments(changed, ym(2026, 11)))[0].terms_index, 1u);

  // No renewal: the agreement ends with its term.
  Contract ending = managed(day(2026, 1, 16));
  ending.auto_renew = false;  // last day 2027-01-15
  auto last = fee_segments(ending, ym(2027, 1));
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0], (FeeSegment{day(2027, 1, 1), day(2027, 1, 15), 15, 31, 0}));
}

TEST(FeeSegments, OnlyValidManagedAgreements) {
  Contract blocks;
  blocks.kind = ContractKind::block_hours;
  EXPECT_EQ(fee_segments(blocks, ym(2026, 11)).error().kind, ErrorKind::invalid_input);
  Contract bad = managed(day(2026, 1, 1));
  bad.name = "";
  auto r = fee_segments(bad, ym(2026, 11));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().fields.at(0).field, "name");
}

// ---- recurring fee lines ---------------------------------------------------------------

TEST(RecurringFee, LinesPerComponentWithDeviceCountsAtTheBillingDate) {
  Contract c = managed(day(2026, 1, 1));
  auto lines = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{12, 2}, vat21());
  ASSERT_TRUE(lines.has_value()) << lines.error().message;
  ASSERT_EQ(lines->size(), 4u);
  const auto& ws = (*lines)[1];
  EXPECT_EQ(ws.kind, LineKind::recurring_fee);
  EXPECT_EQ(ws.description, "Managed Gold: workstations, 2026-11");
  EXPECT_EQ(ws.quantity, (Rational{12, 1}));
  EXPECT_EQ(ws.unit, "workstation");
  EXPECT_EQ(ws.unit_price, eur(2500));
  EXPECT_EQ(ws.amount, eur(30000));
  EXPECT_EQ(ws.tax_amount, eur(6300));
  EXPECT_EQ(ws.item_key, "contract_fee:45:2026-11");
  EXPECT_EQ(ws.line_key, "contract_fee:45:2026-11/workstations@2026-11-01");
  EXPECT_EQ(ws.service_from, day(2026, 11, 1));
  EXPECT_EQ(ws.service_to, day(2026, 11, 30));
  // 150 + 12 x 25 + 2 x 75 + 8 x 5 = 640.00, as managed_monthly_fee says.
  EXPECT_EQ(sum(*lines), eur(64000));
  EXPECT_EQ(sum(*lines), managed_monthly_fee(c, day(2026, 11, 1), {12, 2})->total);

  // Without agents the manual counts apply (6 workstations, 1 server).
  auto manual = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{}, vat21());
  EXPECT_EQ(sum(*manual), eur(15000 + 6 * 2500 + 7500 + 8 * 500));
}

TEST(RecurringFee, MidMonthStartIsProratedPerLine) {
  // Journey 2: the agreement starts on the 16th; 15 of 30 days.
  Contract c = managed(day(2026, 11, 16));
  c.terms[0] = terms(day(2026, 11, 16), 0, 3333, 0, 0, 0);
  auto lines = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{7, 0}, vat21());
  ASSERT_TRUE(lines.has_value()) << lines.error().message;
  ASSERT_EQ(lines->size(), 1u);  // zero-priced components make no line
  EXPECT_EQ((*lines)[0].factor, (Rational{1, 2}));
  EXPECT_EQ((*lines)[0].description, "Managed Gold: workstations, 2026-11-16 to 2026-11-30 (15 of 30 days)");
  // 7 x 33.33 x 15/30 = 116.655 -> 116.66 (one rounding, not 7 x 16.67).
  EXPECT_EQ((*lines)[0].amount, eur(11666));
}

TEST(RecurringFee, PriceChangeInsideThePeriodMakesTwoSegments) {
  Contract c = managed(day(2026, 1, 1));
  c.terms.push_back(terms(day(2026, 11, 15), 15000, 3000, 7500, 500, 8));
  auto lines = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{10, 0}, vat21());
  ASSERT_TRUE(lines.has_value()) << lines.error().message;
  ASSERT_EQ(lines->size(), 6u);  // flat, workstations, users twice
  std::set<std::string> keys;
  for (const auto& l : *lines) {
    keys.insert(l.line_key);
    EXPECT_EQ(l.item_key, "contract_fee:45:2026-11");
    EXPECT_EQ(item_of_line_key(l.line_key), l.item_key);
  }
  EXPECT_EQ(keys.size(), lines->size());
  // Workstations: 10 x 25.00 x 14/30 = 116.666 -> 116.67; 10 x 30.00 x 16/30 = 160.00.
  EXPECT_EQ((*lines)[1].amount, eur(11667));
  EXPECT_EQ((*lines)[4].amount, eur(16000));
  // Flat: 150 x 14/30 = 70.00 and 150 x 16/30 = 80.00: a whole 150.00.
  EXPECT_EQ((*lines)[0].amount + (*lines)[3].amount, eur(15000));
}

TEST(RecurringFee, PropertyPriceChangesAtTheSamePriceStillBillTheMonth) {
  EXPECT_TRUE(check_seeded("fee lines of a month cut at random dates sum to the fee within n/2 each", [] {
    const unsigned month = static_cast<unsigned>(*rc::gen::inRange(1, 13));
    Contract c = managed(day(2026, 1, 1));
    const int64_t flat = *rc::gen::inRange<int64_t>(0, 1'000'000);
    const int64_t per_ws = *rc::gen::inRange<int64_t>(0, 100'000);
    c.terms[0] = terms(day(2026, 1, 1), flat, per_ws, 0, 0, 0);
    std::set<unsigned> cuts;
    const int n = *rc::gen::inRange(0, 5);
    const unsigned dim = static_cast<unsigned>(days_in_month(ym(2026, month)));
    for (int i = 0; i < n; ++i)
      cuts.insert(static_cast<unsigned>(*rc::gen::inRange<int>(2, static_cast<int>(dim) + 1)));
    if (month == 1) cuts.clear();  // the first prices start with the contract
    for (unsigned d : cuts) c.terms.push_back(terms(day(2026, month, d), flat, per_ws, 0, 0, 0));
    const int64_t ws = *rc::gen::inRange<int64_t>(1, 500);
    auto lines = recurring_fee_lines(c, ym(2026, month), DeviceCounts{ws, 0}, vat21());
    RC_ASSERT(lines.has_value());
    const Money full = eur(flat + per_ws * ws);
    const int64_t diff = std::abs((sum(*lines) - full).minor_units());
    RC_ASSERT(2 * diff <= static_cast<int64_t>(lines->size()));
  }));
}

// ---- block purchases ------------------------------------------------------------------

Contract block_contract() {
  Contract c;
  c.id = ContractId(2);
  c.kind = ContractKind::block_hours;
  c.name = "Prepaid hours";
  c.starts_on = day(2026, 7, 1);
  c.overage_rate = eur(9500);
  c.blocks = {{HourBlockId(10), c.id, "2026-Q3", 600, eur(85000), day(2026, 7, 1), day(2026, 9, 30)},
              {HourBlockId(11), c.id, "2026-Q4", 600, eur(85000), day(2026, 10, 1), day(2026, 12, 31)},
              {HourBlockId(12), c.id, "2027-Q1", 600, eur(85000), day(2027, 1, 1), day(2027, 3, 31)}};
  c.blocks[0].invoice_line_id = 99;
  return c;
}

TEST(BlockPurchase, NotYetInvoicedBlocksValidByThePeriodEnd) {
  Contract c = block_contract();
  auto blocks = blocks_to_bill(c, BillingPeriod::month(ym(2026, 11)));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].id, HourBlockId(11));
  EXPECT_TRUE(blocks_to_bill(managed(day(2026, 1, 1)), BillingPeriod::month(ym(2026, 11))).empty());
  auto line = block_purchase_line(c, blocks[0], vat21());
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(line->kind, LineKind::block_purchase);
  EXPECT_EQ(line->description, "Prepaid hours: prepaid hours 2026-Q4, 10 h, valid 2026-10-01 to 2026-12-31");
  EXPECT_EQ(line->amount, eur(85000));
  EXPECT_EQ(line->tax_amount, eur(17850));
  EXPECT_EQ(line->item_key, "block_purchase:11");
  EXPECT_EQ(line->line_key, "block_purchase:11");
}

// ---- arrears ---------------------------------------------------------------------------

struct RatedClient {
  std::vector<Contract> contracts;
  std::vector<ClientRate> client_rates;
  std::vector<RatingWorkType> work_types;
  ClientRatingInput input() const { return ClientRatingInput{kEur, contracts, client_rates, work_types, {}}; }
};

RatedClient rated_client() {
  RatedClient rc;
  RatingWorkType remote{WorkTypeId(1), "Remote support", eur(9500), RoundingRule{0, 15}, Rational{3, 2}};
  RatingWorkType onsite{WorkTypeId(2), "On-site", eur(12000), RoundingRule{60, 30}, Rational{1, 1}};
  rc.work_types = {remote, onsite};
  Contract m = managed(day(2026, 1, 1));
  m.covered_work_types = {WorkTypeId(1)};
  m.covered_items = {CatalogueItemId(7)};
  m.starts_on = m.terms[0].effective_from = day(2026, 11, 16);
  rc.contracts = {m};
  return rc;
}

RatingEntry entry(int64_t id, WorkTypeId type, CivilDate on, int64_t minutes, bool after_hours = false) {
  RatingEntry e;
  e.id = TimeEntryId(id);
  e.ticket = TicketId(100 + id);
  e.work_type = type;
  e.work_date = on;
  e.actual_minutes = minutes;
  e.after_hours = after_hours;
  return e;
}

TEST(ArrearsTime, LinesComeToTheRatedAmounts) {
  RatedClient client = rated_client();
  std::vector<RatingEntry> entries = {
      entry(1, WorkTypeId(1), day(2026, 11, 4), 40),        // before the agreement: T&M, 45 min
      entry(2, WorkTypeId(1), day(2026, 11, 5), 20, true),  // after hours x1.5, 30 min
      entry(3, WorkTypeId(1), day(2026, 11, 20), 50),       // covered by the agreement
      entry(4, WorkTypeId(2), day(2026, 11, 20), 70),       // on-site is not covered: 90 min
  };
  entries.push_back(entry(5, WorkTypeId(1), day(2026, 11, 6), 30));
  entries.back().billing = Billing::non_billable;
  ClientRating rating = rate_client_work(client.input(), entries);
  std::vector<std::optional<InvoiceLine>> lines;
  for (size_t i = 0; i < entries.size(); ++i) {
    TimeToBill t{entries[i],       rating.time[i],
                 "Remote support", "#10" + std::to_string(i + 1) + " Laptop slow",
                 "Managed Gold",   vat21()};
    if (entries[i].work_type == WorkTypeId(2)) t.work_type_name = "On-site";
    auto line = time_line(t, kEur);
    ASSERT_TRUE(line.has_value()) << i << ": " << line.error().message;
    if (*line) {
      EXPECT_EQ((*line)->amount, rating.time[i].amount) << i;
    }
    lines.push_back(*line);
  }
  ASSERT_TRUE(lines[0]);
  EXPECT_EQ(lines[0]->description, "Remote support 2026-11-04 — #101 Laptop slow");
  EXPECT_EQ(lines[0]->quantity, (Rational{3, 4}));
  EXPECT_EQ(lines[0]->amount, eur(7125));  // 0.75 h x 95.00
  EXPECT_EQ(lines[0]->item_key, "time_entry:1");
  EXPECT_EQ(lines[1]->factor, (Rational{3, 2}));
  EXPECT_EQ(lines[1]->amount, eur(7125));  // 0.5 h x 95.00 x 1.5
  EXPECT_NE(lines[1]->description.find("after hours x1.5"), std::string::npos);
  EXPECT_EQ(lines[2]->amount, eur(0));
  EXPECT_EQ(lines[2]->description, "Remote support 2026-11-20 — #103 Laptop slow (covered by Managed Gold)");
  EXPECT_EQ(lines[3]->amount, eur(18000));  // 1.5 h x 120.00
  EXPECT_FALSE(lines[4].has_value());       // internal work never reaches an invoice
}

TimeCharge charge(ChargeBasis basis, int64_t billable, int64_t charged, std::optional<Money> rate,
                  Money amount) {
  TimeCharge c;
  c.basis = basis;
  c.billable_minutes = billable;
  c.charged_minutes = charged;
  c.rate.base = rate;
  c.amount = amount;
  return c;
}

TEST(ArrearsTime, BlockOverageNoChargeUnpricedAndMismatches) {
  RatingEntry e = entry(9, WorkTypeId(1), day(2026, 11, 9), 90);
  TimeToBill overage{e,
                     charge(ChargeBasis::block_hours, 90, 30, eur(9500), eur(4750)),
                     "Remote support",
                     "",
                     "Prepaid hours",
                     vat21()};
  auto line = time_line(overage, kEur);
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ((*line)->amount, eur(4750));
  EXPECT_EQ((*line)->quantity, (Rational{1, 2}));
  EXPECT_EQ((*line)->description,
            "Remote support 2026-11-09 (overage of Prepaid hours; 1 h from prepaid hours)");

  TimeToBill prepaid = overage;
  prepaid.charge = charge(ChargeBasis::block_hours, 90, 0, eur(9500), eur(0));
  EXPECT_EQ((*time_line(prepaid, kEur))->quantity, (Rational{3, 2}));
  EXPECT_EQ((*time_line(prepaid, kEur))->amount, eur(0));

  TimeToBill free = overage;
  free.charge = charge(ChargeBasis::no_charge, 0, 0, std::nullopt, eur(0));
  EXPECT_EQ((*time_line(free, kEur))->quantity, (Rational{3, 2}));  // the actual 90 minutes are shown
  EXPECT_NE((*time_line(free, kEur))->description.find("(no charge)"), std::string::npos);

  TimeToBill fixed = overage;
  fixed.charge = charge(ChargeBasis::fixed_price_service, 0, 0, std::nullopt, eur(0));
  EXPECT_FALSE(time_line(fixed, kEur)->has_value());

  TimeToBill unpriced = overage;
  unpriced.charge = charge(ChargeBasis::unpriced, 90, 90, std::nullopt, eur(0));
  auto refused = time_line(unpriced, kEur);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().fields.at(0).field, "charge");

  TimeToBill wrong = overage;
  wrong.charge.amount = eur(4751);
  EXPECT_EQ(time_line(wrong, kEur).error().kind, ErrorKind::internal);
  EXPECT_EQ(time_line(overage, *Currency::parse("USD")).error().kind, ErrorKind::invalid_input);
}

TEST(ArrearsItems, PartsServicesAndIncludedItems) {
  RatedClient client = rated_client();
  ItemUse ssd{31, CatalogueItemId(8), "SSD 1 TB", CatalogueKind::part, day(2026, 11, 4), 2, eur(8900)};
  ItemUse virus{32, CatalogueItemId(9), "Virus removal", CatalogueKind::service, day(2026, 11, 4),
                1,  eur(7900)};
  ItemUse included{33,      CatalogueItemId(7), "Patch cable", CatalogueKind::part, day(2026, 11, 20), 3,
                   eur(500)};
  auto bill = [&](const ItemUse& use) {
    return item_line(
        ItemToBill{use, rate_item(client.input(), use), "#101 Laptop slow", "Managed Gold", vat21()}, kEur);
  };
  auto part = bill(ssd);
  ASSERT_TRUE(part.has_value()) << part.error().message;
  EXPECT_EQ((*part)->kind, LineKind::part);
  EXPECT_EQ((*part)->amount, eur(17800));
  EXPECT_EQ((*part)->item_key, "part_usage:31");
  auto service = bill(virus);
  EXPECT_EQ((*service)->kind, LineKind::service);
  EXPECT_EQ((*service)->amount, eur(7900));
  EXPECT_EQ((*service)->item_key, "service_usage:32");
  auto covered = bill(included);
  EXPECT_EQ((*covered)->amount, eur(0));
  EXPECT_EQ((*covered)->description, "Patch cable 2026-11-20 — #101 Laptop slow (included in Managed Gold)");

  ItemUse dollars = ssd;
  dollars.unit_price = Money(*Currency::parse("USD"), 8900);
  auto unpriced = bill(dollars);
  ASSERT_FALSE(unpriced.has_value());
  EXPECT_EQ(unpriced.error().fields.at(0).field, "charge");
}

// ---- keys ------------------------------------------------------------------------------

TEST(BillableKeys, DeterministicAndParseable) {
  EXPECT_EQ(billable_key(TimeEntryId(123)), "time_entry:123");
  EXPECT_EQ(billable_key(PartUsageId(4)), "part_usage:4");
  EXPECT_EQ(billable_key(ServiceUsageId(5)), "service_usage:5");
  EXPECT_EQ(billable_key(HourBlockId(6)), "block_purchase:6");
  EXPECT_EQ(contract_fee_key(ContractId(45), ym(2026, 11)), "contract_fee:45:2026-11");
  for (const std::string key : {"time_entry:123", "contract_fee:45:2026-11", "block_purchase:6"}) {
    auto parsed = BillableItemKey::parse(key);
    ASSERT_TRUE(parsed.has_value()) << key;
    EXPECT_EQ(parsed->to_string(), key);
  }
  for (const char* bad : {"time_entry:0", "time_entry:-1", "time_entry:012", "invoice:1", "contract_fee:45",
                          "contract_fee:45:2026-13", "time_entry", ""}) {
    auto parsed = BillableItemKey::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().fields.at(0).field, "item_key");
  }
  EXPECT_EQ(item_of_line_key("contract_fee:45:2026-11/flat@2026-11-01"), "contract_fee:45:2026-11");
  EXPECT_EQ(item_of_line_key("time_entry:1"), "time_entry:1");
}

TEST(BillableKeys, TwoRunsMakeTheSameKeys) {
  Contract c = managed(day(2026, 11, 16));
  auto first = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{3, 1}, vat21());
  auto second = recurring_fee_lines(c, ym(2026, 11), DeviceCounts{3, 1}, vat21());
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(*first, *second);
  // A period that overlaps the month again bills the same fee item.
  auto period = BillingPeriod::parse("2026-11-20..2026-12-10");
  EXPECT_EQ(contract_fee_key(c.id, period->months()[0]), (*first)[0].item_key);
}

// ---- golden cases ------------------------------------------------------------------------

std::string trim(std::string s) {
  const char* space = " \t\r";
  s.erase(0, s.find_first_not_of(space));
  s.erase(s.find_last_not_of(space) + 1);
  return s;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string part; std::getline(in, part, sep);) out.push_back(trim(part));
  return out;
}

Rational rational(const std::string& text) {
  auto slash = text.find('/');
  if (slash != std::string::npos)
    return Rational{std::stoll(text.substr(0, slash)), std::stoll(text.substr(slash + 1))};
  return *Rational::parse_decimal(text);
}

std::vector<std::string> data_lines(const char* file) {
  std::ifstream in(std::filesystem::path(TEND_SOURCE_DIR) / "tests/golden/billing" / file);
  EXPECT_TRUE(in.good()) << file;
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

TEST(BillingGolden, Proration) {
  int cases = 0;
  for (const std::string& line : data_lines("proration.txt")) {
    // id | monthly | covered_days | days_in_month | expected | why
    auto f = split(line, '|');
    ASSERT_EQ(f.size(), 6u) << line;
    auto got = prorate_monthly(*Money::parse(kEur, f[1]), std::stoll(f[2]), std::stoll(f[3]));
    ASSERT_TRUE(got.has_value()) << f[0];
    EXPECT_EQ(got->to_decimal(), f[4]) << "proration.txt case " << f[0] << ": " << f[5];
    ++cases;
  }
  EXPECT_GE(cases, 8);
}

TEST(BillingGolden, InvoiceTotals) {
  // case <id> | <why>; line | quantity | unit price | factor | tax % | amount | tax;
  // totals | net | tax | total; summary | rate % | base | tax.
  int cases = 0;
  std::string id, why;
  std::vector<InvoiceLine> lines;
  std::vector<std::pair<std::string, std::string>> expected_lines;
  for (const std::string& text : data_lines("invoices.txt")) {
    auto f = split(text, '|');
    const std::string where = "invoices.txt case " + id + ": " + why;
    if (f[0].rfind("case ", 0) == 0) {
      id = f[0].substr(5);
      why = f.size() > 1 ? f[1] : "";
      lines.clear();
      expected_lines.clear();
    } else if (f[0] == "line") {
      ASSERT_EQ(f.size(), 7u) << text;
      InvoiceLine l;
      l.description = "line " + std::to_string(lines.size() + 1);
      l.quantity = rational(f[1]);
      l.unit_price = *Money::parse(kEur, f[2]);
      l.factor = rational(f[3]);
      l.tax = LineTax{TaxCategoryId(), "VAT" + f[4], rational(f[4])};
      lines.push_back(l);
      expected_lines.emplace_back(f[5], f[6]);
    } else if (f[0] == "totals") {
      ASSERT_EQ(f.size(), 4u) << text;
      std::vector<InvoiceLine> priced = lines;
      auto totals = price_invoice(kEur, priced);
      ASSERT_TRUE(totals.has_value()) << where << " " << totals.error().message;
      for (size_t i = 0; i < priced.size(); ++i) {
        EXPECT_EQ(priced[i].amount.to_decimal(), expected_lines[i].first) << where << " line " << i + 1;
        EXPECT_EQ(priced[i].tax_amount.to_decimal(), expected_lines[i].second) << where << " line " << i + 1;
      }
      EXPECT_EQ(totals->net.to_decimal(), f[1]) << where;
      EXPECT_EQ(totals->tax.to_decimal(), f[2]) << where;
      EXPECT_EQ(totals->total.to_decimal(), f[3]) << where;
      ++cases;
    } else if (f[0] == "summary") {
      ASSERT_EQ(f.size(), 4u) << text;
      std::vector<InvoiceLine> priced = lines;
      auto totals = price_invoice(kEur, priced);
      ASSERT_TRUE(totals.has_value());
      bool found = false;
      for (const auto& row : totals->tax_summary) {
        if (!(row.rate_percent == rational(f[1]))) continue;
        found = true;
        EXPECT_EQ(row.base.to_decimal(), f[2]) << where << " rate " << f[1];
        EXPECT_EQ(row.tax.to_decimal(), f[3]) << where << " rate " << f[1];
      }
      EXPECT_TRUE(found) << where << " has no summary row for " << f[1] << "%";
    } else {
      ADD_FAILURE() << "invoices.txt: cannot read '" << text << "'";
    }
  }
  EXPECT_GE(cases, 5);
}

}  // namespace
}  // namespace tend
