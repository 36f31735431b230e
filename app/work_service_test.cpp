// Use-case tests of time, parts, services, contracts, rating and import over
// a real SQLite store and a manual clock.
#include "app/work_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/app_test_support.h"
#include "app/contract_service.h"
#include "app/desk_settings_service.h"
#include "app/import_service.h"
#include "app/ticket_service.h"
#include "store/sqlite/sqlite_store.h"

namespace tend {
namespace {

using nlohmann::json;

std::string fields_of(const Error& e) {
  std::string out;
  for (const auto& f : e.fields) out += (out.empty() ? "" : ",") + f.field;
  return out;
}

class WorkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tend-work-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.auth.password_cost = PasswordCost::minimum;
    store_ = ok(store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now()));
    AppContext context{*store_, clock_, config_};
    work_ = std::make_unique<WorkService>(context);
    contracts_ = std::make_unique<ContractService>(context);
    settings_ = std::make_unique<DeskSettingsService>(context);
    tickets_ = std::make_unique<TicketService>(context);
    import_ = std::make_unique<ImportService>(context, *tickets_);
    auto tx = ok(store_->write());
    ProviderSettings provider;
    provider.name = "Vos IT";
    provider.updated_at = clock_.now();
    ok(tx.provider().put(provider));
    client_ = add_client(tx, "Bakkerij Jansen", "BAK-001");
    other_client_ = add_client(tx, "Garage Peters", "GAR-004");
    technician_.user_id = add_user(tx, "sanne@vos-it.nl", Role::technician, ClientId());
    technician_.role = Role::technician;
    technician_.email = "sanne@vos-it.nl";
    colleague_.user_id = add_user(tx, "mo@vos-it.nl", Role::technician, ClientId());
    colleague_.role = Role::technician;
    colleague_.email = "mo@vos-it.nl";
    finance_.user_id = add_user(tx, "joost@vos-it.nl", Role::finance, ClientId());
    finance_.role = Role::finance;
    finance_.email = "joost@vos-it.nl";
    portal_.user_id = add_user(tx, "anna@bakkerij.nl", Role::portal, client_);
    portal_.role = Role::portal;
    portal_.client_id = client_;
    ok(tx.commit());
    hourly_ = ok(work_->create_work_type(admin_, {{"code", "hourly"}, {"name", "Hourly support"}, {"hourly_rate", "90.00"},
                                                  {"minimum_minutes", 60}, {"rounding_increment_minutes", 60}}))
                  .id;
    remote_ = ok(work_->create_work_type(admin_, {{"code", "remote"}, {"name", "Remote support"}, {"hourly_rate", "95.00"},
                                                  {"minimum_minutes", 15}, {"rounding_increment_minutes", 15},
                                                  {"after_hours_multiplier", "1.5"}}))
                  .id;
    ok(work_->set_technician_rate(admin_, technician_.user_id, {{"cost_rate", "40.00"}}));
    ticket_ = new_ticket(client_, "Laptop slow and showing pop-ups");
  }
  void TearDown() override {
    import_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ClientId add_client(store::Transaction& tx, const std::string& name, const std::string& reference) {
    Client c;
    c.name = name;
    c.reference = reference;
    c.created_at = c.updated_at = clock_.now();
    return ok(tx.clients().insert(c));
  }
  UserId add_user(store::Transaction& tx, const std::string& email, Role role, ClientId client) {
    User u;
    u.email = email;
    u.name = email;
    u.role = role;
    u.client_id = client;
    u.created_at = u.updated_at = clock_.now();
    return ok(tx.users().insert(u));
  }
  TicketId new_ticket(ClientId client, const std::string& subject) {
    return ok(tickets_->create(admin_, {{"subject", subject}, {"client_id", client.value()}, {"priority", "P3"}})).id;
  }
  TimeEntry log(const Principal& who, TicketId ticket, WorkTypeId type, const std::string& date, int64_t minutes,
                json extra = json::object()) {
    json body = {{"ticket_id", ticket.value()}, {"work_type_id", type.value()}, {"work_date", date}, {"minutes", minutes}};
    body.update(extra);
    return ok(work_->log_time(who, body));
  }
  std::vector<TimelineEvent> timeline(TicketId ticket) { return ok(tickets_->timeline(admin_, ticket, 0, 500)); }

  std::filesystem::path dir_;
  ManualClock clock_{*parse_rfc3339("2026-11-27T09:00:00Z")};
  Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<WorkService> work_;
  std::unique_ptr<ContractService> contracts_;
  std::unique_ptr<DeskSettingsService> settings_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<ImportService> import_;
  Principal admin_ = Principal::local_admin();
  Principal technician_, colleague_, finance_, portal_;
  ClientId client_, other_client_;
  WorkTypeId hourly_, remote_;
  TicketId ticket_;
};

