// Integration tests of time, parts, services and contracts against the real
// `tend serve`: a break/fix ticket with time, parts and a fixed-price
// service; a managed client's ticket showing what is covered and what is
// not; block hours across two blocks with the ledger and warnings; the CLI
// (tend time log, tend ticket charges, tend import); and an import of a
// malformed file that changes nothing in the database.
//
// Work dates are given explicitly (the server runs on the wall clock).
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/tend_process.h"

namespace tend::testing {
namespace {

using nlohmann::json;

const char* kPassword = "another-password-1";

// A server with an admin, a technician, a finance user, two clients (one
// with a portal user), work types remote (95/h, 15-minute minimum and
// steps) and on-site (110/h, one-hour minimum, half-hour steps).
struct Shop {
  TendServer server;
  Http http{server.url()};
  std::string admin, technician, finance, portal;
  int64_t bakery = 0, dentist = 0, remote = 0, onsite = 0, technician_id = 0;

  Shop() {
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
    bakery = create("/api/v1/clients", {{"name", "Bakkerij Jansen"}, {"reference", "BAK-001"}});
    dentist = create("/api/v1/clients", {{"name", "Tandartspraktijk De Molen"}, {"reference", "TDM-002"}});
    technician_id = create("/api/v1/users", {{"email", "tech@test.tend"}, {"name", "Sanne"}, {"role", "technician"},
                                             {"password", kPassword}});
    create("/api/v1/users", {{"email", "finance@test.tend"}, {"name", "Joost"}, {"role", "finance"}, {"password", kPassword}});
    create("/api/v1/users", {{"email", "portal@test.tend"}, {"name", "Fatima"}, {"role", "portal"},
                             {"client_id", dentist}, {"password", kPassword}});
    technician = http.login("tech@test.tend", kPassword);
    finance = http.login("finance@test.tend", kPassword);
    portal = http.login("portal@test.tend", kPassword);
    remote = create("/api/v1/work-types", {{"code", "remote"}, {"name", "Remote support"}, {"hourly_rate", "95.00"},
                                           {"minimum_minutes", 15}, {"rounding_increment_minutes", 15},
                                           {"after_hours_multiplier", "1.5"}}, finance);
    onsite = create("/api/v1/work-types", {{"code", "onsite"}, {"name", "On-site"}, {"hourly_rate", "110.00"},
                                           {"minimum_minutes", 60}, {"rounding_increment_minutes", 30}}, finance);
    auto rate = http.patch("/api/v1/technicians/" + std::to_string(technician_id), {{"cost_rate", "42.00"}}, finance);
    if (rate.status != 200) throw std::runtime_error("cost rate: " + rate.body);
  }

