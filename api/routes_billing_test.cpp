// In-process tests of the billing routes over a real SQLite store and a
// manual clock: the life of an invoice (dry run, run, re-run, issue, send,
// credit note, payment, AR), the immutability of an issued invoice (every
// change refused with 409 and written to the audit trail), back-dated
// issue dates, slices of clients, and who may see what. The real server and
// CLI are exercised by tests/billing_test.cpp.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "api/api_test_support.h"
#include "app/billing_service.h"

namespace tend::api {
namespace {

using nlohmann::json;

class BillingRoutesTest : public InProcessApiTest {
 protected:
  BillingRoutesTest() : InProcessApiTest("2026-11-23T08:00:00Z", "tend-billing-api-") {}
  void SetUp() override {
    InProcessApiTest::SetUp();
    if (HasFatalFailure()) return;
    billing_ = std::make_unique<BillingService>(AppContext{*store_, clock_, config_});
    api_ = std::make_unique<Api>(ApiServices{*store_, clock_, *auth_, *tenancy_, *users_, *provider_,
                                             *desk_settings_, *tickets_, *schedules_, *sla_reports_, nullptr,
                                             work_.get(), contracts_.get(), imports_.get(), billing_.get()},
                                 metrics_, ApiOptions{false, false, 12, "test"});
    admin_ = login(kAdminEmail, kPassword);
    bakery_ = create("/api/v1/clients", {{"name", "Bakkerij Jansen"}, {"reference", "BAK"}});
    garage_ = create("/api/v1/clients", {{"name", "Garage Peters"}, {"reference", "GAR"}});
    for (const char* role : {"finance", "technician", "read_only"}) {
      create("/api/v1/users", {{"email", std::string(role) + "@test.nl"},
                               {"name", role},
                               {"role", role},
                               {"password", kPassword}});
      tokens_[role] = login(std::string(role) + "@test.nl", kPassword);
    }
    create("/api/v1/users", {{"email", "anna@bakkerij.nl"},
                             {"name", "Anna"},
                             {"role", "portal"},
                             {"client_id", bakery_},
                             {"password", kPassword}});
    tokens_["portal"] = login("anna@bakkerij.nl", kPassword);
    create("/api/v1/users", {{"email", "piet@garage.nl"},
                             {"name", "Piet"},
                             {"role", "portal"},
                             {"client_id", garage_},
                             {"password", kPassword}});
    tokens_["other_portal"] = login("piet@garage.nl", kPassword);
    // One hour of approved remote work for each client in November.
    json doc = {{"tend_import", 1},
                {"work_types", {{{"code", "remote"}, {"name", "Remote support"}, {"hourly_rate", "95.00"}}}},
                {"tickets",
                 {{{"key", "t1"}, {"client", "BAK"}, {"subject", "Laptop slow"}},
                  {{"key", "t2"}, {"client", "GAR"}, {"subject", "Printer offline"}}}},
                {"time_entries",
                 {{{"ticket", "t1"},
                   {"user", kAdminEmail},
                   {"work_type", "remote"},
                   {"work_date", "2026-11-10"},
                   {"minutes", 60},
                   {"status", "approved"}},
                  {{"ticket", "t2"},
                   {"user", kAdminEmail},
                   {"work_type", "remote"},
                   {"work_date", "2026-11-12"},
                   {"minutes", 60},
                   {"status", "approved"}}}}};
    auto imported = call("POST", "/api/v1/import", doc.dump(), admin_);
    ASSERT_EQ(imported.status, 201) << imported.body;
  }
  void TearDown() override {
    api_.reset();
    billing_.reset();
    InProcessApiTest::TearDown();
  }
  int64_t create(const std::string& path, const json& body) {
    auto r = call("POST", path, body.dump(), admin_);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return json::parse(r.body)["id"];
  }
  // A request that must answer `status`; its body parsed (null when empty).
  json expect(int status, const std::string& method, const std::string& path, const json& body,
              const std::string& token) {
    auto r = call(method, path, body.is_null() ? "" : body.dump(), token);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return r.body.empty() ? json(nullptr) : json::parse(r.body);
  }
  // The draft the run made for `client`.
  static int64_t draft_of(const json& run, int64_t client) {
    for (const auto& c : run["clients"]) {
      if (c["client_id"] == client && c["invoice"].is_object()) return c["invoice"]["id"];
    }
    ADD_FAILURE() << "no draft for client " << client << " in " << run.dump();
    return 0;
  }
  int refusals(int64_t invoice) {
    json events = expect(200, "GET", "/api/v1/audit?entity_type=invoice&entity_id=" + std::to_string(invoice),
                         nullptr, admin_);
    int n = 0;
    for (const auto& e : events["items"]) n += e["action"] == "invoice.change_refused";
    return n;
  }

