#include "app/ticket_service.h"

#include <algorithm>
#include <set>

#include "app/audit.h"
#include "app/json_codec.h"
#include "app/log.h"
#include "app/service_desk_codec.h"
#include "core/contracts.h"
#include "core/validation.h"

namespace tend {
namespace {

using nlohmann::json;
using store::Transaction;

constexpr int kSlaBatch = 100;
constexpr size_t kMaxBulkTickets = 200;
constexpr auto kMaxBackdating = std::chrono::hours(24 * 366);

Principal system_principal() {
  Principal p;
  p.role = Role::admin;
  p.email = "system";
  p.name = "Tend";
  return p;
}

TimelineEvent timeline_event(const Principal& actor, TicketId ticket, Instant at, std::string kind, bool is_public,
                             const json& details) {
  TimelineEvent e;
  e.ticket_id = ticket;
  e.at = at;
  e.actor_id = actor.user_id;
  e.actor = actor.email;
  e.kind = std::move(kind);
  e.is_public = is_public;
  e.details = details.is_null() ? "{}" : details.dump();
  return e;
}

std::string ticket_label(const Ticket& t) { return "#" + std::to_string(t.number); }

Result<Ticket> visible_ticket(Transaction& tx, const Principal& caller, TicketId id) {
  auto ticket = tx.tickets().get(id);
  if (!ticket) return std::unexpected(ticket.error());
  if (!caller.can_see_client(ticket->client_id)) return std::unexpected(Error::not_found("ticket not found"));
  return ticket;
}

Status refuse_merged(const Ticket& t) {
  if (t.merged_into_id.valid()) {
    return std::unexpected(Error::conflict("ticket " + ticket_label(t) +
                                           " was merged into another ticket; work on that one instead"));
  }
  return {};
}

// The fields a change can touch, for diffs in the timeline.
json editable_fields(const Ticket& t) {
  json all = to_json(t, false);
  json out = json::object();
  for (const char* key : {"subject", "description", "site_id", "contact_id", "source", "type", "priority",
                          "status_id", "queue_id", "assignee_id", "device_ids", "sla_policy_id"}) {
    out[key] = all[key];
  }
  return out;
}

// Collects a field error when a referenced object is missing or unusable.
// Only references that differ from `before` are checked, so an old ticket
// in a since-deactivated queue can still be edited otherwise.
Status check_references(Transaction& tx, const Ticket& t, const Ticket* before) {
  FieldErrors errors;
  auto changed = [&](auto Ticket::*field) { return !before || (*before).*field != t.*field; };
  if (t.site_id.valid() && changed(&Ticket::site_id)) {
    auto site = tx.sites().get(t.site_id);
    if (!site || site->client_id != t.client_id) errors.add("site_id", "no such site for this client");
    else if (site->archived()) errors.add("site_id", "the site is archived");
  }
  if (t.contact_id.valid() && changed(&Ticket::contact_id)) {
    auto contact = tx.contacts().get(t.contact_id);
    if (!contact || contact->client_id != t.client_id) errors.add("contact_id", "no such contact for this client");
  }
  if (t.status_id.valid() && changed(&Ticket::status_id)) {
    auto status = tx.ticket_statuses().get(t.status_id);
    if (!status) errors.add("status_id", "no such status (GET /api/v1/ticket-statuses lists them)");
    else if (!status->active) errors.add("status_id", "the status '" + status->name + "' is no longer in use");
  }
  if (t.queue_id.valid() && changed(&Ticket::queue_id)) {
    auto queue = tx.queues().get(t.queue_id);
    if (!queue) errors.add("queue_id", "no such queue");
    else if (!queue->active) errors.add("queue_id", "the queue '" + queue->name + "' is no longer in use");
  }
  if (t.assignee_id.valid() && changed(&Ticket::assignee_id)) {
    auto user = tx.users().get(t.assignee_id);
    if (!user || user->role == Role::portal) errors.add("assignee_id", "no such staff user");
    else if (!user->active) errors.add("assignee_id", "the user is deactivated");
  }
  if (t.sla_policy_id.valid() && changed(&Ticket::sla_policy_id)) {
    if (!tx.sla_policies().get(t.sla_policy_id)) errors.add("sla_policy_id", "no such SLA policy");
  }
  return std::move(errors).status("the ticket refers to objects that do not exist or cannot be used");
}

// The client of a new ticket must exist, be visible and active.
Status check_client(Transaction& tx, const Principal& caller, ClientId id) {
  if (!id.valid()) return std::unexpected(Error::invalid_field("client_id", "is required"));
  if (!caller.can_see_client(id)) return std::unexpected(Error::invalid_field("client_id", "no such client"));
  auto client = tx.clients().get(id);
  if (!client) {
    if (client.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::invalid_field("client_id", "no such client"));
    }
    return std::unexpected(client.error());
  }
  if (client->archived()) return std::unexpected(Error::invalid_field("client_id", "the client is archived"));
  return {};
}

// The policy of a new ticket: the covering contract's (on the day the
// ticket is created, core/contracts.h covering_sla_policy), else the
// client's default, else the global default.
Result<SlaPolicyId> choose_policy(Transaction& tx, ClientId client, Instant created_at) {
  std::optional<SlaPolicyId> contract_policy;
  auto contracts = TEND_TRY(tx.contracts().for_client(client));
  if (!contracts.empty()) {
    auto provider = tx.provider().get();
    CivilDate day = TEND_TRY(local_date(created_at, provider ? provider->time_zone : "Europe/Amsterdam"));
    SlaPolicyId covering = covering_sla_policy(contracts, day);
    if (covering.valid()) contract_policy = covering;
  }
  SlaPolicyId client_default = TEND_TRY(tx.sla_policies().client_default(client));
  auto global = TEND_TRY(tx.sla_policies().global_default());
  auto chosen = choose_sla_policy<SlaPolicyId>(
      contract_policy, client_default.valid() ? std::optional<SlaPolicyId>(client_default) : std::nullopt,
      global ? std::optional<SlaPolicyId>(global->id) : std::nullopt);
  return chosen.value_or(SlaPolicyId());
}

Result<store::TicketTermsRecord> terms_for(Transaction& tx, SlaPolicyId policy_id, Priority priority, Instant at) {
  SlaPolicyRecord policy = TEND_TRY(tx.sla_policies().get(policy_id));
  store::TicketTermsRecord terms;
  terms.effective_at = at;
  terms.priority = priority;
  terms.policy_id = policy.id;
  terms.calendar_id = policy.calendar_id;
  terms.target = policy.targets[static_cast<size_t>(priority)];
  terms.warning_per_mille = policy.warning_per_mille;
  return terms;
}

std::string display_name(const Principal& p) { return p.name.empty() ? p.email : p.name; }

}  // namespace

