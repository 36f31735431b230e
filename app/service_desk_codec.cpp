#include "app/service_desk_codec.h"

#include <algorithm>

#include "app/json_codec.h"

namespace tend {

using nlohmann::json;

namespace {

json id_or_null(int64_t id) { return id > 0 ? json(id) : json(nullptr); }

json instant_or_null(const std::optional<Instant>& t) { return to_json(t); }

// Reads an enum field through `parse`; a bad value is a field error.
template <class Enum, class Parse>
void read_enum(const json& body, JsonReader& r, FieldErrors& errors, std::string_view key, Enum& out, Parse parse) {
  auto it = body.find(std::string(key));
  if (it == body.end()) return;
  if (!it->is_string()) {
    errors.add(r.path(key), "must be a string");
    return;
  }
  auto parsed = parse(it->get<std::string>());
  if (!parsed) errors.add(r.path(key), parsed.error().message);
  else out = *parsed;
}

void read_priority(const json& body, JsonReader& r, FieldErrors& errors, Priority& out) {
  read_enum(body, r, errors, "priority", out, [](std::string_view t) { return parse_priority(t); });
}

// A JSON array of strings; type problems are field errors "key[i]".
void read_string_list(const json& body, FieldErrors& errors, const std::string& key, std::vector<std::string>& out) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (it->is_null()) {
    out.clear();
    return;
  }
  if (!it->is_array()) {
    errors.add(key, "must be a list of strings");
    return;
  }
  out.clear();
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) errors.add(key + "[" + std::to_string(i) + "]", "must be a string");
    else out.push_back((*it)[i].get<std::string>());
  }
}

json recurrence_fields(const RecurrenceSpec& r) {
  return {{"frequency", r.frequency}, {"days", r.days},       {"day_of_month", r.day_of_month},
          {"week_of_month", r.week_of_month}, {"weekday", r.weekday}, {"time", r.time},
          {"time_zone", r.time_zone}, {"starts_on", r.starts_on},
          {"ends_on", r.ends_on.empty() ? json(nullptr) : json(r.ends_on)}};
}

json clock_json(std::optional<Instant> due, std::optional<Instant> warning, std::optional<Instant> breached,
                std::optional<int64_t> business_ms) {
  return {{"due_at", instant_or_null(due)},
          {"warning_at", instant_or_null(warning)},
          {"breached_at", instant_or_null(breached)},
          {"business_minutes", business_ms ? json(*business_ms / 60'000) : json(nullptr)}};
}

}  // namespace

json to_json(const TicketStatus& s) {
  return {{"id", s.id.value()},
          {"name", s.name},
          {"category", to_string(s.category)},
          {"pauses_sla", s.pauses_sla},
          {"position", s.position},
          {"is_default", s.is_default},
          {"active", s.active},
          {"created_at", format_rfc3339(s.created_at)},
          {"updated_at", format_rfc3339(s.updated_at)}};
}

json to_json(const Queue& q) {
  return {{"id", q.id.value()},
          {"name", q.name},
          {"description", q.description},
          {"active", q.active},
          {"created_at", format_rfc3339(q.created_at)},
          {"updated_at", format_rfc3339(q.updated_at)}};
}

json to_json(const SlaCalendarRecord& c) {
  json hours = json::object();
  for (const auto& [day, windows] : c.spec.hours) {
    json list = json::array();
    for (const auto& [start, end] : windows) list.push_back({start, end});
    hours[day] = list;
  }
  return {{"id", c.id.value()},
          {"name", c.name},
          {"time_zone", c.spec.time_zone},
          {"hours", hours},
          {"holidays", c.spec.holidays},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)}};
}

json to_json(const SlaPolicyRecord& p) {
  json targets = json::object();
  for (size_t i = 0; i < p.targets.size(); ++i) {
    targets[to_string(static_cast<Priority>(i))] = {{"first_response_minutes", p.targets[i].first_response_minutes},
                                                    {"resolution_minutes", p.targets[i].resolution_minutes},
                                                    {"around_the_clock", p.targets[i].around_the_clock}};
  }
  return {{"id", p.id.value()},
          {"name", p.name},
          {"calendar_id", id_or_null(p.calendar_id.value())},
          {"targets", targets},
          {"warning_per_mille", p.warning_per_mille},
          {"is_default", p.is_default},
          {"created_at", format_rfc3339(p.created_at)},
          {"updated_at", format_rfc3339(p.updated_at)}};
}

