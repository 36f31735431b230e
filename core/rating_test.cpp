#include "core/rating.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <numeric>

#include "core/coverage.h"

namespace tend {
namespace {

using std::chrono::days;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }

TEST(Rounding, TheClassicCase) {
  // 45 + 45 + 5 minutes, one-hour minimum, one-hour increment: 95 -> 120.
  RoundingRule hour{60, 60};
  EXPECT_EQ(group_billable_minutes(95, hour), 120);
  std::vector<int64_t> actual{45, 45, 5};
  auto shares = share_minutes(actual, 120);
  EXPECT_EQ(shares, (std::vector<int64_t>{57, 57, 6}));
  // Rounded per entry it would have been three hours: the rule is per group.
  EXPECT_EQ(group_billable_minutes(45, hour) * 2 + group_billable_minutes(5, hour), 180);
}

TEST(Rounding, MinimumThenIncrement) {
  EXPECT_EQ(group_billable_minutes(0, {60, 60}), 0);  // zero-minute entries are never charged a minimum
  EXPECT_EQ(group_billable_minutes(1, {30, 15}), 30);
  EXPECT_EQ(group_billable_minutes(31, {30, 15}), 45);
  EXPECT_EQ(group_billable_minutes(45, {30, 15}), 45);
  EXPECT_EQ(group_billable_minutes(7, {0, 0}), 7);
  EXPECT_EQ(group_billable_minutes(7, {0, 1}), 7);
  EXPECT_EQ(group_billable_minutes(7, {0, 6}), 12);
  EXPECT_EQ(group_billable_minutes(50, {45, 0}), 50);
}

TEST(Rounding, SharesAddUpAndNeverGoBelowActual) {
  EXPECT_EQ(share_minutes(std::vector<int64_t>{}, 0), std::vector<int64_t>{});
  EXPECT_EQ(share_minutes(std::vector<int64_t>{0, 0}, 0), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(share_minutes(std::vector<int64_t>{10, 10, 10}, 31), (std::vector<int64_t>{11, 10, 10}));
  EXPECT_EQ(share_minutes(std::vector<int64_t>{0, 20}, 30), (std::vector<int64_t>{0, 30}));
}

TEST(Rate, MostSpecificRuleWinsThenTheMultiplier) {
  RateCandidates c;
  c.work_type_rate = eur(9500);
  c.after_hours_multiplier = {3, 2};
  EXPECT_EQ(choose_rate(c, false, kEur).source, RateSource::work_type);
  c.client_rate = eur(8500);
  EXPECT_EQ(*choose_rate(c, false, kEur).base, eur(8500));
  c.contract_rate = eur(7500);
  c.contract = ContractId(4);
  HourlyRate r = choose_rate(c, true, kEur);
  EXPECT_EQ(r.source, RateSource::contract);
  EXPECT_EQ(r.contract, ContractId(4));
  EXPECT_EQ(*r.effective(), eur(11250));
  EXPECT_EQ(charge_for_minutes(*r.base, r.multiplier, 90), eur(16875));
}

TEST(Rate, ARateInAnotherCurrencyDoesNotApply) {
  RateCandidates c;
  c.work_type_rate = eur(9500);
  Currency usd = *Currency::parse("USD");
  EXPECT_FALSE(choose_rate(c, false, usd).priced());
  c.client_rate = Money(usd, 11000);
  EXPECT_EQ(choose_rate(c, false, usd).source, RateSource::client);
}

TEST(Rate, AmountsRoundHalfAwayFromZeroOnce) {
  // 95.00/h for 1 minute = 1.58333 -> 1.58; 10 minutes = 15.8333 -> 15.83;
  // 33.33/h x 1.5 for 1 minute = 0.83325 -> 0.83.
  EXPECT_EQ(charge_for_minutes(eur(9500), {1, 1}, 1), eur(158));
  EXPECT_EQ(charge_for_minutes(eur(9500), {1, 1}, 10), eur(1583));
  EXPECT_EQ(charge_for_minutes(eur(3333), {3, 2}, 1), eur(83));
  EXPECT_EQ(charge_for_minutes(eur(9000), {1, 1}, 1), eur(150));
  EXPECT_EQ(charge_for_minutes(eur(3), {1, 1}, 10), eur(1));  // 0.5 cent rounds up
}

TEST(Format, HoursAndMoneyReadWell) {
  EXPECT_EQ(format_hours(210), "3.5 h");
  EXPECT_EQ(format_hours(600), "10 h");
  EXPECT_EQ(format_hours(15), "0.25 h");
  EXPECT_EQ(format_hours(57), "57 min");
  EXPECT_EQ(format_hours(95), "1 h 35 min");
  EXPECT_EQ(format_money_short(eur(9500)), "\xE2\x82\xAC" "95.00");
  EXPECT_EQ(format_money_short(Money(*Currency::parse("CHF"), -250)), "-CHF 2.50");
}

// ---- properties -----------------------------------------------------------------

RoundingRule any_rule() {
  return {*rc::gen::inRange<int64_t>(0, 241), *rc::gen::inRange<int64_t>(0, 121)};
}

TEST(RatingProperties, BillableIsNeverBelowActualAndRespectsTheRule) {
  EXPECT_TRUE(rc::check([] {
    RoundingRule rule = any_rule();
    int64_t actual = *rc::gen::inRange<int64_t>(0, 5000);
    int64_t billable = group_billable_minutes(actual, rule);
    RC_ASSERT(billable >= actual);
    if (actual > 0) {
      RC_ASSERT(billable >= rule.minimum_minutes);
      if (rule.increment_minutes > 1) RC_ASSERT(billable % rule.increment_minutes == 0);
      // The smallest such value: one increment less would break a rule.
      int64_t step = std::max<int64_t>(rule.increment_minutes, 1);
      RC_ASSERT(billable - step < std::max(actual, rule.minimum_minutes));
    } else {
      RC_ASSERT(billable == 0);
    }
  }));
}

TEST(RatingProperties, SplittingAnEntryNeverLowersTheGroupBelowTheRule) {
  // Splitting one entry into two on the same ticket and work type gives the
  // same group total, hence the same billable minutes as the minimum rule
  // gives for the whole; never fewer.
  EXPECT_TRUE(rc::check([] {
    RoundingRule rule = any_rule();
    int64_t total = *rc::gen::inRange<int64_t>(0, 2000);
    int64_t first = *rc::gen::inRange<int64_t>(0, total + 1);
    std::vector<int64_t> split{first, total - first};
    int64_t whole = group_billable_minutes(total, rule);
    int64_t split_total = group_billable_minutes(std::accumulate(split.begin(), split.end(), int64_t{0}), rule);
    RC_ASSERT(split_total == whole);
    auto shares = share_minutes(split, split_total);
    RC_ASSERT(shares[0] + shares[1] == whole);
    RC_ASSERT(shares[0] >= split[0]);
    RC_ASSERT(shares[1] >= split[1]);
  }));
}

TEST(RatingProperties, SharesAlwaysSumExactlyAndCoverEachEntry) {
  EXPECT_TRUE(rc::check([] {
    auto actual = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 600));
    int64_t sum = std::accumulate(actual.begin(), actual.end(), int64_t{0});
    int64_t total = sum + *rc::gen::inRange<int64_t>(0, 500);
    auto shares = share_minutes(actual, actual.empty() ? 0 : total);
    RC_ASSERT(shares.size() == actual.size());
    if (!actual.empty()) RC_ASSERT(std::accumulate(shares.begin(), shares.end(), int64_t{0}) == total);
    for (size_t i = 0; i < actual.size(); ++i) RC_ASSERT(shares[i] >= actual[i]);
  }));
}