// ---- SLA -----------------------------------------------------------------------------

Result<BusinessCalendar> TicketService::calendar(Transaction& tx, SlaCalendarId id) {
  SlaCalendarRecord record = TEND_TRY(tx.sla_calendars().get(id));
  // Keyed by the definition itself, so an edit is seen at once.
  std::string definition = record.spec.time_zone + "|" + store::encode_calendar_hours(record.spec) + "|" +
                           store::encode_calendar_holidays(record.spec);
  {
    std::lock_guard lock(calendars_mutex_);
    auto it = calendars_.find(id);
    if (it != calendars_.end() && it->second.first == definition) return it->second.second;
  }
  auto compiled = BusinessCalendar::create(record.spec);
  if (!compiled) {
    return std::unexpected(Error::internal("stored calendar " + std::to_string(id.value()) +
                                           " is invalid: " + compiled.error().message));
  }
  std::lock_guard lock(calendars_mutex_);
  calendars_.insert_or_assign(id, std::make_pair(std::move(definition), *compiled));
  return *compiled;
}

Status TicketService::refresh_sla(Transaction& tx, Ticket& t, Instant now) {
  TicketSla& s = t.sla;
  std::vector<store::TicketTermsRecord> terms;
  if (t.sla_policy_id.valid()) terms = TEND_TRY(tx.tickets().terms(t.id));
  if (terms.empty()) {
    // No SLA (any more): recorded breaches stay, nothing else is measured.
    TicketSla none;
    none.response_breached_at = s.response_breached_at;
    none.resolution_breached_at = s.resolution_breached_at;
    s = none;
    return {};
  }
  SlaTicketFacts facts;
  facts.created_at = t.created_at;
  for (const auto& record : terms) {
    SlaPolicy policy;
    policy.name = "terms";
    policy.targets.fill(record.target);
    policy.warning_per_mille = record.warning_per_mille;
    if (record.calendar_id.valid()) policy.calendar = TEND_TRY(calendar(tx, record.calendar_id));
    facts.terms.push_back({record.effective_at, record.priority, std::move(policy)});
  }
  for (const auto& change : TEND_TRY(tx.tickets().status_changes(t.id))) {
    facts.status_changes.push_back({change.at, change.stops_resolution_time});
  }
  facts.first_response_at = t.first_response_at;
  facts.resolved_at = t.resolved_at;
  SlaEvaluation evaluation = TEND_TRY(evaluate_sla(facts, now));
  evaluation = merge_recorded_breaches(evaluation, {s.response_breached_at, s.resolution_breached_at});

  const Principal system = system_principal();
  auto record_events = [&](const SlaClock& clock, const char* name, const std::optional<Instant>& stored_breach,
                           std::optional<Instant>& warned_at) -> Status {
    if (clock.breached_at && !stored_breach) {
      TEND_CHECK(tx.ticket_timeline().append(timeline_event(
          system, t.id, now, "sla.breached", false,
          {{"clock", name}, {"breached_at", format_rfc3339(*clock.breached_at)}, {"due_at", to_json(clock.due_at)}})));
    } else if (!clock.breached_at && clock.state == SlaState::warning && !warned_at) {
      TEND_CHECK(tx.ticket_timeline().append(timeline_event(
          system, t.id, now, "sla.warning", false,
          {{"clock", name}, {"warning_at", to_json(clock.warning_at)}, {"due_at", to_json(clock.due_at)}})));
      warned_at = now;
    }
    return {};
  };
  TEND_CHECK(record_events(evaluation.response, "response", s.response_breached_at, s.response_warned_at));
  TEND_CHECK(record_events(evaluation.resolution, "resolution", s.resolution_breached_at, s.resolution_warned_at));

  s.state = evaluation.state;
  s.response_due_at = evaluation.response.due_at;
  s.response_warning_at = evaluation.response.warning_at;
  s.response_breached_at = evaluation.response.breached_at;
  s.response_business_ms =
      evaluation.response.stopped_at ? std::optional<int64_t>(evaluation.response.elapsed_ms) : std::nullopt;
  s.resolution_due_at = evaluation.resolution.due_at;
  s.resolution_warning_at = evaluation.resolution.warning_at;
  s.resolution_breached_at = evaluation.resolution.breached_at;
  s.resolution_business_ms =
      evaluation.resolution.stopped_at ? std::optional<int64_t>(evaluation.resolution.elapsed_ms) : std::nullopt;
  s.next_event_at = tend::next_sla_event(evaluation, now);
  return {};
}