json to_json(const TicketSla& s) {
  if (!s.state) return nullptr;
  return {{"state", to_string(*s.state)},
          {"next_event_at", instant_or_null(s.next_event_at)},
          {"response", clock_json(s.response_due_at, s.response_warning_at, s.response_breached_at,
                                  s.response_business_ms)},
          {"resolution", clock_json(s.resolution_due_at, s.resolution_warning_at, s.resolution_breached_at,
                                    s.resolution_business_ms)}};
}

json to_json(const ChecklistItem& item) {
  return {{"id", item.id.value()},
          {"text", item.text},
          {"done", item.done()},
          {"done_at", instant_or_null(item.done_at)},
          {"done_by_id", id_or_null(item.done_by_id.value())}};
}

json to_json(const Ticket& t, bool with_checklist) {
  json devices = json::array();
  for (DeviceId d : t.device_ids) devices.push_back(d.value());
  json out = {{"id", t.id.value()},
              {"number", t.number},
              {"subject", t.subject},
              {"description", t.description},
              {"client_id", t.client_id.value()},
              {"site_id", id_or_null(t.site_id.value())},
              {"contact_id", id_or_null(t.contact_id.value())},
              {"source", to_string(t.source)},
              {"type", to_string(t.type)},
              {"priority", to_string(t.priority)},
              {"status_id", t.status_id.value()},
              {"status_category", to_string(t.status_category)},
              {"queue_id", id_or_null(t.queue_id.value())},
              {"assignee_id", id_or_null(t.assignee_id.value())},
              {"device_ids", devices},
              {"sla_policy_id", id_or_null(t.sla_policy_id.value())},
              {"merged_into_id", id_or_null(t.merged_into_id.value())},
              {"schedule_id", id_or_null(t.schedule_id.value())},
              {"created_by_id", id_or_null(t.created_by_id.value())},
              {"created_at", format_rfc3339(t.created_at)},
              {"updated_at", format_rfc3339(t.updated_at)},
              {"first_response_at", instant_or_null(t.first_response_at)},
              {"resolved_at", instant_or_null(t.resolved_at)},
              {"sla", to_json(t.sla)}};
  if (with_checklist) {
    json items = json::array();
    for (const auto& item : t.checklist) items.push_back(to_json(item));
    out["checklist"] = items;
  }
  return out;
}

json to_json(const TicketNote& n) {
  return {{"id", n.id.value()},
          {"ticket_id", n.ticket_id.value()},
          {"author_id", id_or_null(n.author_id.value())},
          {"author", n.author},
          {"by_staff", n.by_staff},
          {"visibility", to_string(n.visibility)},
          {"body", n.body},
          {"created_at", format_rfc3339(n.created_at)}};
}

json to_json(const TimelineEvent& e) {
  return {{"id", e.id},
          {"ticket_id", e.ticket_id.value()},
          {"at", format_rfc3339(e.at)},
          {"actor_id", id_or_null(e.actor_id.value())},
          {"actor", e.actor},
          {"kind", e.kind},
          {"public", e.is_public},
          {"details", json::parse(e.details, nullptr, false)}};
}

json to_json(const MaintenanceSchedule& s) {
  json out = {{"id", s.id.value()},
              {"name", s.name},
              {"client_id", s.client_id.value()},
              {"site_id", id_or_null(s.site_id.value())},
              {"queue_id", id_or_null(s.queue_id.value())},
              {"assignee_id", id_or_null(s.assignee_id.value())},
              {"priority", to_string(s.priority)},
              {"subject", s.subject},
              {"description", s.description},
              {"checklist", s.checklist},
              {"active", s.active},
              {"next_run_at", instant_or_null(s.next_run_at)},
              {"last_run_at", instant_or_null(s.last_run_at)},
              {"created_at", format_rfc3339(s.created_at)},
              {"updated_at", format_rfc3339(s.updated_at)}};
  out.update(recurrence_fields(s.recurrence));
  return out;
}

json to_json(const SlaReportLine& line) {
  auto clock = [](const SlaClockSummary& c) {
    return json{{"met", c.met},
                {"breached", c.breached},
                {"pending", c.pending},
                {"met_share", c.met_share ? json(*c.met_share) : json(nullptr)},
                {"median_business_minutes", c.median_minutes ? json(*c.median_minutes) : json(nullptr)},
                {"p90_business_minutes", c.p90_minutes ? json(*c.p90_minutes) : json(nullptr)}};
  };
  return {{"client_id", line.client_id.value()},
          {"month", line.month},
          {"priority", to_string(line.priority)},
          {"tickets", line.tickets},
          {"first_response", clock(line.response)},
          {"resolution", clock(line.resolution)}};
}

