// The service desk: tickets, their configurable statuses and queues, public
// and internal notes, checklists, the timeline of every change, and the
// stored SLA definitions (calendars and policies) tickets are measured by.
//
// Rules (docs/service-desk.md says the same with examples):
//
// * A ticket belongs to one client; its site and contact, when given, belong
//   to the same client. Its number is human-friendly and unique (1, 2, 3 ...
//   in order of creation) and never changes, also not when it is merged.
// * Every status has a category (new, open, waiting on client, waiting on
//   vendor, resolved, closed) and a flag "pauses SLA". A status in the
//   resolved or closed category stops the resolution clock; such a status
//   cannot also pause (it already stops). Reopening (moving back to a status
//   of another category) resumes the resolution clock with the remaining
//   budget: the stretch the ticket spent resolved counts as a pause.
// * The response clock stops at the first public note by staff. Resolving a
//   ticket that never had a public reply stops it at the same instant.
// * Notes are public (the client sees them in the portal) or internal.
//   Portal users' notes are always public.
// * The timeline records every change (who, when, what); for tickets it is
//   the audit trail. Entries are public (shown in the portal) or internal.
//
// Everything here is pure: validation and small rules, no I/O, no clock.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/sla.h"
#include "core/time.h"

namespace tend {

// Where a ticket came from. Wire spelling = enumerator name.
enum class TicketSource { portal, email, phone, api, alert, schedule };
// What kind of work it is. Wire spelling = enumerator name.
enum class TicketType { incident, request, maintenance, alert };
// The category of a status. `new_` is spelled "new" (a C++ keyword).
enum class StatusCategory { new_, open, waiting_on_client, waiting_on_vendor, resolved, closed };
// Who may read a note. Wire spelling "public" / "internal".
enum class NoteVisibility { public_, internal };

const char* to_string(TicketSource source);
const char* to_string(TicketType type);
const char* to_string(StatusCategory category);
const char* to_string(NoteVisibility visibility);
// The inverses; invalid_input (without field) naming the accepted values.
Result<TicketSource> parse_ticket_source(std::string_view text);
Result<TicketType> parse_ticket_type(std::string_view text);
Result<StatusCategory> parse_status_category(std::string_view text);
Result<NoteVisibility> parse_note_visibility(std::string_view text);
// The inverse of to_string(SlaState) (core/sla.h): "ok", "warning",
// "breached", "paused".
Result<SlaState> parse_sla_state(std::string_view text);

// Every category, in workflow order.
inline constexpr std::array<StatusCategory, 6> kAllStatusCategories = {
    StatusCategory::new_,    StatusCategory::open,     StatusCategory::waiting_on_client,
    StatusCategory::waiting_on_vendor, StatusCategory::resolved, StatusCategory::closed};

// True for resolved and closed: the work is done and the resolution clock stops.
bool is_done(StatusCategory category);

// A configurable ticket status.
struct TicketStatus {
  TicketStatusId id;
  std::string name;  // unique (case-insensitive)
  StatusCategory category = StatusCategory::open;
  bool pauses_sla = false;
  int position = 0;         // order in pick lists
  bool is_default = false;  // the status new tickets get; exactly one
  bool active = true;       // inactive statuses cannot be set any more
  Instant created_at;
  Instant updated_at;

  // True when a ticket in this status does not use up resolution budget:
  // the status pauses SLA or the work is done.
  bool stops_resolution_time() const { return pauses_sla || is_done(category); }
};

// Field errors: name (1-100 characters), position (0-10000), pauses_sla
// (not with a resolved or closed category), is_default (only an active
// status of category new or open).
Status validate(const TicketStatus& status);

// A configurable queue (a team or kind of work: "Service desk", "Projects").
struct Queue {
  QueueId id;
  std::string name;  // unique (case-insensitive)
  std::string description;
  bool active = true;
  Instant created_at;
  Instant updated_at;
};

// Field errors: name (1-100), description (at most 1000).
Status validate(const Queue& queue);

// A stored business-hours calendar: a name and its textual definition.
struct SlaCalendarRecord {
  SlaCalendarId id;
  std::string name;
  CalendarSpec spec;
  Instant created_at;
  Instant updated_at;
};

// Field errors: name (1-100) plus every error of BusinessCalendar::create
// (time_zone, hours.mon[1], holidays[3], hours).
Status validate(const SlaCalendarRecord& calendar);

// A stored SLA policy: targets per priority in minutes of a calendar, or
// 24x7 (no calendar, or a target marked around_the_clock).
struct SlaPolicyRecord {
  SlaPolicyId id;
  std::string name;
  SlaCalendarId calendar_id;  // 0: every target is 24x7
  std::array<SlaTarget, 4> targets{};  // indexed by Priority
  int warning_per_mille = 750;
  bool is_default = false;  // the global default policy; at most one
  Instant created_at;
  Instant updated_at;
};

// Field errors: name (1-100), targets.P1.first_response_minutes ...,
// warning_per_mille (as validate_sla_policy).
Status validate(const SlaPolicyRecord& policy);

// The core policy of `record` measured in `calendar` (nullopt = 24x7).
SlaPolicy to_sla_policy(const SlaPolicyRecord& record, std::optional<BusinessCalendar> calendar);

// One item of a maintenance checklist that a technician ticks off.
struct ChecklistItem {
  ChecklistItemId id;
  std::string text;
  std::optional<Instant> done_at;
  UserId done_by_id;

