#include "app/work_service.h"

#include <map>
#include <set>

#include "app/audit.h"
#include "app/work_rating.h"
#include "core/validation.h"

namespace tend {
namespace {

using nlohmann::json;
using store::Transaction;

bool is_finance_or_admin(const Principal& p) { return p.role == Role::admin || p.role == Role::finance; }

struct ProviderBasics {
  Currency currency = Currency::eur();
  std::string time_zone = "Europe/Amsterdam";
};

ProviderBasics provider_basics(Transaction& tx) {
  ProviderBasics out;
  if (auto p = tx.provider().get()) {
    out.currency = p->currency;
    out.time_zone = p->time_zone;
  }
  return out;
}

Result<CivilDate> today(Transaction& tx, Instant now) { return local_date(now, provider_basics(tx).time_zone); }

TimelineEvent timeline_event(const Principal& actor, TicketId ticket, Instant at, std::string kind, const json& details) {
  TimelineEvent e;
  e.ticket_id = ticket;
  e.at = at;
  e.actor_id = actor.user_id;
  e.actor = actor.email;
  e.kind = std::move(kind);
  e.is_public = false;
  e.details = details.dump();
  return e;
}

Result<Ticket> visible_ticket(Transaction& tx, const Principal& caller, TicketId id) {
  auto ticket = tx.tickets().get(id);
  if (!ticket) return std::unexpected(ticket.error());
  if (!caller.can_see_client(ticket->client_id)) return std::unexpected(Error::not_found("ticket not found"));
  return ticket;
}

// The ticket new work is logged on: it must exist and not be merged away.
Result<Ticket> ticket_for_work(Transaction& tx, TicketId id) {
  if (!id.valid()) return std::unexpected(Error::invalid_field("ticket_id", "is required"));
  auto ticket = tx.tickets().get(id);
  if (!ticket) {
    if (ticket.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::invalid_field("ticket_id", "no such ticket"));
    }
    return std::unexpected(ticket.error());
  }
  if (ticket->merged_into_id.valid()) {
    return std::unexpected(Error::invalid_field("ticket_id", "the ticket was merged into ticket id " +
                                                                 std::to_string(ticket->merged_into_id.value()) +
                                                                 "; log the work there"));
  }
  return ticket;
}

Status refuse_locked(WorkStatus status, const char* what) {
  if (status == WorkStatus::invoiced) {
    return std::unexpected(Error::conflict(std::string("the ") + what +
                                           " is invoiced and locked; correct it with a credit note"));
  }
  return {};
}

// Moves a time entry, part or service usage to approved (by `caller`, at
// `now`) or back to draft; false when it already has that status.
template <class WorkItem>
bool set_approval(WorkItem& item, bool approve, const Principal& caller, Instant now) {
  const WorkStatus wanted = approve ? WorkStatus::approved : WorkStatus::draft;
  if (item.status == wanted) return false;
  item.status = wanted;
  item.approved_at = approve ? std::optional<Instant>(now) : std::nullopt;
  item.approved_by_id = approve ? caller.user_id : UserId();
  item.updated_at = now;
  return true;
}

Status refuse_approved(WorkStatus status, const char* what) {
  TEND_CHECK(refuse_locked(status, what));
  if (status == WorkStatus::approved) {
    return std::unexpected(Error::conflict(std::string("the ") + what + " is approved; unapprove it first"));
  }
  return {};
}

Status check_own_entry(const Principal& caller, const TimeEntry& e) {
  if (caller.role == Role::technician && e.user_id != caller.user_id) {
    return std::unexpected(Error::forbidden("technicians change only their own time entries"));
  }
  return {};
}

// The references of a time entry: technician, work type, service.
Status check_entry_references(Transaction& tx, const TimeEntry& e, const TimeEntry* before) {
  FieldErrors errors;
  if (!before || before->user_id != e.user_id) {
    auto user = tx.users().get(e.user_id);
    if (!user || user->role == Role::portal) errors.add("user_id", "no such staff user");
    else if (!user->active) errors.add("user_id", "the user is deactivated");
  }
  if (!before || before->work_type_id != e.work_type_id) {
    auto type = tx.work_types().get(e.work_type_id);
    if (!type) errors.add("work_type_id", "no such work type (GET /api/v1/work-types lists them)");
    else if (!type->active) errors.add("work_type_id", "the work type '" + type->name + "' is no longer in use");
  }
  if (e.service_usage_id.valid() && (!before || before->service_usage_id != e.service_usage_id)) {
    auto service = tx.service_usages().get(e.service_usage_id);
    if (!service || service->ticket_id != e.ticket_id || service->removed()) {
      errors.add("service_usage_id", "no such fixed-price service on this ticket");
    }
  }
  if (e.billable_override && e.billing != Billing::billable) {
    errors.add("billable_minutes", "only billable entries have billable minutes to override");
  }
  return std::move(errors).status("the time entry refers to objects that do not exist or cannot be used");
}

Result<Money> cost_rate_of(Transaction& tx, UserId user, Currency provider_currency) {
  auto rate = TEND_TRY(tx.rates().technician(user));
  return rate ? rate->cost_rate : Money::zero(provider_currency);
}

json entry_summary(const TimeEntry& e, const std::string& work_type) {
  return {{"time_entry_id", e.id.value()},
          {"work_type", work_type},
          {"work_date", format_civil_date(e.work_date)},
          {"minutes", e.actual_minutes},
          {"billing", to_string(e.billing)},
          {"user_id", e.user_id.value()}};
}

std::string work_type_name(Transaction& tx, WorkTypeId id) {
  auto type = tx.work_types().get(id);
  return type ? type->name : "";
}

Error taken(const char* field, const char* what) {
  return Error::invalid_field(field, std::string("another ") + what + " already has this " + field);
}

}  // namespace