  std::unique_ptr<BillingService> billing_;
  std::string admin_;
  std::map<std::string, std::string> tokens_;
  int64_t bakery_ = 0, garage_ = 0;
};

TEST_F(BillingRoutesTest, AnInvoiceLivesFromDryRunToPaidAndTheRunIsIdempotent) {
  const std::string finance = tokens_["finance"];
  json dry = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}, {"dry_run", true}}, finance);
  EXPECT_EQ(dry["drafts"], 2);
  EXPECT_TRUE(expect(200, "GET", "/api/v1/invoices", nullptr, finance)["items"].empty())
      << "a dry run stores nothing";

  json run = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  const int64_t id = draft_of(run, bakery_);
  json again = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  for (const auto& c : again["clients"]) EXPECT_EQ(c["outcome"], "unchanged") << c.dump();
  EXPECT_EQ(expect(200, "GET", "/api/v1/invoices", nullptr, finance)["items"].size(), 2u);

  // A draft is editable and invisible to the portal.
  expect(200, "PATCH", "/api/v1/invoices/" + std::to_string(id), {{"notes", "Bedankt!"}}, finance);
  expect(404, "GET", "/api/v1/invoices/" + std::to_string(id), nullptr, tokens_["portal"]);
  EXPECT_TRUE(expect(200, "GET", "/api/v1/invoices", nullptr, tokens_["portal"])["items"].empty());

  json issued =
      expect(200, "POST", "/api/v1/invoices/" + std::to_string(id) + "/issue", json::object(), finance);
  EXPECT_EQ(issued["number"], "2026-000001");
  EXPECT_EQ(issued["issued_on"], "2026-11-23");
  EXPECT_EQ(issued["status"], "issued");
  EXPECT_EQ(issued["total"], "95.00");  // 1 h x 95.00; the work type has no tax category: 0%
  json sent =
      expect(200, "POST", "/api/v1/invoices/" + std::to_string(id) + "/send", json::object(), finance);
  EXPECT_EQ(sent["status"], "sent");

  // The portal user of the client sees it; another client's does not.
  EXPECT_EQ(
      expect(200, "GET", "/api/v1/invoices/" + std::to_string(id), nullptr, tokens_["portal"])["number"],
      "2026-000001");
  expect(404, "GET", "/api/v1/invoices/" + std::to_string(id), nullptr, tokens_["other_portal"]);

  // Half an hour credited, then the rest paid.
  json note =
      expect(201, "POST", "/api/v1/invoices/" + std::to_string(id) + "/credit-note",
             {{"lines", {{{"position", 1}, {"quantity", "0.5"}}}}, {"notes", "Half goodwill"}}, finance);
  EXPECT_EQ(note["kind"], "credit_note");
  EXPECT_EQ(note["total"], "-47.50");
  json note_issued =
      expect(200, "POST", "/api/v1/invoices/" + note["id"].dump() + "/issue", json::object(), finance);
  EXPECT_EQ(note_issued["number"], "2026-000002");
  json open = expect(200, "GET", "/api/v1/invoices/" + std::to_string(id), nullptr, finance);
  EXPECT_EQ(open["open"], "47.50");
  expect(201, "POST", "/api/v1/payments",
         {{"client_id", bakery_},
          {"amount", "47.50"},
          {"received_on", "2026-11-23"},
          {"method", "bank_transfer"}},
         finance);
  json paid = expect(200, "GET", "/api/v1/invoices/" + std::to_string(id), nullptr, finance);
  EXPECT_EQ(paid["status"], "paid");
  EXPECT_EQ(paid["open"], "0.00");
  json ar = expect(200, "GET", "/api/v1/reports/ar?as_of=2026-11-23", nullptr, tokens_["read_only"]);
  for (const auto& c : ar["clients"]) EXPECT_NE(c["client_id"], bakery_) << "nothing open for the bakery";
}

