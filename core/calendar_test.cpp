#include "core/calendar.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>

namespace tend {
namespace {

using std::chrono::minutes;

Instant at(std::string_view text) { return *parse_rfc3339(text); }

CalendarSpec office_spec() {
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
    spec.hours[day] = {{"08:30", "12:00"}, {"13:00", "17:00"}};
  }
  spec.holidays = {"2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-25",
                   "2026-12-25", "2026-12-26", "2027-01-01", "2027-04-27"};
  return spec;
}

BusinessCalendar office() { return *BusinessCalendar::create(office_spec()); }

BusinessCalendar every_day(const char* zone, const char* start, const char* end) {
  CalendarSpec spec;
  spec.time_zone = zone;
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) spec.hours[day] = {{start, end}};
  return *BusinessCalendar::create(spec);
}

std::vector<std::string> error_fields(const Result<BusinessCalendar>& result) {
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  std::sort(fields.begin(), fields.end());
  return fields;
}

TEST(CivilMinutes, ParsesStrictHourMinute) {
  EXPECT_EQ(*parse_civil_minutes("00:00", false), 0);
  EXPECT_EQ(*parse_civil_minutes("08:30", false), 510);
  EXPECT_EQ(*parse_civil_minutes("23:59", false), 1439);
  EXPECT_EQ(*parse_civil_minutes("24:00", true), 1440);
  EXPECT_FALSE(parse_civil_minutes("24:00", false).has_value());
  EXPECT_FALSE(parse_civil_minutes("24:01", true).has_value());
  EXPECT_FALSE(parse_civil_minutes("8:30", false).has_value());
  EXPECT_FALSE(parse_civil_minutes("08:60", false).has_value());
  EXPECT_FALSE(parse_civil_minutes("08-30", false).has_value());
  EXPECT_FALSE(parse_civil_minutes("08:30 ", false).has_value());
  EXPECT_FALSE(parse_civil_minutes("", false).has_value());
}

TEST(BusinessCalendar, CreatesFromSpecAndSortsWindows) {
  CalendarSpec spec = office_spec();
  spec.hours["mon"] = {{"13:00", "17:00"}, {"08:30", "12:00"}};
  spec.hours["sat"] = {};
  auto calendar = BusinessCalendar::create(spec);
  ASSERT_TRUE(calendar.has_value()) << calendar.error().message;
  EXPECT_EQ(calendar->time_zone_name(), "Europe/Amsterdam");
  EXPECT_FALSE(calendar->around_the_clock());
  auto monday = calendar->windows(std::chrono::Monday);
  ASSERT_EQ(monday.size(), 2u);
  EXPECT_EQ(monday[0], (WorkingWindow{510, 720}));
  EXPECT_EQ(monday[1], (WorkingWindow{780, 1020}));
  EXPECT_TRUE(calendar->windows(std::chrono::Saturday).empty());
  EXPECT_EQ(calendar->weekly_working_ms(), 5 * 450 * 60'000);
}

TEST(BusinessCalendar, TouchingWindowsAreAllowed) {
  CalendarSpec spec;
  spec.time_zone = "UTC";
  spec.hours["mon"] = {{"08:00", "12:00"}, {"12:00", "24:00"}};
  auto calendar = BusinessCalendar::create(spec);
  ASSERT_TRUE(calendar.has_value()) << calendar.error().message;
  // Contiguous: 16 h of work from 08:00 run to midnight.
  EXPECT_EQ(calendar->add_business_minutes(at("2026-11-23T08:00:00Z"), 16 * 60), at("2026-11-24T00:00:00Z"));
}

TEST(BusinessCalendar, ReportsEveryFieldProblemAtOnce) {
  CalendarSpec spec;
  spec.time_zone = "Mars/Olympus";
  spec.hours["mon"] = {{"08:00", "12:00"}, {"11:00", "13:00"}};
  spec.hours["tue"] = {{"17:00", "09:00"}};
  spec.hours["wed"] = {{"24:00", "24:00"}};
  spec.hours["thu"] = {{"9:00", "10:00"}};
  spec.hours["fri"] = {{"10:00", "10:00"}};
  spec.hours["funday"] = {{"10:00", "11:00"}};
  spec.holidays = {"2026-12-25", "2026-02-30", "25-12-2026"};
  auto result = BusinessCalendar::create(spec);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(error_fields(result), (std::vector<std::string>{"holidays[1]", "holidays[2]", "hours.fri[0]",
                                                            "hours.funday", "hours.mon[1]", "hours.thu[0]",
                                                            "hours.tue[0]", "hours.wed[0]", "time_zone"}));
}

TEST(BusinessCalendar, OverlapIsReportedOnTheLaterWindow) {
  CalendarSpec spec;
  spec.time_zone = "UTC";
  spec.hours["mon"] = {{"13:00", "17:00"}, {"08:00", "14:00"}};
  auto result = BusinessCalendar::create(spec);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().fields.size(), 1u);
  EXPECT_EQ(result.error().fields[0].field, "hours.mon[0]");
  EXPECT_NE(result.error().fields[0].message.find("08:00-14:00"), std::string::npos);
}