void write_json(wire::JsonWriter& w, const PartUsed& used) {
  // The usage's fields plus the stock it left.
  std::string usage;
  wire::JsonWriter inner(usage);
  write_json(inner, used.usage);
  usage.pop_back();  // drop the closing brace, add the stock
  std::string stock;
  wire::JsonWriter s(stock);
  s.begin_object();
  s.field("on_hand", used.stock.on_hand);
  s.field("below_zero", used.stock.below_zero);
  s.field("reorder", used.stock.reorder);
  s.end_object();
  w.raw(usage + ",\"stock\":" + stock + "}");
}

void write_json(wire::JsonWriter& w, const ApprovalResult& r) {
  w.begin_object();
  w.field("time_entries", r.time_entries);
  w.field("part_usages", r.part_usages);
  w.field("service_usages", r.service_usages);
  w.end_object();
}

// ---- tax categories and work types -----------------------------------------------------

Result<std::vector<TaxCategory>> WorkService::list_tax_categories(const Principal&) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.tax_categories().list(); });
}

Result<TaxCategory> WorkService::create_tax_category(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  TaxCategory t;
  t.created_at = t.updated_at = now;
  TEND_CHECK(apply_json(t, body));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TaxCategory> {
    auto id = tx.tax_categories().insert(t);
    if (!id && id.error().kind == ErrorKind::conflict) return std::unexpected(taken("code", "tax category"));
    t.id = TEND_TRY(std::move(id));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "tax_category.created", "tax_category", t.id.value(), ClientId(), to_json(t))));
    return t;
  });
}

Result<TaxCategory> WorkService::update_tax_category(const Principal& caller, TaxCategoryId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TaxCategory> {
    const TaxCategory before = TEND_TRY(tx.tax_categories().get(id));
    TaxCategory after = before;
    TEND_CHECK(apply_json(after, body));
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.tax_categories().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) return std::unexpected(taken("code", "tax category"));
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "tax_category.updated", "tax_category", id.value(), ClientId(), changes)));
    return after;
  });
}

Result<std::vector<WorkType>> WorkService::list_work_types(const Principal&) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.work_types().list(); });
}

Result<WorkType> WorkService::get_work_type(const Principal&, WorkTypeId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.work_types().get(id); });
}

namespace {

Status check_tax_category(Transaction& tx, TaxCategoryId id) {
  if (id.valid() && !tx.tax_categories().get(id)) {
    return std::unexpected(Error::invalid_field("tax_category_id", "no such tax category"));
  }
  return {};
}

}  // namespace

Result<WorkType> WorkService::create_work_type(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<WorkType> {
    const Currency currency = provider_basics(tx).currency;
    WorkType t;
    t.hourly_rate = Money::zero(currency);
    t.created_at = t.updated_at = now;
    TEND_CHECK(apply_json(t, body, currency));
    TEND_CHECK(check_tax_category(tx, t.tax_category_id));
    auto id = tx.work_types().insert(t);
    if (!id && id.error().kind == ErrorKind::conflict) return std::unexpected(taken("code", "work type"));
    t.id = TEND_TRY(std::move(id));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "work_type.created", "work_type", t.id.value(), ClientId(), to_json(t))));
    return t;
  });
}

Result<WorkType> WorkService::update_work_type(const Principal& caller, WorkTypeId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<WorkType> {
    const WorkType before = TEND_TRY(tx.work_types().get(id));
    WorkType after = before;
    TEND_CHECK(apply_json(after, body, before.hourly_rate.currency()));
    if (after.tax_category_id != before.tax_category_id) TEND_CHECK(check_tax_category(tx, after.tax_category_id));
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.work_types().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) return std::unexpected(taken("code", "work type"));
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "work_type.updated", "work_type", id.value(), ClientId(), changes)));
    return after;
  });
}

// ---- technicians and client rates ---------------------------------------------------------

Result<std::vector<Technician>> WorkService::list_technicians(const Principal&) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<Technician>> {
    std::vector<Technician> out;
    std::map<UserId, TechnicianRate> rates;
    for (const auto& r : TEND_TRY(tx.rates().technicians())) rates.emplace(r.user_id, r);
    store::UserFilter filter;
    filter.active = true;
    auto page = TEND_TRY(make_page_request(PageRequest::kMaxLimit, "name", "",
                                           {std::begin(store::kUserSorts), std::end(store::kUserSorts)}, "name"));
    while (true) {
      auto users = TEND_TRY(tx.users().list(filter, page));
      for (auto& u : users.items) {
        if (u.role == Role::portal) continue;
        auto rate = rates.find(u.id);
        out.push_back({u, rate == rates.end() ? std::nullopt : std::optional<TechnicianRate>(rate->second)});
      }
      if (users.next_cursor.empty()) break;
      page = TEND_TRY(make_page_request(PageRequest::kMaxLimit, "name", users.next_cursor,
                                        {std::begin(store::kUserSorts), std::end(store::kUserSorts)}, "name"));
    }
    return out;
  });
}

