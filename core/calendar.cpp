#include "core/calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <stdexcept>

namespace tend {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int kMinutesPerDay = 1440;
// The ends of the modelled timeline (about +-3 million years): far beyond any
// instant a user can write, small enough that no arithmetic on them overflows.
constexpr int64_t kTimelineMinMs = -100'000'000'000'000'000;
constexpr int64_t kTimelineMaxMs = 100'000'000'000'000'000;

constexpr std::array<const char*, 7> kWeekdayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t clamp_to_timeline(int64_t ms) { return std::clamp(ms, kTimelineMinMs, kTimelineMaxMs); }

// Monday-based weekday index (0 = Monday) of day number `day` (days since
// 1970-01-01, a Thursday).
int monday_index(int64_t day) { return static_cast<int>(day + 3 - floor_div(day + 3, 7) * 7); }

int64_t seconds_to_timeline_ms(std::chrono::sys_seconds s) {
  int64_t count = s.time_since_epoch().count();
  if (count <= kTimelineMinMs / 1000) return kTimelineMinMs;
  if (count >= kTimelineMaxMs / 1000) return kTimelineMaxMs;
  return count * 1000;
}

bool is_normalized(std::span<const Interval> intervals) {
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i].to <= intervals[i].from) return false;
    if (i > 0 && intervals[i].from <= intervals[i - 1].to) return false;
  }
  return true;
}

}  // namespace

// A stretch of time with one UTC offset.
struct ZoneSegment {
  int64_t begin_ms;
  int64_t end_ms;
  int64_t offset_ms;
};

struct BusinessCalendar::Data {
  bool always = false;
  std::string zone_name;
  std::array<std::vector<WorkingWindow>, 7> windows;  // index 0 = Monday
  std::array<int64_t, 7> day_ms{};                    // working ms of each weekday
  std::array<int64_t, 8> week_prefix_ms{};            // working ms of Monday..(k-1)
  int64_t weekly_ms = 0;
  std::vector<int64_t> holiday_days;       // sorted, unique local day numbers
  std::vector<int64_t> holiday_prefix_ms;  // [i] = working ms lost to holidays[0..i)
  std::vector<ZoneSegment> segments;       // sorted, cover the whole timeline

  void finish_week() {
    weekly_ms = 0;
    for (int d = 0; d < 7; ++d) {
      int64_t total = 0;
      for (const auto& w : windows[d]) total += (w.end_minute - w.start_minute) * kMinuteMs;
      day_ms[d] = total;
      week_prefix_ms[d] = weekly_ms;
      weekly_ms += total;
    }
    week_prefix_ms[7] = weekly_ms;
  }

  void finish_holidays() {
    std::sort(holiday_days.begin(), holiday_days.end());
    holiday_days.erase(std::unique(holiday_days.begin(), holiday_days.end()), holiday_days.end());
    holiday_prefix_ms.assign(holiday_days.size() + 1, 0);
    for (size_t i = 0; i < holiday_days.size(); ++i) {
      holiday_prefix_ms[i + 1] = holiday_prefix_ms[i] + day_ms[monday_index(holiday_days[i])];
    }
  }

  size_t segment_index(int64_t t_ms) const {
    auto it = std::upper_bound(segments.begin(), segments.end(), t_ms,
                               [](int64_t t, const ZoneSegment& s) { return t < s.begin_ms; });
    return it == segments.begin() ? 0 : static_cast<size_t>(it - segments.begin()) - 1;
  }

  // Working ms of the weekly pattern before local day `day` (holidays not
  // subtracted), relative to a fixed origin.
  int64_t pattern_before_day(int64_t day) const {
    int64_t e = day + 3;  // 0 = Monday 1969-12-29
    int64_t weeks = floor_div(e, 7);
    return weeks * weekly_ms + week_prefix_ms[e - weeks * 7];
  }

  // The smallest day number whose pattern_before_day is >= x.
  int64_t first_day_with_pattern_at_least(int64_t x) const {
    // Weekends (days without work) share the value of the next working
    // day's start, so aim for the week in which x is reached with
    // 0 < rest <= weekly_ms.
    int64_t weeks = floor_div(x - 1, weekly_ms);
    int64_t rest = x - weeks * weekly_ms;  // 0 < rest <= weekly_ms
    int k = 0;
    while (week_prefix_ms[k] < rest) ++k;
    return weeks * 7 + k - 3;
  }

