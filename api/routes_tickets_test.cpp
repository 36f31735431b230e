// In-process tests of the service desk routes over a real SQLite store and a
// manual clock: JSON shapes, query parsing, role checks and problem
// responses. The real server is exercised by tests/service_desk_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "api/api_test_support.h"

namespace tend::api {
namespace {

using nlohmann::json;

class TicketRoutesTest : public InProcessApiTest {
 protected:
  TicketRoutesTest() : InProcessApiTest("2026-11-23T08:00:00Z", "tend-ticket-api-") {}  // Monday 09:00 in Amsterdam
  void SetUp() override {
    InProcessApiTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = login("admin@test.nl", "correct horse battery");
    client_ = json::parse(call("POST", "/api/v1/clients", R"({"name":"Bakkerij"})", admin_).body)["id"];
    for (const char* role : {"read_only", "technician"}) {
      json user = {{"email", std::string(role) + "@test.nl"}, {"name", role}, {"role", role},
                   {"password", "correct horse battery"}};
      ASSERT_EQ(call("POST", "/api/v1/users", user.dump(), admin_).status, 201);
      tokens_[role] = login(std::string(role) + "@test.nl", "correct horse battery");
    }
  }
  json ok_json(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    return json::parse(r.body);
  }

  std::string admin_;
  std::map<std::string, std::string> tokens_;
  int64_t client_ = 0;
};

TEST_F(TicketRoutesTest, ATicketCarriesItsSlaFiguresAndChecklist) {
  json calendar = ok_json(call("POST", "/api/v1/sla-calendars",
                               R"({"name":"Office","time_zone":"Europe/Amsterdam",
                                   "hours":{"mon":[["08:30","12:00"],["13:00","17:00"]]}})",
                               admin_),
                          201);
  EXPECT_EQ(calendar["hours"]["mon"][1][0], "13:00");
  json policy = {{"name", "Standard"}, {"calendar_id", calendar["id"]}, {"is_default", true},
                 {"targets", {{"P1", {{"first_response_minutes", 60}, {"resolution_minutes", 240}, {"around_the_clock", true}}},
                              {"P2", {{"first_response_minutes", 60}, {"resolution_minutes", 480}}},
                              {"P3", {{"first_response_minutes", 240}, {"resolution_minutes", 1350}}},
                              {"P4", {{"first_response_minutes", 480}, {"resolution_minutes", 2250}}}}}};
  json stored_policy = ok_json(call("POST", "/api/v1/sla-policies", policy.dump(), admin_), 201);
  EXPECT_EQ(stored_policy["targets"]["P1"]["around_the_clock"], true);
  json t = ok_json(call("POST", "/api/v1/tickets",
                        json{{"subject", "Server check"}, {"client_id", client_}, {"checklist", {"Backups"}}}.dump(),
                        tokens_["technician"]),
                   201);
  EXPECT_EQ(t["priority"], "P3");
  EXPECT_EQ(t["sla"]["response"]["due_at"], "2026-11-23T13:00:00Z");
  // Only Mondays work: 420 + 450 + 450 + 30 minutes -> Monday 14 December 09:00 local.
  EXPECT_EQ(t["sla"]["resolution"]["due_at"], "2026-12-14T08:00:00Z");
  EXPECT_EQ(t["sla"]["next_event_at"], "2026-11-23T11:00:00Z");
  ASSERT_EQ(t["checklist"].size(), 1u);
  std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>());
  json ticked = ok_json(call("PATCH", path + "/checklist/" + std::to_string(t["checklist"][0]["id"].get<int64_t>()),
                             R"({"done":true})", tokens_["technician"]),
                        200);
  EXPECT_EQ(ticked["checklist"][0]["done"], true);
  // Lists leave the checklist out and page by cursor.
  json page = ok_json(call("GET", "/api/v1/tickets?limit=1&sort=-resolution_due_at", "", admin_), 200);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_FALSE(page["items"][0].contains("checklist"));
  EXPECT_TRUE(page["next_cursor"].is_null());
  json runs = ok_json(call("GET", "/api/v1/sla-policies", "", tokens_["read_only"]), 200);
  EXPECT_EQ(runs["items"].size(), 1u);
}

