#!/usr/bin/env python3
"""Adds (or refreshes) the service desk's paths and schemas in api/openapi.json.

Loads the document, replaces only what belongs to the service desk (the
paths and schemas named below), and writes it back with indent=1, so other
areas' concurrent additions are kept. Run from the repository root:
    python3 api/openapi_service_desk.py
The roles here must equal the route table (api/routes_tickets.cpp); api_test
checks that.
"""
import json
import pathlib

PATH = pathlib.Path(__file__).with_name("openapi.json")

EVERYONE = ["admin", "technician", "finance", "read_only", "portal"]
STAFF = ["admin", "technician", "finance", "read_only"]
ADMIN = ["admin"]
WORKERS = ["admin", "technician"]
OPENERS = ["admin", "technician", "finance", "portal"]
NOTE_WRITERS = ["admin", "technician", "portal"]

SECURITY = [{"bearer": []}, {"cookie": []}]
PROBLEMS = {code: {"$ref": "#/components/responses/Problem"} for code in ["400", "401", "403", "404", "422"]}


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def nullable(kind, **extra):
    return {"type": [kind, "null"], **extra}


def id_param(name="id", description=None):
    p = {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    if description:
        p["description"] = description
    return p


def query(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


PAGING = [
    query("limit", "Page size, 1-200 (default 50).", {"type": "integer", "minimum": 1, "maximum": 200}),
    query("cursor", "The next_cursor of the previous page."),
    query("sort", "Sort field; prefix '-' for descending."),
]
AFTER_LIMIT = [
    query("after", "Only entries with a larger id (the last id of the previous call).", {"type": "integer"}),
    query("limit", "At most this many entries, 1-500 (default 100).", {"type": "integer", "minimum": 1, "maximum": 500}),
]


def op(operation_id, summary, roles, response, status="200", params=None, body=None):
    out = {"operationId": operation_id, "summary": summary, "x-tend-roles": roles}
    if params:
        out["parameters"] = params
    if body:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    out["responses"] = {status: {"description": "OK", "content": {"application/json": {"schema": ref(response)}}},
                        **PROBLEMS}
    out["security"] = SECURITY
    return out


def page(item):
    return {"type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": ref(item)},
                           "next_cursor": {"type": ["string", "null"]}}}


def item_list(item):
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": ref(item)}, "next_cursor": {"type": "null"}}}


TIME = {"type": "string", "format": "date-time"}
PRIORITY = {"type": "string", "enum": ["P1", "P2", "P3", "P4"]}
CATEGORY = {"type": "string", "enum": ["new", "open", "waiting_on_client", "waiting_on_vendor", "resolved", "closed"]}
SOURCE = {"type": "string", "enum": ["portal", "email", "phone", "api", "alert", "schedule"]}
TYPE = {"type": "string", "enum": ["incident", "request", "maintenance", "alert"]}
SLA_STATE = {"type": "string", "enum": ["ok", "warning", "breached", "paused"]}
WINDOWS = {"type": "array", "items": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"},
                                      "minItems": 2, "maxItems": 2}}

