// Use cases for the service desk's configuration: ticket statuses, queues,
// SLA calendars, SLA policies and clients' default policies.
//
// Any staff member may read the configuration; changes are for admins (the
// routes declare that). Every change is one write transaction with its
// audit entry. Names are unique (case- and accent-insensitively): a taken
// name is a field error on "name".
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/context.h"
#include "core/ticket.h"
#include "core/users.h"

namespace tend {

// Thread-safe (stateless besides the context).
class DeskSettingsService {
 public:
  explicit DeskSettingsService(AppContext context) : context_(context) {}

  // Called after a calendar change made open tickets due for re-evaluation
  // (the SLA watcher wakes). Set once, before use.
  void on_tickets_marked(std::function<void()> hook) { on_tickets_marked_ = std::move(hook); }

  Result<std::vector<TicketStatus>> list_statuses();
  Result<TicketStatus> get_status(TicketStatusId id);
  // Marking a status as default unmarks the previous default.
  Result<TicketStatus> create_status(const Principal& caller, const nlohmann::json& body);
  // The default status cannot be deactivated or lose its default mark
  // (mark another status as default instead).
  Result<TicketStatus> update_status(const Principal& caller, TicketStatusId id, const nlohmann::json& body);

  Result<std::vector<Queue>> list_queues();
  Result<Queue> get_queue(QueueId id);
  Result<Queue> create_queue(const Principal& caller, const nlohmann::json& body);
  Result<Queue> update_queue(const Principal& caller, QueueId id, const nlohmann::json& body);

  Result<std::vector<SlaCalendarRecord>> list_calendars();
  Result<SlaCalendarRecord> get_calendar(SlaCalendarId id);
  // Validation errors name the calendar's fields (time_zone, hours.mon[1],
  // holidays[0] ...), see core/calendar.h.
  Result<SlaCalendarRecord> create_calendar(const Principal& caller, const nlohmann::json& body);
  // A changed calendar applies to open tickets at once: their due times are
  // recomputed by the SLA watcher right after the change.
  Result<SlaCalendarRecord> update_calendar(const Principal& caller, SlaCalendarId id, const nlohmann::json& body);

  Result<std::vector<SlaPolicyRecord>> list_policies();
  Result<SlaPolicyRecord> get_policy(SlaPolicyId id);
  // calendar_id must name a calendar; is_default unmarks the previous
  // global default. Editing targets applies to tickets whose terms are set
  // afterwards (created, re-prioritised); existing terms keep their copy.
  Result<SlaPolicyRecord> create_policy(const Principal& caller, const nlohmann::json& body);
  Result<SlaPolicyRecord> update_policy(const Principal& caller, SlaPolicyId id, const nlohmann::json& body);

  // A client's default policy ({"client_id", "sla_policy_id"}; null = none).
  // Portal callers never reach this (staff routes); not_found for unknown
  // clients.
  Result<nlohmann::json> client_policy(ClientId client);
  // Sets it from {"sla_policy_id": id | null}. Applies to tickets created
  // afterwards.
  Result<nlohmann::json> set_client_policy(const Principal& caller, ClientId client, const nlohmann::json& body);

 private:
  AppContext context_;
  std::function<void()> on_tickets_marked_;
};

}  // namespace tend
