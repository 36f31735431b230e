#include "app/desk_settings_service.h"

#include "app/audit.h"
#include "app/json_codec.h"
#include "app/service_desk_codec.h"
#include "store/store.h"

namespace tend {
namespace {

using store::Transaction;

// A taken name comes back from the store as a conflict; the caller sees a
// field error it can act on.
template <class T>
Result<T> name_taken_is_field_error(Result<T> result, const char* what) {
  if (!result && result.error().kind == ErrorKind::conflict) {
    return std::unexpected(Error::invalid_field("name", std::string("another ") + what + " already has this name"));
  }
  return result;
}

Status check_calendar_exists(Transaction& tx, SlaCalendarId id) {
  if (!id.valid()) return {};
  auto calendar = tx.sla_calendars().get(id);
  if (!calendar) {
    if (calendar.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::invalid_field("calendar_id", "no such calendar"));
    }
    return std::unexpected(calendar.error());
  }
  return {};
}

}  // namespace

// ---- statuses ----------------------------------------------------------------

Result<std::vector<TicketStatus>> DeskSettingsService::list_statuses() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.ticket_statuses().list(); });
}

Result<TicketStatus> DeskSettingsService::get_status(TicketStatusId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.ticket_statuses().get(id); });
}

Result<TicketStatus> DeskSettingsService::create_status(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  TicketStatus s;
  s.created_at = s.updated_at = now;
  TEND_CHECK(apply_json(s, body));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TicketStatus> {
    if (s.is_default) TEND_CHECK(tx.ticket_statuses().clear_default(now));
    s.id = TEND_TRY(name_taken_is_field_error(tx.ticket_statuses().insert(s), "status"));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "ticket_status.created", "ticket_status", s.id.value(), ClientId(), to_json(s))));
    return s;
  });
}

Result<TicketStatus> DeskSettingsService::update_status(const Principal& caller, TicketStatusId id,
                                                        const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TicketStatus> {
    const TicketStatus before = TEND_TRY(tx.ticket_statuses().get(id));
    TicketStatus after = before;
    TEND_CHECK(apply_json(after, body));
    if (before.is_default && !after.is_default) {
      return std::unexpected(
          Error::invalid_field("is_default", "mark another status as the default instead of unmarking this one"));
    }
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    if (after.is_default && !before.is_default) TEND_CHECK(tx.ticket_statuses().clear_default(now));
    auto updated = tx.ticket_statuses().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("name", "another status already has this name"));
    }
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "ticket_status.updated", "ticket_status", id.value(), ClientId(), changes)));
    return after;
  });
}

// ---- queues --------------------------------------------------------------------

Result<std::vector<Queue>> DeskSettingsService::list_queues() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.queues().list(); });
}

Result<Queue> DeskSettingsService::get_queue(QueueId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.queues().get(id); });
}

Result<Queue> DeskSettingsService::create_queue(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  Queue q;
  q.created_at = q.updated_at = now;
  TEND_CHECK(apply_json(q, body));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Queue> {
    q.id = TEND_TRY(name_taken_is_field_error(tx.queues().insert(q), "queue"));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "queue.created", "queue", q.id.value(), ClientId(), to_json(q))));
    return q;
  });
}

Result<Queue> DeskSettingsService::update_queue(const Principal& caller, QueueId id, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Queue> {
    const Queue before = TEND_TRY(tx.queues().get(id));
    Queue after = before;
    TEND_CHECK(apply_json(after, body));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.queues().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("name", "another queue already has this name"));
    }
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "queue.updated", "queue", id.value(), ClientId(), changes)));
    return after;
  });
}

// ---- calendars -------------------------------------------------------------------

Result<std::vector<SlaCalendarRecord>> DeskSettingsService::list_calendars() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.sla_calendars().list(); });
}

Result<SlaCalendarRecord> DeskSettingsService::get_calendar(SlaCalendarId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.sla_calendars().get(id); });
}

Result<SlaCalendarRecord> DeskSettingsService::create_calendar(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  SlaCalendarRecord c;
  c.created_at = c.updated_at = now;
  TEND_CHECK(apply_json(c, body));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<SlaCalendarRecord> {
    c.id = TEND_TRY(name_taken_is_field_error(tx.sla_calendars().insert(c), "calendar"));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "sla_calendar.created", "sla_calendar", c.id.value(), ClientId(), to_json(c))));
    return c;
  });
}