TEST_F(TicketRoutesTest, RolesAreEnforcedPerRoute) {
  std::string body = json{{"subject", "x"}, {"client_id", client_}}.dump();
  EXPECT_EQ(call("POST", "/api/v1/tickets", body, tokens_["read_only"]).status, 403);
  json t = ok_json(call("POST", "/api/v1/tickets", body, admin_), 201);
  std::string path = "/api/v1/tickets/" + std::to_string(t["id"].get<int64_t>());
  EXPECT_EQ(call("GET", path, "", tokens_["read_only"]).status, 200);
  EXPECT_EQ(call("PATCH", path, R"({"priority":"P1"})", tokens_["read_only"]).status, 403);
  EXPECT_EQ(call("POST", path + "/notes", R"({"body":"hi"})", tokens_["read_only"]).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/queues", R"({"name":"Projects"})", tokens_["technician"]).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/queues", R"({"name":"Projects"})", admin_).status, 201);
  EXPECT_EQ(call("GET", "/api/v1/reports/sla", "", tokens_["read_only"]).status, 200);
}

TEST_F(TicketRoutesTest, QueryParametersAreCheckedFieldByField) {
  auto fields = [&](const std::string& target) {
    auto r = call("GET", target, "", admin_);
    EXPECT_EQ(r.status, 422) << target << " " << r.body;
    std::vector<std::string> out;
    json body = json::parse(r.body);
    for (auto& e : body["errors"]) out.push_back(e["field"]);
    return out;
  };
  EXPECT_EQ(fields("/api/v1/tickets?category=open,done"), std::vector<std::string>{"category"});
  EXPECT_EQ(fields("/api/v1/tickets?priority=p1"), std::vector<std::string>{"priority"});
  EXPECT_EQ(fields("/api/v1/tickets?sla_state=late"), std::vector<std::string>{"sla_state"});
  EXPECT_EQ(fields("/api/v1/tickets?due_before=tomorrow"), std::vector<std::string>{"due_before"});
  EXPECT_EQ(fields("/api/v1/tickets?colour=red"), std::vector<std::string>{"colour"});
  EXPECT_EQ(fields("/api/v1/tickets?sort=subject"), std::vector<std::string>{"sort"});
  EXPECT_EQ(fields("/api/v1/reports/sla?from=2026-12&to=2026-11"), std::vector<std::string>{"from_month"});
  EXPECT_EQ(fields("/api/v1/maintenance-schedules/1/next-runs?count=0"), std::vector<std::string>{"count"});
  EXPECT_EQ(call("GET", "/api/v1/tickets?assignee_id=none&due_after=2026-11-01T00:00:00Z", "", admin_).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/tickets/abc", "", admin_).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/tickets/bulk", "", admin_).status, 404);
}

TEST_F(TicketRoutesTest, SchedulesListTheirNextRuns) {
  json s = ok_json(call("POST", "/api/v1/maintenance-schedules",
                        json{{"name", "Patch check"}, {"client_id", client_}, {"subject", "Check patches"},
                             {"frequency", "monthly_weekday"}, {"week_of_month", 2}, {"weekday", "tue"},
                             {"time", "10:00"}, {"starts_on", "2026-11-01"}}
                            .dump(),
                        tokens_["technician"]),
                   201);
  EXPECT_EQ(s["time_zone"], "Europe/Amsterdam");  // the provider's
  EXPECT_EQ(s["next_run_at"], "2026-12-08T09:00:00Z");
  std::string path = "/api/v1/maintenance-schedules/" + std::to_string(s["id"].get<int64_t>());
  json runs = ok_json(call("GET", path + "/next-runs?count=2", "", admin_), 200);
  EXPECT_EQ(runs["runs"], json::array({"2026-12-08T09:00:00Z", "2027-01-12T09:00:00Z"}));
  json ticket = ok_json(call("POST", path + "/run", "", tokens_["technician"]), 201);
  EXPECT_EQ(ticket["type"], "maintenance");
  EXPECT_EQ(ticket["schedule_id"], s["id"]);
}

}  // namespace
}  // namespace tend::api
