// The service desk part of `tend demo seed` (cli/demo.cpp).
#pragma once

#include "cli/api_client.h"
#include "cli/command_support.h"

namespace tend::cli {

// What was created, for the summary line.
struct DemoDeskSummary {
  int policies = 0;
  int schedules = 0;
  int tickets = 0;
};

// Creates, through `api` (acting as an administrator on a freshly seeded
// installation whose demo clients and technicians exist): an office
// calendar (Europe/Amsterdam, 08:30-17:00 on weekdays, Dutch public
// holidays 2026-2027), two SLA policies (one the global default, one the
// managed clients' default), queues, a few dozen tickets in varied states
// (some near breach, some breached, paused, resolved, one merged) and
// maintenance schedules with checklists. Returns an exit code; problems are
// printed by check_reply.
int seed_service_desk(ApiClient& api, DemoDeskSummary& summary);

}  // namespace tend::cli