TEST_F(WorkTest, TheClassicRoundingIsStoredAndCharged) {
  TimeEntry a = log(technician_, ticket_, hourly_, "2026-11-02", 45);
  TimeEntry b = log(technician_, ticket_, hourly_, "2026-11-03", 45);
  TimeEntry c = log(technician_, ticket_, hourly_, "2026-11-04", 5);
  EXPECT_EQ(ok(work_->get_time_entry(admin_, a.id)).billable_minutes, 57);
  EXPECT_EQ(ok(work_->get_time_entry(admin_, b.id)).billable_minutes, 57);
  EXPECT_EQ(c.billable_minutes, 6);
  EXPECT_EQ(c.cost_rate, Money(Currency::eur(), 4000));
  WorkCharges charges = ok(work_->ticket_charges(admin_, ticket_));
  EXPECT_EQ(charges.charged_total.to_decimal(), "180.00");
  EXPECT_EQ(charges.cost_total.to_decimal(), "63.33");  // 95 min at 40/h
  ASSERT_EQ(charges.time.size(), 3u);
  EXPECT_NE(charges.time[2].explanation.find("120 billable min of 3 entries"), std::string::npos)
      << charges.time[2].explanation;
  auto events = timeline(ticket_);
  EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const auto& e) { return e.kind == "time.logged"; }), 3);
}

TEST_F(WorkTest, TechniciansChangeOnlyTheirOwnTimeAndOnlyFinanceOverrides) {
  TimeEntry e = log(technician_, ticket_, hourly_, "2026-11-02", 45);
  auto by_colleague = work_->update_time_entry(colleague_, e.id, {{"minutes", 30}});
  ASSERT_FALSE(by_colleague);
  EXPECT_EQ(by_colleague.error().kind, ErrorKind::forbidden);
  auto override_by_tech = work_->update_time_entry(technician_, e.id, {{"billable_minutes", 30}, {"override_reason", "x"}});
  EXPECT_EQ(override_by_tech.error().kind, ErrorKind::forbidden);
  auto without_reason = work_->update_time_entry(finance_, e.id, {{"billable_minutes", 30}});
  ASSERT_FALSE(without_reason);
  EXPECT_EQ(fields_of(without_reason.error()), "override_reason");
  TimeEntry overridden =
      ok(work_->update_time_entry(finance_, e.id, {{"billable_minutes", 30}, {"override_reason", "goodwill: slow laptop"}}));
  EXPECT_EQ(overridden.billable_minutes, 30);
  EXPECT_EQ(overridden.actual_minutes, 45);
  auto events = timeline(ticket_);
  auto found = std::find_if(events.begin(), events.end(), [](const auto& ev) { return ev.kind == "time.billable_overridden"; });
  ASSERT_NE(found, events.end());
  EXPECT_NE(found->details.find("goodwill: slow laptop"), std::string::npos);
  // Logging for someone else is for admins only.
  auto for_other = work_->log_time(technician_, {{"ticket_id", ticket_.value()}, {"work_type_id", hourly_.value()},
                                                 {"minutes", 5}, {"user_id", colleague_.user_id.value()}});
  EXPECT_EQ(for_other.error().kind, ErrorKind::forbidden);
}