SCHEMAS = {
    "TicketStatus": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "category": CATEGORY,
        "pauses_sla": {"type": "boolean", "description": "While a ticket has this status its resolution clock is paused."},
        "position": {"type": "integer"}, "is_default": {"type": "boolean", "description": "New tickets get this status."},
        "active": {"type": "boolean"}, "created_at": TIME, "updated_at": TIME}},
    "TicketStatusInput": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100}, "category": CATEGORY, "pauses_sla": {"type": "boolean"},
        "position": {"type": "integer", "minimum": 0, "maximum": 10000}, "is_default": {"type": "boolean"},
        "active": {"type": "boolean"}},
        "description": "A resolved or closed status stops the clocks and cannot also pause them."},
    "TicketStatusList": item_list("TicketStatus"),
    "Queue": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"},
        "active": {"type": "boolean"}, "created_at": TIME, "updated_at": TIME}},
    "QueueInput": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 1000},
        "active": {"type": "boolean"}}},
    "QueueList": item_list("Queue"),
    "SlaCalendar": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "time_zone": {"type": "string"},
        "hours": {"type": "object", "additionalProperties": WINDOWS},
        "holidays": {"type": "array", "items": {"type": "string", "format": "date"}},
        "created_at": TIME, "updated_at": TIME}},
    "SlaCalendarInput": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100},
        "time_zone": {"type": "string", "description": "IANA zone, e.g. Europe/Amsterdam"},
        "hours": {"type": "object", "description": "Working windows per weekday (mon ... sun), [start, end) in local "
                  "HH:MM; 24:00 may end a window; several a day; no overlaps.",
                  "additionalProperties": WINDOWS},
        "holidays": {"type": "array", "items": {"type": "string", "format": "date"}}},
        "description": "Field errors name time_zone, hours.mon[1], holidays[3] and hours (no working time at all)."},
    "SlaCalendarList": item_list("SlaCalendar"),
    "SlaTarget": {"type": "object", "properties": {
        "first_response_minutes": {"type": "integer", "minimum": 1},
        "resolution_minutes": {"type": "integer", "minimum": 1},
        "around_the_clock": {"type": "boolean", "description": "Measured 24x7 instead of in the calendar."}}},
    "SlaTargets": {"type": "object", "properties": {p: ref("SlaTarget") for p in ["P1", "P2", "P3", "P4"]}},
    "SlaPolicy": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "calendar_id": nullable("integer", description="null: every target is 24x7"),
        "targets": ref("SlaTargets"), "warning_per_mille": {"type": "integer"},
        "is_default": {"type": "boolean", "description": "The global default policy."},
        "created_at": TIME, "updated_at": TIME}},
    "SlaPolicyInput": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100}, "calendar_id": nullable("integer"),
        "targets": ref("SlaTargets"),
        "warning_per_mille": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 750},
        "is_default": {"type": "boolean"}},
        "description": "On create, targets for all four priorities are required."},
    "SlaPolicyList": item_list("SlaPolicy"),
    "ClientSlaPolicy": {"type": "object", "properties": {
        "client_id": {"type": "integer"}, "sla_policy_id": nullable("integer")}},
    "ClientSlaPolicyInput": {"type": "object", "required": ["sla_policy_id"],
                             "properties": {"sla_policy_id": nullable("integer")}},
    "SlaClock": {"type": "object", "properties": {
        "due_at": nullable("string", format="date-time", description="null while paused"),
        "warning_at": nullable("string", format="date-time"),
        "breached_at": nullable("string", format="date-time", description="Once recorded, it stays."),
        "business_minutes": nullable("integer", description="Business minutes taken, once the clock stopped.")}},
    "TicketSla": {"type": ["object", "null"], "description": "null when no SLA policy applies", "properties": {
        "state": SLA_STATE, "next_event_at": nullable("string", format="date-time"),
        "response": ref("SlaClock"), "resolution": ref("SlaClock")}},
    "ChecklistItem": {"type": "object", "properties": {
        "id": {"type": "integer"}, "text": {"type": "string"}, "done": {"type": "boolean"},
        "done_at": nullable("string", format="date-time"), "done_by_id": nullable("integer")}},
    "Ticket": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "integer", "description": "Human-friendly, unique, in order of creation."},
        "subject": {"type": "string"}, "description": {"type": "string"}, "client_id": {"type": "integer"},
        "site_id": nullable("integer"), "contact_id": nullable("integer"), "source": SOURCE, "type": TYPE,
        "priority": PRIORITY, "status_id": {"type": "integer"}, "status_category": CATEGORY,
        "queue_id": nullable("integer"), "assignee_id": nullable("integer"),
        "device_ids": {"type": "array", "items": {"type": "integer"}},
        "sla_policy_id": nullable("integer"), "merged_into_id": nullable("integer"),
        "schedule_id": nullable("integer"), "created_by_id": nullable("integer"),
        "created_at": TIME, "updated_at": TIME,
        "first_response_at": nullable("string", format="date-time"),
        "resolved_at": nullable("string", format="date-time"),
        "sla": ref("TicketSla"),
        "checklist": {"type": "array", "items": ref("ChecklistItem"),
                      "description": "Only when reading one ticket, not in lists."}}},
    "TicketInput": {"type": "object", "required": ["subject"], "properties": {
        "subject": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
        "client_id": {"type": "integer", "description": "Required for staff; portal users may leave it out."},
        "site_id": nullable("integer"), "contact_id": nullable("integer"), "source": SOURCE, "type": TYPE,
        "priority": PRIORITY, "status_id": {"type": "integer"}, "queue_id": nullable("integer"),
        "assignee_id": nullable("integer"), "device_ids": {"type": "array", "items": {"type": "integer"}},
        "sla_policy_id": nullable("integer", description="Default: the client's default policy, else the global one."),
        "checklist": {"type": "array", "items": {"type": "string"}},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "Admins only, for imports: when the ticket was really opened (at most 366 days back)."}},
        "description": "Portal users may send subject, description, client_id (their own), site_id, contact_id, type "
                       "and priority."},
    "TicketChange": {"type": "object", "properties": {
        "subject": {"type": "string"}, "description": {"type": "string"}, "site_id": nullable("integer"),
        "contact_id": nullable("integer"), "source": SOURCE, "type": TYPE, "priority": PRIORITY,
        "status_id": {"type": "integer"}, "queue_id": nullable("integer"), "assignee_id": nullable("integer"),
        "device_ids": {"type": "array", "items": {"type": "integer"}}, "sla_policy_id": nullable("integer")}},
    "TicketPage": page("Ticket"),
    "TicketList": item_list("Ticket"),
    "TicketBulkChange": {"type": "object", "required": ["ticket_ids"], "properties": {
        "ticket_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 200},
        "assignee_id": nullable("integer"), "status_id": {"type": "integer"}, "queue_id": nullable("integer"),
        "priority": PRIORITY},
        "description": "All or nothing: one bad ticket id or reference changes nothing."},
    "TicketMerge": {"type": "object", "required": ["into_ticket_id"],
                    "properties": {"into_ticket_id": {"type": "integer", "description": "The ticket to keep."}}},
    "TicketNote": {"type": "object", "properties": {
        "id": {"type": "integer"}, "ticket_id": {"type": "integer"}, "author_id": nullable("integer"),
        "author": {"type": "string"}, "by_staff": {"type": "boolean"},
        "visibility": {"type": "string", "enum": ["public", "internal"]}, "body": {"type": "string"},
        "created_at": TIME}},
    "TicketNoteInput": {"type": "object", "required": ["body"], "properties": {
        "body": {"type": "string"},
        "visibility": {"type": "string", "enum": ["public", "internal"],
                       "description": "Staff default: internal. Portal notes are always public."}}},
    "TicketNoteList": item_list("TicketNote"),
    "TimelineEvent": {"type": "object", "properties": {
        "id": {"type": "integer"}, "ticket_id": {"type": "integer"}, "at": TIME, "actor_id": nullable("integer"),
        "actor": {"type": "string"},
        "kind": {"type": "string", "description": "ticket.created, ticket.updated, ticket.status_changed, note.added, "
                 "sla.warning, sla.breached, ticket.merged, ticket.merged_into, checklist.item_added, "
                 "checklist.item_done, checklist.item_reopened"},
        "public": {"type": "boolean"}, "details": {"type": "object"}}},
    "TimelineEventList": item_list("TimelineEvent"),
    "ChecklistItemInput": {"type": "object", "required": ["text"],
                           "properties": {"text": {"type": "string", "maxLength": 500}}},
    "ChecklistItemChange": {"type": "object", "required": ["done"], "properties": {"done": {"type": "boolean"}}},
    "MaintenanceSchedule": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "client_id": {"type": "integer"},
        "site_id": nullable("integer"), "queue_id": nullable("integer"), "assignee_id": nullable("integer"),
        "priority": PRIORITY, "subject": {"type": "string"}, "description": {"type": "string"},
        "checklist": {"type": "array", "items": {"type": "string"}},
        "frequency": {"type": "string", "enum": ["daily", "weekly", "monthly_day", "monthly_weekday"]},
        "days": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
        "day_of_month": {"type": "integer"}, "week_of_month": {"type": "integer"}, "weekday": {"type": "string"},
        "time": {"type": "string"}, "time_zone": {"type": "string"}, "starts_on": {"type": "string", "format": "date"},
        "ends_on": nullable("string", format="date"), "active": {"type": "boolean"},
        "next_run_at": nullable("string", format="date-time"), "last_run_at": nullable("string", format="date-time"),
        "created_at": TIME, "updated_at": TIME}},
    "MaintenanceScheduleInput": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100}, "client_id": {"type": "integer", "description": "On create only."},
        "site_id": nullable("integer"), "queue_id": nullable("integer"), "assignee_id": nullable("integer"),
        "priority": PRIORITY, "subject": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
        "checklist": {"type": "array", "items": {"type": "string"}, "maxItems": 100},
        "frequency": {"type": "string", "enum": ["daily", "weekly", "monthly_day", "monthly_weekday"]},
        "days": {"type": "array", "items": {"type": "string"}, "description": "weekly: the weekdays"},
        "day_of_month": {"type": "integer", "minimum": 1, "maximum": 31,
                         "description": "monthly_day; a shorter month runs on its last day"},
        "week_of_month": {"type": "integer", "description": "monthly_weekday: 1-4, or -1 for the last"},
        "weekday": {"type": "string", "description": "monthly_weekday: mon ... sun"},
        "time": {"type": "string", "description": "Local HH:MM"},
        "time_zone": {"type": "string", "description": "IANA zone; default: the site's, else the provider's"},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": nullable("string", format="date"),
        "active": {"type": "boolean"}}},
    "MaintenanceSchedulePage": page("MaintenanceSchedule"),
    "ScheduleRuns": {"type": "object", "properties": {
        "schedule_id": {"type": "integer"}, "runs": {"type": "array", "items": TIME}}},
    "SlaClockSummary": {"type": "object", "properties": {
        "met": {"type": "integer"}, "breached": {"type": "integer"}, "pending": {"type": "integer"},
        "met_share": nullable("number", description="met / (met + breached)"),
        "median_business_minutes": nullable("integer"), "p90_business_minutes": nullable("integer")}},
    "SlaReportLine": {"type": "object", "properties": {
        "client_id": {"type": "integer"}, "month": {"type": "string"}, "priority": PRIORITY,
        "tickets": {"type": "integer"}, "first_response": ref("SlaClockSummary"),
        "resolution": ref("SlaClockSummary")}},
    "SlaReport": {"type": "object", "properties": {
        "from": {"type": "string"}, "to": {"type": "string"}, "time_zone": {"type": "string"},
        "lines": {"type": "array", "items": ref("SlaReportLine")}}},
}

