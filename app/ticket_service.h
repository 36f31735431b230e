// Use cases of tickets: create, read, change, notes, timeline, checklists,
// bulk changes, merging duplicates, and keeping the SLA clocks up to date.
//
// Rules (docs/service-desk.md, docs/sla.md):
// * Scoping: staff see every ticket; a portal user sees only its own
//   client's tickets (not_found for others), only public notes and public
//   timeline entries, and creates tickets only for its own client.
// * The SLA policy of a new ticket is the covering contract's (the client's
//   contract active on the creation day with a policy: managed first, then
//   block hours, then time and materials; core/contracts.h), else the
//   client's default, else the global default; staff may name one
//   explicitly. No policy: the ticket has no SLA clocks.
// * Due times are computed at creation and recomputed at every change of
//   priority or policy (the new terms count from creation) and at every
//   status change (pauses), note (first response) and SLA event; they are
//   stored with the state, and the breach instants once recorded stay.
// * Every change is one write transaction that also appends the timeline
//   entries (who, when, what); the timeline is the tickets' audit trail.
// * A portal user's note on a ticket waiting on the client moves it back to
//   the first open status (the client answered).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "app/context.h"
#include "core/paging.h"
#include "core/ticket.h"
#include "core/users.h"
#include "store/store.h"

namespace tend {

// Thread-safe: the only state besides the context is a mutex-guarded cache
// of compiled calendars and the change hook (set before use).
class TicketService {
 public:
  explicit TicketService(AppContext context) : context_(context) {}

  // Called after a committed change with the ticket's next SLA event, so the
  // SLA watcher can wake earlier than planned. Set once, before use.
  void on_next_sla_event(std::function<void(Instant)> hook) { on_next_sla_event_ = std::move(hook); }

  // Creates a ticket from a JSON body (app/service_desk_codec.h). Staff may
  // set every field, including an explicit `created_at` in the past for
  // imports (admins only, at most 366 days back); portal users set subject,
  // description, site, contact, type and priority of a ticket of their own
  // client. References (client, site, contact, status, queue, assignee,
  // policy) must exist and fit together: field errors otherwise, and
  // nothing is stored.
  Result<Ticket> create(const Principal& caller, const nlohmann::json& body);
  // The ticket with its checklist; not_found when missing or not visible.
  Result<Ticket> get(const Principal& caller, TicketId id);
  // Applies the fields present in `body` (staff only).
  Result<Ticket> update(const Principal& caller, TicketId id, const nlohmann::json& body);
  // A page of tickets; a portal caller's filter is narrowed to its client
  // and its text search to what it may read.
  Result<Page<Ticket>> list(const Principal& caller, store::TicketFilter filter, const PageRequest& page);

  // Adds {"body", "visibility": "public"|"internal"} (staff default:
  // internal; portal notes are always public). The first public note by
  // staff stops the response clock.
  Result<TicketNote> add_note(const Principal& caller, TicketId id, const nlohmann::json& body);
  // Notes oldest first after note id `after` (portal: public only).
  Result<std::vector<TicketNote>> notes(const Principal& caller, TicketId id, int64_t after, int limit);
  // Timeline oldest first after event id `after` (portal: public only).
  Result<std::vector<TimelineEvent>> timeline(const Principal& caller, TicketId id, int64_t after, int limit);

  // Adds {"text"} to the checklist.
  Result<Ticket> add_checklist_item(const Principal& caller, TicketId id, const nlohmann::json& body);
  // Ticks an item off or on again: {"done": true|false}.
  Result<Ticket> set_checklist_item(const Principal& caller, TicketId id, ChecklistItemId item,
                                    const nlohmann::json& body);

  // Applies one change to many tickets, all or nothing:
  // {"ticket_ids": [..] (1-200), "assignee_id"?, "status_id"?, "queue_id"?,
  //  "priority"?}. Each ticket gets its own timeline entries.
  Result<std::vector<Ticket>> bulk_update(const Principal& caller, const nlohmann::json& body);

  // Merges the duplicate `id` into {"into_ticket_id": N} of the same client:
  // the duplicate's notes are copied to the target (author, visibility and
  // time kept), its devices linked to the target, and the duplicate is
  // closed (first closed status) with merged_into_id set; both timelines
  // record it. Returns the target.
  Result<Ticket> merge(const Principal& caller, TicketId id, const nlohmann::json& body);

  // ---- for other services and the SLA watcher (no scoping, no JSON) ----------

  // Stores `draft` (validated, references checked by the caller) as a new
  // ticket inside `tx`: default status when none is set, the policy chosen
  // as above, terms, first status change, SLA evaluation, timeline entry.
  // The caller commits and then calls notify(ticket).
  Result<Ticket> create_in(store::Transaction& tx, const Principal& actor, Ticket draft, Instant now);
  // Tells the SLA watcher about the ticket's next event (after commit).
  void notify(const Ticket& ticket);

  // Re-evaluates every ticket whose next SLA event is at or before `now`,
  // each in its own transaction, recording warnings and breaches on the
  // timeline. Returns the number of tickets evaluated.
  Result<int64_t> process_sla_events(Instant now);
  // The earliest stored next SLA event.
  Result<std::optional<Instant>> next_sla_event();

 private:
  // Re-evaluates the SLA clocks of `ticket` at `now` from its stored history
  // and updates ticket.sla; appends "sla.warning"/"sla.breached" entries
  // (dated when recorded; the details carry the clock's instants) for what
  // is newly recorded.
  Status refresh_sla(store::Transaction& tx, Ticket& ticket, Instant now);
  Result<BusinessCalendar> calendar(store::Transaction& tx, SlaCalendarId id);

  AppContext context_;
  std::function<void(Instant)> on_next_sla_event_;
  std::mutex calendars_mutex_;
  // By id: (the stored definition as text, the compiled calendar).
  std::map<SlaCalendarId, std::pair<std::string, BusinessCalendar>> calendars_;
};

}  // namespace tend
