// Linux collectors: metrics and inventory read straight from /proc, /sys,
// /etc/os-release and the dpkg status file (never by running programs).
// Not thread-safe (MetricsCollector keeps the previous CPU counters).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rmm/agent_protocol.h"

namespace tend::agent::linux_system {

// Reads a whole small file ("" when it cannot be read).
std::string read_file(const std::string& path);

class MetricsCollector {
 public:
  // CPU %, load averages, memory and swap, per-filesystem usage, network
  // bytes in/out and uptime. CPU % covers the time since the previous call
  // (0 on the first). About 20 values on a typical machine.
  std::vector<rmm::MetricValue> collect();

 private:
  uint64_t previous_busy_ = 0;
  uint64_t previous_total_ = 0;
};

// The mounted real filesystems (ext4, xfs, btrfs, vfat ...): mount points.
std::vector<std::string> real_mounts();
// Used percentage of the filesystem at `mount` (-1 when unavailable).
double filesystem_used_pct(const std::string& mount);

// The inventory document (a JSON object, docs/agent-protocol.md):
// hostname, OS, kernel, CPU, memory, disks, filesystems, interfaces and
// addresses, boot time, chassis, installed packages, pending updates.
std::string inventory_json(const std::string& agent_version);

// /etc/machine-id (or the D-Bus one), "" when absent.
std::string machine_id();
std::string hostname();

}  // namespace tend::agent::linux_system