TEST_F(WorkTest, ApprovedEntriesAreFrozenAndInvoicedOnesLocked) {
  TimeEntry e = log(technician_, ticket_, hourly_, "2026-11-02", 45);
  ok(work_->set_time_entry_approved(finance_, e.id, true));
  EXPECT_EQ(work_->update_time_entry(technician_, e.id, {{"minutes", 30}}).error().kind, ErrorKind::conflict);
  EXPECT_EQ(work_->remove_time_entry(technician_, e.id).error().kind, ErrorKind::conflict);
  ok(work_->set_time_entry_approved(finance_, e.id, false));
  ok(work_->update_time_entry(technician_, e.id, {{"minutes", 30}}));
  ok(work_->set_time_entry_approved(finance_, e.id, true));
  {
    auto tx = ok(store_->write());
    const TimeEntryId ids[] = {e.id};
    ok(tx.time_entries().mark_invoiced(ids, 12, clock_.now()));
    ok(tx.commit());
  }
  EXPECT_EQ(work_->set_time_entry_approved(finance_, e.id, false).error().kind, ErrorKind::conflict);
  EXPECT_EQ(work_->update_time_entry(finance_, e.id, {{"billable_minutes", 0}, {"override_reason", "x"}}).error().kind,
            ErrorKind::conflict);
}

TEST_F(WorkTest, ATimerLogsTheTimeBetweenStartAndStop) {
  ok(work_->start_timer(technician_, {{"ticket_id", ticket_.value()}, {"work_type_id", remote_.value()}, {"notes", "remote session"}}));
  EXPECT_EQ(work_->start_timer(technician_, {{"ticket_id", ticket_.value()}, {"work_type_id", remote_.value()}}).error().kind,
            ErrorKind::conflict);
  clock_.advance(std::chrono::minutes(40) + std::chrono::seconds(20));
  TimeEntry e = ok(work_->stop_timer(technician_, json::object()));
  EXPECT_EQ(e.actual_minutes, 40);
  EXPECT_EQ(e.billable_minutes, 45);
  EXPECT_EQ(e.notes, "remote session");
  EXPECT_EQ(format_civil_date(e.work_date), "2026-11-27");
  EXPECT_FALSE(ok(work_->running_timer(technician_, UserId())).has_value());
  EXPECT_EQ(work_->stop_timer(technician_, json::object()).error().kind, ErrorKind::not_found);
}

TEST_F(WorkTest, PartsWriteTheStockLedgerAndMayGoBelowZero) {
  CatalogueItem ssd = ok(work_->create_item(admin_, {{"kind", "part"}, {"sku", "SSD-500"}, {"name", "SSD 500 GB"},
                                                    {"unit_cost", "55.00"}, {"markup_percent", "60"},
                                                    {"reorder_level", 1}, {"initial_stock", 2}}));
  EXPECT_EQ(ssd.price().to_decimal(), "88.00");
  PartUsed used = ok(work_->use_part(technician_, {{"ticket_id", ticket_.value()}, {"item_id", ssd.id.value()},
                                                  {"quantity", 3}, {"serial_numbers", {"S1", "S2"}}}));
  EXPECT_EQ(used.stock.on_hand, -1);
  EXPECT_TRUE(used.stock.below_zero);
  EXPECT_EQ(used.usage.unit_price.to_decimal(), "88.00");
  EXPECT_EQ(ok(work_->get_item(admin_, ssd.id)).stock_on_hand, -1);
  ok(work_->remove_part_usage(technician_, used.usage.id));
  auto moves = ok(work_->stock_movements(admin_, ssd.id, 0, 10));
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(moves[0].kind, StockMovementKind::return_);
  EXPECT_EQ(moves[0].balance_after, 2);
  auto bad = work_->add_stock_movement(admin_, ssd.id, {{"kind", "correction"}, {"quantity", -1}});
  EXPECT_EQ(fields_of(bad.error()), "note");
  ok(work_->add_stock_movement(admin_, ssd.id, {{"kind", "correction"}, {"quantity", -1}, {"note", "broken in transit"}}));
  EXPECT_EQ(ok(work_->get_item(admin_, ssd.id)).stock_on_hand, 1);
}