// ---- readers ---------------------------------------------------------------------

Status apply_json(TicketStatus& s, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "category", "pauses_sla", "position", "is_default", "active"}, {"id", "created_at", "updated_at"});
  r.text("name", s.name);
  read_enum(body, r, errors, "category", s.category, [](std::string_view t) { return parse_status_category(t); });
  r.boolean("pauses_sla", s.pauses_sla);
  r.integer("position", s.position);
  r.boolean("is_default", s.is_default);
  r.boolean("active", s.active);
  TEND_CHECK(std::move(errors).status());
  return validate(s);
}

Status apply_json(Queue& q, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "description", "active"}, {"id", "created_at", "updated_at"});
  r.text("name", q.name);
  r.text("description", q.description);
  r.boolean("active", q.active);
  TEND_CHECK(std::move(errors).status());
  return validate(q);
}

Status apply_json(SlaCalendarRecord& c, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "time_zone", "hours", "holidays"}, {"id", "created_at", "updated_at"});
  r.text("name", c.name);
  r.text("time_zone", c.spec.time_zone);
  if (auto it = body.find("hours"); it != body.end()) {
    if (!it->is_object()) {
      errors.add("hours", "must be an object keyed by weekday (\"mon\" ... \"sun\")");
    } else {
      c.spec.hours.clear();
      for (const auto& [day, windows] : it->items()) {
        auto& list = c.spec.hours[day];
        if (!windows.is_array()) {
          errors.add("hours." + day, "must be a list of [\"HH:MM\", \"HH:MM\"] windows");
          continue;
        }
        for (size_t i = 0; i < windows.size(); ++i) {
          const json& w = windows[i];
          if (!w.is_array() || w.size() != 2 || !w[0].is_string() || !w[1].is_string()) {
            errors.add("hours." + day + "[" + std::to_string(i) + "]",
                       "must be a pair of times [\"HH:MM\", \"HH:MM\"]");
            list.push_back({"", ""});
            continue;
          }
          list.push_back({w[0].get<std::string>(), w[1].get<std::string>()});
        }
      }
    }
  }
  read_string_list(body, errors, "holidays", c.spec.holidays);
  TEND_CHECK(std::move(errors).status());
  return validate(c);
}

Status apply_json(SlaPolicyRecord& p, const json& body, bool creating) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "calendar_id", "targets", "warning_per_mille", "is_default"}, {"id", "created_at", "updated_at"});
  r.text("name", p.name);
  r.id("calendar_id", p.calendar_id);
  r.integer("warning_per_mille", p.warning_per_mille);
  r.boolean("is_default", p.is_default);
  if (creating && !r.has("targets")) errors.add("targets", "is required: targets for P1, P2, P3 and P4");
  r.object("targets", [&](JsonReader& targets) {
    targets.only({"P1", "P2", "P3", "P4"});
    for (size_t i = 0; i < p.targets.size(); ++i) {
      std::string key = to_string(static_cast<Priority>(i));
      if (creating && !targets.has(key)) errors.add(targets.path(key), "is required");
      targets.object(key, [&](JsonReader& t) {
        t.only({"first_response_minutes", "resolution_minutes", "around_the_clock"});
        if (creating && !t.has("first_response_minutes")) errors.add(t.path("first_response_minutes"), "is required");
        if (creating && !t.has("resolution_minutes")) errors.add(t.path("resolution_minutes"), "is required");
        t.integer64("first_response_minutes", p.targets[i].first_response_minutes);
        t.integer64("resolution_minutes", p.targets[i].resolution_minutes);
        t.boolean("around_the_clock", p.targets[i].around_the_clock);
      });
    }
  });
  TEND_CHECK(std::move(errors).status());
  return validate(p);
}

