#include "core/contracts.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "core/coverage.h"

namespace tend {
namespace {

using std::chrono::days;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }

Contract managed() {
  Contract c;
  c.id = ContractId(1);
  c.kind = ContractKind::managed;
  c.name = "Managed Gold";
  c.starts_on = day(2026, 1, 16);
  c.term_months = 12;
  c.auto_renew = true;
  c.notice_days = 90;
  ManagedTerms t;
  t.effective_from = c.starts_on;
  t.flat_fee = eur(15000);
  t.per_workstation = eur(2500);
  t.per_server = eur(7500);
  t.per_user = eur(500);
  t.user_count = 8;
  t.manual_workstations = 6;
  t.manual_servers = 1;
  c.terms.push_back(t);
  return c;
}

Contract blocks(bool rollover) {
  Contract c;
  c.id = ContractId(2);
  c.kind = ContractKind::block_hours;
  c.name = "Prepaid hours";
  c.starts_on = day(2026, 7, 1);
  c.overage_rate = eur(9500);
  c.rollover = rollover;
  c.blocks = {{HourBlockId(10), c.id, "2026-Q3", 600, eur(85000), day(2026, 7, 1), day(2026, 9, 30)},
              {HourBlockId(11), c.id, "2026-Q4", 600, eur(85000), day(2026, 10, 1), day(2026, 12, 31)}};
  return c;
}

TEST(ContractTerms, RenewalDatesFollowTheTerm) {
  Contract c = managed();
  EXPECT_EQ(*term_start_on(c, day(2026, 1, 16)), day(2026, 1, 16));
  EXPECT_EQ(*term_start_on(c, day(2027, 1, 15)), day(2026, 1, 16));
  EXPECT_EQ(*term_start_on(c, day(2027, 1, 16)), day(2027, 1, 16));
  EXPECT_FALSE(term_start_on(c, day(2026, 1, 15)).has_value());
  EXPECT_EQ(*renewal_date(c, day(2026, 6, 1)), day(2027, 1, 16));
  EXPECT_EQ(*renewal_date(c, day(2029, 3, 1)), day(2030, 1, 16));
  EXPECT_TRUE(active_on(c, day(2031, 1, 1)));  // auto-renews
  c.auto_renew = false;
  EXPECT_EQ(*last_day(c), day(2027, 1, 15));
  EXPECT_FALSE(active_on(c, day(2027, 1, 16)));
}

TEST(ContractTerms, MonthEndsClampToTheLastDay) {
  Contract c = managed();
  c.starts_on = day(2026, 1, 31);
  c.term_months = 1;
  EXPECT_EQ(*renewal_date(c, day(2026, 2, 1)), day(2026, 2, 28));
  // Terms count from the start (31 Jan + 2 months = 31 Mar), not from the
  // previous clamped date.
  EXPECT_EQ(*term_start_on(c, day(2026, 3, 30)), day(2026, 2, 28));
  EXPECT_EQ(*term_start_on(c, day(2026, 3, 31)), day(2026, 3, 31));
}

TEST(ContractTerms, CancellationNeedsNotice) {
  Contract c = managed();
  // Notice 90 days: asked on 2026-09-01, +90 = 2026-11-30, inside the first
  // term -> effective at the renewal on 2027-01-16.
  EXPECT_EQ(earliest_cancellation(c, day(2026, 9, 1)), day(2027, 1, 16));
  // Asked on 2026-11-01: +90 = 2027-01-30, in the second term -> 2028-01-16.
  EXPECT_EQ(earliest_cancellation(c, day(2026, 11, 1)), day(2028, 1, 16));
  c.cancellation_effective_on = day(2027, 1, 16);
  EXPECT_EQ(*last_day(c), day(2027, 1, 15));
  EXPECT_TRUE(active_on(c, day(2027, 1, 15)));
  EXPECT_FALSE(active_on(c, day(2027, 1, 16)));
  Contract tm;
  tm.kind = ContractKind::time_and_materials;
  tm.starts_on = day(2026, 1, 1);
  EXPECT_EQ(earliest_cancellation(tm, day(2026, 5, 5)), day(2026, 5, 5));
}

TEST(ManagedFee, FlatPlusDevicesByClassPlusUsers) {
  Contract c = managed();
  auto fee = managed_monthly_fee(c, day(2026, 2, 1), {12, 2});
  ASSERT_TRUE(fee.has_value());
  EXPECT_TRUE(fee->devices_from_agents);
  // 150 + 12 x 25 + 2 x 75 + 8 x 5 = 150 + 300 + 150 + 40 = 640.
  EXPECT_EQ(fee->total, eur(64000));
  ASSERT_EQ(fee->lines.size(), 4u);
  EXPECT_EQ(fee->lines[1].quantity, 12);
  // Without agents the manual counts apply: 150 + 6 x 25 + 1 x 75 + 40 = 415.
  auto manual = managed_monthly_fee(c, day(2026, 2, 1), {0, 0});
  EXPECT_FALSE(manual->devices_from_agents);
  EXPECT_EQ(manual->total, eur(41500));
}

TEST(ManagedFee, PriceChangesApplyFromTheirDateAndHistoryStays) {
  Contract c = managed();
  ManagedTerms raise = c.terms[0];
  raise.effective_from = day(2027, 1, 16);
  raise.per_workstation = eur(2800);
  c.terms.push_back(raise);
  ASSERT_TRUE(validate(c).has_value());
  EXPECT_EQ(managed_monthly_fee(c, day(2027, 1, 15), {10, 0})->total, eur(15000 + 25000 + 4000));
  EXPECT_EQ(managed_monthly_fee(c, day(2027, 1, 16), {10, 0})->total, eur(15000 + 28000 + 4000));
  EXPECT_FALSE(managed_monthly_fee(c, day(2026, 1, 1), {10, 0}).has_value());
}

TEST(ContractValidation, NamesEveryProblem) {
  Contract c = blocks(false);
  c.overage_rate.reset();
  c.blocks[1].valid_to = day(2026, 9, 1);
  c.rates = {{WorkTypeId(1), Money(*Currency::parse("USD"), 100)}};
  auto status = validate(c);
  ASSERT_FALSE(status.has_value());
  std::set<std::string> fields;
  for (const auto& f : status.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"overage_rate", "blocks[1].valid_to", "rates[0].hourly_rate"}));
  Contract m = managed();
  m.terms.clear();
  EXPECT_FALSE(validate(m).has_value());
  EXPECT_TRUE(validate(managed()).has_value());
}

