// The SLA compliance report: per client, priority and month, the share of
// first responses and resolutions met or breached and the median and 90th
// percentile business minutes (core/sla_report.h has the rules).
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "core/sla_report.h"
#include "core/users.h"

namespace tend {

// What to report on. Months are "YYYY-MM" in `time_zone`, both inclusive.
struct SlaReportRequest {
  std::string from_month;  // empty: 11 months before to_month
  std::string to_month;    // empty: the current month
  ClientId client;         // 0: every client
  std::string time_zone;   // empty: the provider's
};

// The report and the period it covers.
struct SlaReport {
  std::string from_month;
  std::string to_month;
  std::string time_zone;
  std::vector<SlaReportLine> lines;
};

// Thread-safe (stateless besides the context).
class SlaReportService {
 public:
  explicit SlaReportService(AppContext context) : context_(context) {}

  // Field errors: from_month / to_month (malformed, from after to, more than
  // 36 months), time_zone (unknown). A portal caller gets its own client's
  // lines only.
  Result<SlaReport> report(const Principal& caller, SlaReportRequest request);

 private:
  AppContext context_;
};

}  // namespace tend