Status apply_json(MaintenanceSchedule& s, const json& body, bool creating) {
  FieldErrors errors;
  JsonReader r(body, errors);
  std::initializer_list<std::string_view> read_only = {"id", "next_run_at", "last_run_at", "created_at",
                                                       "updated_at"};
  if (creating) {
    r.only({"name", "client_id", "site_id", "queue_id", "assignee_id", "priority", "subject", "description",
            "checklist", "frequency", "days", "day_of_month", "week_of_month", "weekday", "time", "time_zone",
            "starts_on", "ends_on", "active"},
           read_only);
    r.id("client_id", s.client_id);
  } else {
    r.only({"name", "site_id", "queue_id", "assignee_id", "priority", "subject", "description", "checklist",
            "frequency", "days", "day_of_month", "week_of_month", "weekday", "time", "time_zone", "starts_on",
            "ends_on", "active"},
           {"id", "client_id", "next_run_at", "last_run_at", "created_at", "updated_at"});
  }
  r.text("name", s.name);
  r.id("site_id", s.site_id);
  r.id("queue_id", s.queue_id);
  r.id("assignee_id", s.assignee_id);
  read_priority(body, r, errors, s.priority);
  r.text("subject", s.subject);
  r.text("description", s.description);
  read_string_list(body, errors, "checklist", s.checklist);
  r.text("frequency", s.recurrence.frequency);
  read_string_list(body, errors, "days", s.recurrence.days);
  r.integer("day_of_month", s.recurrence.day_of_month);
  r.integer("week_of_month", s.recurrence.week_of_month);
  r.text("weekday", s.recurrence.weekday);
  r.text("time", s.recurrence.time);
  r.text("time_zone", s.recurrence.time_zone);
  r.text("starts_on", s.recurrence.starts_on);
  r.text("ends_on", s.recurrence.ends_on);
  r.boolean("active", s.active);
  TEND_CHECK(std::move(errors).status());
  return validate(s);
}

Status apply_json(Ticket& t, const json& body, TicketInput mode, std::optional<Instant>* created_at) {
  FieldErrors errors;
  JsonReader r(body, errors);
  std::initializer_list<std::string_view> always_read_only = {
      "id",         "number",         "status_category", "merged_into_id", "schedule_id", "created_by_id",
      "updated_at", "first_response_at", "resolved_at",  "sla"};
  switch (mode) {
    case TicketInput::create:
      r.only({"subject", "description", "client_id", "site_id", "contact_id", "source", "type", "priority",
              "status_id", "queue_id", "assignee_id", "device_ids", "sla_policy_id", "checklist", "created_at"},
             always_read_only);
      break;
    case TicketInput::portal_create:
      // Everything else is the provider's to decide; say so rather than
      // calling the field unknown.
      for (auto it = body.begin(); it != body.end(); ++it) {
        static constexpr std::string_view kPortal[] = {"subject",    "description", "client_id", "site_id",
                                                       "contact_id", "type",        "priority"};
        bool allowed = std::find(std::begin(kPortal), std::end(kPortal), it.key()) != std::end(kPortal);
        if (!allowed) errors.add(it.key(), "cannot be set from the portal");
      }
      break;
    case TicketInput::update:
      r.only({"subject", "description", "site_id", "contact_id", "source", "type", "priority", "status_id",
              "queue_id", "assignee_id", "device_ids", "sla_policy_id"},
             {"id", "number", "status_category", "merged_into_id", "schedule_id", "created_by_id", "updated_at",
              "first_response_at", "resolved_at", "sla", "client_id", "checklist", "created_at"});
      break;
  }
  r.text("subject", t.subject);
  r.text("description", t.description);
  if (mode != TicketInput::update) r.id("client_id", t.client_id);
  r.id("site_id", t.site_id);
  r.id("contact_id", t.contact_id);
  read_enum(body, r, errors, "source", t.source, [](std::string_view v) { return parse_ticket_source(v); });
  read_enum(body, r, errors, "type", t.type, [](std::string_view v) { return parse_ticket_type(v); });
  read_priority(body, r, errors, t.priority);
  if (r.has("status_id") && body.at("status_id").is_null()) {
    errors.add("status_id", "every ticket has a status; name one");
  } else {
    r.id("status_id", t.status_id);
  }
  r.id("queue_id", t.queue_id);
  r.id("assignee_id", t.assignee_id);
  r.id("sla_policy_id", t.sla_policy_id);
  if (auto it = body.find("device_ids"); it != body.end()) {
    if (it->is_null()) {
      t.device_ids.clear();
    } else if (!it->is_array()) {
      errors.add("device_ids", "must be a list of device ids");
    } else {
      t.device_ids.clear();
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_number_integer()) errors.add("device_ids[" + std::to_string(i) + "]", "must be an id");
        else t.device_ids.push_back(DeviceId((*it)[i].get<int64_t>()));
      }
    }
  }
  if (mode == TicketInput::create) {
    std::vector<std::string> items;
    read_string_list(body, errors, "checklist", items);
    for (auto& text : items) t.checklist.push_back({ChecklistItemId(), std::move(text), std::nullopt, UserId()});
    if (created_at) r.instant("created_at", *created_at);
  }
  TEND_CHECK(std::move(errors).status());
  return validate(t);
}

}  // namespace tend
