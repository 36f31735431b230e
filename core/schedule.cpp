#include "core/schedule.h"

#include <date/tz.h>

#include <array>

#include "core/calendar.h"
#include "core/validation.h"

namespace tend {

using namespace std::chrono;

struct RecurrenceRule::Data {
  RecurrenceSpec spec;
  const date::time_zone* zone = nullptr;
  enum class Frequency { daily, weekly, monthly_day, monthly_weekday } frequency = Frequency::daily;
  std::array<bool, 7> on_weekday{};  // weekly, indexed by weekday::c_encoding() (0 = Sunday)
  int day_of_month = 1;
  int week_of_month = 1;
  weekday monthly_weekday = Monday;
  int minute_of_day = 0;
  sys_days starts_on;
  std::optional<sys_days> ends_on;

  bool runs_on(sys_days day) const {
    if (day < starts_on || (ends_on && day > *ends_on)) return false;
    year_month_day ymd{day};
    switch (frequency) {
      case Frequency::daily: return true;
      case Frequency::weekly: return on_weekday[weekday{day}.c_encoding()];
      case Frequency::monthly_day: {
        unsigned last_day = static_cast<unsigned>(year_month_day_last{ymd.year() / ymd.month() / last}.day());
        unsigned wanted = std::min(static_cast<unsigned>(day_of_month), last_day);
        return static_cast<unsigned>(ymd.day()) == wanted;
      }
      case Frequency::monthly_weekday: {
        if (weekday{day} != monthly_weekday) return false;
        if (week_of_month == -1) return year_month_day{day + days{7}}.month() != ymd.month();
        return static_cast<int>((static_cast<unsigned>(ymd.day()) - 1) / 7 + 1) == week_of_month;
      }
    }
    return false;
  }

  // The instant of the run on local date `day` (see the DST rule).
  Instant run_instant(sys_days day) const {
    date::local_time<minutes> local{minutes{day.time_since_epoch().count() * 1440 + minute_of_day}};
    return time_point_cast<milliseconds>(zone->to_sys(local, date::choose::earliest));
  }

  sys_days local_day(Instant t) const {
    auto local = zone->to_local(t);
    return sys_days{floor<days>(local.time_since_epoch())};
  }
};

namespace {

constexpr std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<weekday> parse_weekday(std::string_view text) {
  for (unsigned i = 0; i < kDayNames.size(); ++i) {
    if (text == kDayNames[i]) return weekday{i};
  }
  return std::nullopt;
}

}  // namespace

Result<RecurrenceRule> RecurrenceRule::create(const RecurrenceSpec& spec) {
  FieldErrors errors;
  auto data = std::make_shared<Data>();
  data->spec = spec;
  using Frequency = Data::Frequency;
  if (spec.frequency == "daily") data->frequency = Frequency::daily;
  else if (spec.frequency == "weekly") data->frequency = Frequency::weekly;
  else if (spec.frequency == "monthly_day") data->frequency = Frequency::monthly_day;
  else if (spec.frequency == "monthly_weekday") data->frequency = Frequency::monthly_weekday;
  else errors.add("frequency", "must be daily, weekly, monthly_day or monthly_weekday");

  if (spec.frequency == "weekly") {
    if (spec.days.empty()) errors.add("days", "name at least one weekday (\"mon\" ... \"sun\")");
    for (size_t i = 0; i < spec.days.size(); ++i) {
      auto day = parse_weekday(spec.days[i]);
      if (!day) errors.add("days[" + std::to_string(i) + "]", "must be one of mon, tue, wed, thu, fri, sat, sun");
      else data->on_weekday[day->c_encoding()] = true;
    }
  } else if (!spec.days.empty()) {
    errors.add("days", "only weekly schedules have days");
  }
  if (spec.frequency == "monthly_day" && (spec.day_of_month < 1 || spec.day_of_month > 31)) {
    errors.add("day_of_month", "must be between 1 and 31 (a shorter month runs on its last day)");
  }
  data->day_of_month = spec.day_of_month;
  if (spec.frequency == "monthly_weekday") {
    if (spec.week_of_month != -1 && (spec.week_of_month < 1 || spec.week_of_month > 4)) {
      errors.add("week_of_month", "must be 1, 2, 3, 4 or -1 (the last)");
    }
    auto day = parse_weekday(spec.weekday);
    if (!day) errors.add("weekday", "must be one of mon, tue, wed, thu, fri, sat, sun");
    else data->monthly_weekday = *day;
  }
  data->week_of_month = spec.week_of_month;

  auto minute = parse_civil_minutes(spec.time, false);
  if (!minute) errors.add("time", "must be a time of day HH:MM (00:00-23:59)");
  else data->minute_of_day = *minute;

  std::string zone_problem = check_time_zone(spec.time_zone);
  if (!zone_problem.empty()) errors.add("time_zone", zone_problem);
  else data->zone = date::locate_zone(spec.time_zone);

  auto starts = parse_date(spec.starts_on);
  if (!starts) errors.add("starts_on", "must be a date YYYY-MM-DD");
  else data->starts_on = sys_days{*starts};
  if (!spec.ends_on.empty()) {
    auto ends = parse_date(spec.ends_on);
    if (!ends) {
      errors.add("ends_on", "must be a date YYYY-MM-DD, or empty for no end");
    } else {
      data->ends_on = sys_days{*ends};
      if (starts && data->ends_on < data->starts_on) errors.add("ends_on", "must not be before starts_on");
    }
  }
  TEND_CHECK(std::move(errors).status("the recurrence has invalid fields"));
  return RecurrenceRule(std::move(data));
}

const RecurrenceSpec& RecurrenceRule::spec() const { return data_->spec; }

std::optional<Instant> RecurrenceRule::next_run(Instant after) const {
  const Data& d = *data_;
  // Start a day early: a run on the previous local date may still lie after
  // `after` around a DST change. Every valid rule runs within 62 days
  // (monthly), so 400 days is a safe bound.
  sys_days day = std::max(d.local_day(after) - days{1}, d.starts_on);
  for (int i = 0; i < 400; ++i, day += days{1}) {
    if (d.ends_on && day > *d.ends_on) return std::nullopt;
    if (!d.runs_on(day)) continue;
    Instant run = d.run_instant(day);
    if (run > after) return run;
  }
  return std::nullopt;
}

std::vector<Instant> RecurrenceRule::next_runs(Instant after, int count) const {
  std::vector<Instant> out;
  for (int i = 0; i < count; ++i) {
    auto run = next_run(after);
    if (!run) break;
    out.push_back(*run);
    after = *run;
  }
  return out;
}

Status validate(const MaintenanceSchedule& s) {
  FieldErrors errors;
  auto check = [&](const std::string& field, const std::string& message) {
    if (!message.empty()) errors.add(field, message);
  };
  check("name", check_required_text(s.name, 100));
  if (!s.client_id.valid()) errors.add("client_id", "is required");
  check("subject", check_required_text(s.subject, 200));
  check("description", check_optional_text(s.description, 100000));
  if (s.checklist.size() > MaintenanceSchedule::kMaxChecklistItems) {
    errors.add("checklist", "at most " + std::to_string(MaintenanceSchedule::kMaxChecklistItems) + " items");
  }
  for (size_t i = 0; i < s.checklist.size(); ++i) {
    check("checklist[" + std::to_string(i) + "]", check_required_text(s.checklist[i], 500));
  }
  auto rule = RecurrenceRule::create(s.recurrence);
  if (!rule) {
    for (const auto& f : rule.error().fields) errors.add(f.field, f.message);
  }
  return std::move(errors).status("the schedule has invalid fields");
}

}  // namespace tend
