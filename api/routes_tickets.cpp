// Routes of the service desk: tickets (with notes, timeline, checklists,
// bulk changes and merging), statuses, queues, SLA calendars and policies,
// clients' default policies, maintenance schedules and the SLA report.
#include "api/api.h"
#include "api/handler_support.h"
#include "app/service_desk_codec.h"

namespace tend::api {

namespace {

using nlohmann::json;

// Who works tickets; who may open them; who may write notes.
const RoleSet kTicketWorkers = {Role::admin, Role::technician};
const RoleSet kTicketOpeners = {Role::admin, Role::technician, Role::finance, Role::portal};
const RoleSet kNoteWriters = {Role::admin, Role::technician, Role::portal};

template <class T>
HttpResponse items_response(const std::vector<T>& items) {
  json out = json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return json_response(200, {{"items", std::move(out)}, {"next_cursor", nullptr}});
}

HttpResponse items_response(const std::vector<Ticket>& tickets) {
  json out = json::array();
  for (const auto& t : tickets) out.push_back(to_json(t, false));
  return json_response(200, {{"items", std::move(out)}, {"next_cursor", nullptr}});
}

// A comma-separated list of enum values, e.g. category=new,open.
template <class T, class Parse>
Result<std::vector<T>> query_list(const RequestContext& c, std::string_view name, Parse parse) {
  std::vector<T> out;
  auto text = c.query(name);
  if (!text) return out;
  std::string_view rest = *text;
  while (true) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    auto parsed = parse(part);
    if (!parsed) return std::unexpected(Error::invalid_field(std::string(name), parsed.error().message));
    out.push_back(*parsed);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::optional<Instant>> query_instant(const RequestContext& c, std::string_view name) {
  auto text = c.query(name);
  if (!text) return std::optional<Instant>();
  auto parsed = parse_rfc3339(*text);
  if (!parsed) return std::unexpected(Error::invalid_field(std::string(name), parsed.error().message));
  return std::optional<Instant>(*parsed);
}

// after (an id) and limit (1-500) of the notes and timeline lists.
Result<std::pair<int64_t, int>> after_and_limit(const RequestContext& c) {
  TEND_CHECK(only_query(c, {"after", "limit"}));
  int64_t after = TEND_TRY(query_int(c, "after", 0));
  int64_t limit = TEND_TRY(query_int(c, "limit", 100));
  if (limit < 1 || limit > 500) return std::unexpected(Error::invalid_field("limit", "must be between 1 and 500"));
  return std::make_pair(after, static_cast<int>(limit));
}

Result<store::TicketFilter> ticket_filter(const RequestContext& c) {
  store::TicketFilter f;
  f.text = std::string(c.query("q").value_or(""));
  f.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
  f.site = SiteId(TEND_TRY(query_int(c, "site_id", 0)));
  f.queue = QueueId(TEND_TRY(query_int(c, "queue_id", 0)));
  if (c.query("assignee_id") == std::optional<std::string_view>("none")) {
    f.unassigned = true;
  } else {
    f.assignee = UserId(TEND_TRY(query_int(c, "assignee_id", 0)));
  }
  f.categories = TEND_TRY(query_list<StatusCategory>(c, "category", [](std::string_view v) {
    return parse_status_category(v);
  }));
  f.priorities = TEND_TRY(query_list<Priority>(c, "priority", [](std::string_view v) { return parse_priority(v); }));
  f.sla_states = TEND_TRY(query_list<SlaState>(c, "sla_state", [](std::string_view v) { return parse_sla_state(v); }));
  f.due_before = TEND_TRY(query_instant(c, "due_before"));
  f.due_after = TEND_TRY(query_instant(c, "due_after"));
  return f;
}

}  // namespace

void Api::add_ticket_routes() {
  auto& s = services_;

  // ---- tickets -------------------------------------------------------------------
  add("GET", "/api/v1/tickets", kEveryone, "list tickets", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "client_id", "site_id", "category", "queue_id",
                              "assignee_id", "priority", "sla_state", "due_before", "due_after"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kTicketSorts), "-number"));
    auto filter = TEND_TRY(ticket_filter(c));
    auto result = TEND_TRY(s.tickets.list(c.principal, std::move(filter), page));
    json items = json::array();
    for (const auto& t : result.items) items.push_back(to_json(t, false));
    return json_response(200, {{"items", std::move(items)},
                               {"next_cursor", result.next_cursor.empty() ? json(nullptr) : json(result.next_cursor)}});
  });
  add("POST", "/api/v1/tickets", kTicketOpeners, "open a ticket", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(201, to_json(TEND_TRY(s.tickets.create(c.principal, TEND_TRY(body_of(c)))), true));
  });
  add("POST", "/api/v1/tickets/bulk", kTicketWorkers, "change many tickets at once",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return items_response(TEND_TRY(s.tickets.bulk_update(c.principal, TEND_TRY(body_of(c)))));
      });
  add("GET", "/api/v1/tickets/{id}", kEveryone, "read a ticket", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(200, to_json(TEND_TRY(s.tickets.get(c.principal, TEND_TRY(id_of<TicketId>(c)))), true));
  });
  add("PATCH", "/api/v1/tickets/{id}", kTicketWorkers, "change a ticket", [&s](RequestContext& c) -> Result<HttpResponse> {
    TicketId id = TEND_TRY(id_of<TicketId>(c));
    return json_response(200, to_json(TEND_TRY(s.tickets.update(c.principal, id, TEND_TRY(body_of(c)))), true));
  });
  add("GET", "/api/v1/tickets/{id}/notes", kEveryone, "read a ticket's notes",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        auto [after, limit] = TEND_TRY(after_and_limit(c));
        return items_response(TEND_TRY(s.tickets.notes(c.principal, id, after, limit)));
      });
  add("POST", "/api/v1/tickets/{id}/notes", kNoteWriters, "add a note to a ticket",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        return json_response(201, to_json(TEND_TRY(s.tickets.add_note(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/tickets/{id}/timeline", kEveryone, "read a ticket's timeline",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        auto [after, limit] = TEND_TRY(after_and_limit(c));
        return items_response(TEND_TRY(s.tickets.timeline(c.principal, id, after, limit)));
      });
  add("POST", "/api/v1/tickets/{id}/merge", kTicketWorkers, "merge a duplicate ticket into another",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        return json_response(200, to_json(TEND_TRY(s.tickets.merge(c.principal, id, TEND_TRY(body_of(c)))), true));
      });
  add("POST", "/api/v1/tickets/{id}/checklist", kTicketWorkers, "add a checklist item to a ticket",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        return json_response(
            201, to_json(TEND_TRY(s.tickets.add_checklist_item(c.principal, id, TEND_TRY(body_of(c)))), true));
      });
  add("PATCH", "/api/v1/tickets/{id}/checklist/{item_id}", kTicketWorkers, "tick a checklist item off or on",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketId id = TEND_TRY(id_of<TicketId>(c));
        ChecklistItemId item(TEND_TRY(c.id_param("item_id")));
        return json_response(
            200, to_json(TEND_TRY(s.tickets.set_checklist_item(c.principal, id, item, TEND_TRY(body_of(c)))), true));
      });

  // ---- statuses and queues ---------------------------------------------------------
  add("GET", "/api/v1/ticket-statuses", kEveryone, "list ticket statuses", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return items_response(TEND_TRY(s.desk_settings.list_statuses()));
  });
  add("POST", "/api/v1/ticket-statuses", kAdmin, "create a ticket status", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(201, to_json(TEND_TRY(s.desk_settings.create_status(c.principal, TEND_TRY(body_of(c))))));
  });
  add("GET", "/api/v1/ticket-statuses/{id}", kEveryone, "read a ticket status",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(200, to_json(TEND_TRY(s.desk_settings.get_status(TEND_TRY(id_of<TicketStatusId>(c))))));
      });
  add("PATCH", "/api/v1/ticket-statuses/{id}", kAdmin, "change a ticket status",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TicketStatusId id = TEND_TRY(id_of<TicketStatusId>(c));
        return json_response(200, to_json(TEND_TRY(s.desk_settings.update_status(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/queues", kStaff, "list queues", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return items_response(TEND_TRY(s.desk_settings.list_queues()));
  });
  add("POST", "/api/v1/queues", kAdmin, "create a queue", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(201, to_json(TEND_TRY(s.desk_settings.create_queue(c.principal, TEND_TRY(body_of(c))))));
  });
  add("GET", "/api/v1/queues/{id}", kStaff, "read a queue", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(200, to_json(TEND_TRY(s.desk_settings.get_queue(TEND_TRY(id_of<QueueId>(c))))));
  });
  add("PATCH", "/api/v1/queues/{id}", kAdmin, "change a queue", [&s](RequestContext& c) -> Result<HttpResponse> {
    QueueId id = TEND_TRY(id_of<QueueId>(c));
    return json_response(200, to_json(TEND_TRY(s.desk_settings.update_queue(c.principal, id, TEND_TRY(body_of(c))))));
  });

  // ---- SLA calendars and policies -----------------------------------------------------
  add("GET", "/api/v1/sla-calendars", kStaff, "list SLA calendars", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return items_response(TEND_TRY(s.desk_settings.list_calendars()));
  });
  add("POST", "/api/v1/sla-calendars", kAdmin, "create an SLA calendar", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(201, to_json(TEND_TRY(s.desk_settings.create_calendar(c.principal, TEND_TRY(body_of(c))))));
  });
  add("GET", "/api/v1/sla-calendars/{id}", kStaff, "read an SLA calendar", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(200, to_json(TEND_TRY(s.desk_settings.get_calendar(TEND_TRY(id_of<SlaCalendarId>(c))))));
  });
  add("PATCH", "/api/v1/sla-calendars/{id}", kAdmin, "change an SLA calendar",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        SlaCalendarId id = TEND_TRY(id_of<SlaCalendarId>(c));
        return json_response(200,
                             to_json(TEND_TRY(s.desk_settings.update_calendar(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/sla-policies", kStaff, "list SLA policies", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    return items_response(TEND_TRY(s.desk_settings.list_policies()));
  });
  add("POST", "/api/v1/sla-policies", kAdmin, "create an SLA policy", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(201, to_json(TEND_TRY(s.desk_settings.create_policy(c.principal, TEND_TRY(body_of(c))))));
  });
  add("GET", "/api/v1/sla-policies/{id}", kStaff, "read an SLA policy", [&s](RequestContext& c) -> Result<HttpResponse> {
    return json_response(200, to_json(TEND_TRY(s.desk_settings.get_policy(TEND_TRY(id_of<SlaPolicyId>(c))))));
  });
  add("PATCH", "/api/v1/sla-policies/{id}", kAdmin, "change an SLA policy", [&s](RequestContext& c) -> Result<HttpResponse> {
    SlaPolicyId id = TEND_TRY(id_of<SlaPolicyId>(c));
    return json_response(200, to_json(TEND_TRY(s.desk_settings.update_policy(c.principal, id, TEND_TRY(body_of(c))))));
  });
  add("GET", "/api/v1/clients/{id}/sla-policy", kStaff, "read a client's default SLA policy",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(200, TEND_TRY(s.desk_settings.client_policy(TEND_TRY(id_of<ClientId>(c)))));
      });
  add("PUT", "/api/v1/clients/{id}/sla-policy", kAdmin, "set a client's default SLA policy",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ClientId id = TEND_TRY(id_of<ClientId>(c));
        return json_response(200, TEND_TRY(s.desk_settings.set_client_policy(c.principal, id, TEND_TRY(body_of(c)))));
      });

  // ---- maintenance schedules ----------------------------------------------------------------
  add("GET", "/api/v1/maintenance-schedules", kStaff, "list maintenance schedules",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "client_id"}));
        auto page = TEND_TRY(page_of(c, sorts(store::kScheduleSorts), "name"));
        store::ScheduleFilter filter;
        filter.text = std::string(c.query("q").value_or(""));
        filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
        return page_response(TEND_TRY(s.schedules.list(c.principal, filter, page)));
      });
  add("POST", "/api/v1/maintenance-schedules", kTicketWorkers, "create a maintenance schedule",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(201, to_json(TEND_TRY(s.schedules.create(c.principal, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/maintenance-schedules/{id}", kStaff, "read a maintenance schedule",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(200, to_json(TEND_TRY(s.schedules.get(c.principal, TEND_TRY(id_of<ScheduleId>(c))))));
      });
  add("PATCH", "/api/v1/maintenance-schedules/{id}", kTicketWorkers, "change a maintenance schedule",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ScheduleId id = TEND_TRY(id_of<ScheduleId>(c));
        return json_response(200, to_json(TEND_TRY(s.schedules.update(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("GET", "/api/v1/maintenance-schedules/{id}/next-runs", kStaff, "list a schedule's next runs",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ScheduleId id = TEND_TRY(id_of<ScheduleId>(c));
        TEND_CHECK(only_query(c, {"count"}));
        int64_t count = TEND_TRY(query_int(c, "count", 10));
        if (count < 1 || count > 100) return std::unexpected(Error::invalid_field("count", "must be between 1 and 100"));
        auto runs = TEND_TRY(s.schedules.next_runs(c.principal, id, static_cast<int>(count)));
        json items = json::array();
        for (Instant run : runs) items.push_back(format_rfc3339(run));
        return json_response(200, {{"schedule_id", id.value()}, {"runs", items}});
      });
  add("POST", "/api/v1/maintenance-schedules/{id}/run", kTicketWorkers, "run a schedule now",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(201, to_json(TEND_TRY(s.schedules.run_now(c.principal, TEND_TRY(id_of<ScheduleId>(c)))), true));
      });

  // ---- reports -------------------------------------------------------------------------------
  add("GET", "/api/v1/reports/sla", kStaff, "read the SLA compliance report",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        TEND_CHECK(only_query(c, {"from", "to", "client_id", "time_zone"}));
        SlaReportRequest request;
        request.from_month = std::string(c.query("from").value_or(""));
        request.to_month = std::string(c.query("to").value_or(""));
        request.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
        request.time_zone = std::string(c.query("time_zone").value_or(""));
        SlaReport report = TEND_TRY(s.sla_reports.report(c.principal, request));
        json lines = json::array();
        for (const auto& line : report.lines) lines.push_back(to_json(line));
        return json_response(200, {{"from", report.from_month},
                                   {"to", report.to_month},
                                   {"time_zone", report.time_zone},
                                   {"lines", lines}});
      });
}

}  // namespace tend::api
