// Integration tests of the service desk against the real `tend serve`:
// the ticket lifecycle, SLA pause and resume through status changes, the
// SLA watcher running inside the server, portal visibility, bad input that
// leaves the database unchanged, and the CLI talking to the server.
//
// The server runs on the wall clock, so SLA expectations use a 24x7 policy
// and are stated relative to instants the server reports (creation, status
// changes), never to the test's own clock.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/tend_process.h"

namespace tend::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const char* kPassword = "another-password-1";

// RFC 3339 UTC with milliseconds <-> Unix ms (the server's format).
int64_t unix_ms(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6) {
    throw std::runtime_error("not a time: " + text);
  }
  if (auto dot = text.find('.'); dot != std::string::npos) ms = std::stoi(text.substr(dot + 1, 3));
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string rfc3339(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A server with an admin, a technician, clients A and B with a site each, a
// portal user of A, and a 24x7 SLA policy as the global default
// (P1 response 30 / resolution 120, P2 60/240, P3 120/480, P4 240/960).
struct Desk {
  TendServer server;
  Http http{server.url()};
  std::string admin, technician, portal;
  int64_t client_a = 0, client_b = 0, site_a = 0, site_b = 0, policy = 0;
  std::map<std::string, int64_t> status;

  Desk() {
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
    client_a = create("/api/v1/clients", {{"name", "Alpha Bakkerij"}});
    client_b = create("/api/v1/clients", {{"name", "Beta Garage"}});
    site_a = create("/api/v1/sites", {{"client_id", client_a}, {"name", "Winkel A"}});
    site_b = create("/api/v1/sites", {{"client_id", client_b}, {"name", "Werkplaats B"}});
    create("/api/v1/users", {{"email", "tech@test.tend"}, {"name", "Tech"}, {"role", "technician"},
                             {"password", kPassword}});
    create("/api/v1/users", {{"email", "portal@test.tend"}, {"name", "Anna"}, {"role", "portal"},
                             {"client_id", client_a}, {"password", kPassword}});
    technician = http.login("tech@test.tend", kPassword);
    portal = http.login("portal@test.tend", kPassword);
    json targets = {{"P1", {{"first_response_minutes", 30}, {"resolution_minutes", 120}}},
                    {"P2", {{"first_response_minutes", 60}, {"resolution_minutes", 240}}},
                    {"P3", {{"first_response_minutes", 120}, {"resolution_minutes", 480}}},
                    {"P4", {{"first_response_minutes", 240}, {"resolution_minutes", 960}}}};
    policy = create("/api/v1/sla-policies", {{"name", "24x7"}, {"targets", targets}, {"is_default", true}});
    json statuses = http.get("/api/v1/ticket-statuses", admin).json();
    for (const auto& s : statuses["items"]) status[s["name"]] = s["id"];
  }

  int64_t create(const std::string& path, const json& body) {
    auto r = http.post(path, body, admin);
    if (r.status != 201) throw std::runtime_error("create " + path + " failed: " + r.body);
    return r.json()["id"].get<int64_t>();
  }
  json ticket(int64_t id, const std::string& token) {
    auto r = http.get("/api/v1/tickets/" + std::to_string(id), token);
    if (r.status != 200) throw std::runtime_error("get ticket failed: " + r.body);
    return r.json();
  }
  std::vector<json> timeline(int64_t id, const std::string& token) {
    auto items = http.get("/api/v1/tickets/" + std::to_string(id) + "/timeline", token).json()["items"];
    return {items.begin(), items.end()};
  }
  int64_t stored(const std::string& sql) { return sqlite_scalar(server.database_path(), sql); }
};

std::vector<std::string> kinds(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["kind"]);
  return out;
}