Result<Technician> WorkService::set_technician_rate(const Principal& caller, UserId user_id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Technician> {
    User user = TEND_TRY(tx.users().get(user_id));
    if (user.role == Role::portal) return std::unexpected(Error::not_found("no such staff user"));
    const Currency currency = provider_basics(tx).currency;
    FieldErrors errors;
    JsonReader r(body, errors);
    r.only({"cost_rate"}, {"user_id", "name", "email", "role", "active", "currency", "updated_at"});
    std::string text;
    r.text("cost_rate", text);
    TEND_CHECK(std::move(errors).status());
    auto rate = Money::parse(currency, text);
    if (!rate) return std::unexpected(Error::invalid_field("cost_rate", rate.error().message));
    if (rate->is_negative()) return std::unexpected(Error::invalid_field("cost_rate", "must not be negative"));
    TechnicianRate stored{user_id, *rate, now};
    TEND_CHECK(tx.rates().set_technician(stored));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "technician.cost_rate_set", "user", user_id.value(), ClientId(),
                                             {{"cost_rate", rate->to_decimal()}, {"currency", currency.code()}})));
    return Technician{user, stored};
  });
}

Result<std::vector<ClientRate>> WorkService::client_rates(const Principal& caller, ClientId client) {
  if (!caller.can_see_client(client)) return std::unexpected(Error::not_found("client not found"));
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<ClientRate>> {
    TEND_TRY(tx.clients().get(client));
    return tx.rates().client_rates(client);
  });
}

Result<ClientRate> WorkService::set_client_rate(const Principal& caller, ClientId client_id, WorkTypeId work_type,
                                                const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ClientRate> {
    Client client = TEND_TRY(tx.clients().get(client_id));
    TEND_TRY(tx.work_types().get(work_type));
    FieldErrors errors;
    JsonReader r(body, errors);
    r.only({"hourly_rate"}, {"client_id", "work_type_id", "currency", "updated_at"});
    std::string text;
    r.text("hourly_rate", text);
    TEND_CHECK(std::move(errors).status());
    auto rate = Money::parse(client.currency, text);
    if (!rate) return std::unexpected(Error::invalid_field("hourly_rate", rate.error().message));
    if (rate->is_negative()) return std::unexpected(Error::invalid_field("hourly_rate", "must not be negative"));
    ClientRate stored{client_id, work_type, *rate, now};
    TEND_CHECK(tx.rates().set_client_rate(stored));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.rate_set", "client", client_id.value(), client_id,
                                             {{"work_type_id", work_type.value()}, {"hourly_rate", rate->to_decimal()}})));
    TEND_CHECK(refresh_client_rating(tx, client_id, caller, now));
    return stored;
  });
}

Status WorkService::remove_client_rate(const Principal& caller, ClientId client, WorkTypeId work_type) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
    TEND_CHECK(tx.rates().remove_client_rate(client, work_type));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.rate_removed", "client", client.value(), client,
                                             {{"work_type_id", work_type.value()}})));
    return refresh_client_rating(tx, client, caller, now);
  });
}

// ---- catalogue ------------------------------------------------------------------------------

Result<Page<CatalogueItem>> WorkService::list_catalogue(const Principal&, const store::CatalogueFilter& filter,
                                                        const PageRequest& page) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.catalogue().list(filter, page); });
}

Result<CatalogueItem> WorkService::get_item(const Principal&, CatalogueItemId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.catalogue().get(id); });
}

Result<CatalogueItem> WorkService::create_item(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  json item_body = body;
  std::optional<int64_t> initial_stock;
  if (item_body.contains("initial_stock")) {
    if (!item_body["initial_stock"].is_number_integer() || item_body["initial_stock"].get<int64_t>() < 0 ||
        item_body["initial_stock"].get<int64_t>() > kMaxQuantity) {
      return std::unexpected(Error::invalid_field("initial_stock", "must be a whole number from 0 to 1000000"));
    }
    initial_stock = item_body["initial_stock"].get<int64_t>();
    item_body.erase("initial_stock");
  }
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<CatalogueItem> {
    const Currency currency = provider_basics(tx).currency;
    CatalogueItem item;
    item.unit_cost = Money::zero(currency);
    item.created_at = item.updated_at = now;
    TEND_CHECK(apply_json(item, item_body, true, currency));
    TEND_CHECK(check_tax_category(tx, item.tax_category_id));
    if (initial_stock && item.kind == CatalogueKind::service) {
      return std::unexpected(Error::invalid_field("initial_stock", "a service has no stock"));
    }
    auto id = tx.catalogue().insert(item);
    if (!id && id.error().kind == ErrorKind::conflict) return std::unexpected(taken("sku", "catalogue item"));
    item.id = TEND_TRY(std::move(id));
    if (initial_stock && *initial_stock > 0) {
      TEND_TRY(tx.catalogue().add_movement({StockMovementId(), item.id, StockMovementKind::receipt, *initial_stock,
                                            PartUsageId(), "initial stock", now, caller.user_id, caller.email}));
      item.stock_on_hand = *initial_stock;
    }
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "catalogue_item.created", "catalogue_item", item.id.value(), ClientId(), to_json(item))));
    return item;
  });
}

