// Recurring maintenance work: schedules that create maintenance tickets with
// a checklist, and the pure rule that says when they run.
//
// Rules (docs/service-desk.md has examples):
//
// * Frequencies: daily; weekly on given weekdays; monthly on day N (a month
//   without day N runs on its last day: "31" runs on 30 April and 28/29
//   February); monthly on the Nth weekday (1st-4th, or -1 for the last).
// * Runs are civil times ("07:00") in an IANA zone, on local dates from
//   `starts_on` up to and including `ends_on` (when given).
// * DST: a run time that does not exist on a day (skipped when clocks go
//   forward) runs at the instant the clocks jump (e.g. 02:30 on
//   2026-03-29 in Europe/Amsterdam runs at 03:00 CEST = 01:00Z); a run time
//   that happens twice (clocks go back) runs at its first occurrence.
// * A schedule whose server was down does not replay missed runs: when it
//   wakes it creates one ticket for the latest missed run and continues
//   with the next run after now (app/schedule_service.h).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/sla.h"
#include "core/time.h"

namespace tend {

// The textual definition of a recurrence, as it arrives from JSON.
struct RecurrenceSpec {
  std::string frequency = "weekly";  // daily | weekly | monthly_day | monthly_weekday
  std::vector<std::string> days;     // weekly: "mon" ... "sun"
  int day_of_month = 1;              // monthly_day: 1..31
  int week_of_month = 1;             // monthly_weekday: 1..4, or -1 for the last
  std::string weekday = "mon";       // monthly_weekday
  std::string time = "08:00";        // "HH:MM", local
  std::string time_zone;             // IANA zone
  std::string starts_on;             // "YYYY-MM-DD", local
  std::string ends_on;               // "YYYY-MM-DD" or empty: no end

  friend bool operator==(const RecurrenceSpec&, const RecurrenceSpec&) = default;
};

// A validated recurrence. Immutable, cheap to copy, thread-safe.
class RecurrenceRule {
 public:
  // Parses and validates; every problem at once, with the fields named as
  // in RecurrenceSpec: frequency, days, days[2], day_of_month,
  // week_of_month, weekday, time, time_zone, starts_on, ends_on.
  static Result<RecurrenceRule> create(const RecurrenceSpec& spec);

  // The first run strictly after `after`; nullopt when the schedule has
  // ended (ends_on passed).
  std::optional<Instant> next_run(Instant after) const;
  // Up to `count` runs strictly after `after`, in order.
  std::vector<Instant> next_runs(Instant after, int count) const;

  const RecurrenceSpec& spec() const;

  struct Data;

 private:
  explicit RecurrenceRule(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// A recurring piece of maintenance work for one client.
struct MaintenanceSchedule {
  ScheduleId id;
  std::string name;
  ClientId client_id;
  SiteId site_id;      // optional
  QueueId queue_id;    // optional
  UserId assignee_id;  // optional
  Priority priority = Priority::p4;
  std::string subject;      // of the tickets it creates
  std::string description;  // of the tickets it creates
  std::vector<std::string> checklist;  // items of each ticket's checklist
  RecurrenceSpec recurrence;
  bool active = true;
  std::optional<Instant> next_run_at;  // nullopt when inactive or ended
  std::optional<Instant> last_run_at;
  Instant created_at;
  Instant updated_at;

  static constexpr size_t kMaxChecklistItems = 100;
};

// Field errors: name (1-100), client_id, subject (1-200), description,
// checklist (at most 100), checklist[i] (1-500), and the recurrence's fields.
Status validate(const MaintenanceSchedule& schedule);

}  // namespace tend
