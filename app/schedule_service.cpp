#include "app/schedule_service.h"

#include "app/audit.h"
#include "app/json_codec.h"
#include "app/log.h"
#include "app/service_desk_codec.h"

namespace tend {
namespace {

using nlohmann::json;
using store::Transaction;

Principal scheduler_principal() {
  Principal p;
  p.role = Role::admin;
  p.email = "system";
  p.name = "Tend scheduler";
  return p;
}

Result<MaintenanceSchedule> visible_schedule(Transaction& tx, const Principal& caller, ScheduleId id) {
  auto schedule = tx.schedules().get(id);
  if (!schedule) return std::unexpected(schedule.error());
  if (!caller.can_see_client(schedule->client_id)) return std::unexpected(Error::not_found("schedule not found"));
  return schedule;
}

// Field errors for references that do not exist or do not fit the client.
Status check_references(Transaction& tx, const MaintenanceSchedule& s) {
  FieldErrors errors;
  auto client = tx.clients().get(s.client_id);
  if (!client) errors.add("client_id", "no such client");
  else if (client->archived()) errors.add("client_id", "the client is archived");
  if (s.site_id.valid()) {
    auto site = tx.sites().get(s.site_id);
    if (!site || site->client_id != s.client_id) errors.add("site_id", "no such site for this client");
  }
  if (s.queue_id.valid()) {
    auto queue = tx.queues().get(s.queue_id);
    if (!queue || !queue->active) errors.add("queue_id", "no such active queue");
  }
  if (s.assignee_id.valid()) {
    auto user = tx.users().get(s.assignee_id);
    if (!user || user->role == Role::portal || !user->active) errors.add("assignee_id", "no such active staff user");
  }
  return std::move(errors).status("the schedule refers to objects that do not exist or cannot be used");
}

std::optional<Instant> next_run_after(const MaintenanceSchedule& s, Instant after) {
  if (!s.active) return std::nullopt;
  auto rule = RecurrenceRule::create(s.recurrence);
  if (!rule) return std::nullopt;  // validated on every write; defensive
  return rule->next_run(after);
}

}  // namespace

void ScheduleService::notify(const MaintenanceSchedule& schedule) {
  if (on_next_run_ && schedule.next_run_at) on_next_run_(*schedule.next_run_at);
}

Result<MaintenanceSchedule> ScheduleService::create(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  MaintenanceSchedule s;
  s.created_at = s.updated_at = now;
  auto created = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<MaintenanceSchedule> {
    // Without a zone of its own a schedule runs in its site's zone, else in
    // the provider's.
    if (!body.contains("time_zone")) {
      auto site_id = body.find("site_id");
      if (site_id != body.end() && site_id->is_number_integer()) {
        if (auto site = tx.sites().get(SiteId(site_id->get<int64_t>()))) s.recurrence.time_zone = site->time_zone;
      }
      if (s.recurrence.time_zone.empty()) {
        if (auto provider = tx.provider().get()) s.recurrence.time_zone = provider->time_zone;
      }
    }
    TEND_CHECK(apply_json(s, body, true));
    if (!caller.can_see_client(s.client_id)) return std::unexpected(Error::invalid_field("client_id", "no such client"));
    TEND_CHECK(check_references(tx, s));
    s.next_run_at = next_run_after(s, now);
    s.id = TEND_TRY(tx.schedules().insert(s));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "schedule.created", "schedule", s.id.value(), s.client_id, to_json(s))));
    return s;
  });
  if (created) notify(*created);
  return created;
}

Result<MaintenanceSchedule> ScheduleService::get(const Principal& caller, ScheduleId id) {
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return visible_schedule(tx, caller, id); });
}

Result<MaintenanceSchedule> ScheduleService::update(const Principal& caller, ScheduleId id, const json& body) {
  const Instant now = context_.clock.now();
  auto updated = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<MaintenanceSchedule> {
    const MaintenanceSchedule before = TEND_TRY(visible_schedule(tx, caller, id));
    MaintenanceSchedule after = before;
    TEND_CHECK(apply_json(after, body, false));
    TEND_CHECK(check_references(tx, after));
    if (after.recurrence != before.recurrence || after.active != before.active) {
      after.next_run_at = next_run_after(after, now);
    }
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    TEND_CHECK(tx.schedules().update(after));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "schedule.updated", "schedule", id.value(), after.client_id,
                                             changes)));
    return after;
  });
  if (updated) notify(*updated);
  return updated;
}