TEST_F(BillingRoutesTest, AnIssuedInvoiceRefusesEveryChangeAndTheRefusalsAreAudited) {
  const std::string finance = tokens_["finance"];
  json run = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  const std::string path = "/api/v1/invoices/" + std::to_string(draft_of(run, bakery_));
  json issued = expect(200, "POST", path + "/issue", json::object(), finance);

  expect(409, "PATCH", path, {{"notes", "changed afterwards"}}, finance);
  expect(409, "DELETE", path, nullptr, finance);
  expect(409, "POST", path + "/issue", json::object(), admin_);
  EXPECT_EQ(refusals(issued["id"]), 3);

  json after = expect(200, "GET", path, nullptr, finance);
  EXPECT_EQ(after["notes"], issued["notes"]);
  EXPECT_EQ(after["total"], issued["total"]);
  EXPECT_EQ(after["lines"], issued["lines"]);
  EXPECT_EQ(after["number"], issued["number"]);

  // A new run of the period does not touch what is issued and bills nothing twice.
  json rerun = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  for (const auto& c : rerun["clients"]) {
    if (c["client_id"] == bakery_) {
      EXPECT_EQ(c["outcome"], "nothing_to_bill") << c.dump();
    }
  }
}

TEST_F(BillingRoutesTest, IssueDatesMayBeBackDatedButNumbersFollowDates) {
  const std::string finance = tokens_["finance"];
  json run = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  const std::string bakery = "/api/v1/invoices/" + std::to_string(draft_of(run, bakery_));
  const std::string garage = "/api/v1/invoices/" + std::to_string(draft_of(run, garage_));

  json future = expect(422, "POST", bakery + "/issue", {{"issued_on", "2026-11-24"}}, finance);
  EXPECT_EQ(future["errors"][0]["field"], "issued_on");
  expect(422, "POST", bakery + "/issue", {{"issued_on", "30-11-2026"}}, finance);
  expect(422, "POST", bakery + "/issue", {{"issued", "2026-11-20"}}, finance);

  json first = expect(200, "POST", bakery + "/issue", {{"issued_on", "2026-11-20"}}, finance);
  EXPECT_EQ(first["issued_on"], "2026-11-20");
  EXPECT_EQ(first["due_on"], "2026-12-04");  // the provider's 14 days
  json before = expect(422, "POST", garage + "/issue", {{"issued_on", "2026-11-19"}}, finance);
  EXPECT_EQ(before["errors"][0]["field"], "issued_on");
  EXPECT_EQ(expect(200, "GET", garage, nullptr, finance)["status"], "draft") << "nothing half-stored";
  json second = expect(200, "POST", garage + "/issue", {{"issued_on", "2026-11-20"}}, finance);
  EXPECT_EQ(second["number"], "2026-000002");
}

