// SLA compliance per client, priority and month: the pure aggregation
// behind `GET /api/v1/reports/sla` and `tend report sla`.
//
// Rules (docs/service-desk.md):
//
// * A ticket counts in the month (in the report's time zone) in which it was
//   created, under the priority it has now.
// * Per clock (first response, resolution): *met* = stopped and never
//   breached; *breached* = a breach was recorded (whether or not it has
//   stopped since); *pending* = still running, not breached. The met share
//   is met / (met + breached), absent when both are zero.
// * Median and 90th percentile of the business minutes taken, over the
//   tickets whose clock has stopped (met or late), by the nearest-rank
//   method: the smallest value such that at least p% of the values are less
//   than or equal to it (so the median of 4 values is the 2nd).
// * Tickets without an SLA policy are not counted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/sla.h"
#include "core/time.h"

namespace tend {

// One clock of one ticket, as stored.
struct SlaClockOutcome {
  bool stopped = false;
  bool breached = false;
  std::optional<int64_t> business_ms;  // when stopped: the business time taken
};

// What the report needs of one ticket.
struct SlaTicketOutcome {
  ClientId client_id;
  Priority priority = Priority::p3;
  std::string month;  // "2026-11"
  SlaClockOutcome response;
  SlaClockOutcome resolution;
};

// The figures of one clock over a group of tickets.
struct SlaClockSummary {
  int64_t met = 0;
  int64_t breached = 0;
  int64_t pending = 0;
  std::optional<double> met_share;  // met / (met + breached)
  std::optional<int64_t> median_minutes;
  std::optional<int64_t> p90_minutes;
};

// One line of the report.
struct SlaReportLine {
  ClientId client_id;
  std::string month;
  Priority priority = Priority::p3;
  int64_t tickets = 0;
  SlaClockSummary response;
  SlaClockSummary resolution;
};

// Groups `outcomes` by (client, month, priority), in that order.
std::vector<SlaReportLine> summarize_sla(const std::vector<SlaTicketOutcome>& outcomes);

// The nearest-rank `percent` percentile (1..100) of `values`; nullopt when
// empty. `values` need not be sorted.
std::optional<int64_t> nearest_rank_percentile(std::vector<int64_t> values, int percent);

// "YYYY-MM" of `t` in the IANA zone `time_zone`; invalid_input for an
// unknown zone.
Result<std::string> month_in_zone(Instant t, const std::string& time_zone);

// The instant at which local month `month` ("YYYY-MM") begins in
// `time_zone`; invalid_input for a malformed month or unknown zone.
Result<Instant> month_start_in_zone(const std::string& month, const std::string& time_zone);

}  // namespace tend