Result<Page<MaintenanceSchedule>> ScheduleService::list(const Principal& caller, const store::ScheduleFilter& filter,
                                                        const PageRequest& page) {
  store::ScheduleFilter scoped = filter;
  if (caller.is_portal()) {
    if (scoped.client.valid() && scoped.client != caller.client_id) return Page<MaintenanceSchedule>{};
    scoped.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.schedules().list(scoped, page); });
}

Result<std::vector<Instant>> ScheduleService::next_runs(const Principal& caller, ScheduleId id, int count) {
  if (count < 1 || count > 100) return std::unexpected(Error::invalid_field("count", "must be between 1 and 100"));
  const Instant now = context_.clock.now();
  MaintenanceSchedule s = TEND_TRY(get(caller, id));
  if (!s.active) return std::vector<Instant>{};
  RecurrenceRule rule = TEND_TRY(RecurrenceRule::create(s.recurrence));
  return rule.next_runs(now, count);
}

Result<Ticket> ScheduleService::create_ticket(Transaction& tx, const Principal& actor, const MaintenanceSchedule& s,
                                              Instant now) {
  Ticket t;
  t.subject = s.subject;
  t.description = s.description;
  t.client_id = s.client_id;
  t.site_id = s.site_id;
  t.queue_id = s.queue_id;
  t.assignee_id = s.assignee_id;
  t.priority = s.priority;
  t.source = TicketSource::schedule;
  t.type = TicketType::maintenance;
  t.schedule_id = s.id;
  t.created_at = now;
  for (const auto& text : s.checklist) t.checklist.push_back({ChecklistItemId(), text, std::nullopt, UserId()});
  TEND_CHECK(validate(t));
  return tickets_.create_in(tx, actor, std::move(t), now);
}

Result<Ticket> ScheduleService::run_now(const Principal& caller, ScheduleId id) {
  const Instant now = context_.clock.now();
  auto created = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Ticket> {
    const MaintenanceSchedule s = TEND_TRY(visible_schedule(tx, caller, id));
    TEND_CHECK(check_references(tx, s));
    Ticket t = TEND_TRY(create_ticket(tx, caller, s, now));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "schedule.ran", "schedule", id.value(), s.client_id,
                                             {{"ticket_id", t.id.value()}, {"manual", true}})));
    return t;
  });
  if (created) tickets_.notify(*created);
  return created;
}

Result<int64_t> ScheduleService::run_due(Instant now) {
  const Principal actor = scheduler_principal();
  auto due = TEND_TRY(store::in_read_transaction(context_.store,
                                                 [&](Transaction& tx) { return tx.schedules().due(now, 100); }));
  int64_t created = 0;
  for (ScheduleId id : due) {
    Ticket ticket;
    auto ran = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
      MaintenanceSchedule s = TEND_TRY(tx.schedules().get(id));
      if (!s.active || !s.next_run_at || *s.next_run_at > now) return {};  // changed meanwhile
      Instant run = *s.next_run_at;
      ticket = TEND_TRY(create_ticket(tx, actor, s, now));
      s.last_run_at = run;
      s.next_run_at = next_run_after(s, now);  // missed runs are not replayed
      s.updated_at = now;
      TEND_CHECK(tx.schedules().update(s));
      return tx.audit().append(audit_event(actor, now, "schedule.ran", "schedule", id.value(), s.client_id,
                                           {{"ticket_id", ticket.id.value()}, {"run_at", format_rfc3339(run)}}));
    });
    if (!ran) {
      // A schedule that cannot run (say its client was archived) must not
      // block the others or spin: log it and move it past now.
      log::error("schedule.run_failed", {{"schedule_id", id.value()}, {"error", ran.error().message}});
      TEND_CHECK(store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
        MaintenanceSchedule s = TEND_TRY(tx.schedules().get(id));
        s.next_run_at = next_run_after(s, now);
        s.updated_at = now;
        return tx.schedules().update(s);
      }));
      continue;
    }
    if (ticket.id.valid()) {
      ++created;
      tickets_.notify(ticket);
    }
  }
  return created;
}

Result<std::optional<Instant>> ScheduleService::next_run() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.schedules().next_run(); });
}

}  // namespace tend