void TicketService::notify(const Ticket& ticket) {
  if (on_next_sla_event_ && ticket.sla.next_event_at) on_next_sla_event_(*ticket.sla.next_event_at);
}

Result<int64_t> TicketService::process_sla_events(Instant now) {
  int64_t evaluated = 0;
  while (true) {
    auto due = TEND_TRY(store::in_read_transaction(
        context_.store, [&](Transaction& tx) { return tx.tickets().sla_events_due(now, kSlaBatch); }));
    for (TicketId id : due) {
      auto done = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
        Ticket t = TEND_TRY(tx.tickets().get(id));
        if (!t.sla.next_event_at || *t.sla.next_event_at > now) return {};  // changed meanwhile
        TEND_CHECK(refresh_sla(tx, t, now));
        return tx.tickets().update_sla(t.id, t.sla);
      });
      if (!done) {
        // Never spin on a ticket that cannot be evaluated: log it and stop
        // waking for it until it changes again.
        log::error("sla.evaluation_failed", {{"ticket_id", id.value()}, {"error", done.error().message}});
        TEND_CHECK(store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
          Ticket t = TEND_TRY(tx.tickets().get(id));
          t.sla.next_event_at.reset();
          return tx.tickets().update_sla(id, t.sla);
        }));
      }
      ++evaluated;
    }
    if (static_cast<int>(due.size()) < kSlaBatch) break;
  }
  return evaluated;
}

Result<std::optional<Instant>> TicketService::next_sla_event() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.tickets().next_sla_event(); });
}

// ---- creating ----------------------------------------------------------------------------