  int64_t create(const std::string& path, const json& body, const std::string& token = "") {
    auto r = http.post(path, body, token.empty() ? admin : token);
    if (r.status != 201) throw std::runtime_error("create " + path + " failed: " + r.body);
    return r.json()["id"].get<int64_t>();
  }
  json get(const std::string& path, const std::string& token) {
    auto r = http.get(path, token);
    if (r.status != 200) throw std::runtime_error("GET " + path + " failed: " + r.body);
    return r.json();
  }
  int64_t ticket(int64_t client, const std::string& subject) {
    return create("/api/v1/tickets", {{"subject", subject}, {"client_id", client}, {"priority", "P2"}}, technician);
  }
  int64_t log(int64_t ticket, int64_t type, const std::string& date, int minutes, json extra = json::object()) {
    json body = {{"ticket_id", ticket}, {"work_type_id", type}, {"work_date", date}, {"minutes", minutes}};
    body.update(extra);
    return create("/api/v1/time-entries", body, technician);
  }
  int64_t stored(const std::string& sql) { return sqlite_scalar(server.database_path(), sql); }
};

TEST(Work, BreakFixTicketWithTimePartsAndAFixedPriceService) {
  Shop s;
  int64_t ssd = s.create("/api/v1/catalogue", {{"kind", "part"}, {"sku", "SSD-500"}, {"name", "SSD 500 GB"},
                                               {"unit_cost", "48.00"}, {"markup_percent", "60"}, {"initial_stock", 1}},
                         s.finance);
  int64_t virus = s.create("/api/v1/catalogue", {{"kind", "service"}, {"sku", "SVC-VIRUS"}, {"name", "Virus removal"},
                                                 {"unit_cost", "0.00"}, {"unit_price", "79.00"}}, s.finance);
  int64_t ticket = s.ticket(s.bakery, "Laptop slow and showing pop-ups");
  s.log(ticket, s.remote, "2026-11-23", 40);
  int64_t service = s.create("/api/v1/service-usages", {{"ticket_id", ticket}, {"item_id", virus}}, s.technician);
  s.log(ticket, s.remote, "2026-11-23", 30, {{"service_usage_id", service}});
  auto used = s.http.post("/api/v1/part-usages", {{"ticket_id", ticket}, {"item_id", ssd}, {"quantity", 2},
                                                  {"serial_numbers", {"S1", "S2"}}}, s.technician);
  ASSERT_EQ(used.status, 201) << used.body;
  EXPECT_EQ(used.json()["stock"]["on_hand"], -1);
  EXPECT_EQ(used.json()["stock"]["below_zero"], true);

  json charges = s.get("/api/v1/tickets/" + std::to_string(ticket) + "/charges", s.technician);
  ASSERT_EQ(charges["time"].size(), 2u);
  EXPECT_EQ(charges["time"][0]["basis"], "time_and_materials");
  EXPECT_EQ(charges["time"][0]["amount"], "71.25");  // 40 min -> 45 at 95/h
  EXPECT_EQ(charges["time"][1]["basis"], "fixed_price_service");
  EXPECT_EQ(charges["time"][1]["amount"], "0.00");
  EXPECT_EQ(charges["time"][1]["cost"], "21.00");  // 30 min at 42/h still costs
  EXPECT_EQ(charges["services"][0]["amount"], "79.00");
  EXPECT_EQ(charges["parts"][0]["amount"], "153.60");  // 2 x (48.00 + 60%)
  EXPECT_EQ(charges["totals"]["charged"], "303.85");

  // Approval by finance locks the draft; the database keeps the ledger.
  auto approved = s.http.post("/api/v1/tickets/" + std::to_string(ticket) + "/approve-work", json::object(), s.finance);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["time_entries"], 2);
  EXPECT_EQ(approved.json()["part_usages"], 1);
  EXPECT_EQ(approved.json()["service_usages"], 1);
  int64_t entry = charges["time"][0]["time_entry_id"];
  EXPECT_EQ(s.http.patch("/api/v1/time-entries/" + std::to_string(entry), {{"minutes", 10}}, s.technician).status, 409);
  EXPECT_EQ(s.stored("SELECT sum(quantity) FROM stock_movements WHERE item_id = " + std::to_string(ssd)), -1);
  EXPECT_EQ(s.stored("SELECT count(*) FROM time_entries WHERE status = 'approved'"), 2);
  EXPECT_EQ(s.stored("SELECT billable_minutes FROM time_entries WHERE id = " + std::to_string(entry)), 45);
}

TEST(Work, AManagedClientsTicketShowsWhatIsCoveredAndWhatIsNot) {
  Shop s;
  json targets = {{"P1", {{"first_response_minutes", 15}, {"resolution_minutes", 120}}},
                  {"P2", {{"first_response_minutes", 30}, {"resolution_minutes", 240}}},
                  {"P3", {{"first_response_minutes", 60}, {"resolution_minutes", 480}}},
                  {"P4", {{"first_response_minutes", 120}, {"resolution_minutes", 960}}}};
  int64_t gold_sla = s.create("/api/v1/sla-policies", {{"name", "Gold 24x7"}, {"targets", targets}});
  int64_t antivirus = s.create("/api/v1/catalogue", {{"kind", "part"}, {"sku", "AV-LIC"}, {"name", "Antivirus licence"},
                                                     {"unit_cost", "18.00"}, {"unit_price", "35.00"}}, s.finance);
  auto contract = s.http.post(
      "/api/v1/contracts",
      {{"client_id", s.dentist}, {"kind", "managed"}, {"name", "Managed Gold"}, {"starts_on", "2026-01-01"},
       {"term_months", 12}, {"notice_days", 90}, {"sla_policy_id", gold_sla}, {"covered_work_types", {s.remote}},
       {"covered_items", {antivirus}}, {"rates", {{{"work_type_id", s.onsite}, {"hourly_rate", "80.00"}}}},
       {"terms", {{"flat_fee", "150.00"}, {"per_workstation", "25.00"}, {"per_server", "75.00"},
                  {"per_user", "5.00"}, {"user_count", 6}, {"manual_workstations", 8}, {"manual_servers", 1}}}},
      s.finance);
  ASSERT_EQ(contract.status, 201) << contract.body;
  int64_t contract_id = contract.json()["id"];
  EXPECT_EQ(contract.json()["auto_renew"], true);

  // The covering contract's SLA policy applies to the client's new tickets.
  int64_t ticket = s.ticket(s.dentist, "X-ray workstation does not start");
  EXPECT_EQ(s.get("/api/v1/tickets/" + std::to_string(ticket), s.admin)["sla_policy_id"], gold_sla);

  s.log(ticket, s.remote, "2026-11-23", 45);
  s.log(ticket, s.onsite, "2026-11-24", 90);
  s.create("/api/v1/part-usages", {{"ticket_id", ticket}, {"item_id", antivirus}, {"quantity", 2}}, s.technician);
  json charges = s.get("/api/v1/tickets/" + std::to_string(ticket) + "/charges", s.portal);
  EXPECT_EQ(charges["time"][0]["basis"], "covered");
  EXPECT_EQ(charges["time"][0]["explanation"], "covered by Managed Gold, work type Remote support is included");
  EXPECT_EQ(charges["time"][1]["basis"], "time_and_materials");
  EXPECT_EQ(charges["time"][1]["amount"], "120.00");  // 90 min at the agreement's 80/h
  EXPECT_EQ(charges["time"][1]["explanation"],
            "not covered by Managed Gold (work type On-site is not included); time and materials: 1.5 h at "
            "\xE2\x82\xAC" "80.00/h (rate of Managed Gold) = \xE2\x82\xAC" "120.00");
  EXPECT_EQ(charges["parts"][0]["basis"], "covered");
  EXPECT_FALSE(charges["totals"].contains("cost"));  // the portal never sees costs
  EXPECT_EQ(charges["totals"]["charged"], "120.00");

  // The portal user reads the agreement and its fee (no agents: manual counts).
  json details = s.get("/api/v1/contracts/" + std::to_string(contract_id) + "?as_of=2026-11-27", s.portal);
  EXPECT_EQ(details["active"], true);
  EXPECT_EQ(details["renewal_date"], "2027-01-01");
  EXPECT_EQ(details["fee"]["total"], "455.00");  // 150 + 8 x 25 + 1 x 75 + 6 x 5
  EXPECT_EQ(details["fee"]["devices_from_agents"], false);
  // A price change is added to the history, never overwriting it.
  auto raised = s.http.post("/api/v1/contracts/" + std::to_string(contract_id) + "/price-changes",
                            {{"effective_from", "2027-01-01"}, {"per_workstation", "27.50"}, {"note", "indexation"}},
                            s.finance);
  ASSERT_EQ(raised.status, 201) << raised.body;
  EXPECT_EQ(raised.json()["terms"].size(), 2u);
  EXPECT_EQ(s.stored("SELECT count(*) FROM contract_terms WHERE contract_id = " + std::to_string(contract_id)), 2);
  EXPECT_EQ(s.http.post("/api/v1/contracts/" + std::to_string(contract_id) + "/cancel", {{"reason", "x"}}, s.portal).status,
            403);
}

TEST(Work, BlockHoursAcrossTwoBlocksWithTheLedger) {
  Shop s;
  auto contract = s.http.post(
      "/api/v1/contracts",
      {{"client_id", s.bakery}, {"kind", "block_hours"}, {"name", "Strippenkaart"}, {"starts_on", "2026-07-01"},
       {"overage_rate", "95.00"},
       {"blocks", {{{"label", "2026-Q3"}, {"hours", "10"}, {"price", "850.00"}, {"valid_from", "2026-07-01"},
                    {"valid_to", "2026-09-30"}},
                   {{"label", "2026-Q4"}, {"hours", "10"}, {"price", "850.00"}, {"valid_from", "2026-10-01"},
                    {"valid_to", "2026-12-31"}}}}},
      s.finance);
  ASSERT_EQ(contract.status, 201) << contract.body;
  const std::string id = std::to_string(contract.json()["id"].get<int64_t>());
  int64_t first = s.ticket(s.bakery, "Server updates");
  int64_t second = s.ticket(s.bakery, "New laptop");
  s.log(first, s.remote, "2026-09-29", 540);
  int64_t spill = s.log(second, s.remote, "2026-09-30", 120);
  s.log(second, s.remote, "2026-10-05", 210);
  json ledger = s.get("/api/v1/contracts/" + id + "/ledger", s.admin);
  ASSERT_EQ(ledger["balances"].size(), 2u);
  EXPECT_EQ(ledger["balances"][0]["used_minutes"], 600);
  EXPECT_EQ(ledger["balances"][0]["warning"], 95);
  EXPECT_EQ(ledger["balances"][1]["used_minutes"], 210);
  EXPECT_EQ(ledger["balances"][1]["remaining_minutes"], 390);
  json charge = s.get("/api/v1/time-entries/" + std::to_string(spill) + "/charge", s.admin);
  EXPECT_EQ(charge["overage_minutes"], 60);
  EXPECT_EQ(charge["amount"], "95.00");
  EXPECT_EQ(charge["explanation"],
            "Strippenkaart: block 2026-Q3: 10 h used of 10 h; 1 h overage at \xE2\x82\xAC" "95.00/h = \xE2\x82\xAC" "95.00");
  json later = s.get("/api/v1/tickets/" + std::to_string(second) + "/charges", s.admin);
  EXPECT_EQ(later["time"][1]["explanation"], "Strippenkaart: block 2026-Q4: 3.5 h used of 10 h");
  // Every consumption is linked to its time entry in the stored ledger.
  EXPECT_EQ(s.stored("SELECT count(*) FROM block_ledger WHERE kind = 'consumption' AND time_entry_id IS NOT NULL"), 3);
  EXPECT_EQ(s.stored("SELECT sum(minutes) FROM block_ledger WHERE kind = 'overage'"), 60);
  // Q3 crossed 80% and 95%: each warning recorded once in the audit trail.
  EXPECT_EQ(s.stored("SELECT count(*) FROM audit_events WHERE action = 'contract.block_warning'"), 2);
  // Removing the spill entry gives Q3 its hour back.
  ASSERT_EQ(s.http.del("/api/v1/time-entries/" + std::to_string(spill), s.technician).status, 200);
  EXPECT_EQ(s.get("/api/v1/contracts/" + id + "/ledger", s.admin)["balances"][0]["used_minutes"], 540);
}

TEST(Work, TheCliLogsTimeAndShowsCharges) {
  Shop s;
  int64_t ticket = s.ticket(s.bakery, "Printer jam");
  auto token = s.http.post("/api/v1/api-tokens", {{"name", "cli"}}, s.technician).json()["token"].get<std::string>();
  auto logged = run_tend({"time", "log", "--server", s.server.url(), "--token", token, "--ticket", std::to_string(ticket),
                          "--work-type", "remote", "--minutes", "20", "--date", "2026-11-23", "--notes", "Cleared it"});
  ASSERT_EQ(logged.exit_code, 0) << logged.err;
  EXPECT_NE(logged.out.find("20 min on 2026-11-23 (30 billable)"), std::string::npos) << logged.out;
  auto charges = run_tend({"ticket", "charges", std::to_string(ticket), "--server", s.server.url(), "--token", token});
  ASSERT_EQ(charges.exit_code, 0) << charges.err;
  EXPECT_NE(charges.out.find("time and materials: 0.5 h at"), std::string::npos) << charges.out;
  EXPECT_NE(charges.out.find("Charged: 47.50 EUR"), std::string::npos) << charges.out;
  auto unknown = run_tend({"time", "log", "--server", s.server.url(), "--token", token, "--ticket", std::to_string(ticket),
                           "--work-type", "remot", "--minutes", "5"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("remot"), std::string::npos);
  auto started = run_tend({"time", "start", "--server", s.server.url(), "--token", token, "--ticket",
                           std::to_string(ticket), "--work-type", "remote"});
  EXPECT_EQ(started.exit_code, 0) << started.err;
  auto again = run_tend({"time", "start", "--server", s.server.url(), "--token", token, "--ticket",
                         std::to_string(ticket), "--work-type", "remote"});
  EXPECT_EQ(again.exit_code, 4);  // conflict: one timer per technician
  auto stopped = run_tend({"time", "stop", "--server", s.server.url(), "--token", token, "--json"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(json::parse(stopped.out)["minutes"], 0);  // stopped straight away: a zero-minute entry
}

// Row counts of every table the import writes (and the audit trail).
std::string fingerprint(const std::string& db) {
  std::string out;
  for (const char* table : {"clients", "sites", "contacts", "users", "tax_categories", "work_types", "technician_rates",
                            "client_rates", "catalogue_items", "stock_movements", "contracts", "contract_terms",
                            "hour_blocks", "block_ledger", "tickets", "ticket_events", "service_usages",
                            "time_entries", "part_usages", "audit_events"}) {
    out += std::string(table) + "=" + std::to_string(sqlite_scalar(db, std::string("SELECT count(*) FROM ") + table)) + " ";
  }
  return out;
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Work, AnImportOfAMalformedFileChangesNothing) {
  Shop s;
  TempDir files;
  auto token = s.http.post("/api/v1/api-tokens", {{"name", "import"}}, s.admin).json()["token"].get<std::string>();
  const std::string good = R"({
    "tend_import": 1,
    "tax_categories": [{"code": "NL21", "name": "BTW 21%", "rate_percent": "21"}],
    "work_types": [{"code": "travel", "name": "Travel", "hourly_rate": "55.00", "tax_category": "NL21"}],
    "clients": [{"reference": "FLO-006", "name": "Bloemenhandel Flora", "sites": [{"name": "Winkel Delft"}]}],
    "users": [{"email": "piet@test.tend", "name": "Piet", "role": "technician", "cost_rate": "35.00"}],
    "catalogue": [{"kind": "part", "sku": "CABLE", "name": "Cable", "unit_cost": "2.50", "unit_price": "7.95",
                   "initial_stock": 10}],
    "contracts": [{"client": "FLO-006", "kind": "time_and_materials", "name": "T&M", "starts_on": "2026-01-01",
                   "rates": [{"work_type": "travel", "hourly_rate": "50.00"}]}],
    "tickets": [{"key": "T1", "client": "FLO-006", "subject": "Till offline", "created_at": "2026-11-20T09:00:00Z",
                 "status": "Resolved"}],
    "time_entries": [{"ticket": "T1", "user": "piet@test.tend", "work_type": "travel", "work_date": "2026-11-20",
                      "minutes": 30, "status": "approved"}],
    "part_usages": [{"ticket": "T1", "sku": "CABLE", "quantity": 2, "used_on": "2026-11-20"}]
  })";
  json bad_reference = json::parse(good);
  bad_reference["time_entries"].push_back({{"ticket", "T1"}, {"user", "piet@test.tend"}, {"work_type", "remot"},
                                           {"work_date", "2026-11-21"}, {"minutes", 5}});
  json bad_types = json::parse(good);
  bad_types["part_usages"][0]["quantity"] = "two";
  bad_types["catalogue"][0]["unit_price"] = 7.95;
  json unknown_section = json::parse(good);
  unknown_section["invoices"] = json::array();
  json duplicate = json::parse(good);
  duplicate["clients"][0]["reference"] = "BAK-001";  // exists already

  const std::string before = fingerprint(s.server.database_path());
  struct Case {
    std::string name, text, expected_in_error;
  };
  std::vector<Case> cases = {
      {"truncated.json", good.substr(0, good.size() / 2), "not a JSON object"},
      {"array.json", "[1, 2, 3]", "not a JSON object"},
      {"version.json", R"({"tend_import": 2})", "tend_import"},
      {"reference.json", bad_reference.dump(), "time_entries[1].work_type"},
      {"types.json", bad_types.dump(), "part_usages[0].quantity"},
      {"section.json", unknown_section.dump(), "invoices"},
      {"duplicate.json", duplicate.dump(), "clients[0].reference"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto result = run_tend({"import", write_file(files.path(), c.name, c.text), "--server", s.server.url(), "--token", token});
    EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
    EXPECT_NE(result.err.find(c.expected_in_error), std::string::npos) << result.err;
    EXPECT_EQ(fingerprint(s.server.database_path()), before);
  }
  // The same file without the mistakes imports, all of it.
  auto dry = run_tend({"import", write_file(files.path(), "good.json", good), "--dry-run", "--server", s.server.url(),
                       "--token", token});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(fingerprint(s.server.database_path()), before);
  auto imported = run_tend({"import", files.path() + "/good.json", "--server", s.server.url(), "--token", token});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("1 time_entries"), std::string::npos) << imported.out;
  EXPECT_EQ(s.stored("SELECT count(*) FROM time_entries"), 1);
  EXPECT_EQ(s.stored("SELECT sum(quantity) FROM stock_movements"), 8);
}

TEST(Work, TheDocumentedExampleFileImportsIntoAFreshInstallation) {
  TendServer server;
  Http http(server.url());
  std::string admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  auto token = http.post("/api/v1/api-tokens", {{"name", "import"}}, admin).json()["token"].get<std::string>();
  auto imported = run_tend({"import", std::string(TEND_SOURCE_DIR) + "/docs/import-example.json", "--server",
                            server.url(), "--token", token, "--json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  json summary = json::parse(imported.out);
  EXPECT_EQ(summary["clients"], 3);
  EXPECT_GT(summary["time_entries"].get<int>(), 0);
  // What docs/import-format.md says the example's tickets come to.
  auto tickets = http.get("/api/v1/tickets?limit=200", admin).json()["items"];
  std::map<std::string, int64_t> by_subject;
  for (const auto& t : tickets) by_subject[t["subject"]] = t["id"];
  json bakery = http.get("/api/v1/tickets/" + std::to_string(by_subject.at("Laptop slow and showing pop-ups")) + "/charges",
                         admin).json();
  EXPECT_EQ(bakery["totals"]["charged"], "227.05") << bakery.dump(1);
  json dentist = http.get("/api/v1/tickets/" + std::to_string(by_subject.at("X-ray workstation replacement")) + "/charges",
                          admin).json();
  EXPECT_EQ(dentist["time"][0]["basis"], "covered") << dentist.dump(1);
  EXPECT_EQ(dentist["totals"]["charged"], "142.50") << dentist.dump(1);
  json architect = http.get("/api/v1/tickets/" + std::to_string(by_subject.at("Plotter driver update")) + "/charges",
                            admin).json();
  EXPECT_EQ(architect["time"][0]["basis"], "block_hours") << architect.dump(1);
}

}  // namespace
}  // namespace tend::testing
