#include "core/sla_report.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/validation.h"

namespace tend {
namespace {

struct ClockAccumulator {
  SlaClockSummary summary;
  std::vector<int64_t> minutes;

  void add(const SlaClockOutcome& clock) {
    if (clock.breached) ++summary.breached;
    else if (clock.stopped) ++summary.met;
    else ++summary.pending;
    if (clock.stopped && clock.business_ms) minutes.push_back(*clock.business_ms / 60'000);
  }

  SlaClockSummary finish() {
    SlaClockSummary out = summary;
    if (out.met + out.breached > 0) {
      out.met_share = static_cast<double>(out.met) / static_cast<double>(out.met + out.breached);
    }
    out.median_minutes = nearest_rank_percentile(minutes, 50);
    out.p90_minutes = nearest_rank_percentile(minutes, 90);
    return out;
  }
};

const date::time_zone* find_zone(const std::string& name) {
  if (!check_time_zone(name).empty()) return nullptr;
  return date::locate_zone(name);
}

}  // namespace

std::optional<int64_t> nearest_rank_percentile(std::vector<int64_t> values, int percent) {
  if (values.empty() || percent < 1 || percent > 100) return std::nullopt;
  std::sort(values.begin(), values.end());
  // rank = ceil(percent / 100 * n), 1-based.
  size_t n = values.size();
  size_t rank = (static_cast<size_t>(percent) * n + 99) / 100;
  if (rank < 1) rank = 1;
  return values[rank - 1];
}

std::vector<SlaReportLine> summarize_sla(const std::vector<SlaTicketOutcome>& outcomes) {
  using Key = std::tuple<int64_t, std::string, int>;
  std::map<Key, std::pair<ClockAccumulator, ClockAccumulator>> groups;
  std::map<Key, int64_t> counts;
  for (const auto& o : outcomes) {
    Key key{o.client_id.value(), o.month, static_cast<int>(o.priority)};
    auto& [response, resolution] = groups[key];
    response.add(o.response);
    resolution.add(o.resolution);
    ++counts[key];
  }
  std::vector<SlaReportLine> lines;
  for (auto& [key, accumulators] : groups) {
    SlaReportLine line;
    line.client_id = ClientId(std::get<0>(key));
    line.month = std::get<1>(key);
    line.priority = static_cast<Priority>(std::get<2>(key));
    line.tickets = counts[key];
    line.response = accumulators.first.finish();
    line.resolution = accumulators.second.finish();
    lines.push_back(std::move(line));
  }
  return lines;
}

Result<std::string> month_in_zone(Instant t, const std::string& time_zone) {
  const date::time_zone* zone = find_zone(time_zone);
  if (!zone) return std::unexpected(Error::invalid_field("time_zone", "is not a known IANA time zone"));
  auto local = zone->to_local(t);
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::floor<std::chrono::days>(local.time_since_epoch())}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  return std::string(buf);
}

Result<Instant> month_start_in_zone(const std::string& month, const std::string& time_zone) {
  const date::time_zone* zone = find_zone(time_zone);
  if (!zone) return std::unexpected(Error::invalid_field("time_zone", "is not a known IANA time zone"));
  auto date = parse_date(month + "-01");
  if (month.size() != 7 || !date) {
    return std::unexpected(Error::invalid("'" + month + "' is not a month such as 2026-11"));
  }
  date::local_time<std::chrono::milliseconds> local{
      std::chrono::sys_days{*date}.time_since_epoch()};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(zone->to_sys(local, date::choose::earliest));
}

}  // namespace tend