Result<Ticket> TicketService::create_in(Transaction& tx, const Principal& actor, Ticket t, Instant now) {
  if (!t.status_id.valid()) t.status_id = TEND_TRY(tx.ticket_statuses().default_status()).id;
  const TicketStatus status = TEND_TRY(tx.ticket_statuses().get(t.status_id));
  t.status_category = status.category;
  if (!t.sla_policy_id.valid()) t.sla_policy_id = TEND_TRY(choose_policy(tx, t.client_id, t.created_at));
  t.updated_at = now;
  t.created_by_id = actor.user_id;
  t.merged_into_id = TicketId();
  t.first_response_at.reset();
  t.resolved_at.reset();
  if (is_done(status.category)) t.resolved_at = t.first_response_at = t.created_at;
  t.sla = {};
  TEND_TRY(tx.tickets().insert(t));
  TEND_CHECK(tx.tickets().add_status_change(
      t.id, {t.created_at, status.id, status.category, status.stops_resolution_time()}));
  if (t.sla_policy_id.valid()) {
    TEND_CHECK(tx.tickets().add_terms(t.id, TEND_TRY(terms_for(tx, t.sla_policy_id, t.priority, t.created_at))));
  }
  TEND_CHECK(tx.ticket_timeline().append(timeline_event(actor, t.id, now, "ticket.created", true,
                                                        {{"number", t.number},
                                                         {"subject", t.subject},
                                                         {"priority", to_string(t.priority)},
                                                         {"status", status.name},
                                                         {"source", to_string(t.source)}})));
  TEND_CHECK(refresh_sla(tx, t, now));
  TEND_CHECK(tx.tickets().update_sla(t.id, t.sla));
  return t;
}

Result<Ticket> TicketService::create(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  Ticket t;
  t.source = caller.is_portal() ? TicketSource::portal : TicketSource::api;
  if (caller.is_portal()) t.client_id = caller.client_id;  // checked against the body below
  std::optional<Instant> created_at;
  TEND_CHECK(apply_json(t, body, caller.is_portal() ? TicketInput::portal_create : TicketInput::create, &created_at));
  if (created_at) {
    if (caller.role != Role::admin) {
      return std::unexpected(Error::invalid_field("created_at", "only administrators may set it (for imports)"));
    }
    if (*created_at > now || *created_at < now - kMaxBackdating) {
      return std::unexpected(Error::invalid_field("created_at", "must lie within the last 366 days and not in the future"));
    }
  }
  t.created_at = created_at.value_or(now);
  if (caller.is_portal()) {
    if (body.contains("client_id") && t.client_id != caller.client_id) {
      return std::unexpected(Error::invalid_field("client_id", "no such client"));
    }
    t.client_id = caller.client_id;
    t.source = TicketSource::portal;
  }
  auto created = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    TEND_CHECK(check_client(tx, caller, t.client_id));
    if (caller.is_portal() && !t.contact_id.valid()) {
      if (auto user = tx.users().get(caller.user_id)) t.contact_id = user->contact_id;
    }
    TEND_CHECK(check_references(tx, t, nullptr));
    return create_in(tx, caller, t, now);
  });
  if (created) notify(*created);
  return created;
}

Result<Ticket> TicketService::get(const Principal& caller, TicketId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return visible_ticket(tx, caller, id); });
}

Result<Page<Ticket>> TicketService::list(const Principal& caller, store::TicketFilter filter, const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<Ticket>{};
    filter.client = caller.client_id;
    filter.text_public_only = true;
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.tickets().list(filter, page); });
}

// ---- changing ------------------------------------------------------------------------------

namespace {

// Records the difference between `before` and `after` (same ticket): status
// history and resolution, new SLA terms, timeline entries. Leaves the SLA
// refresh and the row update to the caller.
Status record_change(Transaction& tx, const Principal& caller, const Ticket& before, Ticket& after, Instant now) {
  json changes = changed_fields(editable_fields(before), editable_fields(after));
  after.updated_at = now;
  if (before.status_id != after.status_id) {
    const TicketStatus from = TEND_TRY(tx.ticket_statuses().get(before.status_id));
    const TicketStatus to = TEND_TRY(tx.ticket_statuses().get(after.status_id));
    after.status_category = to.category;
    TEND_CHECK(tx.tickets().add_status_change(after.id, {now, to.id, to.category, to.stops_resolution_time()}));
    if (is_done(to.category)) {
      if (!after.resolved_at) after.resolved_at = now;
      // A ticket resolved without a public reply: resolving answers it.
      if (!after.first_response_at) after.first_response_at = now;
    } else {
      after.resolved_at.reset();
    }
    TEND_CHECK(tx.ticket_timeline().append(
        timeline_event(caller, after.id, now, "ticket.status_changed", true,
                       {{"status", {from.name, to.name}},
                        {"category", {to_string(from.category), to_string(to.category)}}})));
    changes.erase("status_id");
  }
  if ((before.priority != after.priority || before.sla_policy_id != after.sla_policy_id) &&
      after.sla_policy_id.valid()) {
    TEND_CHECK(tx.tickets().add_terms(after.id, TEND_TRY(terms_for(tx, after.sla_policy_id, after.priority, now))));
    // New terms, new warnings.
    after.sla.response_warned_at.reset();
    after.sla.resolution_warned_at.reset();
  }
  if (!changes.empty()) {
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, after.id, now, "ticket.updated", false, changes)));
  }
  return {};
}

}  // namespace