TICKET_FILTERS = [
    query("q", "Full-text search over subject, description and notes (portal users: public notes only)."),
    query("client_id", "Only this client's tickets.", {"type": "integer"}),
    query("site_id", "Only this site's tickets.", {"type": "integer"}),
    query("category", "Status categories, comma-separated (new,open,waiting_on_client,waiting_on_vendor,resolved,closed)."),
    query("queue_id", "Only this queue.", {"type": "integer"}),
    query("assignee_id", "Only this assignee's tickets; \"none\" for unassigned ones."),
    query("priority", "Priorities, comma-separated (P1,P2)."),
    query("sla_state", "SLA states, comma-separated (ok,warning,breached,paused)."),
    query("due_before", "Resolution due strictly before this instant.", TIME),
    query("due_after", "Resolution due at or after this instant.", TIME),
]

PATHS = {
    "/api/v1/tickets": {
        "get": op("listTickets", "List tickets: filter, sort (number, created_at, updated_at, priority, "
                  "resolution_due_at, response_due_at; default -number) and page. Portal users see their client's only.",
                  EVERYONE, "TicketPage", params=PAGING + TICKET_FILTERS),
        "post": op("createTicket", "Open a ticket; its SLA due times are computed and stored.", OPENERS, "Ticket",
                   status="201", body="TicketInput"),
    },
    "/api/v1/tickets/bulk": {
        "post": op("bulkChangeTickets", "Assign, move or re-prioritise many tickets at once (all or nothing).",
                   WORKERS, "TicketList", body="TicketBulkChange"),
    },
    "/api/v1/tickets/{id}": {
        "get": op("getTicket", "Read a ticket with its checklist (404 for one of another client).", EVERYONE, "Ticket",
                  params=[id_param()]),
        "patch": op("changeTicket", "Change a ticket; status, priority and policy changes recompute the SLA clocks.",
                    WORKERS, "Ticket", params=[id_param()], body="TicketChange"),
    },
    "/api/v1/tickets/{id}/notes": {
        "get": op("listTicketNotes", "Read a ticket's notes, oldest first (portal users: public notes only).",
                  EVERYONE, "TicketNoteList", params=[id_param()] + AFTER_LIMIT),
        "post": op("addTicketNote", "Add a note; the first public note by staff is the first response.",
                   NOTE_WRITERS, "TicketNote", status="201", params=[id_param()], body="TicketNoteInput"),
    },
    "/api/v1/tickets/{id}/timeline": {
        "get": op("getTicketTimeline", "Read a ticket's timeline: every change, who and when (portal users: public "
                  "entries only).", EVERYONE, "TimelineEventList", params=[id_param()] + AFTER_LIMIT),
    },
    "/api/v1/tickets/{id}/merge": {
        "post": op("mergeTicket", "Merge this duplicate into another ticket of the same client; returns the ticket kept.",
                   WORKERS, "Ticket", params=[id_param()], body="TicketMerge"),
    },
    "/api/v1/tickets/{id}/checklist": {
        "post": op("addChecklistItem", "Add a checklist item.", WORKERS, "Ticket", status="201", params=[id_param()],
                   body="ChecklistItemInput"),
    },
    "/api/v1/tickets/{id}/checklist/{item_id}": {
        "patch": op("setChecklistItem", "Tick a checklist item off, or on again.", WORKERS, "Ticket",
                    params=[id_param(), id_param("item_id")], body="ChecklistItemChange"),
    },
    "/api/v1/ticket-statuses": {
        "get": op("listTicketStatuses", "List ticket statuses.", EVERYONE, "TicketStatusList"),
        "post": op("createTicketStatus", "Create a ticket status.", ADMIN, "TicketStatus", status="201",
                   body="TicketStatusInput"),
    },
    "/api/v1/ticket-statuses/{id}": {
        "get": op("getTicketStatus", "Read a ticket status.", EVERYONE, "TicketStatus", params=[id_param()]),
        "patch": op("changeTicketStatus", "Change a ticket status.", ADMIN, "TicketStatus", params=[id_param()],
                    body="TicketStatusInput"),
    },
    "/api/v1/queues": {
        "get": op("listQueues", "List queues.", STAFF, "QueueList"),
        "post": op("createQueue", "Create a queue.", ADMIN, "Queue", status="201", body="QueueInput"),
    },
    "/api/v1/queues/{id}": {
        "get": op("getQueue", "Read a queue.", STAFF, "Queue", params=[id_param()]),
        "patch": op("changeQueue", "Change a queue.", ADMIN, "Queue", params=[id_param()], body="QueueInput"),
    },
    "/api/v1/sla-calendars": {
        "get": op("listSlaCalendars", "List SLA calendars.", STAFF, "SlaCalendarList"),
        "post": op("createSlaCalendar", "Create an SLA calendar (validated field by field).", ADMIN, "SlaCalendar",
                   status="201", body="SlaCalendarInput"),
    },
    "/api/v1/sla-calendars/{id}": {
        "get": op("getSlaCalendar", "Read an SLA calendar.", STAFF, "SlaCalendar", params=[id_param()]),
        "patch": op("changeSlaCalendar", "Change an SLA calendar; open tickets measured in it are rescheduled.",
                    ADMIN, "SlaCalendar", params=[id_param()], body="SlaCalendarInput"),
    },
    "/api/v1/sla-policies": {
        "get": op("listSlaPolicies", "List SLA policies.", STAFF, "SlaPolicyList"),
        "post": op("createSlaPolicy", "Create an SLA policy.", ADMIN, "SlaPolicy", status="201",
                   body="SlaPolicyInput"),
    },
    "/api/v1/sla-policies/{id}": {
        "get": op("getSlaPolicy", "Read an SLA policy.", STAFF, "SlaPolicy", params=[id_param()]),
        "patch": op("changeSlaPolicy", "Change an SLA policy (applies to terms set afterwards).", ADMIN, "SlaPolicy",
                    params=[id_param()], body="SlaPolicyInput"),
    },
    "/api/v1/clients/{id}/sla-policy": {
        "get": op("getClientSlaPolicy", "Read a client's default SLA policy.", STAFF, "ClientSlaPolicy",
                  params=[id_param()]),
        "put": op("setClientSlaPolicy", "Set (or with null remove) a client's default SLA policy.", ADMIN,
                  "ClientSlaPolicy", params=[id_param()], body="ClientSlaPolicyInput"),
    },
    "/api/v1/maintenance-schedules": {
        "get": op("listMaintenanceSchedules", "List maintenance schedules (sort: name, created_at, next_run_at).",
                  STAFF, "MaintenanceSchedulePage",
                  params=PAGING + [query("q", "Matches the name."),
                                   query("client_id", "Only this client's schedules.", {"type": "integer"})]),
        "post": op("createMaintenanceSchedule", "Create a maintenance schedule.", WORKERS, "MaintenanceSchedule",
                   status="201", body="MaintenanceScheduleInput"),
    },
    "/api/v1/maintenance-schedules/{id}": {
        "get": op("getMaintenanceSchedule", "Read a maintenance schedule.", STAFF, "MaintenanceSchedule",
                  params=[id_param()]),
        "patch": op("changeMaintenanceSchedule", "Change a maintenance schedule.", WORKERS, "MaintenanceSchedule",
                    params=[id_param()], body="MaintenanceScheduleInput"),
    },
    "/api/v1/maintenance-schedules/{id}/next-runs": {
        "get": op("listScheduleRuns", "List a schedule's next runs.", STAFF, "ScheduleRuns",
                  params=[id_param(), query("count", "How many, 1-100 (default 10).",
                                            {"type": "integer", "minimum": 1, "maximum": 100})]),
    },
    "/api/v1/maintenance-schedules/{id}/run": {
        "post": op("runMaintenanceSchedule", "Create the schedule's ticket now (the next run is unchanged).", WORKERS,
                   "Ticket", status="201", params=[id_param()]),
    },
    "/api/v1/reports/sla": {
        "get": op("getSlaReport", "SLA compliance per client, priority and month of creation: share met/breached, "
                  "median and p90 business minutes.", STAFF, "SlaReport",
                  params=[query("from", "First month, YYYY-MM (default: 11 months before `to`)."),
                          query("to", "Last month, YYYY-MM (default: this month)."),
                          query("client_id", "Only this client.", {"type": "integer"}),
                          query("time_zone", "Zone of the months (default: the provider's).")]),
    },
}


def main():
    doc = json.loads(PATH.read_text())
    doc.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for path, operations in PATHS.items():
        existing = doc["paths"].setdefault(path, {})
        existing.update(operations)
    PATH.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
