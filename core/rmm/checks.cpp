#include "core/rmm/checks.h"

#include <cmath>

namespace tend::rmm {

Status validate(const CheckDefinition& c) {
  FieldErrors errors;
  if (c.name.empty() || c.name.size() > 200) errors.add("name", "must be 1 to 200 characters");
  bool needs_target = c.kind == CheckKind::disk || c.kind == CheckKind::process || c.kind == CheckKind::service ||
                      c.kind == CheckKind::tcp || c.kind == CheckKind::ping || c.kind == CheckKind::http;
  if (needs_target && c.target.empty()) errors.add("target", "is required for " + std::string(to_string(c.kind)) + " checks");
  if (c.target.size() > 2048) errors.add("target", "is too long");
  if (c.kind == CheckKind::tcp) {
    auto colon = c.target.rfind(':');
    if (colon == std::string::npos || colon + 1 >= c.target.size()) errors.add("target", "must be HOST:PORT");
  }
  if (c.kind == CheckKind::http && !(c.target.starts_with("http://") || c.target.starts_with("https://"))) {
    errors.add("target", "must be an http:// or https:// URL");
  }
  if (!std::isfinite(c.warn) || c.warn < 0) errors.add("warn", "must be zero or positive");
  if (!std::isfinite(c.crit) || c.crit < 0) errors.add("crit", "must be zero or positive");
  bool percent = c.kind == CheckKind::cpu || c.kind == CheckKind::memory || c.kind == CheckKind::disk;
  if (percent && (c.warn > 100 || c.crit > 100)) errors.add("crit", "percent thresholds are at most 100");
  if (c.warn > 0 && c.crit > 0 && c.warn > c.crit) errors.add("warn", "must not exceed crit");
  if (c.timeout_seconds < 1 || c.timeout_seconds > 300) errors.add("timeout_seconds", "must be between 1 and 300");
  if (c.expect_status < 100 || c.expect_status > 599) errors.add("expect_status", "must be an HTTP status");
  if (c.kind == CheckKind::script && c.script.empty()) errors.add("script", "is required for script checks");
  if (c.script.size() > 65536) errors.add("script", "is longer than 64 KiB");
  return std::move(errors).status("the check has invalid fields");
}

CheckState evaluate_threshold(double value, double warn, double crit) {
  if (crit > 0 && value >= crit) return CheckState::fail;
  if (warn > 0 && value >= warn) return CheckState::warn;
  return CheckState::pass;
}

std::vector<CheckDefinition> default_checks() {
  std::vector<CheckDefinition> out;
  CheckDefinition cpu;
  cpu.kind = CheckKind::cpu;
  cpu.name = "CPU usage";
  cpu.warn = 85;
  cpu.crit = 95;
  out.push_back(cpu);
  CheckDefinition memory;
  memory.kind = CheckKind::memory;
  memory.name = "Memory usage";
  memory.warn = 90;
  memory.crit = 95;
  out.push_back(memory);
  CheckDefinition disk;
  disk.kind = CheckKind::disk;
  disk.name = "Disk usage /";
  disk.target = "/";
  disk.warn = 85;
  disk.crit = 95;
  out.push_back(disk);
  return out;
}

std::string_view to_string(DeviceClass value) {
  return value == DeviceClass::server ? "server" : "workstation";
}

Result<DeviceClass> parse_device_class(std::string_view text) {
  if (text == "server") return DeviceClass::server;
  if (text == "workstation") return DeviceClass::workstation;
  return std::unexpected(Error::invalid_field("class", "must be workstation or server"));
}

DeviceClass classify(const ClassFacts& facts) {
  if (facts.os_name.find("Server") != std::string::npos) return DeviceClass::server;
  switch (facts.chassis_type) {
    case 17: case 23: case 25: case 28: case 29: return DeviceClass::server;
    default: break;
  }
  bool desktop_chassis = (facts.chassis_type >= 3 && facts.chassis_type <= 16) ||
                         (facts.chassis_type >= 30 && facts.chassis_type <= 32);
  if (desktop_chassis || facts.has_desktop) return DeviceClass::workstation;
  return DeviceClass::server;
}

std::string_view to_string(Resolution value) {
  switch (value) {
    case Resolution::raw: return "raw";
    case Resolution::five_minutes: return "5m";
    case Resolution::hourly: return "1h";
  }
  return "raw";
}

Result<Resolution> parse_resolution(std::string_view text) {
  if (text == "raw") return Resolution::raw;
  if (text == "5m") return Resolution::five_minutes;
  if (text == "1h") return Resolution::hourly;
  return std::unexpected(Error::invalid_field("resolution", "must be raw, 5m or 1h"));
}

int64_t bucket_ms(Resolution value) {
  switch (value) {
    case Resolution::raw: return 0;
    case Resolution::five_minutes: return 5 * 60 * 1000;
    case Resolution::hourly: return 3600 * 1000;
  }
  return 0;
}

Resolution choose_resolution(int64_t range_ms, int64_t age_ms, const Retention& retention) {
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  if (range_ms <= 6LL * 3600 * 1000 && age_ms <= retention.raw_days * kDay) return Resolution::raw;
  if (range_ms <= 14 * kDay && age_ms <= retention.five_minute_days * kDay) return Resolution::five_minutes;
  return Resolution::hourly;
}

}  // namespace tend::rmm