  bool done() const { return done_at.has_value(); }
};

// The SLA figures stored with a ticket so lists can filter and sort by them
// and the server can wake at the next event. Written from the latest
// evaluation (core/sla.h) merged with the breaches recorded before.
struct TicketSla {
  std::optional<SlaState> state;  // nullopt when no policy applies
  std::optional<Instant> response_due_at;
  std::optional<Instant> response_warning_at;
  std::optional<Instant> response_breached_at;
  std::optional<Instant> resolution_due_at;  // nullopt while paused
  std::optional<Instant> resolution_warning_at;
  std::optional<Instant> resolution_breached_at;
  // When the warning event of each clock was put on the timeline (once per
  // set of terms).
  std::optional<Instant> response_warned_at;
  std::optional<Instant> resolution_warned_at;
  // The next instant at which the state changes by itself (core's
  // next_sla_event); indexed, the watcher wakes at the earliest.
  std::optional<Instant> next_event_at;
  // Business time taken when the clock stopped (for reports).
  std::optional<int64_t> response_business_ms;
  std::optional<int64_t> resolution_business_ms;
};

// A ticket.
struct Ticket {
  TicketId id;
  int64_t number = 0;  // unique, assigned by the store in order of creation
  std::string subject;
  std::string description;
  ClientId client_id;
  SiteId site_id;        // optional
  ContactId contact_id;  // optional
  TicketSource source = TicketSource::phone;
  TicketType type = TicketType::incident;
  Priority priority = Priority::p3;
  TicketStatusId status_id;
  StatusCategory status_category = StatusCategory::new_;  // copy of the status's, for lists
  QueueId queue_id;       // optional
  UserId assignee_id;     // optional: a staff user
  std::vector<DeviceId> device_ids;
  SlaPolicyId sla_policy_id;  // the policy that applies; 0: none
  TicketId merged_into_id;    // set when merged into another ticket
  ScheduleId schedule_id;     // set when a maintenance schedule made it
  UserId created_by_id;       // 0 for the system or the local CLI
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> first_response_at;
  std::optional<Instant> resolved_at;  // set while the status is resolved or closed
  TicketSla sla;
  std::vector<ChecklistItem> checklist;  // loaded with the ticket, not in lists

  static constexpr size_t kMaxDevices = 100;
  static constexpr size_t kMaxChecklistItems = 100;
};

// Field errors: subject (1-200), description (at most 100000), client_id
// (required), device_ids (at most 100, positive, no duplicates),
// checklist[3].text (1-500), checklist (at most 100 items).
Status validate(const Ticket& ticket);

// A note on a ticket.
struct TicketNote {
  TicketNoteId id;
  TicketId ticket_id;
  UserId author_id;      // 0 for the system / local CLI
  std::string author;    // the author's name or e-mail at the time
  bool by_staff = true;  // false for portal users
  NoteVisibility visibility = NoteVisibility::internal;
  std::string body;
  Instant created_at;

  bool is_public() const { return visibility == NoteVisibility::public_; }
  // True when this note is a first response: public and written by staff.
  bool counts_as_response() const { return by_staff && is_public(); }
};

// Field errors: body (1-100000 characters).
Status validate(const TicketNote& note);

// One entry of a ticket's timeline. `details` is a JSON object as text
// (built by app/, e.g. {"priority": ["P3", "P1"]}).
struct TimelineEvent {
  int64_t id = 0;
  TicketId ticket_id;
  Instant at;
  UserId actor_id;    // 0 for the system (the SLA watcher, schedules) or the CLI
  std::string actor;  // e-mail, "cli" or "system"
  std::string kind;   // "ticket.created", "ticket.status_changed", "sla.breached" ...
  bool is_public = false;  // shown to portal users
  std::string details = "{}";
};

}  // namespace tend
