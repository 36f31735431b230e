// Use cases of maintenance schedules: recurring work that creates
// maintenance tickets with a checklist (core/schedule.h has the rules of
// when they run).
//
// Staff read schedules; admins and technicians change them (the routes
// declare that). Every change is one write transaction with its audit
// entry. The SLA watcher (app/sla_watcher.h) calls run_due at each
// schedule's next run.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/context.h"
#include "app/ticket_service.h"
#include "core/schedule.h"
#include "store/schedule_repository.h"

namespace tend {

// Thread-safe (stateless besides the context; the hook is set before use).
class ScheduleService {
 public:
  ScheduleService(AppContext context, TicketService& tickets) : context_(context), tickets_(tickets) {}

  // Called after a change with the schedule's next run, so the watcher can
  // wake earlier than planned. Set once, before use.
  void on_next_run(std::function<void(Instant)> hook) { on_next_run_ = std::move(hook); }

  // Creates from JSON (app/service_desk_codec.h). The client must exist and
  // be active; site, queue and assignee must fit (field errors otherwise).
  // Without a time_zone the schedule takes its site's, else the provider's.
  // The next run is the first after now.
  Result<MaintenanceSchedule> create(const Principal& caller, const nlohmann::json& body);
  Result<MaintenanceSchedule> get(const Principal& caller, ScheduleId id);
  // Applies the fields present; a changed recurrence or activation
  // recomputes the next run from now.
  Result<MaintenanceSchedule> update(const Principal& caller, ScheduleId id, const nlohmann::json& body);
  Result<Page<MaintenanceSchedule>> list(const Principal& caller, const store::ScheduleFilter& filter,
                                         const PageRequest& page);
  // The next `count` (1-100) runs after now; empty when inactive or ended.
  Result<std::vector<Instant>> next_runs(const Principal& caller, ScheduleId id, int count);
  // Creates the schedule's ticket now, outside the recurrence (the next
  // run is unchanged).
  Result<Ticket> run_now(const Principal& caller, ScheduleId id);

  // For the watcher: creates one ticket for each active schedule whose next
  // run is at or before `now` (one for the latest missed run, never a
  // backlog) and moves its next run past `now`. Returns tickets created.
  Result<int64_t> run_due(Instant now);
  // The earliest next run of any active schedule.
  Result<std::optional<Instant>> next_run();

 private:
  Result<Ticket> create_ticket(store::Transaction& tx, const Principal& actor, const MaintenanceSchedule& schedule,
                               Instant now);
  void notify(const MaintenanceSchedule& schedule);

  AppContext context_;
  TicketService& tickets_;
  std::function<void(Instant)> on_next_run_;
};

}  // namespace tend