TEST_F(BillingRoutesTest, LinesAddedByHandSurviveRegenerationAndLeaveWithTheirDraftOnly) {
  const std::string finance = tokens_["finance"];
  json run = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, finance);
  const std::string path = "/api/v1/invoices/" + std::to_string(draft_of(run, bakery_));

  json added = expect(
      201, "POST", path + "/lines",
      {{"description", "Reiskosten Almere"}, {"quantity", "2"}, {"unit", "trip"}, {"unit_price", "12.50"}},
      finance);
  ASSERT_EQ(added["lines"].size(), 2u);
  EXPECT_EQ(added["lines"][1]["kind"], "manual");
  EXPECT_EQ(added["lines"][1]["amount"], "25.00");
  EXPECT_EQ(added["total"], "120.00");
  json missing = expect(422, "POST", path + "/lines", {{"description", "x"}}, finance);
  EXPECT_EQ(missing["errors"][0]["field"], "unit_price");
  expect(422, "POST", path + "/lines", {{"description", "x"}, {"quantity", "0"}, {"unit_price", "1.00"}},
         finance);
  expect(422, "POST", path + "/lines",
         {{"description", "x"}, {"unit_price", "1.00"}, {"tax_category_id", 999}}, finance);
  json negative =
      expect(422, "POST", path + "/lines", {{"description", "Korting"}, {"unit_price", "-200.00"}}, finance);
  EXPECT_EQ(negative["errors"][0]["field"], "unit_price");
  expect(403, "POST", path + "/lines", {{"description", "x"}, {"unit_price", "1.00"}}, tokens_["technician"]);

  // Running again keeps the line; new work regenerates the draft around it.
  json again = expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}, {"client_ids", {bakery_}}},
                      finance);
  EXPECT_EQ(again["clients"][0]["outcome"], "unchanged");
  json more = {{"tend_import", 1},
               {"time_entries",
                {{{"ticket", "t1b"},
                  {"user", kAdminEmail},
                  {"work_type", "remote"},
                  {"work_date", "2026-11-15"},
                  {"minutes", 60},
                  {"status", "approved"}}}},
               {"tickets", {{{"key", "t1b"}, {"client", "BAK"}, {"subject", "Printer jam"}}}}};
  expect(201, "POST", "/api/v1/import", more, admin_);
  json regenerated = expect(200, "POST", "/api/v1/billing/runs",
                            {{"period", "2026-11"}, {"client_ids", {bakery_}}}, finance);
  ASSERT_EQ(regenerated["clients"][0]["outcome"], "replaced") << regenerated.dump();
  json draft = regenerated["clients"][0]["invoice"];
  ASSERT_EQ(draft["lines"].size(), 3u);
  EXPECT_EQ(draft["lines"][2]["description"], "Reiskosten Almere");
  EXPECT_EQ(draft["total"], "215.00");
  const std::string now_path = "/api/v1/invoices/" + draft["id"].dump();

  expect(409, "DELETE", now_path + "/lines/1", nullptr, finance);  // billed work: delete the draft instead
  expect(404, "DELETE", now_path + "/lines/9", nullptr, finance);
  json removed = expect(200, "DELETE", now_path + "/lines/3", nullptr, finance);
  EXPECT_EQ(removed["lines"].size(), 2u);
  EXPECT_EQ(removed["total"], "190.00");

  expect(201, "POST", now_path + "/lines", {{"description", "Kabel"}, {"unit_price", "7.95"}}, finance);
  json issued = expect(200, "POST", now_path + "/issue", json::object(), finance);
  EXPECT_EQ(issued["total"], "197.95");
  expect(409, "POST", now_path + "/lines", {{"description", "late"}, {"unit_price", "1.00"}}, finance);
  expect(409, "DELETE", now_path + "/lines/3", nullptr, finance);
  EXPECT_EQ(refusals(issued["id"]), 2);
}

TEST_F(BillingRoutesTest, RunsTakeSlicesOfClientsAndOnlyBillingRolesRunThem) {
  json slice =
      expect(200, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}, {"client_ids", {garage_}}}, admin_);
  ASSERT_EQ(slice["clients"].size(), 1u);
  EXPECT_EQ(slice["clients"][0]["client_id"], garage_);
  json unknown = expect(422, "POST", "/api/v1/billing/runs",
                        {{"period", "2026-11"}, {"client_ids", {garage_, 9999}}}, admin_);
  EXPECT_EQ(unknown["errors"][0]["field"], "client_ids[1]");
  expect(422, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}, {"client_ids", {"x"}}}, admin_);
  expect(422, "POST", "/api/v1/billing/runs",
         {{"period", "2026-11"}, {"client_id", garage_}, {"client_ids", {garage_}}}, admin_);
  expect(422, "POST", "/api/v1/billing/runs", {{"period", "2026-13"}}, admin_);

  expect(403, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, tokens_["technician"]);
  expect(403, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, tokens_["read_only"]);
  expect(403, "POST", "/api/v1/billing/runs", {{"period", "2026-11"}}, tokens_["portal"]);
  expect(403, "GET", "/api/v1/invoices", nullptr, tokens_["technician"]);
  EXPECT_EQ(expect(200, "GET", "/api/v1/invoices?client_id=" + std::to_string(bakery_), nullptr,
                   tokens_["read_only"])["items"]
                .size(),
            0u);
}

}  // namespace
}  // namespace tend::api
