// Routes of work and what it is worth: tax categories, work types,
// technicians' cost rates, clients' rates, the catalogue and its stock,
// time entries (with the timer and approval), parts and fixed-price
// services on tickets, what a ticket or a client's period is charged, and
// the import of a whole file (docs/import-format.md).
//
// Roles: technicians log time, use parts and add services; finance and
// admins manage rates, the catalogue, approvals and billable overrides;
// every staff role reads; portal users read a ticket's charges of their own
// client (without costs). Import is for admins.
#include "api/api.h"
#include "api/handler_support.h"
#include "app/work_codec.h"

namespace tend::api {

namespace {

using nlohmann::json;

const RoleSet kTechnicians = {Role::admin, Role::technician};
const RoleSet kFinance = {Role::admin, Role::finance};
const RoleSet kTimeEditors = {Role::admin, Role::technician, Role::finance};

// Streams {"items": [...], "next_cursor": null} for a complete list.
template <class T>
HttpResponse list_response(const std::vector<T>& items) {
  HttpResponse r;
  wire::JsonWriter w(r.body);
  w.begin_object();
  w.key("items");
  w.begin_array();
  for (const auto& item : items) write_json(w, item);
  w.end_array();
  w.key("next_cursor");
  w.null();
  w.end_object();
  return r;
}

HttpResponse charges_response(const WorkCharges& charges, const Principal& caller) {
  HttpResponse r;
  wire::JsonWriter w(r.body);
  write_json(w, charges, !caller.is_portal());
  return r;
}

Result<WorkService*> work_of(WorkService* service) {
  if (!service) return std::unexpected(Error::unavailable("time and parts are not available in this process"));
  return service;
}

Result<std::optional<CivilDate>> query_date(const RequestContext& c, std::string_view name) {
  auto text = c.query(name);
  if (!text) return std::optional<CivilDate>();
  auto parsed = parse_civil_date(*text);
  if (!parsed) return std::unexpected(Error::invalid_field(std::string(name), parsed.error().message));
  return std::optional<CivilDate>(*parsed);
}

Result<std::optional<bool>> query_bool(const RequestContext& c, std::string_view name) {
  auto text = c.query(name);
  if (!text) return std::optional<bool>();
  if (*text == "true") return std::optional<bool>(true);
  if (*text == "false") return std::optional<bool>(false);
  return std::unexpected(Error::invalid_field(std::string(name), "must be true or false"));
}

// before (an id) and limit (1-500) of the stock movements.
Result<std::pair<int64_t, int>> before_and_limit(const RequestContext& c) {
  TEND_CHECK(only_query(c, {"before", "limit"}));
  int64_t before = TEND_TRY(query_int(c, "before", 0));
  int64_t limit = TEND_TRY(query_int(c, "limit", 100));
  if (limit < 1 || limit > 500) return std::unexpected(Error::invalid_field("limit", "must be between 1 and 500"));
  return std::make_pair(before, static_cast<int>(limit));
}

template <class IdT>
Result<IdT> named_id(const RequestContext& c, std::string_view name) {
  return IdT(TEND_TRY(c.id_param(name)));
}

}  // namespace

void Api::add_work_routes() {
  WorkService* const service = services_.work;
  ImportService* const imports = services_.imports;

  // ---- tax categories ----------------------------------------------------------------
  add("GET", "/api/v1/tax-categories", kStaff, "list tax categories", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return list_response(TEND_TRY(TEND_TRY(work_of(service))->list_tax_categories(c.principal)));
  });
  add("POST", "/api/v1/tax-categories", kFinance, "create a tax category", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->create_tax_category(c.principal, TEND_TRY(body_of(c)))));
  });
  add("PATCH", "/api/v1/tax-categories/{id}", kFinance, "change a tax category",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<TaxCategoryId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->update_tax_category(c.principal, id, TEND_TRY(body_of(c)))));
      });

  // ---- work types --------------------------------------------------------------------------
  add("GET", "/api/v1/work-types", kStaff, "list work types", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return list_response(TEND_TRY(TEND_TRY(work_of(service))->list_work_types(c.principal)));
  });
  add("POST", "/api/v1/work-types", kFinance, "create a work type", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->create_work_type(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/work-types/{id}", kStaff, "read a work type", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->get_work_type(c.principal, TEND_TRY(id_of<WorkTypeId>(c)))));
  });
  add("PATCH", "/api/v1/work-types/{id}", kFinance, "change a work type", [service](RequestContext& c) -> Result<HttpResponse> {
    auto id = TEND_TRY(id_of<WorkTypeId>(c));
    return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->update_work_type(c.principal, id, TEND_TRY(body_of(c)))));
  });

  // ---- technicians and client rates -------------------------------------------------------
  add("GET", "/api/v1/technicians", kFinance, "list staff with their cost rates",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return list_response(TEND_TRY(TEND_TRY(work_of(service))->list_technicians(c.principal)));
      });
  add("PATCH", "/api/v1/technicians/{id}", kFinance, "set a technician's cost rate",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<UserId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_technician_rate(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("GET", "/api/v1/clients/{id}/rates", kStaff, "list a client's hourly rates",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return list_response(TEND_TRY(TEND_TRY(work_of(service))->client_rates(c.principal, TEND_TRY(id_of<ClientId>(c)))));
      });
  add("PUT", "/api/v1/clients/{id}/rates/{work_type_id}", kFinance, "set a client's hourly rate for a work type",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto client = TEND_TRY(id_of<ClientId>(c));
        auto type = TEND_TRY(named_id<WorkTypeId>(c, "work_type_id"));
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_client_rate(c.principal, client, type, TEND_TRY(body_of(c)))));
      });
  add("DELETE", "/api/v1/clients/{id}/rates/{work_type_id}", kFinance, "remove a client's hourly rate",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto client = TEND_TRY(id_of<ClientId>(c));
        auto type = TEND_TRY(named_id<WorkTypeId>(c, "work_type_id"));
        TEND_CHECK(TEND_TRY(work_of(service))->remove_client_rate(c.principal, client, type));
        return no_content();
      });
  add("GET", "/api/v1/clients/{id}/charges", {Role::admin, Role::finance, Role::read_only},
      "read what a client is charged over a period", [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"from", "to"}));
        auto client = TEND_TRY(id_of<ClientId>(c));
        auto from = TEND_TRY(query_date(c, "from"));
        auto to = TEND_TRY(query_date(c, "to"));
        FieldErrors errors;
        if (!from) errors.add("from", "is required (YYYY-MM-DD)");
        if (!to) errors.add("to", "is required (YYYY-MM-DD)");
        TEND_CHECK(std::move(errors).status());
        return charges_response(TEND_TRY(TEND_TRY(work_of(service))->client_charges(c.principal, client, *from, *to)),
                                c.principal);
      });

  // ---- catalogue -------------------------------------------------------------------------------
  add("GET", "/api/v1/catalogue", kStaff, "list the catalogue", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "kind", "active", "below_reorder_level"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kCatalogueSorts), "name"));
    store::CatalogueFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    if (auto kind = c.query("kind")) {
      auto parsed = parse_catalogue_kind(*kind);
      if (!parsed) return std::unexpected(Error::invalid_field("kind", parsed.error().message));
      filter.kind = *parsed;
    }
    filter.active = TEND_TRY(query_bool(c, "active"));
    filter.below_reorder_level = TEND_TRY(query_bool(c, "below_reorder_level")).value_or(false);
    return page_response(TEND_TRY(TEND_TRY(work_of(service))->list_catalogue(c.principal, filter, page)));
  });
  add("POST", "/api/v1/catalogue", kFinance, "add a part or service to the catalogue",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->create_item(c.principal, TEND_TRY(body_of(c)))));
      });
  add("GET", "/api/v1/catalogue/{id}", kStaff, "read a catalogue item", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->get_item(c.principal, TEND_TRY(id_of<CatalogueItemId>(c)))));
  });
  add("PATCH", "/api/v1/catalogue/{id}", kFinance, "change a catalogue item", [service](RequestContext& c) -> Result<HttpResponse> {
    auto id = TEND_TRY(id_of<CatalogueItemId>(c));
    return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->update_item(c.principal, id, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/catalogue/{id}/stock", kStaff, "read a part's stock ledger",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<CatalogueItemId>(c));
        auto [before, limit] = TEND_TRY(before_and_limit(c));
        return list_response(TEND_TRY(TEND_TRY(work_of(service))->stock_movements(c.principal, id, before, limit)));
      });
  add("POST", "/api/v1/catalogue/{id}/stock", kFinance, "book a stock receipt or correction",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<CatalogueItemId>(c));
        return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->add_stock_movement(c.principal, id, TEND_TRY(body_of(c)))));
      });

  // ---- time entries ------------------------------------------------------------------------------
  add("GET", "/api/v1/time-entries", kStaff, "list time entries", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "ticket_id", "client_id", "user_id", "status", "from", "to"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kTimeEntrySorts), "-work_date"));
    store::TimeEntryFilter filter;
    filter.ticket = TicketId(TEND_TRY(query_int(c, "ticket_id", 0)));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    filter.user = UserId(TEND_TRY(query_int(c, "user_id", 0)));
    if (auto status = c.query("status")) {
      auto parsed = parse_work_status(*status);
      if (!parsed) return std::unexpected(Error::invalid_field("status", parsed.error().message));
      filter.status = *parsed;
    }
    filter.from = TEND_TRY(query_date(c, "from"));
    filter.to = TEND_TRY(query_date(c, "to"));
    return page_response(TEND_TRY(TEND_TRY(work_of(service))->list_time_entries(c.principal, filter, page)));
  });
  add("POST", "/api/v1/time-entries", kTechnicians, "log time on a ticket", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->log_time(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/time-entries/{id}", kStaff, "read a time entry", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->get_time_entry(c.principal, TEND_TRY(id_of<TimeEntryId>(c)))));
  });
  add("PATCH", "/api/v1/time-entries/{id}", kTimeEditors, "change a time entry",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto id = TEND_TRY(id_of<TimeEntryId>(c));
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->update_time_entry(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("DELETE", "/api/v1/time-entries/{id}", kTechnicians, "remove a time entry that is not approved",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->remove_time_entry(c.principal, TEND_TRY(id_of<TimeEntryId>(c)))));
      });
  add("GET", "/api/v1/time-entries/{id}/charge", kStaff, "read what a time entry is charged and why",
      [service](RequestContext& c) -> Result<HttpResponse> {
        auto charge = TEND_TRY(TEND_TRY(work_of(service))->time_entry_charge(c.principal, TEND_TRY(id_of<TimeEntryId>(c))));
        HttpResponse r;
        wire::JsonWriter w(r.body);
        write_json(w, charge, true);
        return r;
      });
  add("POST", "/api/v1/time-entries/{id}/approve", kFinance, "approve a time entry for billing",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_time_entry_approved(c.principal, TEND_TRY(id_of<TimeEntryId>(c)), true)));
      });
  add("POST", "/api/v1/time-entries/{id}/unapprove", kFinance, "return an approved time entry to draft",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_time_entry_approved(c.principal, TEND_TRY(id_of<TimeEntryId>(c)), false)));
      });

  // ---- timer ----------------------------------------------------------------------------------------
  add("GET", "/api/v1/timer", kTechnicians, "read your running timer", [service](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"user_id"}));
    auto timer = TEND_TRY(TEND_TRY(work_of(service))->running_timer(c.principal, UserId(TEND_TRY(query_int(c, "user_id", 0)))));
    HttpResponse r;
    wire::JsonWriter w(r.body);
    w.begin_object();
    w.key("timer");
    if (timer) write_json(w, *timer);
    else w.null();
    w.end_object();
    return r;
  });
  add("POST", "/api/v1/timer/start", kTechnicians, "start a timer on a ticket", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->start_timer(c.principal, TEND_TRY(body_of(c)))));
  });
  add("POST", "/api/v1/timer/stop", kTechnicians, "stop your timer and log its time",
      [service](RequestContext& c) -> Result<HttpResponse> {
        json body = c.request.body.empty() ? json::object() : TEND_TRY(body_of(c));
        return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->stop_timer(c.principal, body)));
      });

  // ---- parts and services on tickets -------------------------------------------------------------------
  add("GET", "/api/v1/tickets/{id}/parts", kStaff, "list the parts used on a ticket",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return list_response(TEND_TRY(TEND_TRY(work_of(service))->part_usages(c.principal, TEND_TRY(id_of<TicketId>(c)))));
      });
  add("POST", "/api/v1/part-usages", kTechnicians, "use parts on a ticket", [service](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->use_part(c.principal, TEND_TRY(body_of(c)))));
  });
  add("DELETE", "/api/v1/part-usages/{id}", kTechnicians, "remove parts from a ticket (back into stock)",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->remove_part_usage(c.principal, TEND_TRY(id_of<PartUsageId>(c)))));
      });
  add("POST", "/api/v1/part-usages/{id}/approve", kFinance, "approve a part usage for billing",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_part_usage_approved(c.principal, TEND_TRY(id_of<PartUsageId>(c)), true)));
      });
  add("POST", "/api/v1/part-usages/{id}/unapprove", kFinance, "return an approved part usage to draft",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_part_usage_approved(c.principal, TEND_TRY(id_of<PartUsageId>(c)), false)));
      });
  add("GET", "/api/v1/tickets/{id}/services", kStaff, "list the fixed-price services of a ticket",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return list_response(TEND_TRY(TEND_TRY(work_of(service))->service_usages(c.principal, TEND_TRY(id_of<TicketId>(c)))));
      });
  add("POST", "/api/v1/service-usages", kTechnicians, "add a fixed-price service to a ticket",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(201, TEND_TRY(TEND_TRY(work_of(service))->add_service(c.principal, TEND_TRY(body_of(c)))));
      });
  add("DELETE", "/api/v1/service-usages/{id}", kTechnicians, "remove a fixed-price service from a ticket",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->remove_service_usage(c.principal, TEND_TRY(id_of<ServiceUsageId>(c)))));
      });
  add("POST", "/api/v1/service-usages/{id}/approve", kFinance, "approve a service for billing",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_service_usage_approved(c.principal, TEND_TRY(id_of<ServiceUsageId>(c)), true)));
      });
  add("POST", "/api/v1/service-usages/{id}/unapprove", kFinance, "return an approved service to draft",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->set_service_usage_approved(c.principal, TEND_TRY(id_of<ServiceUsageId>(c)), false)));
      });

  // ---- what a ticket costs --------------------------------------------------------------------------------
  add("GET", "/api/v1/tickets/{id}/charges", kEveryone, "read what a ticket is charged, and why",
      [service](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {}));
        return charges_response(TEND_TRY(TEND_TRY(work_of(service))->ticket_charges(c.principal, TEND_TRY(id_of<TicketId>(c)))),
                                c.principal);
      });
  add("POST", "/api/v1/tickets/{id}/approve-work", kFinance, "approve all draft time, parts and services of a ticket",
      [service](RequestContext& c) -> Result<HttpResponse> {
        return object_response(200, TEND_TRY(TEND_TRY(work_of(service))->approve_ticket_work(c.principal, TEND_TRY(id_of<TicketId>(c)))));
      });

  // ---- import ----------------------------------------------------------------------------------------------
  add("POST", "/api/v1/import", kAdmin, "import a file of clients, work, contracts and tickets (all or nothing)",
      [imports](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"dry_run"}));
        if (!imports) return std::unexpected(Error::unavailable("import is not available in this process"));
        auto dry_run = TEND_TRY(query_bool(c, "dry_run")).value_or(false);
        auto summary = TEND_TRY(imports->run(c.principal, TEND_TRY(body_of(c)), dry_run));
        return json_response(dry_run ? 200 : 201, to_json(summary));
      });
}

}  // namespace tend::api