Result<CatalogueItem> WorkService::update_item(const Principal& caller, CatalogueItemId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<CatalogueItem> {
    const CatalogueItem before = TEND_TRY(tx.catalogue().get(id));
    CatalogueItem after = before;
    TEND_CHECK(apply_json(after, body, false, before.unit_cost.currency()));
    if (after.tax_category_id != before.tax_category_id) TEND_CHECK(check_tax_category(tx, after.tax_category_id));
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.catalogue().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) return std::unexpected(taken("sku", "catalogue item"));
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "catalogue_item.updated", "catalogue_item", id.value(), ClientId(), changes)));
    return after;
  });
}

Result<std::vector<StockMovement>> WorkService::stock_movements(const Principal&, CatalogueItemId id, int64_t before,
                                                                int limit) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<StockMovement>> {
    TEND_TRY(tx.catalogue().get(id));
    return tx.catalogue().movements(id, before, limit);
  });
}

Result<StockMovement> WorkService::add_stock_movement(const Principal& caller, CatalogueItemId id, const json& body) {
  const Instant now = context_.clock.now();
  StockMovement m;
  m.item_id = id;
  m.at = now;
  m.actor_id = caller.user_id;
  m.actor = caller.email;
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"kind", "quantity", "note"}, {"id", "item_id", "part_usage_id", "at", "actor", "balance_after"});
  std::string kind = "receipt";
  r.text("kind", kind);
  r.integer64("quantity", m.quantity);
  r.text("note", m.note);
  if (!body.contains("quantity")) errors.add("quantity", "is required");
  TEND_CHECK(std::move(errors).status());
  if (kind == "receipt") m.kind = StockMovementKind::receipt;
  else if (kind == "correction") m.kind = StockMovementKind::correction;
  else {
    return std::unexpected(Error::invalid_field(
        "kind", "must be receipt or correction (usage and returns are booked by using parts on tickets)"));
  }
  TEND_CHECK(validate(m));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<StockMovement> {
    CatalogueItem item = TEND_TRY(tx.catalogue().get(id));
    if (item.kind != CatalogueKind::part) return std::unexpected(Error::invalid("a service has no stock"));
    m.id = TEND_TRY(tx.catalogue().add_movement(m));
    m.balance_after = item.stock_on_hand + m.quantity;
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "stock.moved", "catalogue_item", id.value(), ClientId(),
                                             {{"kind", to_string(m.kind)},
                                              {"quantity", m.quantity},
                                              {"note", m.note},
                                              {"on_hand", m.balance_after}})));
    return m;
  });
}

// ---- time entries -------------------------------------------------------------------------------

Result<Page<TimeEntry>> WorkService::list_time_entries(const Principal& caller, store::TimeEntryFilter filter,
                                                       const PageRequest& page) {
  if (caller.is_portal()) return std::unexpected(Error::forbidden("time entries are for staff"));
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.time_entries().list(filter, page); });
}

Result<TimeEntry> WorkService::get_time_entry(const Principal&, TimeEntryId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.time_entries().get(id); });
}

Result<TimeEntryCharge> WorkService::time_entry_charge(const Principal& caller, TimeEntryId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntryCharge> {
    TimeEntry entry = TEND_TRY(tx.time_entries().get(id));
    Ticket ticket = TEND_TRY(visible_ticket(tx, caller, entry.ticket_id));
    WorkCharges charges = TEND_TRY(tend::ticket_charges(tx, ticket));
    for (auto& c : charges.time) {
      if (c.entry.id == id) return std::move(c);
    }
    return std::unexpected(Error::not_found("time entry not found (it was removed)"));
  });
}

Result<TimeEntry> WorkService::log_time(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  TimeEntry e;
  e.user_id = caller.user_id;
  e.created_by_id = caller.user_id;
  e.created_at = e.updated_at = now;
  // Validation of the body's shape first (the work date default needs the
  // provider's zone, so it is filled in inside the transaction).
  json shaped = body;
  const bool has_date = body.contains("work_date");
  if (!has_date) shaped["work_date"] = "1970-01-01";
  if (!body.contains("user_id") && !caller.user_id.valid()) {
    return std::unexpected(Error::invalid_field("user_id", "is required (who did the work)"));
  }
  TEND_CHECK(apply_json(e, shaped, TimeEntryInput::create));
  if (e.user_id != caller.user_id && caller.role != Role::admin) {
    return std::unexpected(Error::forbidden("only administrators log time for someone else"));
  }
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntry> {
    Ticket ticket = TEND_TRY(ticket_for_work(tx, e.ticket_id));
    e.client_id = ticket.client_id;
    const ProviderBasics provider = provider_basics(tx);
    if (!has_date) e.work_date = TEND_TRY(local_date(e.started_at.value_or(now), provider.time_zone));
    TEND_CHECK(check_entry_references(tx, e, nullptr));
    e.cost_rate = TEND_TRY(cost_rate_of(tx, e.user_id, provider.currency));
    e.id = TEND_TRY(tx.time_entries().insert(e));
    TEND_CHECK(refresh_client_rating(tx, e.client_id, caller, now));
    e = TEND_TRY(tx.time_entries().get(e.id));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, e.ticket_id, now, "time.logged",
                                                          entry_summary(e, work_type_name(tx, e.work_type_id)))));
    return e;
  });
}