TEST_F(WorkTest, AFixedPriceServiceIsChargedOnceAndItsTimeOnlyCosts) {
  CatalogueItem virus = ok(work_->create_item(admin_, {{"kind", "service"}, {"sku", "SVC-VIRUS"}, {"name", "Virus removal"},
                                                      {"unit_cost", "0.00"}, {"unit_price", "79.00"}}));
  ServiceUsage service = ok(work_->add_service(technician_, {{"ticket_id", ticket_.value()}, {"item_id", virus.id.value()}}));
  TimeEntry under = log(technician_, ticket_, remote_, "2026-11-02", 40, {{"service_usage_id", service.id.value()}});
  TimeEntry extra = log(technician_, ticket_, remote_, "2026-11-02", 40);
  EXPECT_EQ(under.billable_minutes, 0);
  EXPECT_EQ(extra.billable_minutes, 45);
  WorkCharges charges = ok(work_->ticket_charges(admin_, ticket_));
  ASSERT_EQ(charges.services.size(), 1u);
  EXPECT_EQ(charges.services[0].charge.basis, ChargeBasis::fixed_price);
  EXPECT_EQ(charges.time[0].charge.basis, ChargeBasis::fixed_price_service);
  EXPECT_EQ(charges.time[0].cost.to_decimal(), "26.67");  // 40 min at 40/h still costs
  EXPECT_EQ(charges.charged_total.to_decimal(), "150.25");  // 79.00 + 45 min at 95/h (71.25)
  EXPECT_EQ(work_->remove_service_usage(technician_, service.id).error().kind, ErrorKind::conflict);
}

TEST_F(WorkTest, AManagedAgreementCoversItsWorkAndSetsTheSlaOfNewTickets) {
  SlaPolicyId gold_sla =
      ok(settings_->create_policy(admin_, {{"name", "Gold 24x7"},
                                           {"targets",
                                            {{"P1", {{"first_response_minutes", 15}, {"resolution_minutes", 120}}},
                                             {"P2", {{"first_response_minutes", 30}, {"resolution_minutes", 240}}},
                                             {"P3", {{"first_response_minutes", 60}, {"resolution_minutes", 480}}},
                                             {"P4", {{"first_response_minutes", 120}, {"resolution_minutes", 960}}}}}}))
          .id;
  Contract gold = ok(contracts_->create(
      admin_, {{"client_id", client_.value()}, {"kind", "managed"}, {"name", "Managed Gold"}, {"starts_on", "2026-01-01"},
               {"term_months", 12}, {"notice_days", 90}, {"sla_policy_id", gold_sla.value()},
               {"covered_work_types", {remote_.value()}}, {"rates", {{{"work_type_id", hourly_.value()}, {"hourly_rate", "80.00"}}}},
               {"terms", {{"flat_fee", "150.00"}, {"per_workstation", "25.00"}, {"user_count", 4}, {"per_user", "5.00"},
                          {"manual_workstations", 6}}}}));
  EXPECT_TRUE(gold.auto_renew);
  TicketId managed_ticket = new_ticket(client_, "Printer offline");
  EXPECT_EQ(ok(tickets_->get(admin_, managed_ticket)).sla_policy_id, gold_sla);
  EXPECT_NE(ok(tickets_->get(admin_, new_ticket(other_client_, "Elsewhere"))).sla_policy_id, gold_sla);

  log(technician_, managed_ticket, remote_, "2026-11-02", 30);
  log(technician_, managed_ticket, hourly_, "2026-11-02", 30);
  WorkCharges charges = ok(work_->ticket_charges(portal_, managed_ticket));
  ASSERT_EQ(charges.time.size(), 2u);
  EXPECT_EQ(charges.time[0].charge.basis, ChargeBasis::covered);
  EXPECT_EQ(charges.time[0].explanation, "covered by Managed Gold, work type Remote support is included");
  EXPECT_EQ(charges.time[1].charge.basis, ChargeBasis::time_and_materials);
  EXPECT_EQ(charges.time[1].charge.amount.to_decimal(), "80.00");
  EXPECT_EQ(charges.charged_total.to_decimal(), "80.00");

  ContractDetails details = ok(contracts_->get(portal_, gold.id, parse_civil_date("2026-11-27").value()));
  EXPECT_TRUE(details.active);
  EXPECT_EQ(format_civil_date(*details.renewal_date), "2027-01-01");
  EXPECT_EQ(format_civil_date(*details.notice_deadline), "2026-10-02");
  ASSERT_TRUE(details.fee.has_value());
  EXPECT_EQ(details.fee->total.to_decimal(), "320.00");  // no agents: 150 + 6 x 25 + 4 x 5
  EXPECT_EQ(contracts_->get(portal_, ok(contracts_->create(admin_, {{"client_id", other_client_.value()},
                                                                     {"kind", "time_and_materials"},
                                                                     {"name", "T&M"},
                                                                     {"starts_on", "2026-01-01"}}))
                                          .id,
                            std::nullopt)
                .error()
                .kind,
            ErrorKind::not_found);
}

