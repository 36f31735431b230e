// The service desk part of `tend demo seed`: an office calendar with the
// Dutch public holidays of 2026-2027, SLA policies, queues, maintenance
// schedules and a few dozen tickets in varied states, some near breach.
#include "cli/demo_service_desk.h"

#include <map>

#include "app/system_clock.h"
#include "cli/exit_codes.h"

namespace tend::cli {
namespace {

using nlohmann::json;

// Europe/Amsterdam, Monday-Friday 08:30-17:00, and the Dutch public holidays
// (nieuwjaarsdag, Goede Vrijdag, Pasen, Koningsdag, Bevrijdingsdag,
// Hemelvaart, Pinksteren, Kerst) of 2026 and 2027.
json office_calendar() {
  json hours = json::object();
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) hours[day] = json::array({json::array({"08:30", "17:00"})});
  return {{"name", "Kantoortijden NL"},
          {"time_zone", "Europe/Amsterdam"},
          {"hours", hours},
          {"holidays", {"2026-01-01", "2026-04-03", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05",
                        "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26", "2027-01-01",
                        "2027-03-26", "2027-03-28", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06",
                        "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26"}}};
}

json targets(std::initializer_list<std::array<int64_t, 3>> rows) {
  json out = json::object();
  const char* names[] = {"P1", "P2", "P3", "P4"};
  size_t i = 0;
  for (const auto& row : rows) {
    out[names[i++]] = {{"first_response_minutes", row[0]}, {"resolution_minutes", row[1]},
                       {"around_the_clock", row[2] != 0}};
  }
  return out;
}

// One demo ticket: created `minutes_ago` (admins may backdate, as for an
// import), then moved to `status` with an optional public reply and
// internal note.
struct DemoTicket {
  const char* client;
  const char* subject;
  const char* priority;
  int minutes_ago;
  const char* status;  // a status name
  const char* assignee = "";  // e-mail of a technician
  const char* reply = "";     // public note by staff (the first response)
  const char* note = "";      // internal note
  const char* queue = "Service desk";
  const char* type = "incident";
  const char* source = "phone";
};

std::vector<DemoTicket> demo_tickets() {
  return {
      // Near breach: 24x7 P1s whose response clock is in its warning share.
      {"Van Dijk Advocaten", "Mail server unreachable from both offices", "P1", 25, "New", "mo@vos-it.nl", "", "",
       "Service desk", "incident", "phone"},
      {"Tandartspraktijk De Molen", "X-ray workstation does not start", "P1", 26, "New", "", "", "",
       "Service desk", "incident", "phone"},
      {"Garage Peters", "Cash register cannot reach the payment terminal", "P1", 52, "In progress", "sanne@vos-it.nl",
       "", "Terminal vendor contacted by phone.", "Service desk", "incident", "phone"},
      // Breached: nobody answered in time.
      {"Huisartsenpraktijk Zuid", "Patient portal shows certificate error", "P1", 300, "In progress",
       "mo@vos-it.nl", "", "Certificate expired last night; renewing.", "Service desk", "incident", "email"},
      {"Bakkerij Jansen", "Laptop slow and showing pop-ups", "P2", 2900, "In progress", "sanne@vos-it.nl",
       "We will clean the laptop remotely this afternoon.", "Adware found (3 browser extensions).", "Service desk",
       "incident", "phone"},
      {"Müller Logistik GmbH", "Scanner in warehouse drops Wi-Fi", "P2", 4400, "Waiting on vendor", "mo@vos-it.nl",
       "We have asked the manufacturer for a firmware fix.", "Known issue with firmware 2.1.", "Service desk",
       "incident", "email"},
      // Running fine.
      {"Tandartspraktijk De Molen", "New employee starts Monday: account and laptop", "P3", 120, "In progress",
       "sanne@vos-it.nl", "We will prepare the account and the laptop.", "", "Projecten", "request", "email"},
      {"Van Dijk Advocaten", "Add Utrecht office printer to all laptops", "P3", 60, "New", "", "", "", "Service desk",
       "request", "portal"},
      {"Architectenbureau Lijn & Vorm", "Large CAD files sync slowly to the NAS", "P3", 240, "In progress",
       "mo@vos-it.nl", "Looking into the network share now.", "Switch port negotiates 100 Mbit.", "Service desk",
       "incident", "phone"},
      {"Bloemenhandel Flora", "Webshop order e-mails land in spam", "P3", 90, "New", "", "", "", "Service desk",
       "incident", "email"},
      {"Garage Peters", "Quote for two new workstations", "P4", 600, "In progress", "sanne@vos-it.nl",
       "Quote follows tomorrow.", "", "Projecten", "request", "email"},
      {"Huisartsenpraktijk Zuid", "Backup job warning on file server", "P2", 35, "New", "", "", "", "Monitoring",
       "alert", "alert"},
      {"Müller Logistik GmbH", "Disk C: on LAGER-SRV01 above 90%", "P2", 15, "New", "mo@vos-it.nl", "", "",
       "Monitoring", "alert", "alert"},
      {"Van Dijk Advocaten", "VPN disconnects every hour for one user", "P3", 1500, "In progress", "mo@vos-it.nl",
       "Could you send us the VPN log of the laptop?", "", "Service desk", "incident", "phone"},
      {"Bakkerij Jansen", "Receipt printer prints blank lines", "P3", 30, "New", "", "", "", "Service desk",
       "incident", "portal"},
      {"Tandartspraktijk De Molen", "Calendar invites arrive twice", "P4", 400, "In progress", "sanne@vos-it.nl",
       "We found the duplicate rule and are testing the fix.", "", "Service desk", "incident", "email"},
      // Paused: waiting on the client.
      {"Architectenbureau Lijn & Vorm", "Licence renewal for the CAD software", "P3", 150, "Waiting on client",
       "sanne@vos-it.nl", "Could you confirm the number of seats for next year?", "", "Service desk", "request",
       "email"},
      {"Huisartsenpraktijk Zuid", "Second screen for the reception desk", "P4", 300, "Waiting on client",
       "mo@vos-it.nl", "Which screen size would you like?", "", "Projecten", "request", "phone"},
      {"Garage Peters", "Password reset for the planning tool", "P3", 45, "Waiting on client", "sanne@vos-it.nl",
       "We have sent a reset link; please let us know once you are in.", "", "Service desk", "request", "phone"},
      // Done.
      {"Bakkerij Jansen", "Replace slow disk with an SSD", "P3", 5000, "Resolved", "sanne@vos-it.nl",
       "The SSD is installed and your data is back.", "Samsung 870 EVO 500 GB from stock.", "Service desk",
       "request", "phone"},
      {"Tandartspraktijk De Molen", "Printer in room 2 offline", "P3", 3500, "Closed", "mo@vos-it.nl",
       "The printer had a new IP address; fixed.", "", "Service desk", "incident", "phone"},
      {"Van Dijk Advocaten", "Set up MFA for the partners", "P2", 4200, "Closed", "mo@vos-it.nl",
       "MFA is active for all partners.", "", "Projecten", "request", "email"},
      {"Müller Logistik GmbH", "Label printer driver after Windows update", "P3", 180, "Resolved", "sanne@vos-it.nl",
       "The driver has been rolled back and updates paused for it.", "", "Service desk", "incident", "email"},
      {"Huisartsenpraktijk Zuid", "Phone system voicemail to e-mail", "P4", 240, "Closed", "mo@vos-it.nl",
       "Voicemail now arrives as e-mail.", "", "Service desk", "request", "phone"},
      {"Bloemenhandel Flora", "Card terminal update", "P3", 100, "Resolved", "sanne@vos-it.nl",
       "Terminal updated, test payment OK.", "", "Service desk", "request", "phone"},
      {"Garage Peters", "Wi-Fi for customers in the waiting room", "P4", 350, "Closed", "sanne@vos-it.nl",
       "Guest network is live.", "", "Projecten", "request", "email"},
      {"Architectenbureau Lijn & Vorm", "Outlook keeps asking for the password", "P3", 60, "Resolved",
       "mo@vos-it.nl", "The stored credentials were reset; please restart Outlook.", "", "Service desk", "incident",
       "portal"},
      {"Tandartspraktijk De Molen", "Nightly backup failed once", "P2", 50, "Resolved", "mo@vos-it.nl",
       "The backup ran again successfully.", "Tape drive busy; rescheduled.", "Monitoring", "alert", "alert"},
      {"Van Dijk Advocaten", "Scan to e-mail broken on copier", "P3", 200, "Resolved", "sanne@vos-it.nl",
       "SMTP settings on the copier updated.", "", "Service desk", "incident", "phone"},
      {"Huisartsenpraktijk Zuid", "Slow login on reception PC", "P3", 2200, "In progress", "sanne@vos-it.nl",
       "We are checking the startup programs.", "", "Service desk", "incident", "phone"},
      {"Müller Logistik GmbH", "Order new toner for the office printer", "P4", 100, "New", "", "", "", "Service desk",
       "request", "email"},
      {"Bakkerij Jansen", "Pop-ups again on the shop laptop", "P3", 40, "New", "", "", "", "Service desk", "incident",
       "portal"},
  };
}

}  // namespace