Result<TimeEntry> WorkService::update_time_entry(const Principal& caller, TimeEntryId id, const json& body) {
  const Instant now = context_.clock.now();
  const bool overriding = body.contains("billable_minutes") || body.contains("override_reason");
  if (overriding && !is_finance_or_admin(caller)) {
    return std::unexpected(Error::forbidden("only finance and administrators override billable minutes"));
  }
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntry> {
    const TimeEntry before = TEND_TRY(tx.time_entries().get(id));
    if (before.removed()) return std::unexpected(Error::not_found("time entry not found"));
    TEND_CHECK(check_own_entry(caller, before));
    TEND_CHECK(refuse_approved(before.status, "time entry"));
    TimeEntry after = before;
    TEND_CHECK(apply_json(after, body, is_finance_or_admin(caller) ? TimeEntryInput::billable_override
                                                                   : TimeEntryInput::update));
    if (after.user_id != before.user_id && caller.role != Role::admin) {
      return std::unexpected(Error::forbidden("only administrators move time to someone else"));
    }
    TEND_CHECK(check_entry_references(tx, after, &before));
    if (after.user_id != before.user_id) {
      after.cost_rate = TEND_TRY(cost_rate_of(tx, after.user_id, provider_basics(tx).currency));
    }
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    TEND_CHECK(tx.time_entries().update(after));
    TEND_CHECK(refresh_client_rating(tx, after.client_id, caller, now));
    after = TEND_TRY(tx.time_entries().get(id));
    const bool override_changed =
        before.billable_override != after.billable_override || before.override_reason != after.override_reason;
    json details = {{"time_entry_id", id.value()}, {"changes", changes}};
    if (override_changed) {
      details["billable_minutes"] = after.billable_minutes;
      details["reason"] = after.override_reason;
    }
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(
        caller, after.ticket_id, now, override_changed ? "time.billable_overridden" : "time.updated", details)));
    return after;
  });
}

Result<TimeEntry> WorkService::remove_time_entry(const Principal& caller, TimeEntryId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntry> {
    TimeEntry e = TEND_TRY(tx.time_entries().get(id));
    if (e.removed()) return e;
    TEND_CHECK(check_own_entry(caller, e));
    TEND_CHECK(refuse_approved(e.status, "time entry"));
    e.removed_at = now;
    e.updated_at = now;
    TEND_CHECK(tx.time_entries().update(e));
    TEND_CHECK(refresh_client_rating(tx, e.client_id, caller, now));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, e.ticket_id, now, "time.removed",
                                                          entry_summary(e, work_type_name(tx, e.work_type_id)))));
    return e;
  });
}

Result<TimeEntry> WorkService::set_time_entry_approved(const Principal& caller, TimeEntryId id, bool approve) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntry> {
    TimeEntry e = TEND_TRY(tx.time_entries().get(id));
    if (e.removed()) return std::unexpected(Error::not_found("time entry not found"));
    TEND_CHECK(refuse_locked(e.status, "time entry"));
    if (!set_approval(e, approve, caller, now)) return e;
    TEND_CHECK(tx.time_entries().update(e));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, e.ticket_id, now,
                                                          approve ? "time.approved" : "time.unapproved",
                                                          {{"time_entry_id", id.value()}})));
    return e;
  });
}

// ---- timer ----------------------------------------------------------------------------------------

namespace {

Result<UserId> timer_user(const Principal& caller, const json& body) {
  UserId user = caller.user_id;
  if (body.contains("user_id")) {
    if (!body["user_id"].is_number_integer() || body["user_id"].get<int64_t>() <= 0) {
      return std::unexpected(Error::invalid_field("user_id", "must be a positive id"));
    }
    user = UserId(body["user_id"].get<int64_t>());
  }
  if (!user.valid()) return std::unexpected(Error::invalid_field("user_id", "is required (whose timer)"));
  if (user != caller.user_id && caller.role != Role::admin) {
    return std::unexpected(Error::forbidden("only administrators use someone else's timer"));
  }
  return user;
}

}  // namespace

Result<std::optional<RunningTimer>> WorkService::running_timer(const Principal& caller, UserId user) {
  if (!user.valid()) user = caller.user_id;
  if (user != caller.user_id && caller.role != Role::admin) {
    return std::unexpected(Error::forbidden("only administrators see someone else's timer"));
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.timers().running(user); });
}