TEST(BusinessCalendar, RejectsAWeekWithoutWorkingTimeAndAMissingZone) {
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  auto result = BusinessCalendar::create(spec);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(error_fields(result), (std::vector<std::string>{"hours"}));

  spec.time_zone = "";
  spec.hours["mon"] = {{"09:00", "10:00"}};
  EXPECT_EQ(error_fields(BusinessCalendar::create(spec)), (std::vector<std::string>{"time_zone"}));
}

TEST(BusinessCalendar, WorkingTimeFollowsLocalCivilTime) {
  BusinessCalendar cal = office();
  // Winter (UTC+1): 08:30 local = 07:30Z.
  EXPECT_FALSE(cal.is_working_time(at("2026-11-23T07:29:59Z")));
  EXPECT_TRUE(cal.is_working_time(at("2026-11-23T07:30:00Z")));
  EXPECT_TRUE(cal.is_working_time(at("2026-11-23T10:59:59.999Z")));
  EXPECT_FALSE(cal.is_working_time(at("2026-11-23T11:00:00Z")));  // lunch
  EXPECT_FALSE(cal.is_working_time(at("2026-11-28T10:00:00Z")));  // Saturday
  EXPECT_FALSE(cal.is_working_time(at("2026-12-25T10:00:00Z")));  // Christmas
  // Summer (UTC+2): 08:30 local = 06:30Z.
  EXPECT_TRUE(cal.is_working_time(at("2026-06-01T06:30:00Z")));
  EXPECT_FALSE(cal.is_working_time(at("2026-06-01T06:29:00Z")));
}

