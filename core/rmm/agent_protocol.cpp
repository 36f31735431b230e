#include "core/rmm/agent_protocol.h"

#include <cmath>

namespace tend::rmm {

std::string_view to_string(CheckState state) {
  switch (state) {
    case CheckState::pass: return "pass";
    case CheckState::warn: return "warn";
    case CheckState::fail: return "fail";
  }
  return "fail";
}

Result<CheckState> parse_check_state(std::string_view text) {
  if (text == "pass") return CheckState::pass;
  if (text == "warn") return CheckState::warn;
  if (text == "fail") return CheckState::fail;
  return std::unexpected(Error::invalid("check state must be pass, warn or fail"));
}

std::string_view to_string(CheckKind kind) {
  switch (kind) {
    case CheckKind::cpu: return "cpu";
    case CheckKind::memory: return "memory";
    case CheckKind::disk: return "disk";
    case CheckKind::process: return "process";
    case CheckKind::service: return "service";
    case CheckKind::tcp: return "tcp";
    case CheckKind::ping: return "ping";
    case CheckKind::http: return "http";
    case CheckKind::script: return "script";
  }
  return "cpu";
}

Result<CheckKind> parse_check_kind(std::string_view text) {
  for (CheckKind k : {CheckKind::cpu, CheckKind::memory, CheckKind::disk, CheckKind::process, CheckKind::service,
                      CheckKind::tcp, CheckKind::ping, CheckKind::http, CheckKind::script}) {
    if (to_string(k) == text) return k;
  }
  return std::unexpected(
      Error::invalid("check kind must be cpu, memory, disk, process, service, tcp, ping, http or script"));
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxMetricNameBytes) return false;
  for (char c : name) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\' || c == '=' || c == ';') return false;
  }
  return true;
}

Status validate(const CheckinRequest& request) {
  FieldErrors errors;
  if (request.records.size() > kMaxRecordsPerCheckin) {
    errors.add("records", "at most " + std::to_string(kMaxRecordsPerCheckin) + " records per check-in");
    return std::move(errors).status();
  }
  if (request.dropped_total < 0) errors.add("dropped", "must not be negative");
  int64_t previous = 0;
  for (size_t i = 0; i < request.records.size(); ++i) {
    const AgentRecord& r = request.records[i];
    std::string path = "records/" + std::to_string(i);
    if (r.seq <= 0) errors.add(path + "/seq", "must be positive");
    else if (r.seq <= previous) errors.add(path + "/seq", "must be greater than the previous record's");
    previous = r.seq;
    if (r.at_ms <= 0) errors.add(path + "/at", "must be a positive Unix time in milliseconds");
    if (r.metrics.size() > kMaxMetricsPerRecord) errors.add(path + "/metrics", "too many metrics");
    if (r.checks.size() > kMaxChecksPerRecord) errors.add(path + "/checks", "too many check results");
    if (r.inventory_json.size() > kMaxInventoryBytes) errors.add(path + "/inventory", "too large");
    for (const auto& m : r.metrics) {
      if (!valid_metric_name(m.name)) {
        errors.add(path + "/metrics", "bad metric name");
        break;
      }
      if (!std::isfinite(m.value)) {
        errors.add(path + "/metrics/" + m.name, "must be a finite number");
        break;
      }
    }
    for (const auto& c : r.checks) {
      if (c.check_id <= 0) errors.add(path + "/checks", "check id must be positive");
      if (c.output.size() > kMaxCheckOutputBytes) errors.add(path + "/checks", "output too long");
      if (c.value && !std::isfinite(*c.value)) errors.add(path + "/checks", "value must be finite");
    }
  }
  return std::move(errors).status("the check-in has invalid records");
}

}  // namespace tend::rmm