Result<Ticket> TicketService::update(const Principal& caller, TicketId id, const json& body) {
  const Instant now = context_.clock.now();
  auto updated = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    const Ticket before = TEND_TRY(visible_ticket(tx, caller, id));
    TEND_CHECK(refuse_merged(before));
    Ticket after = before;
    TEND_CHECK(apply_json(after, body, TicketInput::update));
    TEND_CHECK(check_references(tx, after, &before));
    if (changed_fields(editable_fields(before), editable_fields(after)).empty()) return before;
    TEND_CHECK(record_change(tx, caller, before, after, now));
    TEND_CHECK(refresh_sla(tx, after, now));
    TEND_CHECK(tx.tickets().update(after));
    return after;
  });
  if (updated) notify(*updated);
  return updated;
}

Result<std::vector<Ticket>> TicketService::bulk_update(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"ticket_ids", "assignee_id", "status_id", "queue_id", "priority"});
  std::vector<TicketId> ids;
  if (auto it = body.find("ticket_ids"); it == body.end() || !it->is_array() || it->empty()) {
    errors.add("ticket_ids", "must be a list of 1 to " + std::to_string(kMaxBulkTickets) + " ticket ids");
  } else if (it->size() > kMaxBulkTickets) {
    errors.add("ticket_ids", "at most " + std::to_string(kMaxBulkTickets) + " tickets at once");
  } else {
    std::set<int64_t> seen;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      std::string field = "ticket_ids[" + std::to_string(i) + "]";
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) errors.add(field, "must be a ticket id");
      else if (!seen.insert(v.get<int64_t>()).second) errors.add(field, "is listed twice");
      else ids.push_back(TicketId(v.get<int64_t>()));
    }
  }
  // The change itself: the same reader as a single update, on a probe.
  json change = body;
  change.erase("ticket_ids");
  TEND_CHECK(std::move(errors).status("the bulk change has invalid fields"));
  if (change.empty()) {
    return std::unexpected(Error::invalid("name at least one change: assignee_id, status_id, queue_id or priority"));
  }

  auto changed = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<Ticket>> {
    std::vector<Ticket> out;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto found = visible_ticket(tx, caller, ids[i]);
      if (!found) {
        if (found.error().kind == ErrorKind::not_found) {
          return std::unexpected(Error::invalid_field("ticket_ids[" + std::to_string(i) + "]", "no such ticket"));
        }
        return std::unexpected(found.error());
      }
      const Ticket before = *found;
      if (before.merged_into_id.valid()) {
        return std::unexpected(
            Error::invalid_field("ticket_ids[" + std::to_string(i) + "]", "was merged into another ticket"));
      }
      Ticket after = before;
      TEND_CHECK(apply_json(after, change, TicketInput::update));
      TEND_CHECK(check_references(tx, after, &before));
      if (!changed_fields(editable_fields(before), editable_fields(after)).empty()) {
        TEND_CHECK(record_change(tx, caller, before, after, now));
        TEND_CHECK(refresh_sla(tx, after, now));
        TEND_CHECK(tx.tickets().update(after));
      }
      out.push_back(std::move(after));
    }
    return out;
  });
  if (changed) {
    for (const auto& t : *changed) notify(t);
  }
  return changed;
}

// ---- notes and timeline -----------------------------------------------------------------------