TEST(ServiceDesk, TicketLifecycle) {
  Desk d;
  auto created = d.http.post("/api/v1/tickets",
                             {{"subject", "Laptop slow, pop-ups"}, {"client_id", d.client_a}, {"site_id", d.site_a},
                              {"priority", "P2"}, {"source", "phone"}, {"description", "Since this morning"}},
                             d.technician);
  ASSERT_EQ(created.status, 201) << created.body;
  json t = created.json();
  int64_t id = t["id"];
  EXPECT_EQ(t["number"], 1);
  EXPECT_EQ(t["status_category"], "new");
  EXPECT_EQ(t["sla_policy_id"], d.policy);
  int64_t created_at = unix_ms(t["created_at"]);
  // 24x7 P2: response 60 minutes, resolution 240, warnings at 75%.
  EXPECT_EQ(unix_ms(t["sla"]["response"]["due_at"]), created_at + 60 * 60'000);
  EXPECT_EQ(unix_ms(t["sla"]["response"]["warning_at"]), created_at + 45 * 60'000);
  EXPECT_EQ(unix_ms(t["sla"]["resolution"]["due_at"]), created_at + 240 * 60'000);
  EXPECT_EQ(t["sla"]["state"], "ok");

  // Found by filters and by full-text search, sorted by resolution due.
  auto listed = d.http.get("/api/v1/tickets?category=new,open&priority=P1,P2&client_id=" + std::to_string(d.client_a) +
                               "&sort=resolution_due_at&q=popups%20morning",
                           d.technician);
  ASSERT_EQ(listed.status, 200) << listed.body;
  // "popups" is not a word of the ticket: no match; "pop" and "morning" are.
  EXPECT_TRUE(listed.json()["items"].empty());
  listed = d.http.get("/api/v1/tickets?category=new,open&priority=P1,P2&sort=resolution_due_at&q=pop%20morning",
                      d.technician);
  ASSERT_EQ(listed.json()["items"].size(), 1u);

  // Work: assign, raise the priority, answer publicly, resolve.
  auto assigned = d.http.patch("/api/v1/tickets/" + std::to_string(id),
                               {{"status_id", d.status["In progress"]}, {"priority", "P1"}}, d.technician);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(assigned.json()["priority"], "P1");
  EXPECT_EQ(unix_ms(assigned.json()["sla"]["response"]["due_at"]), created_at + 30 * 60'000);  // from creation
  auto note = d.http.post("/api/v1/tickets/" + std::to_string(id) + "/notes",
                          {{"body", "We are cleaning the laptop remotely."}, {"visibility", "public"}}, d.technician);
  ASSERT_EQ(note.status, 201) << note.body;
  json answered = d.ticket(id, d.technician);
  EXPECT_EQ(answered["first_response_at"], note.json()["created_at"]);
  EXPECT_EQ(answered["sla"]["response"]["breached_at"], nullptr);
  auto resolved = d.http.patch("/api/v1/tickets/" + std::to_string(id), {{"status_id", d.status["Resolved"]}},
                               d.technician);
  ASSERT_EQ(resolved.status, 200);
  EXPECT_EQ(resolved.json()["status_category"], "resolved");
  EXPECT_EQ(resolved.json()["sla"]["next_event_at"], nullptr);
  EXPECT_EQ(resolved.json()["sla"]["state"], "ok");
  EXPECT_EQ(kinds(d.timeline(id, d.technician)),
            (std::vector<std::string>{"ticket.created", "ticket.status_changed", "ticket.updated", "note.added",
                                      "ticket.status_changed"}));
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_events WHERE ticket_id = " + std::to_string(id)), 5);

  // The report counts it as met.
  auto report = d.http.get("/api/v1/reports/sla?time_zone=UTC", d.admin);
  ASSERT_EQ(report.status, 200) << report.body;
  ASSERT_EQ(report.json()["lines"].size(), 1u);
  EXPECT_EQ(report.json()["lines"][0]["first_response"]["met"], 1);
  EXPECT_EQ(report.json()["lines"][0]["resolution"]["met"], 1);
}

TEST(ServiceDesk, StatusChangesPauseAndResumeTheResolutionClock) {
  Desk d;
  int64_t id = d.create("/api/v1/tickets", {{"subject", "Licence renewal"}, {"client_id", d.client_a}, {"priority", "P3"}});
  json t = d.ticket(id, d.admin);
  int64_t created_at = unix_ms(t["created_at"]);
  auto waiting = d.http.patch("/api/v1/tickets/" + std::to_string(id), {{"status_id", d.status["Waiting on client"]}},
                              d.technician);
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  EXPECT_EQ(waiting.json()["sla"]["state"], "paused");
  EXPECT_EQ(waiting.json()["sla"]["resolution"]["due_at"], nullptr);
  // Paused tickets are found by their SLA state.
  auto paused = d.http.get("/api/v1/tickets?sla_state=paused", d.technician).json()["items"];
  ASSERT_EQ(paused.size(), 1u);
  std::this_thread::sleep_for(milliseconds(300));  // let some paused time pass on the server's clock
  auto resumed = d.http.patch("/api/v1/tickets/" + std::to_string(id), {{"status_id", d.status["In progress"]}},
                              d.technician);
  ASSERT_EQ(resumed.status, 200);
  // The pause is the stretch between the two status changes on the timeline.
  std::vector<int64_t> changes;
  for (const auto& e : d.timeline(id, d.admin)) {
    if (e["kind"] == "ticket.status_changed") changes.push_back(unix_ms(e["at"]));
  }
  ASSERT_EQ(changes.size(), 2u);
  int64_t paused_ms = changes[1] - changes[0];
  EXPECT_GE(paused_ms, 300);
  EXPECT_EQ(unix_ms(resumed.json()["sla"]["resolution"]["due_at"]), created_at + 480 * 60'000 + paused_ms);
  EXPECT_EQ(resumed.json()["sla"]["state"], "ok");
}

TEST(ServiceDesk, TheServerRecordsAWarningWhenItComes) {
  Desk d;
  // An imported ticket whose P2 response warning (45 of 60 minutes) falls
  // in about a second: the watcher inside the server must wake for it.
  int64_t warn_at = wall_ms() + 1200;
  int64_t id = d.create("/api/v1/tickets", {{"subject", "Backup failed"},
                                            {"client_id", d.client_a},
                                            {"priority", "P2"},
                                            {"created_at", rfc3339(warn_at - 45 * 60'000)}});
  EXPECT_EQ(d.ticket(id, d.admin)["sla"]["state"], "ok");
  json warned;
  for (int i = 0; i < 150; ++i) {  // up to 15 s
    warned = d.ticket(id, d.admin);
    if (warned["sla"]["state"] == "warning") break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(warned["sla"]["state"], "warning") << d.server.log();
  EXPECT_EQ(kinds(d.timeline(id, d.admin)), (std::vector<std::string>{"ticket.created", "sla.warning"}));
  auto found = d.http.get("/api/v1/tickets?sla_state=warning", d.admin).json()["items"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["id"], id);
}

TEST(ServiceDesk, PortalUsersSeeTheirOwnClientAndPublicNotesOnly) {
  Desk d;
  auto mine = d.http.post("/api/v1/tickets", {{"subject", "Receipt printer prints blank lines"}}, d.portal);
  ASSERT_EQ(mine.status, 201) << mine.body;
  int64_t my_id = mine.json()["id"];
  EXPECT_EQ(mine.json()["client_id"], d.client_a);
  EXPECT_EQ(mine.json()["source"], "portal");
  int64_t theirs = d.create("/api/v1/tickets", {{"subject", "Garage lift sensor"}, {"client_id", d.client_b}});
  std::string my_notes = "/api/v1/tickets/" + std::to_string(my_id) + "/notes";
  ASSERT_EQ(d.http.post(my_notes, {{"body", "Thermal head worn; ordering a new one"}}, d.technician).status, 201);
  ASSERT_EQ(d.http.post(my_notes, {{"body", "We ordered a new print head."}, {"visibility", "public"}}, d.technician)
                .status,
            201);

  auto list = d.http.get("/api/v1/tickets", d.portal).json()["items"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], my_id);
  EXPECT_TRUE(d.http.get("/api/v1/tickets?client_id=" + std::to_string(d.client_b), d.portal).json()["items"].empty());
  auto notes = d.http.get(my_notes, d.portal).json()["items"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["body"], "We ordered a new print head.");
  for (const auto& e : d.timeline(my_id, d.portal)) EXPECT_TRUE(e["public"].get<bool>()) << e.dump();
  // Internal notes are not searchable from the portal.
  EXPECT_TRUE(d.http.get("/api/v1/tickets?q=thermal", d.portal).json()["items"].empty());
  EXPECT_EQ(d.http.get("/api/v1/tickets?q=thermal", d.technician).json()["items"].size(), 1u);

  // Another client's ticket looks like no ticket at all.
  std::string other = "/api/v1/tickets/" + std::to_string(theirs);
  auto hidden = d.http.get(other, d.portal);
  auto missing = d.http.get("/api/v1/tickets/987654", d.portal);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.json()["detail"], missing.json()["detail"]);
  EXPECT_EQ(d.http.get(other + "/notes", d.portal).status, 404);
  EXPECT_EQ(d.http.get(other + "/timeline", d.portal).status, 404);
  int64_t notes_before = d.stored("SELECT count(*) FROM ticket_notes");
  EXPECT_EQ(d.http.post(other + "/notes", {{"body", "hello"}}, d.portal).status, 404);
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_notes"), notes_before);
  // Portal users cannot work tickets.
  EXPECT_EQ(d.http.patch("/api/v1/tickets/" + std::to_string(my_id), {{"priority", "P1"}}, d.portal).status, 403);
}

TEST(ServiceDesk, BadInputIsRejectedWithNothingStored) {
  Desk d;
  auto field_of = [](const Response& r) {
    std::vector<std::string> out;
    json body = r.json();
    for (const auto& e : body["errors"]) out.push_back(e["field"]);
    return out;
  };
  auto unknown_status = d.http.post(
      "/api/v1/tickets", {{"subject", "x"}, {"client_id", d.client_a}, {"status_id", 987}}, d.technician);
  EXPECT_EQ(unknown_status.status, 422) << unknown_status.body;
  EXPECT_EQ(field_of(unknown_status), std::vector<std::string>{"status_id"});
  auto bad_priority =
      d.http.post("/api/v1/tickets", {{"subject", "x"}, {"client_id", d.client_a}, {"priority", "P5"}}, d.technician);
  EXPECT_EQ(bad_priority.status, 422);
  EXPECT_EQ(field_of(bad_priority), std::vector<std::string>{"priority"});
  auto foreign_site = d.http.post(
      "/api/v1/tickets", {{"subject", "x"}, {"client_id", d.client_a}, {"site_id", d.site_b}}, d.technician);
  EXPECT_EQ(foreign_site.status, 422);
  EXPECT_EQ(field_of(foreign_site), std::vector<std::string>{"site_id"});
  auto portal_other_client =
      d.http.post("/api/v1/tickets", {{"subject", "x"}, {"client_id", d.client_b}}, d.portal);
  EXPECT_EQ(portal_other_client.status, 422);
  auto portal_other_site = d.http.post("/api/v1/tickets", {{"subject", "x"}, {"site_id", d.site_b}}, d.portal);
  EXPECT_EQ(portal_other_site.status, 422);
  EXPECT_EQ(d.http.get("/api/v1/tickets?priority=P7", d.technician).status, 422);
  EXPECT_EQ(d.http.get("/api/v1/tickets?category=done", d.technician).status, 422);
  EXPECT_EQ(d.http.get("/api/v1/tickets?sort=colour", d.technician).status, 422);

  EXPECT_EQ(d.stored("SELECT count(*) FROM tickets"), 0);
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_events"), 0);
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_search"), 0);
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_sla_terms"), 0);

  // A valid ticket, then a bad change to it: the change is refused whole.
  int64_t id = d.create("/api/v1/tickets", {{"subject", "ok"}, {"client_id", d.client_a}});
  auto bad_change = d.http.patch("/api/v1/tickets/" + std::to_string(id),
                                 {{"priority", "P1"}, {"status_id", 987}}, d.technician);
  EXPECT_EQ(bad_change.status, 422);
  EXPECT_EQ(d.ticket(id, d.admin)["priority"], "P3");
  EXPECT_EQ(d.stored("SELECT count(*) FROM ticket_events"), 1);
  // Calendars are validated field by field.
  auto calendar = d.http.post("/api/v1/sla-calendars",
                              {{"name", "Broken"}, {"time_zone", "Mars/Olympus"},
                               {"hours", {{"mon", json::array({json::array({"17:00", "08:00"})})}}}},
                              d.admin);
  EXPECT_EQ(calendar.status, 422);
  EXPECT_EQ(field_of(calendar), (std::vector<std::string>{"time_zone", "hours.mon[0]"}));
}

TEST(ServiceDesk, MergeBulkAndTheCliAgainstTheServer) {
  Desk d;
  int64_t keep = d.create("/api/v1/tickets", {{"subject", "Wi-Fi drops"}, {"client_id", d.client_a}});
  int64_t duplicate = d.create("/api/v1/tickets", {{"subject", "Wi-Fi gone again"}, {"client_id", d.client_a}});
  auto merged = d.http.post("/api/v1/tickets/" + std::to_string(duplicate) + "/merge", {{"into_ticket_id", keep}},
                            d.technician);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(d.ticket(duplicate, d.admin)["merged_into_id"], keep);
  EXPECT_EQ(d.ticket(duplicate, d.admin)["status_category"], "closed");
  auto bulk = d.http.post("/api/v1/tickets/bulk",
                          {{"ticket_ids", {keep}}, {"status_id", d.status["In progress"]}}, d.technician);
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(d.ticket(keep, d.admin)["status_category"], "open");

  auto token = d.http.post("/api/v1/api-tokens", {{"name", "cli"}}, d.admin).json()["token"].get<std::string>();
  auto added = run_tend({"ticket", "add", "--server", d.server.url(), "--token", token, "--subject", "Printer jam",
                         "--client", std::to_string(d.client_a), "--priority", "P4", "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  int64_t cli_id = json::parse(added.out)["id"];
  auto noted = run_tend({"ticket", "note", std::to_string(cli_id), "--body", "Cleared the jam", "--public", "--server",
                         d.server.url(), "--token", token});
  EXPECT_EQ(noted.exit_code, 0) << noted.err;
  EXPECT_NE(d.ticket(cli_id, d.admin)["first_response_at"], nullptr);
  auto listed = run_tend({"ticket", "list", "--server", d.server.url(), "--token", token, "--priority", "P4"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("Printer jam"), std::string::npos);
  auto bad = run_tend({"ticket", "add", "--server", d.server.url(), "--token", token, "--subject", "x", "--client",
                       std::to_string(d.client_a), "--priority", "urgent"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("priority"), std::string::npos);
  auto report = run_tend({"report", "sla", "--server", d.server.url(), "--token", token});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("SLA compliance"), std::string::npos);
}

}  // namespace
}  // namespace tend::testing
