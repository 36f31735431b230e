// Check rules shared by the agent and the server: validating a check
// definition, turning a measurement into pass/warn/fail, classifying a
// device, and choosing the resolution of a metric history. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/rmm/agent_protocol.h"

namespace tend::rmm {

// Validates a definition: a name, a target where the kind needs one,
// thresholds in range and warn <= crit, a timeout of 1..300 s, a script for
// script checks. Collects every field problem.
Status validate(const CheckDefinition& check);

// Threshold rule for "higher is worse" measurements (cpu/memory/disk %,
// latencies): fail at or above `crit`, warn at or above `warn`, else pass.
// A threshold of 0 is "not set".
CheckState evaluate_threshold(double value, double warn, double crit);

// The default checks of a new device: CPU (85/95 %), memory (90/95 %) and the
// root filesystem (85/95 %).
std::vector<CheckDefinition> default_checks();

// Device class.
enum class DeviceClass { workstation, server };
std::string_view to_string(DeviceClass value);
Result<DeviceClass> parse_device_class(std::string_view text);

// Facts from an inventory that decide the class.
struct ClassFacts {
  int chassis_type = 0;          // SMBIOS chassis type (/sys/class/dmi/id/chassis_type); 0 unknown
  std::string os_name;           // "Debian GNU/Linux 12 (bookworm)", "Windows Server 2022"
  bool has_desktop = false;      // a display manager or X/Wayland server is installed
};

// The rule (docs/agent-protocol.md): an OS name containing "Server" or an
// SMBIOS server chassis (17 main server, 23 rack mount, 25 multi-system,
// 28 blade, 29 blade enclosure) is a server; a desktop or laptop chassis (3-16,
// 30-32) or an installed desktop is a workstation; anything else (virtual
// machines, containers) without a desktop is a server.
DeviceClass classify(const ClassFacts& facts);

// Resolutions of stored metric history.
enum class Resolution { raw, five_minutes, hourly };
std::string_view to_string(Resolution value);   // "raw", "5m", "1h"
Result<Resolution> parse_resolution(std::string_view text);
int64_t bucket_ms(Resolution value);             // 0 for raw

// Retention of each resolution, in days.
struct Retention {
  int raw_days = 7;
  int five_minute_days = 90;
  int hourly_days = 730;
};

// The resolution a history query uses when the caller does not choose: raw
// up to 6 hours (if still kept), 5-minute up to 14 days (if kept), else hourly.
// `range_ms` is to - from; `age_ms` is now - from (how far back it reaches).
Resolution choose_resolution(int64_t range_ms, int64_t age_ms, const Retention& retention);

}  // namespace tend::rmm
