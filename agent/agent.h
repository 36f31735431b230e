// The endpoint agent: enrollment, the collect/spool/deliver loop and status.
//
// State directory (default /var/lib/tend-agent, mode 0700):
//   agent.conf   server URL, device id, credential and, when enrolled with
//                --ca-file, `ca_file=ca.pem` (mode 0600)
//   ca.pem       a copy of the private CA certificates https:// also trusts
//   config.json  the check configuration last received from the server
//   inventory.sum  a fingerprint of the last inventory recorded
//   status       when delivery last succeeded or failed (for `status`)
//   spool/       the on-disk spool (agent/spool.h)
// The agent never changes the system; it only reads it (and runs the
// script checks it was given).
#pragma once

#include <string>

#include "agent/spool.h"
#include "core/error.h"

namespace tend::agent {

inline constexpr const char* kAgentVersion = "0.1.0";

struct AgentOptions {
  std::string state_dir = "/var/lib/tend-agent";
  int interval_override_seconds = 0;   // 0: as the server says
  int start_delay_max_seconds = -1;    // -1: min(interval, 30) — a random delay before the first check-in
  int max_backoff_seconds = 300;
  SpoolLimits spool;
  int64_t batch_bytes = 256 << 10;     // payload per check-in
  int batch_records = 500;             // records per check-in (at most rmm::kMaxRecordsPerCheckin)
  bool once = false;                    // collect once, deliver what is spooled, exit (tests, cron)
  std::string ca_file;                  // enroll: PEM CA certificates trusted besides the system bundle
};

// Registers the machine; writes agent.conf (0600) and config.json, and
// copies options.ca_file (if any) to ca.pem: the uplink and the HTTPS
// checks trust it besides the system CA bundle from then on.
// invalid_input for a bad URL or CA file, unauthenticated when the token is
// refused.
Status enroll(const std::string& server_url, const std::string& token, const AgentOptions& options);

// Runs until SIGTERM/SIGINT (or one round with options.once). Returns an
// error only when it cannot start (not enrolled, state unusable).
Status run(const AgentOptions& options);

// Prints whether the agent is enrolled and connected and what is spooled.
// Returns 0 when enrolled, 1 otherwise.
int print_status(const AgentOptions& options);

}  // namespace tend::agent