  // Working ms of local day `day` before `time_of_day_ms`, holidays ignored.
  int64_t working_before(int weekday, int64_t time_of_day_ms) const {
    int64_t total = 0;
    for (const auto& w : windows[weekday]) {
      int64_t start = w.start_minute * kMinuteMs;
      if (time_of_day_ms <= start) break;
      total += std::min(time_of_day_ms, w.end_minute * kMinuteMs) - start;
    }
    return total;
  }

  // W(local): working ms of the local civil timeline before `local_ms`,
  // relative to a fixed origin. Non-decreasing, slope 0 or 1.
  int64_t working_before_local(int64_t local_ms) const {
    int64_t day = floor_div(local_ms, kDayMs);
    auto it = std::lower_bound(holiday_days.begin(), holiday_days.end(), day);
    size_t index = static_cast<size_t>(it - holiday_days.begin());
    int64_t value = pattern_before_day(day) - holiday_prefix_ms[index];
    if (it != holiday_days.end() && *it == day) return value;
    return value + working_before(monday_index(day), local_ms - day * kDayMs);
  }

  // Working ms before local day `day`, holidays subtracted.
  int64_t before_day(int64_t day) const {
    auto it = std::lower_bound(holiday_days.begin(), holiday_days.end(), day);
    return pattern_before_day(day) - holiday_prefix_ms[static_cast<size_t>(it - holiday_days.begin())];
  }

  // The smallest local time L with working_before_local(L) >= target.
  int64_t first_local_reaching(int64_t target) const {
    // Smallest day d with before_day(d) >= target: the weekly pattern gives a
    // lower bound; each holiday found before it pushes the bound further.
    int64_t day = first_day_with_pattern_at_least(target);
    while (true) {
      auto it = std::lower_bound(holiday_days.begin(), holiday_days.end(), day);
      int64_t lost = holiday_prefix_ms[static_cast<size_t>(it - holiday_days.begin())];
      if (pattern_before_day(day) - lost >= target) break;
      day = first_day_with_pattern_at_least(target + lost);
    }
    // The budget runs out inside the day before (never a holiday).
    int64_t work_day = day - 1;
    int64_t rest = target - before_day(work_day);
    for (const auto& w : windows[monday_index(work_day)]) {
      int64_t length = (w.end_minute - w.start_minute) * kMinuteMs;
      if (rest <= length) return work_day * kDayMs + w.start_minute * kMinuteMs + rest;
      rest -= length;
    }
    return day * kDayMs;  // unreachable: rest <= the day's working time
  }
};

Result<int> parse_civil_minutes(std::string_view text, bool allow_end_of_day) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() != 5 || !digit(text[0]) || !digit(text[1]) || text[2] != ':' || !digit(text[3]) ||
      !digit(text[4])) {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a time of day (HH:MM)"));
  }
  int hours = (text[0] - '0') * 10 + (text[1] - '0');
  int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours == 24 && minutes == 0) {
    if (allow_end_of_day) return kMinutesPerDay;
    return std::unexpected(Error::invalid("24:00 may only end a window"));
  }
  if (hours > 23 || minutes > 59) {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a time of day (00:00-24:00)"));
  }
  return hours * 60 + minutes;
}