Result<TicketNote> TicketService::add_note(const Principal& caller, TicketId id, const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"body", "visibility"});
  TicketNote note;
  reader.text("body", note.body);
  note.visibility = caller.is_portal() ? NoteVisibility::public_ : NoteVisibility::internal;
  if (reader.has("visibility")) {
    std::string text;
    reader.text("visibility", text);
    auto visibility = parse_note_visibility(text);
    if (!visibility) errors.add("visibility", visibility.error().message);
    else if (caller.is_portal() && *visibility != NoteVisibility::public_) {
      errors.add("visibility", "notes from the portal are always public");
    } else {
      note.visibility = *visibility;
    }
  }
  TEND_CHECK(std::move(errors).status());
  note.ticket_id = id;
  note.author_id = caller.user_id;
  note.author = display_name(caller);
  note.by_staff = !caller.is_portal();
  note.created_at = now;
  TEND_CHECK(validate(note));

  Ticket changed;
  auto added = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TicketNote> {
    const Ticket before = TEND_TRY(visible_ticket(tx, caller, id));
    TEND_CHECK(refuse_merged(before));
    note.id = TEND_TRY(tx.ticket_notes().insert(note));
    TEND_CHECK(tx.tickets().index_note(id, note));
    Ticket after = before;
    bool first_response = note.counts_as_response() && !before.first_response_at;
    if (first_response) after.first_response_at = now;
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(
        caller, id, now, "note.added", note.is_public(),
        {{"note_id", note.id.value()}, {"visibility", to_string(note.visibility)}, {"first_response", first_response}})));
    // The client answered: the ticket is no longer waiting on the client.
    if (caller.is_portal() && before.status_category == StatusCategory::waiting_on_client) {
      auto open = tx.ticket_statuses().first_of(StatusCategory::open);
      if (open) after.status_id = open->id;
    }
    TEND_CHECK(record_change(tx, caller, before, after, now));
    TEND_CHECK(refresh_sla(tx, after, now));
    TEND_CHECK(tx.tickets().update(after));
    changed = after;
    return note;
  });
  if (added) notify(changed);
  return added;
}

Result<std::vector<TicketNote>> TicketService::notes(const Principal& caller, TicketId id, int64_t after, int limit) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<TicketNote>> {
    TEND_TRY(visible_ticket(tx, caller, id));
    return tx.ticket_notes().list(id, caller.is_portal(), after, limit);
  });
}

Result<std::vector<TimelineEvent>> TicketService::timeline(const Principal& caller, TicketId id, int64_t after,
                                                           int limit) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<TimelineEvent>> {
    TEND_TRY(visible_ticket(tx, caller, id));
    return tx.ticket_timeline().list(id, caller.is_portal(), after, limit);
  });
}

// ---- checklists ---------------------------------------------------------------------------------

Result<Ticket> TicketService::add_checklist_item(const Principal& caller, TicketId id, const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"text"}, {"id", "done", "done_at", "done_by_id"});
  std::string text;
  reader.text("text", text);
  if (auto problem = check_required_text(text, 500); !problem.empty()) errors.add("text", problem);
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    Ticket t = TEND_TRY(visible_ticket(tx, caller, id));
    TEND_CHECK(refuse_merged(t));
    if (t.checklist.size() >= Ticket::kMaxChecklistItems) {
      return std::unexpected(Error::invalid_field(
          "text", "the checklist already has " + std::to_string(Ticket::kMaxChecklistItems) + " items"));
    }
    ChecklistItemId item = TEND_TRY(tx.tickets().add_checklist_item(id, text));
    t.checklist.push_back({item, text, std::nullopt, UserId()});
    t.updated_at = now;
    TEND_CHECK(tx.tickets().update(t));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, id, now, "checklist.item_added", false,
                                                          {{"item_id", item.value()}, {"text", text}})));
    return t;
  });
}

Result<Ticket> TicketService::set_checklist_item(const Principal& caller, TicketId id, ChecklistItemId item_id,
                                                 const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"done"}, {"id", "text", "done_at", "done_by_id"});
  if (!reader.has("done")) errors.add("done", "is required: true or false");
  bool done = false;
  reader.boolean("done", done);
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    Ticket t = TEND_TRY(visible_ticket(tx, caller, id));
    TEND_CHECK(refuse_merged(t));
    auto it = std::find_if(t.checklist.begin(), t.checklist.end(),
                           [&](const ChecklistItem& i) { return i.id == item_id; });
    if (it == t.checklist.end()) return std::unexpected(Error::not_found("checklist item not found"));
    if (it->done() == done) return t;
    it->done_at = done ? std::optional<Instant>(now) : std::nullopt;
    it->done_by_id = done ? caller.user_id : UserId();
    TEND_CHECK(tx.tickets().update_checklist_item(id, *it));
    t.updated_at = now;
    TEND_CHECK(tx.tickets().update(t));
    TEND_CHECK(tx.ticket_timeline().append(
        timeline_event(caller, id, now, done ? "checklist.item_done" : "checklist.item_reopened", false,
                       {{"item_id", item_id.value()}, {"text", it->text}})));
    return t;
  });
}

