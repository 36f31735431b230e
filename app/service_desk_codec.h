// The JSON shape of the service desk's objects (tickets, notes, timeline,
// statuses, queues, SLA calendars and policies, schedules, SLA reports),
// used by the API, the CLI and the timeline. Readers are strict like
// app/json_codec.h: unknown and read-only fields are field errors, every
// problem is reported at once, and only the fields present are applied.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "core/schedule.h"
#include "core/sla_report.h"
#include "core/ticket.h"

namespace tend {

nlohmann::json to_json(const TicketStatus& status);
nlohmann::json to_json(const Queue& queue);
nlohmann::json to_json(const SlaCalendarRecord& calendar);
nlohmann::json to_json(const SlaPolicyRecord& policy);
// With "checklist" only when `with_checklist` (lists leave it out).
nlohmann::json to_json(const Ticket& ticket, bool with_checklist);
nlohmann::json to_json(const TicketSla& sla);
nlohmann::json to_json(const ChecklistItem& item);
nlohmann::json to_json(const TicketNote& note);
nlohmann::json to_json(const TimelineEvent& event);
nlohmann::json to_json(const MaintenanceSchedule& schedule);
nlohmann::json to_json(const SlaReportLine& line);

// Statuses: name, category, pauses_sla, position, is_default, active.
Status apply_json(TicketStatus& status, const nlohmann::json& body);
// Queues: name, description, active.
Status apply_json(Queue& queue, const nlohmann::json& body);
// Calendars: name, time_zone, hours {"mon": [["08:30", "12:00"], ...]},
// holidays ["2026-12-25", ...]. Validated with BusinessCalendar::create.
Status apply_json(SlaCalendarRecord& calendar, const nlohmann::json& body);
// Policies: name, calendar_id (null = 24x7), targets {"P1":
// {"first_response_minutes", "resolution_minutes", "around_the_clock"}, ...}
// (all four priorities on create), warning_per_mille, is_default.
Status apply_json(SlaPolicyRecord& policy, const nlohmann::json& body, bool creating);
// Schedules: name, client_id (create only), site_id, queue_id, assignee_id,
// priority, subject, description, checklist [text, ...], frequency, days,
// day_of_month, week_of_month, weekday, time, time_zone, starts_on,
// ends_on, active.
Status apply_json(MaintenanceSchedule& schedule, const nlohmann::json& body, bool creating);

// Which ticket fields a caller may write.
enum class TicketInput {
  create,         // staff creating: every editable field, client_id, checklist, created_at
  portal_create,  // portal user: subject, description, client_id, site_id, contact_id, type, priority
  update,         // staff updating: every editable field but client_id, checklist and created_at
};

// Applies the ticket fields present in `body` (structure and types only:
// references such as status_id are checked by app/ticket_service.cpp, and
// validate(Ticket) runs afterwards). `created_at` receives an explicit
// creation time (imports), when given and allowed.
Status apply_json(Ticket& ticket, const nlohmann::json& body, TicketInput mode,
                  std::optional<Instant>* created_at = nullptr);

}  // namespace tend
