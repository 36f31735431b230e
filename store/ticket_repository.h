// Repositories of the service desk: ticket statuses, queues, tickets (with
// their SLA history, checklists, linked devices and the full-text index),
// notes and the timeline. Cheap value objects bound to one Transaction;
// use them only inside it (store/store.h).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/paging.h"
#include "core/ticket.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

class TicketStatusRepository {
 public:
  explicit TicketStatusRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the name is taken or a second default is marked.
  Result<TicketStatusId> insert(const TicketStatus& status);
  Result<TicketStatus> get(TicketStatusId id);
  Status update(const TicketStatus& status);
  // Every status (active and inactive), by position then name.
  Result<std::vector<TicketStatus>> list();
  // The status new tickets get; not_found when none is marked.
  Result<TicketStatus> default_status();
  // The first active status of `category` by position; not_found if none.
  Result<TicketStatus> first_of(StatusCategory category);
  // Unmarks the current default (before marking another).
  Status clear_default(Instant now);

 private:
  Sql sql_;
};

class QueueRepository {
 public:
  explicit QueueRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the name is taken.
  Result<QueueId> insert(const Queue& queue);
  Result<Queue> get(QueueId id);
  Status update(const Queue& queue);
  // Every queue, by name.
  Result<std::vector<Queue>> list();

 private:
  Sql sql_;
};

// Filters of a ticket list; every field is optional and they combine with AND.
struct TicketFilter {
  ClientId client;  // portal scoping sets it
  SiteId site;
  std::vector<StatusCategory> categories;  // any of
  QueueId queue;
  UserId assignee;
  bool unassigned = false;  // only tickets without an assignee
  std::vector<Priority> priorities;     // any of
  std::vector<SlaState> sla_states;     // any of (the stored state)
  std::optional<Instant> due_before;    // resolution due strictly before
  std::optional<Instant> due_after;     // resolution due at or after
  std::string text;                     // full-text over subject, description, notes
  bool text_public_only = false;        // search subject, description and public notes only
};

// Sort fields of the ticket list. The due sorts put tickets without a due
// time last (ascending).
inline constexpr std::string_view kTicketSorts[] = {"number",   "created_at",        "updated_at",
                                                    "priority", "resolution_due_at", "response_due_at"};

// The SLA terms in force from `effective_at`: the priority under a policy,
// with the policy's target for that priority copied at that moment.
struct TicketTermsRecord {
  Instant effective_at;
  Priority priority = Priority::p3;
  SlaPolicyId policy_id;
  SlaCalendarId calendar_id;  // 0: 24x7
  SlaTarget target;
  int warning_per_mille = 750;
};

// A status the ticket entered at `at`.
struct StatusChangeRecord {
  Instant at;
  TicketStatusId status_id;
  StatusCategory category = StatusCategory::open;
  bool stops_resolution_time = false;
};

// What the SLA report needs of one ticket (tickets with an SLA only).
struct TicketSlaRow {
  TicketId id;
  ClientId client_id;
  Priority priority = Priority::p3;
  Instant created_at;
  std::optional<Instant> first_response_at;
  std::optional<Instant> resolved_at;
  TicketSla sla;
};

class TicketRepository {
 public:
  explicit TicketRepository(SqlConnection& connection) : sql_(connection) {}

  // Stores a new ticket with its devices, checklist and search entry, and
  // assigns the next number (written into `ticket.number`, ids of the
  // checklist items into `ticket.checklist`). Returns the id.
  Result<TicketId> insert(Ticket& ticket);
  // The ticket with devices and checklist; not_found when there is none.
  Result<Ticket> get(TicketId id);
  // Writes every field but number, created_at and the checklist; replaces
  // the linked devices and refreshes the search entry. not_found if missing.
  Status update(const Ticket& ticket);
  // Writes only the SLA figures (the watcher's re-evaluation).
  Status update_sla(TicketId id, const TicketSla& sla);
  // A filtered, keyset-paginated page, with devices (no checklists).
  Result<Page<Ticket>> list(const TicketFilter& filter, const PageRequest& page);
  // Number of tickets (all).
  Result<int64_t> count();
  // A ticket's number and subject only (invoice lines name the ticket);
  // not_found.
  Result<std::pair<int64_t, std::string>> number_and_subject(TicketId id);

  // The tickets whose next SLA event is at or before `now`, earliest first,
  // at most `limit` (an index range scan, never a scan of all tickets).
  Result<std::vector<TicketId>> sla_events_due(Instant now, int limit);
  // The earliest stored next SLA event of any ticket.
  Result<std::optional<Instant>> next_sla_event();
  // Makes every unresolved ticket whose SLA terms use `calendar` due for
  // re-evaluation at `now` (after the calendar changed); returns how many.
  Result<int64_t> mark_for_sla_refresh(SlaCalendarId calendar, Instant now);

  Status add_terms(TicketId ticket, const TicketTermsRecord& terms);
  // In order of storage (= effective_at).
  Result<std::vector<TicketTermsRecord>> terms(TicketId ticket);
  Status add_status_change(TicketId ticket, const StatusChangeRecord& change);
  Result<std::vector<StatusChangeRecord>> status_changes(TicketId ticket);

  // Adds a checklist item at the end; returns its id.
  Result<ChecklistItemId> add_checklist_item(TicketId ticket, const std::string& text);
  // Writes done_at / done_by of an item of `ticket`; not_found otherwise.
  Status update_checklist_item(TicketId ticket, const ChecklistItem& item);

  // Appends a note's body to the ticket's search entry.
  Status index_note(TicketId ticket, const TicketNote& note);

  // Tickets with an SLA created in [from, to), optionally of one client,
  // excluding tickets merged into another (they are duplicates).
  Result<std::vector<TicketSlaRow>> sla_rows(Instant from, Instant to, ClientId client);

 private:
  Status write_devices(const Ticket& ticket, bool replace);
  Status load_details(std::vector<Ticket>& tickets, bool with_checklist);
  Sql sql_;
};

class TicketNoteRepository {
 public:
  explicit TicketNoteRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a note (the caller also indexes it: TicketRepository::index_note).
  Result<TicketNoteId> insert(const TicketNote& note);
  // Notes of a ticket, oldest first, after note id `after`, at most `limit`;
  // only public ones when `public_only`.
  Result<std::vector<TicketNote>> list(TicketId ticket, bool public_only, int64_t after, int limit);

 private:
  Sql sql_;
};

class TicketTimelineRepository {
 public:
  explicit TicketTimelineRepository(SqlConnection& connection) : sql_(connection) {}
  Status append(const TimelineEvent& event);
  // Events of a ticket, oldest first, after event id `after`, at most
  // `limit`; only public ones when `public_only`.
  Result<std::vector<TimelineEvent>> list(TicketId ticket, bool public_only, int64_t after, int limit);

 private:
  Sql sql_;
};

// The FTS5 query for user text: each word becomes a quoted term (all must
// match), the last one also matches as a prefix when it has 3 or more
// characters; empty when the text has no words. With `public_only` the
// match is restricted to subject, description and public notes.
std::string ticket_search_query(std::string_view text, bool public_only);

}  // namespace tend::store
