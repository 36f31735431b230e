// The data the endpoint agent and the server exchange, as plain values.
//
// Shared by agent/ (which fills and sends them) and the server (which
// validates and stores them); the JSON spelling lives in wire/ and is
// described in docs/agent-protocol.md. Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"

namespace tend {
struct DeviceTag;  // the same tag as tend::DeviceId (core/ids.h), so both name one type
}  // namespace tend

namespace tend::rmm {

using DeviceId = Id<DeviceTag>;
using EnrollmentTokenId = Id<struct EnrollmentTokenTag>;
using DeviceCheckId = Id<struct DeviceCheckTag>;

// Limits the server enforces on what an agent sends (and the agent keeps to).
inline constexpr size_t kMaxRecordsPerCheckin = 500;
inline constexpr size_t kMaxMetricsPerRecord = 256;
inline constexpr size_t kMaxChecksPerRecord = 64;
inline constexpr size_t kMaxMetricNameBytes = 96;
inline constexpr size_t kMaxCheckOutputBytes = 4096;
inline constexpr size_t kMaxCheckinBodyBytes = 4 << 20;    // 4 MiB
inline constexpr size_t kMaxInventoryBytes = 2 << 20;      // one inventory document

// The outcome of one check run. `fail` also covers "could not measure".
enum class CheckState { pass, warn, fail };

// "pass", "warn", "fail".
std::string_view to_string(CheckState state);
// invalid_input for anything else.
Result<CheckState> parse_check_state(std::string_view text);

// One named measurement. Names are dotted ASCII ("cpu.pct", "fs./var.used_pct").
struct MetricValue {
  std::string name;
  double value = 0;

  friend bool operator==(const MetricValue&, const MetricValue&) = default;
};

// The result of one check definition at one instant.
struct CheckResult {
  int64_t check_id = 0;          // DeviceCheckId value
  CheckState state = CheckState::pass;
  std::optional<double> value;   // the measured number, when the check has one
  std::string output;            // short human text (bounded: kMaxCheckOutputBytes)

  friend bool operator==(const CheckResult&, const CheckResult&) = default;
};

// One record of the agent's spool. Every record carries a per-agent sequence
// number that only grows; the server stores each sequence at most once.
struct AgentRecord {
  int64_t seq = 0;                      // > 0, strictly increasing per agent
  int64_t at_ms = 0;                    // when measured (Unix ms, UTC)
  std::vector<MetricValue> metrics;
  std::vector<CheckResult> checks;
  // A full inventory document (JSON object text), present only when the
  // inventory changed since the last one the agent recorded.
  std::string inventory_json;

  friend bool operator==(const AgentRecord&, const AgentRecord&) = default;
};

// POST /api/v1/agent/checkin body.
struct CheckinRequest {
  std::string agent_version;
  int64_t config_version = 0;   // the check configuration the agent runs
  int64_t dropped_total = 0;    // records the spool has dropped since enrollment
  int64_t spooled = 0;          // records waiting in the spool, this batch included
  std::vector<AgentRecord> records;
};

// A check as the agent runs it (pushed by the server).
enum class CheckKind { cpu, memory, disk, process, service, tcp, ping, http, script };

std::string_view to_string(CheckKind kind);
Result<CheckKind> parse_check_kind(std::string_view text);

struct CheckDefinition {
  int64_t id = 0;
  CheckKind kind = CheckKind::cpu;
  std::string name;
  // What is checked: a mount point (disk), process name, systemd unit,
  // "host:port" (tcp), host (ping), URL (http); empty for cpu/memory/script.
  std::string target;
  double warn = 0;               // thresholds (cpu/memory/disk %, ping/tcp/http ms)
  double crit = 0;
  int timeout_seconds = 10;
  int expect_status = 200;       // http
  std::string script;            // script body (run by /bin/sh)
  bool enabled = true;

  friend bool operator==(const CheckDefinition&, const CheckDefinition&) = default;
};

// What the server tells the agent to run. Sent when the agent's
// config_version differs from the server's.
struct AgentConfig {
  int64_t version = 0;
  int interval_seconds = 60;
  int inventory_interval_seconds = 6 * 3600;
  std::vector<CheckDefinition> checks;
};

// The reply to a check-in: everything up to `acked_seq` is stored durably.
struct CheckinResponse {
  int64_t acked_seq = 0;
  int interval_seconds = 60;
  std::optional<AgentConfig> config;
};

// POST /api/v1/agent/enroll body.
struct EnrollRequest {
  std::string token;
  std::string hostname;
  std::string machine_id;       // /etc/machine-id; re-enrolling the same machine keeps its device
  std::string agent_version;
  std::string inventory_json;   // optional first inventory (JSON object text)
};

struct EnrollResponse {
  int64_t device_id = 0;
  std::string credential;       // the device's secret; shown once
  AgentConfig config;
};

// Checks a check-in after decoding: sequence numbers positive and strictly
// ascending, sizes within the limits above, metric names well formed,
// finite values. Collects every problem (field paths "records/3/seq").
Status validate(const CheckinRequest& request);

// True for a metric name of 1..kMaxMetricNameBytes printable ASCII
// characters without spaces, quotes, backslashes, '=' or ';'.
bool valid_metric_name(std::string_view name);

}  // namespace tend::rmm
