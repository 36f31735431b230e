#include "app/sla_report_service.h"

#include <cstdio>

#include "core/validation.h"
#include "store/store.h"

namespace tend {
namespace {

constexpr int kMaxMonths = 36;

// "YYYY-MM" as a count of months since year 0; nullopt when malformed.
std::optional<int> month_index(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto date = parse_date(text + "-01");
  if (!date) return std::nullopt;
  return static_cast<int>(date->year()) * 12 + static_cast<int>(static_cast<unsigned>(date->month())) - 1;
}

std::string month_text(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
  return buf;
}

}  // namespace

Result<SlaReport> SlaReportService::report(const Principal& caller, SlaReportRequest request) {
  const Instant now = context_.clock.now();
  if (request.time_zone.empty()) {
    auto provider = store::in_read_transaction(context_.store, [](store::Transaction& tx) { return tx.provider().get(); });
    request.time_zone = provider ? provider->time_zone : "UTC";
  }
  if (auto problem = check_time_zone(request.time_zone); !problem.empty()) {
    return std::unexpected(Error::invalid_field("time_zone", problem));
  }
  FieldErrors errors;
  if (request.to_month.empty()) request.to_month = TEND_TRY(month_in_zone(now, request.time_zone));
  auto to = month_index(request.to_month);
  if (!to) errors.add("to_month", "must be a month such as 2026-11");
  std::optional<int> from = request.from_month.empty() && to ? std::optional<int>(*to - 11)
                                                              : month_index(request.from_month);
  if (!from) errors.add("from_month", "must be a month such as 2026-01");
  if (from && to && *from > *to) errors.add("from_month", "must not be after to_month");
  if (from && to && *to - *from >= kMaxMonths) {
    errors.add("from_month", "the report covers at most " + std::to_string(kMaxMonths) + " months");
  }
  TEND_CHECK(std::move(errors).status("the report request has invalid fields"));

  SlaReport report;
  report.from_month = month_text(*from);
  report.to_month = month_text(*to);
  report.time_zone = request.time_zone;
  Instant begin = TEND_TRY(month_start_in_zone(report.from_month, request.time_zone));
  Instant end = TEND_TRY(month_start_in_zone(month_text(*to + 1), request.time_zone));
  ClientId client = caller.is_portal() ? caller.client_id : request.client;
  auto rows = TEND_TRY(store::in_read_transaction(
      context_.store, [&](store::Transaction& tx) { return tx.tickets().sla_rows(begin, end, client); }));
  std::vector<SlaTicketOutcome> outcomes;
  outcomes.reserve(rows.size());
  for (const auto& row : rows) {
    SlaTicketOutcome o;
    o.client_id = row.client_id;
    o.priority = row.priority;
    o.month = TEND_TRY(month_in_zone(row.created_at, request.time_zone));
    o.response = {row.first_response_at.has_value(), row.sla.response_breached_at.has_value(),
                  row.sla.response_business_ms};
    o.resolution = {row.resolved_at.has_value(), row.sla.resolution_breached_at.has_value(),
                    row.sla.resolution_business_ms};
    outcomes.push_back(std::move(o));
  }
  report.lines = summarize_sla(outcomes);
  return report;
}

}  // namespace tend
