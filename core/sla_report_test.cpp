#include "core/sla_report.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(NearestRankPercentile, FollowsTheDefinition) {
  EXPECT_EQ(nearest_rank_percentile({}, 50), std::nullopt);
  EXPECT_EQ(nearest_rank_percentile({7}, 90), 7);
  // Median of 4 values is the 2nd; p90 of 4 is the 4th (ceil(3.6)).
  EXPECT_EQ(nearest_rank_percentile({40, 10, 30, 20}, 50), 20);
  EXPECT_EQ(nearest_rank_percentile({40, 10, 30, 20}, 90), 40);
  std::vector<int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(nearest_rank_percentile(ten, 50), 5);
  EXPECT_EQ(nearest_rank_percentile(ten, 90), 9);
  EXPECT_EQ(nearest_rank_percentile(ten, 100), 10);
}

SlaClockOutcome met(int64_t minutes) { return {true, false, minutes * 60'000}; }
SlaClockOutcome late(int64_t minutes) { return {true, true, minutes * 60'000}; }
SlaClockOutcome running() { return {false, false, std::nullopt}; }
SlaClockOutcome overdue() { return {false, true, std::nullopt}; }

TEST(SlaReport, GroupsByClientMonthAndPriority) {
  std::vector<SlaTicketOutcome> outcomes = {
      {ClientId(2), Priority::p2, "2026-11", met(30), met(400)},
      {ClientId(2), Priority::p2, "2026-11", late(90), running()},
      {ClientId(2), Priority::p2, "2026-11", met(10), overdue()},
      {ClientId(2), Priority::p1, "2026-11", running(), running()},
      {ClientId(1), Priority::p2, "2026-12", met(5), met(50)},
      {ClientId(2), Priority::p2, "2026-10", met(1), met(2)},
  };
  auto lines = summarize_sla(outcomes);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].client_id, ClientId(1));
  EXPECT_EQ(lines[1].month, "2026-10");
  EXPECT_EQ(lines[2].priority, Priority::p1);
  const SlaReportLine& nov = lines[3];
  EXPECT_EQ(nov.month, "2026-11");
  EXPECT_EQ(nov.priority, Priority::p2);
  EXPECT_EQ(nov.tickets, 3);
  EXPECT_EQ(nov.response.met, 2);
  EXPECT_EQ(nov.response.breached, 1);
  EXPECT_EQ(nov.response.pending, 0);
  EXPECT_DOUBLE_EQ(*nov.response.met_share, 2.0 / 3.0);
  EXPECT_EQ(nov.response.median_minutes, 30);  // of 10, 30, 90
  EXPECT_EQ(nov.response.p90_minutes, 90);
  EXPECT_EQ(nov.resolution.met, 1);
  EXPECT_EQ(nov.resolution.breached, 1);
  EXPECT_EQ(nov.resolution.pending, 1);
  EXPECT_EQ(nov.resolution.median_minutes, 400);  // only stopped clocks count
  EXPECT_EQ(lines[2].response.met_share, std::nullopt);
  EXPECT_EQ(lines[2].response.median_minutes, std::nullopt);
}

TEST(SlaReport, MonthsFollowTheZone) {
  // 23:30Z on 31 October is already November in Amsterdam (UTC+1).
  Instant t = *parse_rfc3339("2026-10-31T23:30:00Z");
  EXPECT_EQ(*month_in_zone(t, "Europe/Amsterdam"), "2026-11");
  EXPECT_EQ(*month_in_zone(t, "UTC"), "2026-10");
  EXPECT_FALSE(month_in_zone(t, "Nowhere/Land").has_value());
  EXPECT_EQ(*month_start_in_zone("2026-11", "Europe/Amsterdam"), *parse_rfc3339("2026-10-31T23:00:00Z"));
  EXPECT_FALSE(month_start_in_zone("2026-13", "UTC").has_value());
  EXPECT_FALSE(month_start_in_zone("2026-1", "UTC").has_value());
}

}  // namespace
}  // namespace tend