TEST_F(WorkTest, PriceChangesAndCancellationAreKeptAsHistory) {
  Contract gold = ok(contracts_->create(
      admin_, {{"client_id", client_.value()}, {"kind", "managed"}, {"name", "Managed Gold"}, {"starts_on", "2026-01-01"},
               {"term_months", 12}, {"notice_days", 90}, {"terms", {{"flat_fee", "150.00"}, {"per_workstation", "25.00"}}}}));
  auto backwards = contracts_->change_price(admin_, gold.id, {{"effective_from", "2025-06-01"}, {"per_workstation", "20.00"}});
  EXPECT_EQ(fields_of(backwards.error()), "effective_from");
  Contract raised = ok(contracts_->change_price(
      admin_, gold.id, {{"effective_from", "2027-01-01"}, {"per_workstation", "28.00"}, {"note", "indexation"}}));
  ASSERT_EQ(raised.terms.size(), 2u);
  EXPECT_EQ(raised.terms[1].flat_fee.to_decimal(), "150.00");  // carried over
  EXPECT_EQ(raised.terms[1].per_workstation.to_decimal(), "28.00");
  // Today is 2026-11-27: +90 days is in the second term, so the earliest
  // end is the renewal after it.
  auto early = contracts_->cancel(admin_, gold.id, {{"effective_on", "2027-01-01"}, {"reason", "moving away"}});
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().fields.at(0).message.find("2028-01-01"), std::string::npos);
  Contract cancelled = ok(contracts_->cancel(admin_, gold.id, {{"reason", "moving away"}}));
  EXPECT_EQ(format_civil_date(*cancelled.cancellation_effective_on), "2028-01-01");
  EXPECT_EQ(contracts_->cancel(admin_, gold.id, {{"reason", "again"}}).error().kind, ErrorKind::conflict);
  EXPECT_EQ(ok(contracts_->get(admin_, gold.id, std::nullopt)).contract.terms.size(), 2u);
}