Result<SlaCalendarRecord> DeskSettingsService::update_calendar(const Principal& caller, SlaCalendarId id,
                                                               const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  bool marked = false;
  auto result = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<SlaCalendarRecord> {
    const SlaCalendarRecord before = TEND_TRY(tx.sla_calendars().get(id));
    SlaCalendarRecord after = before;
    TEND_CHECK(apply_json(after, body));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.sla_calendars().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("name", "another calendar already has this name"));
    }
    TEND_CHECK(updated);
    // Open tickets measured in this calendar get their due times recomputed
    // by the watcher at once.
    int64_t count = TEND_TRY(tx.tickets().mark_for_sla_refresh(id, now));
    marked = count > 0;
    changes["open_tickets_rescheduled"] = count;
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "sla_calendar.updated", "sla_calendar", id.value(), ClientId(), changes)));
    return after;
  });
  if (result && marked && on_tickets_marked_) on_tickets_marked_();
  return result;
}

// ---- policies ----------------------------------------------------------------------

Result<std::vector<SlaPolicyRecord>> DeskSettingsService::list_policies() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.sla_policies().list(); });
}

Result<SlaPolicyRecord> DeskSettingsService::get_policy(SlaPolicyId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.sla_policies().get(id); });
}

Result<SlaPolicyRecord> DeskSettingsService::create_policy(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  SlaPolicyRecord p;
  p.created_at = p.updated_at = now;
  TEND_CHECK(apply_json(p, body, true));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<SlaPolicyRecord> {
    TEND_CHECK(check_calendar_exists(tx, p.calendar_id));
    if (p.is_default) TEND_CHECK(tx.sla_policies().clear_global_default(now));
    p.id = TEND_TRY(name_taken_is_field_error(tx.sla_policies().insert(p), "policy"));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "sla_policy.created", "sla_policy", p.id.value(), ClientId(), to_json(p))));
    return p;
  });
}

Result<SlaPolicyRecord> DeskSettingsService::update_policy(const Principal& caller, SlaPolicyId id,
                                                           const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<SlaPolicyRecord> {
    const SlaPolicyRecord before = TEND_TRY(tx.sla_policies().get(id));
    SlaPolicyRecord after = before;
    TEND_CHECK(apply_json(after, body, false));
    TEND_CHECK(check_calendar_exists(tx, after.calendar_id));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    if (after.is_default && !before.is_default) TEND_CHECK(tx.sla_policies().clear_global_default(now));
    auto updated = tx.sla_policies().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("name", "another policy already has this name"));
    }
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "sla_policy.updated", "sla_policy", id.value(), ClientId(), changes)));
    return after;
  });
}

// ---- client defaults -----------------------------------------------------------------

Result<nlohmann::json> DeskSettingsService::client_policy(ClientId client) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<nlohmann::json> {
    TEND_TRY(tx.clients().get(client));
    SlaPolicyId policy = TEND_TRY(tx.sla_policies().client_default(client));
    return nlohmann::json{{"client_id", client.value()},
                          {"sla_policy_id", policy.valid() ? nlohmann::json(policy.value()) : nlohmann::json()}};
  });
}

Result<nlohmann::json> DeskSettingsService::set_client_policy(const Principal& caller, ClientId client,
                                                              const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"sla_policy_id"}, {"client_id"});
  if (!reader.has("sla_policy_id")) errors.add("sla_policy_id", "is required (null removes the client's default)");
  SlaPolicyId policy;
  reader.id("sla_policy_id", policy);
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<nlohmann::json> {
    TEND_TRY(tx.clients().get(client));
    if (policy.valid() && !tx.sla_policies().get(policy)) {
      return std::unexpected(Error::invalid_field("sla_policy_id", "no such SLA policy"));
    }
    SlaPolicyId before = TEND_TRY(tx.sla_policies().client_default(client));
    TEND_CHECK(tx.sla_policies().set_client_default(client, policy, now));
    auto id_json = [](SlaPolicyId p) { return p.valid() ? nlohmann::json(p.value()) : nlohmann::json(); };
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.sla_policy_changed", "client", client.value(), client,
                                             {{"sla_policy_id", {id_json(before), id_json(policy)}}})));
    return nlohmann::json{{"client_id", client.value()}, {"sla_policy_id", id_json(policy)}};
  });
}

}  // namespace tend