std::vector<Interval> normalize_intervals(std::span<const Interval> pauses) {
  std::vector<Interval> sorted;
  sorted.reserve(pauses.size());
  for (const auto& p : pauses) {
    if (p.from < p.to) sorted.push_back(p);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> merged;
  for (const auto& p : sorted) {
    if (!merged.empty() && p.from <= merged.back().to) {
      merged.back().to = std::max(merged.back().to, p.to);
    } else {
      merged.push_back(p);
    }
  }
  return merged;
}

Result<BusinessCalendar> BusinessCalendar::create(const CalendarSpec& spec) {
  FieldErrors errors;
  auto data = std::make_shared<Data>();
  data->zone_name = spec.time_zone;

  const date::time_zone* zone = nullptr;
  if (spec.time_zone.empty()) {
    errors.add("time_zone", "is required (an IANA zone such as Europe/Amsterdam)");
  } else {
    try {
      zone = date::locate_zone(spec.time_zone);
    } catch (const std::exception&) {
      errors.add("time_zone", "'" + spec.time_zone + "' is not a known IANA time zone");
    }
  }

  for (const auto& [key, windows] : spec.hours) {
    auto found = std::find(kWeekdayKeys.begin(), kWeekdayKeys.end(), key);
    if (found == kWeekdayKeys.end()) {
      errors.add("hours." + key, "is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
      continue;
    }
    size_t weekday = static_cast<size_t>(found - kWeekdayKeys.begin());
    std::vector<std::pair<WorkingWindow, size_t>> valid;
    for (size_t i = 0; i < windows.size(); ++i) {
      std::string field = "hours." + key + "[" + std::to_string(i) + "]";
      auto start = parse_civil_minutes(windows[i].first, false);
      auto end = parse_civil_minutes(windows[i].second, true);
      if (!start) {
        errors.add(field, "start " + start.error().message);
      } else if (!end) {
        errors.add(field, "end " + end.error().message);
      } else if (*start >= *end) {
        errors.add(field, "starts at " + windows[i].first + " but does not end after it (" +
                              windows[i].second + "); a window is [start, end) within one day");
      } else {
        valid.push_back({WorkingWindow{*start, *end}, i});
      }
    }
    std::sort(valid.begin(), valid.end(),
              [](const auto& a, const auto& b) { return a.first.start_minute < b.first.start_minute; });
    for (size_t i = 0; i < valid.size(); ++i) {
      if (i > 0 && valid[i].first.start_minute < valid[i - 1].first.end_minute) {
        const auto& earlier = windows[valid[i - 1].second];
        errors.add("hours." + key + "[" + std::to_string(valid[i].second) + "]",
                   "overlaps the window " + earlier.first + "-" + earlier.second + " (hours." + key + "[" +
                       std::to_string(valid[i - 1].second) + "])");
        continue;
      }
      data->windows[weekday].push_back(valid[i].first);
    }
  }
  data->finish_week();

  for (size_t i = 0; i < spec.holidays.size(); ++i) {
    auto date = parse_date(spec.holidays[i]);
    if (!date) {
      errors.add("holidays[" + std::to_string(i) + "]", date.error().message);
      continue;
    }
    data->holiday_days.push_back(std::chrono::sys_days{*date}.time_since_epoch().count());
  }
  data->finish_holidays();

  if (data->weekly_ms == 0 && errors.empty()) {
    errors.add("hours", "the calendar has no working time in the week");
  }
  TEND_CHECK(std::move(errors).status("the calendar has invalid fields"));

  // Zone offsets for 1900-2200, merged where the offset does not change.
  using namespace std::chrono;
  sys_seconds at{sys_days{year{1900} / January / 1}};
  const sys_seconds limit{sys_days{year{2200} / January / 1}};
  while (true) {
    date::sys_info info = zone->get_info(at);
    int64_t offset_ms = info.offset.count() * 1000;
    int64_t begin_ms = seconds_to_timeline_ms(info.begin);
    if (!data->segments.empty() && data->segments.back().offset_ms == offset_ms) {
      // Only the abbreviation or the DST flag changed: same civil mapping.
    } else {
      data->segments.push_back({begin_ms, kTimelineMaxMs, offset_ms});
      if (data->segments.size() > 1) data->segments[data->segments.size() - 2].end_ms = begin_ms;
    }
    if (info.end >= limit) break;
    at = info.end;
  }
  data->segments.front().begin_ms = kTimelineMinMs;
  data->segments.back().end_ms = kTimelineMaxMs;
  return BusinessCalendar(std::move(data));
}

BusinessCalendar BusinessCalendar::always() {
  static const std::shared_ptr<const Data> kAlways = [] {
    auto data = std::make_shared<Data>();
    data->always = true;
    data->zone_name = "UTC";
    for (auto& day : data->windows) day.push_back(WorkingWindow{0, kMinutesPerDay});
    data->finish_week();
    data->finish_holidays();
    data->segments.push_back({kTimelineMinMs, kTimelineMaxMs, 0});
    return data;
  }();
  return BusinessCalendar(kAlways);
}

bool BusinessCalendar::around_the_clock() const { return data_->always; }
const std::string& BusinessCalendar::time_zone_name() const { return data_->zone_name; }
int64_t BusinessCalendar::weekly_working_ms() const { return data_->weekly_ms; }

std::span<const WorkingWindow> BusinessCalendar::windows(std::chrono::weekday day) const {
  return data_->windows[day.iso_encoding() - 1];
}

bool BusinessCalendar::is_working_time(Instant t) const {
  int64_t t_ms = clamp_to_timeline(to_unix_ms(t));
  const ZoneSegment& segment = data_->segments[data_->segment_index(t_ms)];
  int64_t local = t_ms + segment.offset_ms;
  return data_->working_before_local(local + 1) > data_->working_before_local(local);
}

Instant BusinessCalendar::add_business_minutes(Instant start, int64_t minutes,
                                               std::span<const Interval> pauses) const {
  if (minutes < 0 || minutes > kMaxBudgetMinutes) {
    throw std::out_of_range("add_business_minutes: budget out of range");
  }
  return add_business_ms(start, minutes * kMinuteMs, pauses);
}

Instant BusinessCalendar::add_business_ms(Instant start, int64_t budget_ms,
                                          std::span<const Interval> pauses) const {
  if (budget_ms < 0 || budget_ms > kMaxBudgetMinutes * kMinuteMs) {
    throw std::out_of_range("add_business_ms: budget out of range");
  }
  if (budget_ms == 0) return start;
  std::vector<Interval> normalized;
  if (!is_normalized(pauses)) {
    normalized = normalize_intervals(pauses);
    pauses = normalized;
  }
  const Data& d = *data_;
  int64_t t = clamp_to_timeline(to_unix_ms(start));
  int64_t remaining = budget_ms;
  size_t pause = 0;
  while (pause < pauses.size() && to_unix_ms(pauses[pause].to) <= t) ++pause;
  size_t segment = d.segment_index(t);
  while (true) {
    if (pause < pauses.size() && to_unix_ms(pauses[pause].from) <= t) {
      t = std::max(t, clamp_to_timeline(to_unix_ms(pauses[pause].to)));
      ++pause;
      continue;
    }
    while (d.segments[segment].end_ms <= t && segment + 1 < d.segments.size()) ++segment;
    const ZoneSegment& seg = d.segments[segment];
    int64_t end = seg.end_ms;
    if (pause < pauses.size()) end = std::min(end, clamp_to_timeline(to_unix_ms(pauses[pause].from)));
    if (end <= t) return from_unix_ms(kTimelineMaxMs);  // paused until the end of time
    int64_t worked_before = d.working_before_local(t + seg.offset_ms);
    int64_t available = d.working_before_local(end + seg.offset_ms) - worked_before;
    if (available >= remaining) {
      return from_unix_ms(d.first_local_reaching(worked_before + remaining) - seg.offset_ms);
    }
    remaining -= available;
    t = end;
  }
}

int64_t BusinessCalendar::business_ms_between(Instant from, Instant to,
                                              std::span<const Interval> pauses) const {
  int64_t t = clamp_to_timeline(to_unix_ms(from));
  const int64_t stop = clamp_to_timeline(to_unix_ms(to));
  if (stop <= t) return 0;
  std::vector<Interval> normalized;
  if (!is_normalized(pauses)) {
    normalized = normalize_intervals(pauses);
    pauses = normalized;
  }
  const Data& d = *data_;
  size_t pause = 0;
  while (pause < pauses.size() && to_unix_ms(pauses[pause].to) <= t) ++pause;
  size_t segment = d.segment_index(t);
  int64_t total = 0;
  while (t < stop) {
    if (pause < pauses.size() && to_unix_ms(pauses[pause].from) <= t) {
      t = std::max(t, clamp_to_timeline(to_unix_ms(pauses[pause].to)));
      ++pause;
      continue;
    }
    while (d.segments[segment].end_ms <= t && segment + 1 < d.segments.size()) ++segment;
    const ZoneSegment& seg = d.segments[segment];
    int64_t end = std::min(seg.end_ms, stop);
    if (pause < pauses.size()) end = std::min(end, clamp_to_timeline(to_unix_ms(pauses[pause].from)));
    if (end <= t) break;
    total += d.working_before_local(end + seg.offset_ms) - d.working_before_local(t + seg.offset_ms);
    t = end;
  }
  return total;
}

}  // namespace tend