TEST_F(WorkTest, BlockHoursAcrossTwoBlocksWithALedgerAndWarnings) {
  Contract blocks = ok(contracts_->create(
      admin_, {{"client_id", client_.value()}, {"kind", "block_hours"}, {"name", "Prepaid hours"}, {"starts_on", "2026-07-01"},
               {"overage_rate", "95.00"},
               {"blocks", {{{"label", "2026-Q3"}, {"hours", "10"}, {"price", "850.00"}, {"valid_from", "2026-07-01"},
                            {"valid_to", "2026-09-30"}}}}}));
  ok(contracts_->add_block(admin_, blocks.id, {{"label", "2026-Q4"}, {"hours", "10"}, {"price", "850.00"},
                                               {"valid_from", "2026-10-01"}, {"valid_to", "2026-12-31"}}));
  TicketId second = new_ticket(client_, "Server updates");
  log(technician_, ticket_, remote_, "2026-09-29", 540);
  TimeEntry spill = log(technician_, second, remote_, "2026-09-30", 120);
  log(technician_, second, remote_, "2026-10-05", 510);
  ContractLedger ledger = ok(contracts_->ledger(portal_, blocks.id));
  ASSERT_EQ(ledger.balances.size(), 2u);
  EXPECT_EQ(ledger.balances[0].used_minutes, 600);
  EXPECT_EQ(ledger.balances[1].used_minutes, 510);
  int overage_rows = 0;
  for (const auto& row : ledger.rows) overage_rows += row.kind == BlockLedgerKind::overage;
  EXPECT_EQ(overage_rows, 1);
  TimeEntryCharge charge = ok(work_->time_entry_charge(admin_, spill.id));
  EXPECT_EQ(charge.charge.amount.to_decimal(), "95.00");
  EXPECT_EQ(charge.explanation, "Prepaid hours: block 2026-Q3: 10 h used of 10 h; 1 h overage at \xE2\x82\xAC" "95.00/h = \xE2\x82\xAC" "95.00");
  // Q3 reached 95% and Q4 80%: each warned once, in the audit trail.
  Contract reloaded = ok(contracts_->get(admin_, blocks.id, std::nullopt)).contract;
  EXPECT_TRUE(reloaded.blocks[0].warned_95_at.has_value());
  EXPECT_TRUE(reloaded.blocks[1].warned_80_at.has_value());
  EXPECT_FALSE(reloaded.blocks[1].warned_95_at.has_value());
  auto tx = ok(store_->read());
  auto audit = ok(tx.audit().for_entity("contract", blocks.id.value(), 0, 100));
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(), [](const auto& e) { return e.action == "contract.block_warning"; }), 3);
}

json import_document() {
  return json::parse(R"({
    "tend_import": 1,
    "tax_categories": [{"code": "NL21", "name": "BTW 21%", "rate_percent": "21"}],
    "work_types": [{"code": "onsite", "name": "On-site", "hourly_rate": "110.00", "minimum_minutes": 60,
                    "rounding_increment_minutes": 30, "tax_category": "NL21"}],
    "clients": [{"reference": "FLO-006", "name": "Bloemenhandel Flora",
                 "sites": [{"name": "Winkel Delft"}],
                 "contacts": [{"name": "Sophie", "email": "sophie@flora.nl", "site": "Winkel Delft"}],
                 "rates": [{"work_type": "onsite", "hourly_rate": "100.00"}]}],
    "users": [{"email": "piet@vos-it.nl", "name": "Piet", "role": "technician", "cost_rate": "35.00"}],
    "catalogue": [{"kind": "part", "sku": "CABLE-5M", "name": "Network cable 5 m", "unit_cost": "3.00",
                   "unit_price": "9.50", "tax_category": "NL21", "initial_stock": 20}],
    "contracts": [{"client": "FLO-006", "kind": "block_hours", "name": "Prepaid 2026", "starts_on": "2026-01-01",
                   "overage_rate": "100.00",
                   "blocks": [{"label": "2026", "hours": "5", "price": "450.00", "valid_from": "2026-01-01",
                               "valid_to": "2026-12-31"}]}],
    "tickets": [{"key": "T1", "client": "FLO-006", "subject": "Till offline", "priority": "P2",
                 "created_at": "2026-11-20T09:00:00Z", "contact": "sophie@flora.nl", "site": "Winkel Delft"}],
    "time_entries": [{"ticket": "T1", "user": "piet@vos-it.nl", "work_type": "onsite", "work_date": "2026-11-20",
                      "minutes": 50, "status": "approved"}],
    "part_usages": [{"ticket": "T1", "sku": "CABLE-5M", "quantity": 2, "used_on": "2026-11-20"}]
  })");
}

