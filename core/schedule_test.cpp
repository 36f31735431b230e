#include "core/schedule.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

Instant at(std::string_view text) { return *parse_rfc3339(text); }

RecurrenceRule rule(RecurrenceSpec spec) {
  auto created = RecurrenceRule::create(spec);
  if (!created) throw std::runtime_error(created.error().message);
  return *created;
}

std::vector<std::string> formatted(const std::vector<Instant>& runs) {
  std::vector<std::string> out;
  for (auto r : runs) out.push_back(format_rfc3339(r));
  return out;
}

RecurrenceSpec amsterdam(std::string frequency, std::string time, std::string starts_on) {
  RecurrenceSpec spec;
  spec.frequency = std::move(frequency);
  spec.time = std::move(time);
  spec.time_zone = "Europe/Amsterdam";
  spec.starts_on = std::move(starts_on);
  return spec;
}

// 2026-11-23 is a Monday; Amsterdam is UTC+1 in winter.
TEST(Recurrence, WeeklyOnGivenDays) {
  RecurrenceSpec spec = amsterdam("weekly", "07:00", "2026-11-23");
  spec.days = {"thu", "mon"};
  EXPECT_EQ(formatted(rule(spec).next_runs(at("2026-11-01T00:00:00Z"), 3)),
            (std::vector<std::string>{"2026-11-23T06:00:00Z", "2026-11-26T06:00:00Z", "2026-11-30T06:00:00Z"}));
  // Strictly after: a run at exactly `after` is not repeated.
  EXPECT_EQ(rule(spec).next_run(at("2026-11-23T06:00:00Z")), at("2026-11-26T06:00:00Z"));
}

TEST(Recurrence, DailyEndsOnItsLastDate) {
  RecurrenceSpec spec = amsterdam("daily", "18:15", "2026-11-23");
  spec.ends_on = "2026-11-24";
  EXPECT_EQ(formatted(rule(spec).next_runs(at("2026-11-23T00:00:00Z"), 5)),
            (std::vector<std::string>{"2026-11-23T17:15:00Z", "2026-11-24T17:15:00Z"}));
  EXPECT_EQ(rule(spec).next_run(at("2026-11-24T17:15:00Z")), std::nullopt);
}

// Day 31 runs on the last day of shorter months; March is in summer time.
TEST(Recurrence, MonthlyOnDayNClampsToTheLastDay) {
  RecurrenceSpec spec = amsterdam("monthly_day", "09:00", "2026-01-01");
  spec.day_of_month = 31;
  EXPECT_EQ(formatted(rule(spec).next_runs(at("2026-01-01T00:00:00Z"), 4)),
            (std::vector<std::string>{"2026-01-31T08:00:00Z", "2026-02-28T08:00:00Z", "2026-03-31T07:00:00Z",
                                      "2026-04-30T07:00:00Z"}));
}

// November 2026: Tuesdays 3, 10, ...; Fridays 6, 13, 20, 27. December: Fridays 4 ... 25.
TEST(Recurrence, MonthlyOnTheNthOrLastWeekday) {
  RecurrenceSpec second_tuesday = amsterdam("monthly_weekday", "10:00", "2026-11-01");
  second_tuesday.week_of_month = 2;
  second_tuesday.weekday = "tue";
  EXPECT_EQ(formatted(rule(second_tuesday).next_runs(at("2026-11-01T00:00:00Z"), 2)),
            (std::vector<std::string>{"2026-11-10T09:00:00Z", "2026-12-08T09:00:00Z"}));
  RecurrenceSpec last_friday = amsterdam("monthly_weekday", "16:00", "2026-11-01");
  last_friday.week_of_month = -1;
  last_friday.weekday = "fri";
  EXPECT_EQ(formatted(rule(last_friday).next_runs(at("2026-11-01T00:00:00Z"), 2)),
            (std::vector<std::string>{"2026-11-27T15:00:00Z", "2026-12-25T15:00:00Z"}));
}

// 2026-03-29: 02:00 -> 03:00 (02:30 does not exist); 2026-10-25: 03:00 -> 02:00
// (02:30 happens twice, first at 00:30Z).
TEST(Recurrence, DstSkippedTimeRunsAtTheJumpAndRepeatedTimeRunsOnce) {
  RecurrenceSpec spec = amsterdam("daily", "02:30", "2026-03-01");
  EXPECT_EQ(formatted(rule(spec).next_runs(at("2026-03-28T00:00:00Z"), 3)),
            (std::vector<std::string>{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}));
  EXPECT_EQ(formatted(rule(spec).next_runs(at("2026-10-24T00:00:00Z"), 3)),
            (std::vector<std::string>{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
}

TEST(Recurrence, ValidationReportsEveryField) {
  RecurrenceSpec spec;
  spec.frequency = "weekly";
  spec.days = {"mon", "funday"};
  spec.time = "25:00";
  spec.time_zone = "Mars/Olympus";
  spec.starts_on = "2026-13-01";
  spec.ends_on = "yesterday";
  auto created = RecurrenceRule::create(spec);
  ASSERT_FALSE(created.has_value());
  std::vector<std::string> fields;
  for (const auto& f : created.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"days[1]", "time", "time_zone", "starts_on", "ends_on"}));

  RecurrenceSpec monthly = amsterdam("monthly_weekday", "10:00", "2026-11-01");
  monthly.week_of_month = 5;
  monthly.weekday = "sunday";
  created = RecurrenceRule::create(monthly);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().fields.size(), 2u);

  RecurrenceSpec backwards = amsterdam("daily", "10:00", "2026-11-01");
  backwards.ends_on = "2026-10-01";
  EXPECT_FALSE(RecurrenceRule::create(backwards).has_value());
}

TEST(MaintenanceScheduleValidation, IncludesTheRecurrenceFields) {
  MaintenanceSchedule s;
  s.name = "Monthly patch check";
  s.client_id = ClientId(1);
  s.subject = "Check patches";
  s.checklist = {"Reboot server", ""};
  s.recurrence = amsterdam("monthly_day", "07:00", "2026-11-01");
  s.recurrence.day_of_month = 0;
  auto status = validate(s);
  ASSERT_FALSE(status.has_value());
  std::vector<std::string> fields;
  for (const auto& f : status.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"checklist[1]", "day_of_month"}));
}

}  // namespace
}  // namespace tend