Result<RunningTimer> WorkService::start_timer(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  RunningTimer t;
  t.user_id = TEND_TRY(timer_user(caller, body));
  t.started_at = now;
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"ticket_id", "work_type_id", "billing", "after_hours", "notes", "user_id"});
  r.id("ticket_id", t.ticket_id);
  r.id("work_type_id", t.work_type_id);
  std::string billing = "billable";
  r.text("billing", billing);
  r.boolean("after_hours", t.after_hours);
  r.text("notes", t.notes);
  if (!t.ticket_id.valid()) errors.add("ticket_id", "is required");
  if (!t.work_type_id.valid()) errors.add("work_type_id", "is required");
  auto parsed = parse_billing(billing);
  if (!parsed) errors.add("billing", parsed.error().message);
  else t.billing = *parsed;
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<RunningTimer> {
    TEND_TRY(ticket_for_work(tx, t.ticket_id));
    TimeEntry probe;
    probe.user_id = t.user_id;
    probe.work_type_id = t.work_type_id;
    probe.ticket_id = t.ticket_id;
    TEND_CHECK(check_entry_references(tx, probe, nullptr));
    auto started = tx.timers().start(t);
    if (!started && started.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::conflict("a timer is already running; stop it first (tend time stop)"));
    }
    TEND_CHECK(started);
    TEND_CHECK(tx.ticket_timeline().append(
        timeline_event(caller, t.ticket_id, now, "time.timer_started", {{"user_id", t.user_id.value()}})));
    return t;
  });
}

Result<TimeEntry> WorkService::stop_timer(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  UserId user = TEND_TRY(timer_user(caller, body));
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"notes", "user_id"});
  std::optional<std::string> notes;
  if (body.contains("notes")) {
    notes.emplace();
    r.text("notes", *notes);
  }
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<TimeEntry> {
    auto running = TEND_TRY(tx.timers().running(user));
    if (!running) return std::unexpected(Error::not_found("no timer is running"));
    TEND_CHECK(tx.timers().stop(user));
    const ProviderBasics provider = provider_basics(tx);
    Ticket ticket = TEND_TRY(ticket_for_work(tx, running->ticket_id));
    TimeEntry e;
    e.ticket_id = running->ticket_id;
    e.client_id = ticket.client_id;
    e.user_id = user;
    e.work_type_id = running->work_type_id;
    e.started_at = running->started_at;
    e.ended_at = now;
    e.actual_minutes = std::min(minutes_between(running->started_at, now), kMaxEntryMinutes);
    if (e.actual_minutes == kMaxEntryMinutes) e.ended_at = running->started_at + std::chrono::minutes(kMaxEntryMinutes);
    e.billing = running->billing;
    e.after_hours = running->after_hours;
    e.notes = notes.value_or(running->notes);
    e.work_date = TEND_TRY(local_date(running->started_at, provider.time_zone));
    e.cost_rate = TEND_TRY(cost_rate_of(tx, user, provider.currency));
    e.created_by_id = caller.user_id;
    e.created_at = e.updated_at = now;
    TEND_CHECK(validate(e));
    TEND_CHECK(check_entry_references(tx, e, nullptr));
    e.id = TEND_TRY(tx.time_entries().insert(e));
    TEND_CHECK(refresh_client_rating(tx, e.client_id, caller, now));
    e = TEND_TRY(tx.time_entries().get(e.id));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, e.ticket_id, now, "time.logged",
                                                          entry_summary(e, work_type_name(tx, e.work_type_id)))));
    return e;
  });
}

// ---- parts and services ----------------------------------------------------------------------------

namespace {

// The price a client pays for `item`: the body's unit_price, else the
// catalogue price when the client is billed in the catalogue's currency.
Result<Money> unit_price_for(const json& body, const CatalogueItem& item, const Client& client) {
  if (body.contains("unit_price")) {
    if (!body["unit_price"].is_string()) {
      return std::unexpected(Error::invalid_field("unit_price", "must be an amount as a string, e.g. \"89.00\""));
    }
    auto price = Money::parse(client.currency, body["unit_price"].get<std::string>());
    if (!price) return std::unexpected(Error::invalid_field("unit_price", price.error().message));
    if (price->is_negative()) return std::unexpected(Error::invalid_field("unit_price", "must not be negative"));
    return *price;
  }
  Money price = item.price();
  if (!(price.currency() == client.currency)) {
    return std::unexpected(Error::invalid_field(
        "unit_price", "the catalogue is priced in " + std::string(price.currency().code()) + " but " + client.name +
                          " is billed in " + std::string(client.currency.code()) + ": give a unit_price"));
  }
  return price;
}

Result<CatalogueItem> item_of_kind(Transaction& tx, CatalogueItemId id, CatalogueKind kind) {
  if (!id.valid()) return std::unexpected(Error::invalid_field("item_id", "is required"));
  auto item = tx.catalogue().get(id);
  if (!item || item->kind != kind) {
    return std::unexpected(Error::invalid_field(
        "item_id", kind == CatalogueKind::part ? "no such part in the catalogue" : "no such service in the catalogue"));
  }
  if (!item->active) return std::unexpected(Error::invalid_field("item_id", "'" + item->name + "' is no longer sold"));
  return item;
}

}  // namespace

