// In-process tests of the work and contract routes over a real SQLite store
// and a manual clock: JSON shapes, role checks, portal scoping, the
// explanation of charges and problem responses. The real server is
// exercised by tests/work_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "api/api_test_support.h"

namespace tend::api {
namespace {

using nlohmann::json;

class WorkRoutesTest : public InProcessApiTest {
 protected:
  WorkRoutesTest() : InProcessApiTest("2026-11-23T08:00:00Z", "tend-work-api-") {}
  void SetUp() override {
    InProcessApiTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = login("admin@test.nl", "correct horse battery");
    client_ = create("/api/v1/clients", {{"name", "Bakkerij Jansen"}});
    other_ = create("/api/v1/clients", {{"name", "Garage Peters"}});
    for (const char* role : {"read_only", "technician", "finance"}) {
      json user = {{"email", std::string(role) + "@test.nl"}, {"name", role}, {"role", role},
                   {"password", "correct horse battery"}};
      ids_[role] = create("/api/v1/users", user);
      tokens_[role] = login(std::string(role) + "@test.nl", "correct horse battery");
    }
    create("/api/v1/users", {{"email", "anna@bakkerij.nl"}, {"name", "Anna"}, {"role", "portal"}, {"client_id", client_},
                             {"password", "correct horse battery"}});
    tokens_["portal"] = login("anna@bakkerij.nl", "correct horse battery");
    remote_ = create("/api/v1/work-types", {{"code", "remote"}, {"name", "Remote support"}, {"hourly_rate", "95.00"},
                                            {"minimum_minutes", 15}, {"rounding_increment_minutes", 15}});
    ticket_ = create("/api/v1/tickets", {{"subject", "Laptop slow"}, {"client_id", client_}});
  }
  int64_t create(const std::string& path, const json& body, const std::string& token = "") {
    auto r = call("POST", path, body.dump(), token.empty() ? admin_ : token);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return json::parse(r.body)["id"];
  }
  json get(const std::string& path, const std::string& token, int status = 200) {
    auto r = call("GET", path, "", token);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    return json::parse(r.body);
  }

  std::string admin_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, int64_t> ids_;
  int64_t client_ = 0, other_ = 0, remote_ = 0, ticket_ = 0;
};

TEST_F(WorkRoutesTest, TechniciansLogTimeAndTheTicketExplainsItsCharges) {
  auto logged = call("POST", "/api/v1/time-entries",
                     json{{"ticket_id", ticket_}, {"work_type_id", remote_}, {"minutes", 40}, {"work_date", "2026-11-23"}}.dump(),
                     tokens_["technician"]);
  ASSERT_EQ(logged.status, 201) << logged.body;
  json entry = json::parse(logged.body);
  EXPECT_EQ(entry["minutes"], 40);
  EXPECT_EQ(entry["billable_minutes"], 45);
  EXPECT_EQ(entry["user_id"], ids_["technician"]);
  EXPECT_EQ(entry["status"], "draft");
  json charges = get("/api/v1/tickets/" + std::to_string(ticket_) + "/charges", tokens_["technician"]);
  EXPECT_EQ(charges["currency"], "EUR");
  EXPECT_EQ(charges["totals"]["charged"], "71.25");
  ASSERT_EQ(charges["time"].size(), 1u);
  EXPECT_EQ(charges["time"][0]["basis"], "time_and_materials");
  EXPECT_EQ(charges["time"][0]["explanation"],
            "time and materials: 0.75 h at \xE2\x82\xAC" "95.00/h (default rate of Remote support) = \xE2\x82\xAC" "71.25; "
            "billable 45 of the 45 billable min of 1 entry of this ticket and work type (40 min worked, minimum 15 min, "
            "rounded up to steps of 15 min)");
  EXPECT_TRUE(charges["time"][0].contains("cost"));
  // The portal user sees its own ticket's charges, without costs.
  json portal = get("/api/v1/tickets/" + std::to_string(ticket_) + "/charges", tokens_["portal"]);
  EXPECT_FALSE(portal["time"][0].contains("cost"));
  EXPECT_FALSE(portal["totals"].contains("cost"));
  int64_t foreign = create("/api/v1/tickets", {{"subject", "Elsewhere"}, {"client_id", other_}});
  EXPECT_EQ(call("GET", "/api/v1/tickets/" + std::to_string(foreign) + "/charges", "", tokens_["portal"]).status, 404);
}

TEST_F(WorkRoutesTest, RolesAreEnforcedPerRoute) {
  json work_type = {{"code", "onsite"}, {"name", "On-site"}, {"hourly_rate", "110.00"}};
  EXPECT_EQ(call("POST", "/api/v1/work-types", work_type.dump(), tokens_["technician"]).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/work-types", work_type.dump(), tokens_["finance"]).status, 201);
  json entry = {{"ticket_id", ticket_}, {"work_type_id", remote_}, {"minutes", 10}};
  EXPECT_EQ(call("POST", "/api/v1/time-entries", entry.dump(), tokens_["read_only"]).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/time-entries", entry.dump(), tokens_["finance"]).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/time-entries", "", tokens_["portal"]).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/import", R"({"tend_import": 1})", tokens_["finance"]).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/contracts", "", tokens_["read_only"]).status, 200);
}

TEST_F(WorkRoutesTest, BadInputNamesTheFields) {
  auto r = call("POST", "/api/v1/time-entries",
                json{{"ticket_id", ticket_}, {"work_type_id", 9999}, {"minutes", 2000}, {"billing", "maybe"}}.dump(),
                tokens_["technician"]);
  EXPECT_EQ(r.status, 422) << r.body;
  std::set<std::string> fields;
  const json problem = json::parse(r.body);
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"billing"}));
  auto r2 = call("POST", "/api/v1/time-entries", json{{"ticket_id", ticket_}, {"work_type_id", 9999}, {"minutes", 2000}}.dump(),
                 tokens_["technician"]);
  EXPECT_EQ(r2.status, 422) << r2.body;
  EXPECT_NE(r2.body.find("minutes"), std::string::npos);
  auto r3 = call("POST", "/api/v1/time-entries", json{{"ticket_id", ticket_}, {"work_type_id", 9999}, {"minutes", 20}}.dump(),
                 tokens_["technician"]);
  EXPECT_EQ(r3.status, 422);
  EXPECT_NE(r3.body.find("work_type_id"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/time-entries?status=maybe", "", admin_).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/catalogue?kind=gadget", "", admin_).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/contracts/abc", "", admin_).status, 404);
  auto money = call("POST", "/api/v1/catalogue",
                    json{{"kind", "part"}, {"sku", "X"}, {"name", "X"}, {"unit_cost", 1.5}, {"unit_price", "1.234"}}.dump(), admin_);
  EXPECT_EQ(money.status, 422);
  std::set<std::string> money_fields;
  const json money_problem = json::parse(money.body);
  for (const auto& e : money_problem["errors"]) money_fields.insert(e["field"]);
  EXPECT_EQ(money_fields, (std::set<std::string>{"unit_cost", "unit_price"}));
}