std::vector<BlockWork> work(std::initializer_list<std::tuple<int64_t, CivilDate, int64_t>> items) {
  std::vector<BlockWork> out;
  for (auto [id, date, minutes] : items) out.push_back({TimeEntryId(id), date, minutes});
  return out;
}

TEST(BlockHours, ConsumedByWorkDateOldestValidBlockFirst) {
  Contract c = blocks(false);
  // Entries given out of order: consumption follows the work date.
  auto w = work({{3, day(2026, 10, 2), 120}, {1, day(2026, 8, 1), 540}, {2, day(2026, 9, 30), 90}});
  BlockAllocation a = allocate_blocks(c, w, {});
  // Q3: 540 + 60 of the 90 (full), the other 30 of entry 2 are overage (Q4
  // is not valid on 30 September); entry 3 from Q4.
  EXPECT_EQ(a.balances[0].used_minutes, 600);
  EXPECT_EQ(a.balances[1].used_minutes, 120);
  EXPECT_EQ(a.consumption[2].uses.size(), 1u);
  EXPECT_EQ(a.consumption[2].uses[0].minutes, 60);
  EXPECT_EQ(a.consumption[2].overage_minutes, 30);
  EXPECT_EQ(a.consumption[0].uses[0].block, HourBlockId(11));
  EXPECT_EQ(a.consumption[0].uses[0].used_after, 120);
}