Result<PartUsed> WorkService::use_part(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  PartUsage u;
  u.created_by_id = caller.user_id;
  u.created_at = u.updated_at = now;
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"ticket_id", "item_id", "quantity", "serial_numbers", "used_on", "unit_price", "notes"},
         {"id", "client_id", "unit_cost", "status", "created_at"});
  r.id("ticket_id", u.ticket_id);
  r.id("item_id", u.item_id);
  r.integer64("quantity", u.quantity);
  r.text("notes", u.notes);
  if (body.contains("serial_numbers")) {
    if (!body["serial_numbers"].is_array()) errors.add("serial_numbers", "must be an array of strings");
    else {
      for (size_t i = 0; i < body["serial_numbers"].size(); ++i) {
        if (!body["serial_numbers"][i].is_string()) errors.add("serial_numbers[" + std::to_string(i) + "]", "must be a string");
        else u.serial_numbers.push_back(body["serial_numbers"][i].get<std::string>());
      }
    }
  }
  std::optional<CivilDate> used_on;
  if (body.contains("used_on")) {
    std::string text;
    r.text("used_on", text);
    auto parsed = parse_civil_date(text);
    if (!parsed) errors.add("used_on", parsed.error().message);
    else used_on = *parsed;
  }
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<PartUsed> {
    Ticket ticket = TEND_TRY(ticket_for_work(tx, u.ticket_id));
    Client client = TEND_TRY(tx.clients().get(ticket.client_id));
    CatalogueItem item = TEND_TRY(item_of_kind(tx, u.item_id, CatalogueKind::part));
    u.client_id = ticket.client_id;
    u.unit_price = TEND_TRY(unit_price_for(body, item, client));
    u.unit_cost = item.unit_cost;
    u.used_on = used_on ? *used_on : TEND_TRY(today(tx, now));
    TEND_CHECK(validate(u));
    u.id = TEND_TRY(tx.part_usages().insert(u));
    TEND_TRY(tx.catalogue().add_movement({StockMovementId(), item.id, StockMovementKind::usage, -u.quantity, u.id,
                                          "ticket id " + std::to_string(ticket.id.value()), now, caller.user_id,
                                          caller.email}));
    StockLevel level = stock_after(item, -u.quantity);
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, ticket.id, now, "part.used",
                                                          {{"part_usage_id", u.id.value()},
                                                           {"sku", item.sku},
                                                           {"name", item.name},
                                                           {"quantity", u.quantity},
                                                           {"serial_numbers", u.serial_numbers},
                                                           {"stock_on_hand", level.on_hand},
                                                           {"stock_below_zero", level.below_zero}})));
    return PartUsed{u, level};
  });
}

Result<PartUsage> WorkService::remove_part_usage(const Principal& caller, PartUsageId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<PartUsage> {
    PartUsage u = TEND_TRY(tx.part_usages().get(id));
    if (u.removed()) return u;
    TEND_CHECK(refuse_approved(u.status, "part usage"));
    u.removed_at = now;
    u.updated_at = now;
    TEND_CHECK(tx.part_usages().update(u));
    TEND_TRY(tx.catalogue().add_movement({StockMovementId(), u.item_id, StockMovementKind::return_, u.quantity, u.id,
                                          "removed from ticket id " + std::to_string(u.ticket_id.value()), now,
                                          caller.user_id, caller.email}));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, u.ticket_id, now, "part.removed",
                                                          {{"part_usage_id", id.value()}, {"quantity", u.quantity}})));
    return u;
  });
}

Result<PartUsage> WorkService::set_part_usage_approved(const Principal& caller, PartUsageId id, bool approve) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<PartUsage> {
    PartUsage u = TEND_TRY(tx.part_usages().get(id));
    if (u.removed()) return std::unexpected(Error::not_found("part usage not found"));
    TEND_CHECK(refuse_locked(u.status, "part usage"));
    if (!set_approval(u, approve, caller, now)) return u;
    TEND_CHECK(tx.part_usages().update(u));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, u.ticket_id, now,
                                                          approve ? "part.approved" : "part.unapproved",
                                                          {{"part_usage_id", id.value()}})));
    return u;
  });
}

Result<std::vector<PartUsage>> WorkService::part_usages(const Principal& caller, TicketId ticket) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<PartUsage>> {
    TEND_TRY(visible_ticket(tx, caller, ticket));
    return tx.part_usages().for_ticket(ticket);
  });
}