// ---- merging -----------------------------------------------------------------------------------------

Result<Ticket> TicketService::merge(const Principal& caller, TicketId id, const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"into_ticket_id"});
  TicketId into;
  if (!reader.has("into_ticket_id")) errors.add("into_ticket_id", "is required: the ticket to keep");
  reader.id("into_ticket_id", into);
  TEND_CHECK(std::move(errors).status());
  if (into == id) return std::unexpected(Error::invalid_field("into_ticket_id", "a ticket cannot be merged into itself"));

  Ticket duplicate_after, target_after;
  auto merged = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    const Ticket duplicate = TEND_TRY(visible_ticket(tx, caller, id));
    if (duplicate.merged_into_id.valid()) {
      return std::unexpected(Error::conflict("ticket " + ticket_label(duplicate) + " was already merged"));
    }
    auto found = visible_ticket(tx, caller, into);
    if (!found) {
      if (found.error().kind == ErrorKind::not_found) {
        return std::unexpected(Error::invalid_field("into_ticket_id", "no such ticket"));
      }
      return std::unexpected(found.error());
    }
    const Ticket target = *found;
    if (target.merged_into_id.valid()) {
      return std::unexpected(Error::invalid_field("into_ticket_id", "that ticket was itself merged into another"));
    }
    if (target.client_id != duplicate.client_id) {
      return std::unexpected(Error::invalid_field("into_ticket_id", "belongs to another client"));
    }

    // Copy the notes, oldest first.
    int64_t copied = 0;
    int64_t after_id = 0;
    while (true) {
      auto batch = TEND_TRY(tx.ticket_notes().list(duplicate.id, false, after_id, 500));
      for (auto note : batch) {
        after_id = note.id.value();
        note.ticket_id = target.id;
        note.id = TEND_TRY(tx.ticket_notes().insert(note));
        TEND_CHECK(tx.tickets().index_note(target.id, note));
        ++copied;
      }
      if (batch.size() < 500) break;
    }

    target_after = target;
    for (DeviceId device : duplicate.device_ids) {
      bool linked = std::find(target_after.device_ids.begin(), target_after.device_ids.end(), device) !=
                    target_after.device_ids.end();
      if (!linked && target_after.device_ids.size() < Ticket::kMaxDevices) target_after.device_ids.push_back(device);
    }
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, target.id, now, "ticket.merged", true,
                                                          {{"duplicate_id", duplicate.id.value()},
                                                           {"duplicate_number", duplicate.number},
                                                           {"notes_copied", copied}})));
    TEND_CHECK(record_change(tx, caller, target, target_after, now));
    TEND_CHECK(refresh_sla(tx, target_after, now));
    TEND_CHECK(tx.tickets().update(target_after));

    duplicate_after = duplicate;
    duplicate_after.merged_into_id = target.id;
    auto closed = tx.ticket_statuses().first_of(StatusCategory::closed);
    if (!closed) closed = tx.ticket_statuses().first_of(StatusCategory::resolved);
    if (!closed) {
      return std::unexpected(Error::conflict("there is no active closed or resolved status to close the duplicate with"));
    }
    duplicate_after.status_id = closed->id;
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(
        caller, duplicate.id, now, "ticket.merged_into", true,
        {{"into_ticket_id", target.id.value()}, {"into_number", target.number}})));
    TEND_CHECK(record_change(tx, caller, duplicate, duplicate_after, now));
    TEND_CHECK(refresh_sla(tx, duplicate_after, now));
    TEND_CHECK(tx.tickets().update(duplicate_after));
    return TEND_TRY(tx.tickets().get(target.id));
  });
  if (merged) {
    notify(duplicate_after);
    notify(target_after);
  }
  return merged;
}

}  // namespace tend
