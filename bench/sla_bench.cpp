// Due-time computations of core/calendar.h. Results and the command line are
// in bench/README.md.
//
// The calendar: Europe/Amsterdam, Mon-Fri 08:30-12:00 + 13:00-17:00, 20
// holidays in 2026-2027. Starts are random minutes over those two years
// (both DST changes each year); budgets are uniform up to 5 days of 8.5
// hours (2550 minutes), or a fixed 200 days, to show that the cost does not
// depend on the distance.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/calendar.h"

namespace tend {
namespace {

constexpr size_t kInputs = 4096;  // a power of two: index with a mask

BusinessCalendar amsterdam_office() {
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
    spec.hours[day] = {{"08:30", "12:00"}, {"13:00", "17:00"}};
  }
  spec.holidays = {"2026-01-01", "2026-04-03", "2026-04-06", "2026-04-27", "2026-05-05",
                   "2026-05-14", "2026-05-25", "2026-12-24", "2026-12-25", "2026-12-31",
                   "2027-01-01", "2027-03-26", "2027-03-29", "2027-04-27", "2027-05-05",
                   "2027-05-06", "2027-05-17", "2027-12-24", "2027-12-27", "2027-12-31"};
  auto calendar = BusinessCalendar::create(spec);
  if (!calendar) std::abort();
  return *calendar;
}

struct Input {
  Instant start;
  int64_t minutes;
};

std::vector<Input> make_inputs(int64_t max_minutes, bool fixed_budget) {
  std::mt19937_64 rng(42);
  const int64_t from = to_unix_ms(*parse_rfc3339("2026-01-01T00:00:00Z"));
  std::uniform_int_distribution<int64_t> minute_of_two_years(0, 2 * 365 * 24 * 60);
  std::uniform_int_distribution<int64_t> budget(0, max_minutes);
  std::vector<Input> inputs;
  for (size_t i = 0; i < kInputs; ++i) {
    inputs.push_back(
        {from_unix_ms(from + minute_of_two_years(rng) * 60'000), fixed_budget ? max_minutes : budget(rng)});
  }
  return inputs;
}

void run_due(benchmark::State& state, const BusinessCalendar& calendar, const std::vector<Input>& inputs) {
  size_t i = 0;
  for (auto _ : state) {
    const Input& in = inputs[i++ & (kInputs - 1)];
    benchmark::DoNotOptimize(calendar.add_business_minutes(in.start, in.minutes));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DueWithinFiveDays(benchmark::State& state) {
  static const BusinessCalendar calendar = amsterdam_office();
  static const auto inputs = make_inputs(5 * 510, false);
  run_due(state, calendar, inputs);
}
BENCHMARK(BM_DueWithinFiveDays);

void BM_DueAfter200Days(benchmark::State& state) {
  static const BusinessCalendar calendar = amsterdam_office();
  static const auto inputs = make_inputs(200 * 510, true);
  run_due(state, calendar, inputs);
}
BENCHMARK(BM_DueAfter200Days);

void BM_DueAroundTheClock(benchmark::State& state) {
  static const BusinessCalendar calendar = BusinessCalendar::always();
  static const auto inputs = make_inputs(5 * 510, false);
  run_due(state, calendar, inputs);
}
BENCHMARK(BM_DueAroundTheClock);

// Three pauses (already normalised, as a ticket's status history gives them).
void BM_DueWithThreePauses(benchmark::State& state) {
  static const BusinessCalendar calendar = amsterdam_office();
  static const auto inputs = make_inputs(5 * 510, false);
  size_t i = 0;
  for (auto _ : state) {
    const Input& in = inputs[i++ & (kInputs - 1)];
    const Interval pauses[] = {{in.start + std::chrono::hours(2), in.start + std::chrono::hours(20)},
                               {in.start + std::chrono::hours(30), in.start + std::chrono::hours(31)},
                               {in.start + std::chrono::hours(50), in.start + std::chrono::hours(70)}};
    benchmark::DoNotOptimize(calendar.add_business_minutes(in.start, in.minutes, pauses));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DueWithThreePauses);

void BM_BusinessTimeBetween(benchmark::State& state) {
  static const BusinessCalendar calendar = amsterdam_office();
  static const auto inputs = make_inputs(5 * 510, false);
  size_t i = 0;
  for (auto _ : state) {
    const Input& in = inputs[i++ & (kInputs - 1)];
    benchmark::DoNotOptimize(
        calendar.business_ms_between(in.start, in.start + std::chrono::minutes(in.minutes * 3)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BusinessTimeBetween);

void BM_CreateCalendar(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(amsterdam_office());
}
BENCHMARK(BM_CreateCalendar)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tend

BENCHMARK_MAIN();