Result<ServiceUsage> WorkService::add_service(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  ServiceUsage u;
  u.created_by_id = caller.user_id;
  u.created_at = u.updated_at = now;
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"ticket_id", "item_id", "quantity", "performed_on", "unit_price", "notes"},
         {"id", "client_id", "unit_cost", "status", "created_at"});
  r.id("ticket_id", u.ticket_id);
  r.id("item_id", u.item_id);
  r.integer64("quantity", u.quantity);
  r.text("notes", u.notes);
  std::optional<CivilDate> performed_on;
  if (body.contains("performed_on")) {
    std::string text;
    r.text("performed_on", text);
    auto parsed = parse_civil_date(text);
    if (!parsed) errors.add("performed_on", parsed.error().message);
    else performed_on = *parsed;
  }
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ServiceUsage> {
    Ticket ticket = TEND_TRY(ticket_for_work(tx, u.ticket_id));
    Client client = TEND_TRY(tx.clients().get(ticket.client_id));
    CatalogueItem item = TEND_TRY(item_of_kind(tx, u.item_id, CatalogueKind::service));
    u.client_id = ticket.client_id;
    u.unit_price = TEND_TRY(unit_price_for(body, item, client));
    u.unit_cost = item.unit_cost;
    u.performed_on = performed_on ? *performed_on : TEND_TRY(today(tx, now));
    TEND_CHECK(validate(u));
    u.id = TEND_TRY(tx.service_usages().insert(u));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, ticket.id, now, "service.added",
                                                          {{"service_usage_id", u.id.value()},
                                                           {"sku", item.sku},
                                                           {"name", item.name},
                                                           {"quantity", u.quantity},
                                                           {"unit_price", u.unit_price.to_decimal()}})));
    return u;
  });
}

Result<ServiceUsage> WorkService::remove_service_usage(const Principal& caller, ServiceUsageId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ServiceUsage> {
    ServiceUsage u = TEND_TRY(tx.service_usages().get(id));
    if (u.removed()) return u;
    TEND_CHECK(refuse_approved(u.status, "service"));
    for (const auto& e : TEND_TRY(tx.time_entries().for_ticket(u.ticket_id))) {
      if (e.service_usage_id == id) {
        return std::unexpected(Error::conflict("time entry " + std::to_string(e.id.value()) +
                                               " is logged under this service; move or remove it first"));
      }
    }
    u.removed_at = now;
    u.updated_at = now;
    TEND_CHECK(tx.service_usages().update(u));
    TEND_CHECK(tx.ticket_timeline().append(
        timeline_event(caller, u.ticket_id, now, "service.removed", {{"service_usage_id", id.value()}})));
    return u;
  });
}

Result<ServiceUsage> WorkService::set_service_usage_approved(const Principal& caller, ServiceUsageId id, bool approve) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ServiceUsage> {
    ServiceUsage u = TEND_TRY(tx.service_usages().get(id));
    if (u.removed()) return std::unexpected(Error::not_found("service usage not found"));
    TEND_CHECK(refuse_locked(u.status, "service"));
    if (!set_approval(u, approve, caller, now)) return u;
    TEND_CHECK(tx.service_usages().update(u));
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, u.ticket_id, now,
                                                          approve ? "service.approved" : "service.unapproved",
                                                          {{"service_usage_id", id.value()}})));
    return u;
  });
}

Result<std::vector<ServiceUsage>> WorkService::service_usages(const Principal& caller, TicketId ticket) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<ServiceUsage>> {
    TEND_TRY(visible_ticket(tx, caller, ticket));
    return tx.service_usages().for_ticket(ticket);
  });
}

// ---- a ticket's charges ------------------------------------------------------------------------------

Result<WorkCharges> WorkService::ticket_charges(const Principal& caller, TicketId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<WorkCharges> {
    Ticket ticket = TEND_TRY(visible_ticket(tx, caller, id));
    return tend::ticket_charges(tx, ticket);
  });
}

Result<ApprovalResult> WorkService::approve_ticket_work(const Principal& caller, TicketId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ApprovalResult> {
    Ticket ticket = TEND_TRY(visible_ticket(tx, caller, id));
    ApprovalResult result;
    for (auto e : TEND_TRY(tx.time_entries().for_ticket(id))) {
      if (e.status != WorkStatus::draft) continue;
      set_approval(e, true, caller, now);
      TEND_CHECK(tx.time_entries().update(e));
      ++result.time_entries;
    }
    for (auto u : TEND_TRY(tx.part_usages().for_ticket(id))) {
      if (u.status != WorkStatus::draft) continue;
      set_approval(u, true, caller, now);
      TEND_CHECK(tx.part_usages().update(u));
      ++result.part_usages;
    }
    for (auto u : TEND_TRY(tx.service_usages().for_ticket(id))) {
      if (u.status != WorkStatus::draft) continue;
      set_approval(u, true, caller, now);
      TEND_CHECK(tx.service_usages().update(u));
      ++result.service_usages;
    }
    TEND_CHECK(tx.ticket_timeline().append(timeline_event(caller, ticket.id, now, "work.approved",
                                                          {{"time_entries", result.time_entries},
                                                           {"part_usages", result.part_usages},
                                                           {"service_usages", result.service_usages}})));
    return result;
  });
}

Result<WorkCharges> WorkService::client_charges(const Principal& caller, ClientId client, CivilDate from, CivilDate to) {
  if (!caller.can_see_client(client)) return std::unexpected(Error::not_found("client not found"));
  if (to < from) return std::unexpected(Error::invalid_field("to", "must not be before from"));
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tend::client_charges(tx, client, from, to); });
}

}  // namespace tend