TEST_F(WorkTest, ImportStoresEverythingInOneGo) {
  ImportSummary summary = ok(import_->run(admin_, import_document(), false));
  EXPECT_EQ(summary.clients, 1);
  EXPECT_EQ(summary.time_entries, 1);
  EXPECT_EQ(summary.part_usages, 1);
  auto tx = ok(store_->read());
  auto entries = ok(tx.time_entries().count());
  EXPECT_EQ(entries, 1);
  auto cable = ok(tx.catalogue().find_by_sku("CABLE-5M"));
  EXPECT_EQ(cable.stock_on_hand, 18);
}

TEST_F(WorkTest, ImportSetsAClientsTaxTreatmentAndPaymentTermsOrNamesTheBadField) {
  json doc = import_document();
  doc["clients"][0]["billing"] = {{"tax_treatment", "reverse_charge"}, {"payment_terms_days", 30}};
  ok(import_->run(admin_, doc, false));
  {
    auto tx = ok(store_->read());
    auto rows = ok(store::Sql(tx.connection())
                       .scalar("SELECT count(*) FROM client_billing WHERE tax_treatment = 'reverse_charge' "
                               "AND payment_terms_days = 30"));
    EXPECT_EQ(rows, 1);
  }
  json bad = import_document();
  bad["clients"][0]["reference"] = "OTHER-1";
  bad["clients"][0]["name"] = "Other";
  bad["clients"][0]["billing"] = {{"tax_treatment", "zero"}, {"payment_terms_days", 400}, {"iban", "x"}};
  bad.erase("tax_categories");
  bad.erase("work_types");
  bad.erase("catalogue");
  bad.erase("users");
  bad.erase("tickets");
  bad.erase("time_entries");
  bad.erase("part_usages");
  bad.erase("contracts");
  auto result = import_->run(admin_, bad, false);
  ASSERT_FALSE(result);
  const std::string fields = fields_of(result.error());
  EXPECT_NE(fields.find("clients[0].billing.tax_treatment"), std::string::npos) << fields;
  EXPECT_NE(fields.find("clients[0].billing.payment_terms_days"), std::string::npos) << fields;
  EXPECT_NE(fields.find("clients[0].billing.iban"), std::string::npos) << fields;
  bad["clients"][0]["billing"] = "exempt";
  EXPECT_NE(fields_of(import_->run(admin_, bad, false).error()).find("clients[0].billing"), std::string::npos);
}

TEST_F(WorkTest, ABadImportStoresNothingAndNamesEachRecordAndField) {
  json doc = import_document();
  doc["time_entries"].push_back({{"ticket", "T1"}, {"user", "piet@vos-it.nl"}, {"work_type", "remot"},
                                 {"work_date", "2026-11-21"}, {"minutes", 5}});
  doc["part_usages"][0]["quantity"] = "two";
  auto result = import_->run(admin_, doc, false);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_input);
  std::string fields = fields_of(result.error());
  EXPECT_NE(fields.find("time_entries[1].work_type"), std::string::npos) << fields;
  EXPECT_NE(fields.find("part_usages[0].quantity"), std::string::npos) << fields;
  auto tx = ok(store_->read());
  EXPECT_EQ(ok(tx.time_entries().count()), 0);
  EXPECT_EQ(ok(tx.clients().count(store::ArchiveFilter::all)), 2);
  EXPECT_FALSE(tx.catalogue().find_by_sku("CABLE-5M").has_value());
  // A dry run checks everything and stores nothing either.
  ImportSummary dry = ok(import_->run(admin_, import_document(), true));
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(dry.tickets, 1);
  auto after = ok(store_->read());
  EXPECT_EQ(ok(after.time_entries().count()), 0);
}

}  // namespace
}  // namespace tend