TEST(BusinessCalendar, DstDaysHoldTheirRealLength) {
  // Spring forward 2026-03-29 01:00Z, fall back 2026-10-25 01:00Z.
  BusinessCalendar full = every_day("Europe/Amsterdam", "00:00", "24:00");
  EXPECT_EQ(full.business_ms_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")), 23 * 3'600'000);
  EXPECT_EQ(full.business_ms_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")), 25 * 3'600'000);

  BusinessCalendar two_to_three = every_day("Europe/Amsterdam", "02:00", "03:00");
  // The skipped hour holds nothing; the repeated hour holds two.
  EXPECT_EQ(two_to_three.business_ms_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")), 0);
  EXPECT_EQ(two_to_three.business_ms_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")),
            2 * 3'600'000);

  CalendarSpec partial;
  partial.time_zone = "Europe/Amsterdam";
  partial.hours["sun"] = {{"02:30", "02:45"}, {"01:00", "04:00"}};
  EXPECT_FALSE(BusinessCalendar::create(partial).has_value());  // overlapping
  partial.hours["sun"] = {{"02:30", "02:45"}};
  BusinessCalendar quarter = *BusinessCalendar::create(partial);
  // Fall back: 02:30-02:45 happens twice: 00:30-00:45Z and 01:30-01:45Z.
  EXPECT_EQ(quarter.business_ms_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")), 30 * 60'000);
  EXPECT_TRUE(quarter.is_working_time(at("2026-10-25T00:40:00Z")));
  EXPECT_FALSE(quarter.is_working_time(at("2026-10-25T01:00:00Z")));
  EXPECT_TRUE(quarter.is_working_time(at("2026-10-25T01:40:00Z")));
  EXPECT_EQ(quarter.add_business_minutes(at("2026-10-24T22:00:00Z"), 20), at("2026-10-25T01:35:00Z"));

  partial.hours["sun"] = {{"01:00", "04:00"}};
  BusinessCalendar one_to_four = *BusinessCalendar::create(partial);
  EXPECT_EQ(one_to_four.business_ms_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")),
            2 * 3'600'000);
}

TEST(BusinessCalendar, AlwaysIsElapsedTimeMinusPauses) {
  BusinessCalendar always = BusinessCalendar::always();
  EXPECT_TRUE(always.around_the_clock());
  EXPECT_EQ(always.time_zone_name(), "UTC");
  Instant start = at("2026-03-28T22:00:00Z");
  EXPECT_EQ(always.add_business_minutes(start, 600), start + minutes(600));
  std::vector<Interval> pauses = {{start + minutes(30), start + minutes(90)},
                                  {start - minutes(100), start + minutes(10)},
                                  {start + minutes(2000), start + minutes(3000)}};
  EXPECT_EQ(always.add_business_minutes(start, 600, pauses), start + minutes(600 + 60 + 10));
  EXPECT_EQ(always.business_minutes_between(start, start + minutes(600 + 70), pauses), 600);
}

TEST(BusinessCalendar, JumpsOverYearsWithHolidays) {
  BusinessCalendar cal = office();
  // 2026-11-23 (Mon) to 2027-11-22 (Mon) = 52 weeks = 260 working days,
  // minus Christmas (Fri), 2027-01-01 (Fri) and 2027-04-27 (Tue) = 257 days.
  Instant start = at("2026-11-23T07:30:00Z");
  Instant end = at("2027-11-22T07:30:00Z");
  EXPECT_EQ(cal.business_minutes_between(start, end), 257 * 450);
  EXPECT_EQ(cal.add_business_minutes(start, 257 * 450), at("2027-11-19T16:00:00Z"));
  EXPECT_EQ(cal.add_business_minutes(start, 257 * 450 + 1), at("2027-11-22T07:31:00Z"));
}

TEST(BusinessCalendar, RejectsOutOfRangeBudgetsAsProgrammingErrors) {
  BusinessCalendar cal = office();
  EXPECT_THROW((void)cal.add_business_minutes(at("2026-11-23T07:30:00Z"), -1), std::out_of_range);
  EXPECT_THROW((void)cal.add_business_minutes(at("2026-11-23T07:30:00Z"), kMaxBudgetMinutes + 1),
               std::out_of_range);
  // The largest budget finishes (and does not loop).
  Instant due = cal.add_business_minutes(at("2026-11-23T07:30:00Z"), kMaxBudgetMinutes);
  EXPECT_GT(due, at("2400-01-01T00:00:00Z"));
}

TEST(BusinessCalendar, NormalizesPauses) {
  Instant t = at("2026-11-23T00:00:00Z");
  std::vector<Interval> pauses = {{t + minutes(50), t + minutes(60)},
                                  {t + minutes(0), t + minutes(10)},
                                  {t + minutes(5), t + minutes(20)},
                                  {t + minutes(20), t + minutes(30)},
                                  {t + minutes(40), t + minutes(40)}};
  EXPECT_EQ(normalize_intervals(pauses),
            (std::vector<Interval>{{t, t + minutes(30)}, {t + minutes(50), t + minutes(60)}}));
}

// Properties, over random starts in 2026-2028 (both DST changes each year),
// budgets up to ~3 weeks and random pauses.
Instant random_instant() {
  const int64_t from = to_unix_ms(at("2026-01-01T00:00:00Z"));
  const int64_t span = 3LL * 365 * 86'400'000;
  return from_unix_ms(from + *rc::gen::inRange<int64_t>(0, span / 60'000) * 60'000 +
                      *rc::gen::inRange<int64_t>(0, 60'000));
}

std::vector<Interval> random_pauses(Instant near) {
  int count = *rc::gen::inRange(0, 4);
  std::vector<Interval> pauses;
  for (int i = 0; i < count; ++i) {
    Instant from = near + minutes(*rc::gen::inRange<int64_t>(-3000, 20'000));
    pauses.push_back({from, from + minutes(*rc::gen::inRange<int64_t>(0, 5000))});
  }
  return pauses;
}

BusinessCalendar random_calendar() {
  static const BusinessCalendar kCalendars[] = {
      office(),
      every_day("Europe/Amsterdam", "02:00", "03:00"),
      every_day("America/New_York", "00:00", "24:00"),
      every_day("America/New_York", "01:00", "02:00"),
      BusinessCalendar::always(),
  };
  return kCalendars[*rc::gen::inRange(0, 5)];
}

TEST(BusinessCalendarProperty, SplittingABudgetGivesTheSameDueTime) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant start = random_instant();
    int64_t a = *rc::gen::inRange<int64_t>(0, 10'000);
    int64_t b = *rc::gen::inRange<int64_t>(0, 10'000);
    auto pauses = random_pauses(start);
    Instant in_two = cal.add_business_minutes(cal.add_business_minutes(start, a, pauses), b, pauses);
    RC_ASSERT(in_two == cal.add_business_minutes(start, a + b, pauses));
  }));
}

TEST(BusinessCalendarProperty, DueTimesNeverMoveBackwardsAsBudgetsGrow) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant start = random_instant();
    int64_t a = *rc::gen::inRange<int64_t>(0, 20'000);
    int64_t b = a + *rc::gen::inRange<int64_t>(0, 20'000);
    auto pauses = random_pauses(start);
    Instant due_a = cal.add_business_minutes(start, a, pauses);
    RC_ASSERT(due_a >= start);
    RC_ASSERT(cal.add_business_minutes(start, b, pauses) >= due_a);
  }));
}

TEST(BusinessCalendarProperty, BusinessTimeUntilDueIsTheBudget) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant start = random_instant();
    int64_t budget_ms = *rc::gen::inRange<int64_t>(0, 20'000LL * 60'000);
    auto pauses = random_pauses(start);
    Instant due = cal.add_business_ms(start, budget_ms, pauses);
    RC_ASSERT(cal.business_ms_between(start, due, pauses) == budget_ms);
    // And it is the FIRST such instant: one ms earlier there was less.
    if (budget_ms > 0) RC_ASSERT(cal.business_ms_between(start, due - Duration(1), pauses) == budget_ms - 1);
  }));
}

TEST(BusinessCalendarProperty, PausesNeverMakeDueEarlier) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant start = random_instant();
    int64_t budget = *rc::gen::inRange<int64_t>(0, 20'000);
    auto pauses = random_pauses(start);
    Instant without = cal.add_business_minutes(start, budget);
    Instant with = cal.add_business_minutes(start, budget, pauses);
    RC_ASSERT(with >= without);
    auto more = pauses;
    auto extra = random_pauses(start);
    more.insert(more.end(), extra.begin(), extra.end());
    RC_ASSERT(cal.add_business_minutes(start, budget, more) >= with);
  }));
}