TEST(RatingProperties, NoChargeIsEverNegativeAndMoreMinutesNeverCostLess) {
  EXPECT_TRUE(rc::check([] {
    Money rate = eur(*rc::gen::inRange<int64_t>(0, 100'000));
    Rational multiplier{*rc::gen::inRange<int64_t>(2, 21), 2};  // 1 .. 10
    int64_t minutes = *rc::gen::inRange<int64_t>(0, 1441);
    Money a = charge_for_minutes(rate, multiplier, minutes);
    Money b = charge_for_minutes(rate, multiplier, minutes + 1);
    RC_ASSERT(!a.is_negative());
    RC_ASSERT(a <= b);
  }));
}

// A random client: a managed agreement covering one work type, a block-hours
// contract with two blocks, rates; random entries. Checks every decision.
TEST(RatingProperties, ClientRatingIsNeverNegativeAndBlocksNeverOverdraw) {
  EXPECT_TRUE(rc::check([] {
    std::vector<RatingWorkType> types = {
        {WorkTypeId(1), "Remote", eur(9500), any_rule(), {3, 2}},
        {WorkTypeId(2), "On-site", eur(11000), any_rule(), {1, 1}},
    };
    std::vector<Contract> contracts;
    if (*rc::gen::arbitrary<bool>()) {
      Contract m;
      m.id = ContractId(1);
      m.kind = ContractKind::managed;
      m.name = "Managed";
      m.starts_on = day(2026, 1, 1);
      m.term_months = 12;
      m.auto_renew = true;
      m.covered_work_types = {WorkTypeId(1)};
      m.rates = {{WorkTypeId(2), eur(8000)}};
      contracts.push_back(m);
    }
    Contract b;
    b.id = ContractId(2);
    b.kind = ContractKind::block_hours;
    b.name = "Blocks";
    b.starts_on = day(2026, 1, 1);
    b.overage_rate = eur(9000);
    b.rollover = *rc::gen::arbitrary<bool>();
    b.blocks = {{HourBlockId(1), b.id, "H1", *rc::gen::inRange<int64_t>(0, 1200), eur(0), day(2026, 1, 1), day(2026, 6, 30)},
                {HourBlockId(2), b.id, "H2", *rc::gen::inRange<int64_t>(0, 1200), eur(0), day(2026, 7, 1), day(2026, 12, 31)}};
    contracts.push_back(b);
    std::vector<RatingEntry> entries;
    int n = *rc::gen::inRange(0, 40);
    for (int i = 0; i < n; ++i) {
      RatingEntry e;
      e.id = TimeEntryId(i + 1);
      e.ticket = TicketId(*rc::gen::inRange(1, 5));
      e.work_type = WorkTypeId(*rc::gen::inRange(1, 3));
      e.work_date = day(2026, 1, 1) + days(*rc::gen::inRange(0, 400));
      e.actual_minutes = *rc::gen::inRange<int64_t>(0, 300);
      e.billing = static_cast<Billing>(*rc::gen::inRange(0, 3));
      e.after_hours = *rc::gen::arbitrary<bool>();
      entries.push_back(e);
    }
    ClientRatingInput input;
    input.contracts = contracts;
    input.work_types = types;
    ClientRating rating = rate_client_work(input, entries);
    RC_ASSERT(rating.time.size() == entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const TimeCharge& c = rating.time[i];
      RC_ASSERT(!c.amount.is_negative());
      RC_ASSERT(c.billable_minutes >= 0);
      if (entries[i].billing == Billing::billable) RC_ASSERT(c.billable_minutes >= entries[i].actual_minutes);
      if (c.basis != ChargeBasis::time_and_materials && c.basis != ChargeBasis::block_hours) {
        RC_ASSERT(c.amount.is_zero());
      }
      if (c.basis == ChargeBasis::block_hours) {
        int64_t consumed = c.blocks.overage_minutes;
        for (const auto& use : c.blocks.uses) consumed += use.minutes;
        RC_ASSERT(consumed == c.billable_minutes);
      }
    }
    for (const auto& ledger : rating.ledgers) {
      for (const auto& balance : ledger.allocation.balances) RC_ASSERT(balance.remaining() >= 0);
    }
  }));
}

}  // namespace
}  // namespace tend