int seed_service_desk(ApiClient& api, DemoDeskSummary& summary) {
  auto call = [&](const char* method, const std::string& path, const json& body) -> ReplyOutcome {
    return check_reply(api.call(method, path, body.is_null() ? "" : body.dump()));
  };
  auto id_map = [&](const std::string& path, const char* key) -> std::map<std::string, int64_t> {
    std::map<std::string, int64_t> out;
    auto reply = call("GET", path, nullptr);
    if (reply.exit_code == kOk) {
      for (const auto& item : reply.body["items"]) out[item[key].get<std::string>()] = item["id"];
    }
    return out;
  };
  auto clients = id_map("/api/v1/clients?limit=200", "name");
  auto statuses = id_map("/api/v1/ticket-statuses", "name");
  auto technicians = id_map("/api/v1/users?role=technician&limit=200", "email");

  auto calendar = call("POST", "/api/v1/sla-calendars", office_calendar());
  if (calendar.exit_code != kOk) return calendar.exit_code;
  int64_t calendar_id = calendar.body["id"];
  auto managed = call("POST", "/api/v1/sla-policies",
                      {{"name", "Managed services 8x5, P1 24x7"},
                       {"calendar_id", calendar_id},
                       {"targets", targets({{30, 240, 1}, {60, 480, 0}, {240, 1350, 0}, {480, 2700, 0}})}});
  if (managed.exit_code != kOk) return managed.exit_code;
  auto standard = call("POST", "/api/v1/sla-policies",
                       {{"name", "Break/fix standaard"},
                        {"calendar_id", calendar_id},
                        {"targets", targets({{60, 480, 1}, {120, 960, 0}, {480, 2700, 0}, {960, 4500, 0}})},
                        {"is_default", true}});
  if (standard.exit_code != kOk) return standard.exit_code;
  summary.policies = 2;
  for (const char* name : {"Tandartspraktijk De Molen", "Van Dijk Advocaten", "Huisartsenpraktijk Zuid",
                           "Müller Logistik GmbH"}) {
    auto set = call("PUT", "/api/v1/clients/" + std::to_string(clients[name]) + "/sla-policy",
                    {{"sla_policy_id", managed.body["id"]}});
    if (set.exit_code != kOk) return set.exit_code;
  }
  std::map<std::string, int64_t> queues = id_map("/api/v1/queues", "name");
  for (const char* name : {"Projecten", "Monitoring"}) {
    auto q = call("POST", "/api/v1/queues", {{"name", name}});
    if (q.exit_code != kOk) return q.exit_code;
    queues[name] = q.body["id"];
  }

  const Instant now = SystemClock().now();
  std::vector<int64_t> ticket_ids;
  for (const auto& d : demo_tickets()) {
    json body = {{"subject", d.subject},
                 {"client_id", clients[d.client]},
                 {"priority", d.priority},
                 {"type", d.type},
                 {"source", d.source},
                 {"queue_id", queues[d.queue]},
                 {"created_at", format_rfc3339(now - std::chrono::minutes(d.minutes_ago))}};
    if (*d.assignee) body["assignee_id"] = technicians[d.assignee];
    auto created = call("POST", "/api/v1/tickets", body);
    if (created.exit_code != kOk) return created.exit_code;
    std::string path = "/api/v1/tickets/" + std::to_string(created.body["id"].get<int64_t>());
    ticket_ids.push_back(created.body["id"]);
    if (*d.note) {
      auto note = call("POST", path + "/notes", {{"body", d.note}, {"visibility", "internal"}});
      if (note.exit_code != kOk) return note.exit_code;
    }
    if (*d.reply) {
      auto reply = call("POST", path + "/notes", {{"body", d.reply}, {"visibility", "public"}});
      if (reply.exit_code != kOk) return reply.exit_code;
    }
    if (std::string(d.status) != "New") {
      auto moved = call("PATCH", path, {{"status_id", statuses[d.status]}});
      if (moved.exit_code != kOk) return moved.exit_code;
    }
    ++summary.tickets;
  }
  // A duplicate call about the bakery's pop-ups, merged into the first one.
  if (ticket_ids.size() >= 32) {
    auto merged = call("POST", "/api/v1/tickets/" + std::to_string(ticket_ids[31]) + "/merge",
                       {{"into_ticket_id", ticket_ids[4]}});
    if (merged.exit_code != kOk) return merged.exit_code;
  }

  // Preventive work: schedules with checklists; run each once now.
  const json schedules[] = {
      {{"name", "Maandelijkse servercontrole"}, {"client_id", clients["Tandartspraktijk De Molen"]},
       {"subject", "Monthly server check"}, {"priority", "P4"}, {"queue_id", queues["Projecten"]},
       {"checklist", {"Event logs reviewed", "Backups restored as a test", "Disk space above 20%", "Updates applied"}},
       {"frequency", "monthly_weekday"}, {"week_of_month", 1}, {"weekday", "mon"}, {"time", "07:00"},
       {"starts_on", "2026-01-01"}},
      {{"name", "Wekelijkse back-upcontrole"}, {"client_id", clients["Van Dijk Advocaten"]},
       {"subject", "Weekly backup check"}, {"priority", "P3"}, {"queue_id", queues["Monitoring"]},
       {"checklist", {"Backup report read", "Offsite copy present"}}, {"frequency", "weekly"},
       {"days", {"fri"}}, {"time", "09:00"}, {"starts_on", "2026-01-01"}},
      {{"name", "Kwartaalrapportage"}, {"client_id", clients["Huisartsenpraktijk Zuid"]},
       {"subject", "Prepare the quarterly value report"}, {"priority", "P4"}, {"queue_id", queues["Projecten"]},
       {"checklist", {"SLA figures", "Alerts caught", "Patch status"}}, {"frequency", "monthly_day"},
       {"day_of_month", 31}, {"time", "10:00"}, {"starts_on", "2026-01-01"}},
  };
  for (const auto& s : schedules) {
    auto created = call("POST", "/api/v1/maintenance-schedules", s);
    if (created.exit_code != kOk) return created.exit_code;
    ++summary.schedules;
    auto ran = call("POST", "/api/v1/maintenance-schedules/" + std::to_string(created.body["id"].get<int64_t>()) + "/run",
                    nullptr);
    if (ran.exit_code != kOk) return ran.exit_code;
    ++summary.tickets;
    int64_t item = ran.body["checklist"][0]["id"];
    auto ticked = call("PATCH",
                       "/api/v1/tickets/" + std::to_string(ran.body["id"].get<int64_t>()) + "/checklist/" +
                           std::to_string(item),
                       {{"done", true}});
    if (ticked.exit_code != kOk) return ticked.exit_code;
  }
  return kOk;
}

}  // namespace tend::cli
