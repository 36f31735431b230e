// Business-hours calendars: when the service desk works, and how much of
// that working time lies between two instants.
//
// A BusinessCalendar has an IANA time zone, working windows per weekday
// (several a day) and holidays by date. All SLA clocks that are not 24x7 are
// measured in the working time of a calendar (core/sla.h).
//
// Rules (docs/sla.md says the same with worked examples):
//
// * Windows are civil times in the calendar's zone. A window [start, end) on
//   the local date D covers exactly the instants whose local civil time falls
//   in [D start, D end). A DST change never moves a window; a day shortened
//   by DST offers less time and a day lengthened by DST offers more:
//     - spring forward in Europe/Amsterdam (2026-03-29, 02:00 -> 03:00): a
//       window 00:00-24:00 holds 23 hours, a window 02:00-03:00 holds
//       nothing (those civil times do not exist), 01:00-04:00 holds 2 hours;
//     - fall back (2026-10-25, 03:00 -> 02:00): a window 00:00-24:00 holds
//       25 hours and a window 02:00-03:00 holds 2 hours, because every civil
//       time in it happens twice; 02:30-02:45 holds 2 x 15 minutes.
// * A holiday is a local date with no working time at all, whatever its
//   weekday's windows say.
// * Pauses are UTC intervals [from, to) during which no business time
//   counts. They may overlap one another and extend outside working time;
//   they are normalised (sorted, merged) internally.
// * add_business_*(start, budget) returns the FIRST instant at which the
//   business time elapsed since `start` (pauses excluded) equals the budget.
//   A start outside working time therefore counts from the next window, and
//   a budget that runs out exactly at a window's end is due at that end
//   (12:00), not at the start of the next window (13:00). A zero budget is
//   due at `start` itself, inside working time or not (nothing has to
//   elapse). This makes splitting exact: due(due(s, a), b) == due(s, a + b).
// * A calendar always has working time: the factory rejects a calendar whose
//   week has none, so no computation can run forever.
// * Time zone offsets are read from the tz database once, at construction,
//   for the years 1900-2200; before and after that the nearest known offset
//   is used.
//
// Cost: a few binary searches (holidays, zone offsets) per pause and per DST
// change crossed, plus a short pass per cluster of holidays crossed (each pass
// skips every holiday found before its estimate). It does not depend on how
// far apart start and due are: whole weeks are jumped using the precomputed
// weekly working time and a prefix sum of the time holidays remove.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace tend {

// A half-open UTC interval [from, to). Empty when to <= from.
struct Interval {
  Instant from;
  Instant to;

  friend bool operator==(const Interval&, const Interval&) = default;
};

// The largest budget any calendar computation accepts: 100 years of minutes.
// Callers validate user input against it (SlaTarget, tend sla eval).
inline constexpr int64_t kMaxBudgetMinutes = int64_t{100} * 366 * 24 * 60;

// The textual form of a calendar, as it arrives from JSON, the API or a
// file; BusinessCalendar::create parses and validates it.
struct CalendarSpec {
  // IANA zone name, e.g. "Europe/Amsterdam".
  std::string time_zone;
  // Keyed by "mon", "tue", "wed", "thu", "fri", "sat", "sun"; each window is
  // {"HH:MM", "HH:MM"} = [start, end), end "24:00" allowed. Days without an
  // entry (or with an empty list) have no working time.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> hours;
  // "YYYY-MM-DD" local dates without working time. Duplicates are harmless.
  std::vector<std::string> holidays;
};

// One working window in minutes of the civil day, [start, end), 0 <= start <
// end <= 1440.
struct WorkingWindow {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const WorkingWindow&, const WorkingWindow&) = default;
};

// An immutable business-hours calendar. Cheap to copy (the data is shared
// and never changes), and safe to use from any number of threads at once.
// Every operation is pure: no clock reads, no I/O (the tz database is read
// once by the factory).
class BusinessCalendar {
 public:
  // Parses and validates `spec`. Every problem is reported at once as an
  // invalid_input Error with field details:
  //   time_zone       empty or unknown IANA zone
  //   hours.xyz       unknown weekday name
  //   hours.mon[1]    malformed "HH:MM", start >= end, start at 24:00, or a
  //                   window overlapping another window of the same day
  //   holidays[3]     malformed or impossible date
  //   hours           the week has no working time at all
  static Result<BusinessCalendar> create(const CalendarSpec& spec);

  // The 24x7 calendar: every instant is working time, UTC, no holidays.
  // add_business_minutes(s, m, pauses) == s + m + the paused time crossed.
  static BusinessCalendar always();

  // True for always().
  bool around_the_clock() const;
  // The zone name ("UTC" for always()).
  const std::string& time_zone_name() const;
  // The sorted windows of `day` (Monday..Sunday).
  std::span<const WorkingWindow> windows(std::chrono::weekday day) const;
  // Working milliseconds in a week without holidays (ignoring DST).
  int64_t weekly_working_ms() const;

  // True when `t` lies in working time (inside a window of its local date,
  // which is not a holiday).
  bool is_working_time(Instant t) const;

  // The first instant at which the business time elapsed since `start`,
  // not counting time inside `pauses`, reaches `minutes`. See the rules
  // above. Requires 0 <= minutes <= kMaxBudgetMinutes (std::out_of_range
  // otherwise: callers validate input first).
  Instant add_business_minutes(Instant start, int64_t minutes, std::span<const Interval> pauses = {}) const;

  // As add_business_minutes, with a budget in milliseconds (0 <= budget_ms
  // <= kMaxBudgetMinutes minutes).
  Instant add_business_ms(Instant start, int64_t budget_ms, std::span<const Interval> pauses = {}) const;

  // Business milliseconds in [from, to) outside `pauses`; 0 when to <= from.
  // The inverse of add_business_ms: business_ms_between(s, add_business_ms(s,
  // b, p), p) == b.
  int64_t business_ms_between(Instant from, Instant to, std::span<const Interval> pauses = {}) const;

  // Whole business minutes in [from, to) outside `pauses` (rounded down).
  int64_t business_minutes_between(Instant from, Instant to, std::span<const Interval> pauses = {}) const {
    return business_ms_between(from, to, pauses) / 60'000;
  }

  struct Data;  // the shared immutable state (calendar.cpp)

 private:
  explicit BusinessCalendar(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// Sorts and merges `pauses` into disjoint, non-empty, increasing intervals
// (touching intervals are merged too).
std::vector<Interval> normalize_intervals(std::span<const Interval> pauses);

// Parses "HH:MM" (00:00..23:59, and "24:00" when `allow_end_of_day`) into
// minutes of the day; invalid_input otherwise.
Result<int> parse_civil_minutes(std::string_view text, bool allow_end_of_day);

}  // namespace tend
