// Runs check definitions pushed by the server on Linux: thresholds on the
// collected metrics, process running (/proc/*/comm), systemd service active
// (its cgroup under /sys/fs/cgroup, else /run/systemd/units), TCP port,
// ping (unprivileged ICMP socket, else a TCP connect), HTTP(S) status, and
// scripts (/bin/sh with a timeout, output bounded). The verdict rules are
// core/rmm/checks.h.
#pragma once

#include <vector>

#include "core/rmm/agent_protocol.h"

namespace tend::agent::linux_system {

// Runs every enabled check; `metrics` are this interval's values (for the
// cpu, memory and disk checks).
std::vector<rmm::CheckResult> run_checks(const std::vector<rmm::CheckDefinition>& checks,
                                         const std::vector<rmm::MetricValue>& metrics);

// One check (exposed for tests).
rmm::CheckResult run_check(const rmm::CheckDefinition& check, const std::vector<rmm::MetricValue>& metrics);

}  // namespace tend::agent::linux_system