TEST(BusinessCalendarProperty, BusinessTimeIsAdditive) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant a = random_instant();
    Instant b = a + minutes(*rc::gen::inRange<int64_t>(0, 30'000));
    Instant c = b + minutes(*rc::gen::inRange<int64_t>(0, 30'000));
    auto pauses = random_pauses(a);
    RC_ASSERT(cal.business_ms_between(a, c, pauses) ==
              cal.business_ms_between(a, b, pauses) + cal.business_ms_between(b, c, pauses));
    RC_ASSERT(cal.business_ms_between(c, a, pauses) == 0);
  }));
}

// Cross-check against a plain minute-by-minute walk (slow, so short budgets).
TEST(BusinessCalendarProperty, AgreesWithAMinuteByMinuteWalk) {
  EXPECT_TRUE(rc::check([] {
    BusinessCalendar cal = random_calendar();
    Instant start = std::chrono::floor<minutes>(random_instant());
    int64_t budget = *rc::gen::inRange<int64_t>(1, 600);
    Instant t = start;
    int64_t left = budget;
    while (true) {
      if (cal.is_working_time(t) && --left == 0) break;
      t += minutes(1);
    }
    RC_ASSERT(cal.add_business_minutes(start, budget) == t + minutes(1));
  }));
}

}  // namespace
}  // namespace tend