TEST_F(WorkRoutesTest, PortalUsersReadOnlyTheirOwnContracts) {
  int64_t mine = create("/api/v1/contracts",
                        {{"client_id", client_}, {"kind", "block_hours"}, {"name", "Prepaid"}, {"starts_on", "2026-10-01"},
                         {"overage_rate", "95.00"},
                         {"blocks", {{{"label", "2026-Q4"}, {"hours", "10"}, {"price", "850.00"},
                                      {"valid_from", "2026-10-01"}, {"valid_to", "2026-12-31"}}}}},
                        tokens_["finance"]);
  int64_t theirs = create("/api/v1/contracts", {{"client_id", other_}, {"kind", "time_and_materials"}, {"name", "T&M"},
                                                {"starts_on", "2026-01-01"}});
  json list = get("/api/v1/contracts", tokens_["portal"]);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], mine);
  EXPECT_EQ(call("GET", "/api/v1/contracts/" + std::to_string(theirs), "", tokens_["portal"]).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/contracts/" + std::to_string(theirs) + "/ledger", "", tokens_["portal"]).status, 404);
  call("POST", "/api/v1/time-entries",
       json{{"ticket_id", ticket_}, {"work_type_id", remote_}, {"minutes", 210}, {"work_date", "2026-11-02"}}.dump(),
       tokens_["technician"]);
  json details = get("/api/v1/contracts/" + std::to_string(mine) + "?as_of=2026-11-23", tokens_["portal"]);
  EXPECT_EQ(details["active"], true);
  ASSERT_EQ(details["balances"].size(), 1u);
  EXPECT_EQ(details["balances"][0]["used_minutes"], 210);
  EXPECT_EQ(details["balances"][0]["remaining_minutes"], 390);
  json ledger = get("/api/v1/contracts/" + std::to_string(mine) + "/ledger", tokens_["portal"]);
  ASSERT_EQ(ledger["rows"].size(), 1u);
  EXPECT_EQ(ledger["rows"][0]["kind"], "consumption");
  json charges = get("/api/v1/tickets/" + std::to_string(ticket_) + "/charges", tokens_["portal"]);
  EXPECT_EQ(charges["time"][0]["explanation"], "Prepaid: block 2026-Q4: 3.5 h used of 10 h");
  EXPECT_EQ(call("POST", "/api/v1/contracts/" + std::to_string(mine) + "/cancel", R"({"reason":"x"})", tokens_["portal"]).status,
            403);
}

TEST_F(WorkRoutesTest, ImportIsAllOrNothing) {
  json bad = {{"tend_import", 1},
              {"work_types", {{{"code", "onsite"}, {"name", "On-site"}, {"hourly_rate", "110.00"}}}},
              {"catalogue", {{{"kind", "part"}, {"sku", "SSD"}, {"name", "SSD"}, {"unit_cost", "50.00"}}}}};
  auto r = call("POST", "/api/v1/import", bad.dump(), admin_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("catalogue[0].unit_price"), std::string::npos) << r.body;
  EXPECT_EQ(get("/api/v1/work-types", admin_)["items"].size(), 1u);  // only "remote" from SetUp
  bad["catalogue"][0]["unit_price"] = "89.00";
  auto dry = call("POST", "/api/v1/import?dry_run=true", bad.dump(), admin_);
  EXPECT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["work_types"], 1);
  EXPECT_EQ(get("/api/v1/work-types", admin_)["items"].size(), 1u);
  auto good = call("POST", "/api/v1/import", bad.dump(), admin_);
  EXPECT_EQ(good.status, 201) << good.body;
  EXPECT_EQ(get("/api/v1/work-types", admin_)["items"].size(), 2u);
}

}  // namespace
}  // namespace tend::api