TEST(BlockHours, RolloverMovesWhatIsLeftIntoTheNextBlock) {
  Contract c = blocks(true);
  auto w = work({{1, day(2026, 8, 1), 450}, {2, day(2026, 10, 5), 700}});
  BlockAllocation a = allocate_blocks(c, w, {});
  // Q3 leaves 150, rolled into Q4 on 1 October: Q4 capacity 750, 700 used.
  EXPECT_EQ(a.balances[0].rolled_out_minutes, 150);
  EXPECT_EQ(a.balances[0].remaining(), 0);
  EXPECT_EQ(a.balances[1].rolled_in_minutes, 150);
  EXPECT_EQ(a.balances[1].capacity(), 750);
  EXPECT_EQ(a.consumption[1].overage_minutes, 0);
  EXPECT_EQ(block_warning_level(a.balances[1]), 80);  // 700 / 750 = 93%
  int rollovers = 0;
  for (const auto& row : a.rows) rollovers += row.kind == BlockLedgerKind::rollover_in;
  EXPECT_EQ(rollovers, 1);
  // Without rollover the same work overdraws Q4 by 100 minutes.
  BlockAllocation plain = allocate_blocks(blocks(false), w, {});
  EXPECT_EQ(plain.consumption[1].overage_minutes, 100);
  EXPECT_EQ(block_warning_level(plain.balances[1]), 95);
}

TEST(BlockHours, LockedRowsStayAsTheyAre) {
  Contract c = blocks(false);
  std::vector<BlockLedgerRow> locked = {
      {BlockLedgerKind::consumption, HourBlockId(10), TimeEntryId(7), HourBlockId(), day(2026, 8, 20), 500, true}};
  // A later-approved entry dated before the invoiced one takes what is left.
  auto w = work({{8, day(2026, 7, 10), 200}});
  BlockAllocation a = allocate_blocks(c, w, locked);
  EXPECT_EQ(a.rows.front().time_entry_id, TimeEntryId(7));
  EXPECT_EQ(a.consumption[0].uses[0].minutes, 100);
  EXPECT_EQ(a.consumption[0].overage_minutes, 100);
}

TEST(BlockHours, WarningsAt80And95PerCent) {
  BlockBalance b{HourBlockId(1), 600, 0, 479, 0};
  EXPECT_EQ(block_warning_level(b), 0);
  b.used_minutes = 480;
  EXPECT_EQ(block_warning_level(b), 80);
  b.used_minutes = 570;
  EXPECT_EQ(block_warning_level(b), 95);
}

TEST(SlaPolicy, TheCoveringContractsPolicyManagedFirst) {
  Contract m = managed();
  m.sla_policy_id = SlaPolicyId(5);
  Contract b = blocks(false);
  b.sla_policy_id = SlaPolicyId(6);
  std::vector<Contract> both{b, m};
  EXPECT_EQ(covering_sla_policy(both, day(2026, 8, 1)), SlaPolicyId(5));
  EXPECT_EQ(covering_sla_policy(both, day(2026, 1, 1)), SlaPolicyId());  // nothing active yet
  both[1].cancellation_effective_on = day(2026, 6, 1);
  EXPECT_EQ(covering_sla_policy(both, day(2026, 8, 1)), SlaPolicyId(6));
}

TEST(BlockHoursProperties, EveryMinuteIsConsumedOnceAndBalancesAddUp) {
  EXPECT_TRUE(rc::check([] {
    Contract c = blocks(*rc::gen::arbitrary<bool>());
    c.blocks[0].minutes = *rc::gen::inRange<int64_t>(1, 2000);
    c.blocks[1].minutes = *rc::gen::inRange<int64_t>(1, 2000);
    std::vector<BlockWork> w;
    int n = *rc::gen::inRange(0, 30);
    int64_t total = 0;
    for (int i = 0; i < n; ++i) {
      int64_t minutes = *rc::gen::inRange<int64_t>(0, 400);
      total += minutes;
      w.push_back({TimeEntryId(i + 1), day(2026, 6, 1) + days(*rc::gen::inRange(0, 240)), minutes});
    }
    BlockAllocation a = allocate_blocks(c, w, {});
    int64_t consumed = 0, overage = 0, used = 0;
    for (const auto& row : a.rows) {
      if (row.kind == BlockLedgerKind::consumption) consumed += row.minutes;
      if (row.kind == BlockLedgerKind::overage) overage += row.minutes;
      RC_ASSERT(row.minutes >= 0);
    }
    for (const auto& b : a.balances) {
      used += b.used_minutes;
      RC_ASSERT(b.remaining() >= 0);
    }
    RC_ASSERT(consumed + overage == total);
    RC_ASSERT(used == consumed);
  }));
}

}  // namespace
}  // namespace tend
