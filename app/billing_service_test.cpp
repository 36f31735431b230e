// Use-case tests of billing over a real SQLite store and a manual clock:
// an idempotent run (twice gives the same invoices; a dry run writes
// nothing), proration of a mid-month start, covered and non-covered work,
// block purchases with overage, the immutable issued invoice (refused and
// audited), gapless numbers, payments, credit notes and AR ageing, and the
// provider logo printed on the PDF.
#include "app/billing_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/app_test_support.h"
#include "app/contract_service.h"
#include "app/test_png.h"
#include "app/ticket_service.h"
#include "app/user_service.h"
#include "app/work_service.h"
#include "core/paging.h"
#include "store/sqlite/sqlite_store.h"

namespace tend {
namespace {

using nlohmann::json;

class BillingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tend-billing-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.auth.password_cost = PasswordCost::minimum;
    store_ = ok(store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now()));
    AppContext context{*store_, clock_, config_};
    work_ = std::make_unique<WorkService>(context);
    contracts_ = std::make_unique<ContractService>(context);
    tickets_ = std::make_unique<TicketService>(context);
    billing_ = std::make_unique<BillingService>(context);
    auto tx = ok(store_->write());
    ProviderSettings provider;
    provider.name = "Vos IT";
    provider.payment_terms_days = 14;
    provider.updated_at = clock_.now();
    ok(tx.provider().put(provider));
    bakery_ = add_client(tx, "Bakkerij Jansen");
    dentist_ = add_client(tx, "Tandartspraktijk De Molen");
    User u;
    u.email = "anna@bakkerij.nl";
    u.name = "Anna";
    u.role = Role::portal;
    u.client_id = bakery_;
    u.created_at = u.updated_at = clock_.now();
    portal_.user_id = ok(tx.users().insert(u));
    portal_.role = Role::portal;
    portal_.client_id = bakery_;
    User tech;
    tech.email = "sanne@vos-it.nl";
    tech.name = "Sanne";
    tech.role = Role::technician;
    tech.created_at = tech.updated_at = clock_.now();
    technician_.user_id = ok(tx.users().insert(tech));
    technician_.role = Role::technician;
    technician_.email = tech.email;
    ok(tx.commit());
    nl21_ = ok(work_->create_tax_category(admin_,
                                          {{"code", "NL21"}, {"name", "BTW 21%"}, {"rate_percent", "21"}}))
                .id;
    ok(billing_->update_settings(admin_, {{"fee_tax_category_id", nl21_.value()}}));
    remote_ = ok(work_->create_work_type(admin_, {{"code", "remote"},
                                                  {"name", "Remote support"},
                                                  {"hourly_rate", "95.00"},
                                                  {"minimum_minutes", 15},
                                                  {"rounding_increment_minutes", 15},
                                                  {"tax_category_id", nl21_.value()}}))
                  .id;
    onsite_ = ok(work_->create_work_type(admin_, {{"code", "onsite"},
                                                  {"name", "On-site"},
                                                  {"hourly_rate", "110.00"},
                                                  {"minimum_minutes", 60},
                                                  {"rounding_increment_minutes", 30},
                                                  {"tax_category_id", nl21_.value()}}))
                  .id;
  }
  void TearDown() override {
    billing_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ClientId add_client(store::Transaction& tx, const std::string& name) {
    Client c;
    c.name = name;
    c.created_at = c.updated_at = clock_.now();
    return ok(tx.clients().insert(c));
  }
  TicketId ticket(ClientId client, const std::string& subject) {
    return ok(tickets_->create(admin_,
                               {{"subject", subject}, {"client_id", client.value()}, {"priority", "P3"}}))
        .id;
  }
  TimeEntry log(TicketId ticket, WorkTypeId type, const std::string& date, int64_t minutes) {
    TimeEntry e = ok(work_->log_time(technician_, {{"ticket_id", ticket.value()},
                                                   {"work_type_id", type.value()},
                                                   {"work_date", date},
                                                   {"minutes", minutes}}));
    return ok(work_->set_time_entry_approved(admin_, e.id, true));
  }
  BillingRunResult run(const std::string& period, ClientId client = ClientId(), bool dry_run = false) {
    return ok(billing_->run(admin_, {period, client, dry_run, std::nullopt}));
  }
  const BillingRunClient& of(const BillingRunResult& r, ClientId client) {
    for (const auto& c : r.clients) {
      if (c.client_id == client) return c;
    }
    throw std::runtime_error("client not in the run");
  }
  int64_t stored(const std::string& sql) {
    auto tx = ok(store_->read());
    return ok(store::Sql(tx.connection()).scalar(sql));
  }
  std::vector<std::string> descriptions(const store::InvoiceRecord& i) {
    std::vector<std::string> out;
    for (const auto& l : i.lines) out.push_back(l.description + " = " + l.amount.to_decimal());
    return out;
  }

  std::filesystem::path dir_;
  ManualClock clock_{*parse_rfc3339("2026-11-30T20:00:00Z")};
  Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<WorkService> work_;
  std::unique_ptr<ContractService> contracts_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<BillingService> billing_;
  Principal admin_ = Principal::local_admin();
  Principal portal_, technician_;
  ClientId bakery_, dentist_;
  TaxCategoryId nl21_;
  WorkTypeId remote_, onsite_;
};

TEST_F(BillingTest, ARunTwiceMakesTheSameInvoicesAndADryRunWritesNothing) {
  TicketId t = ticket(bakery_, "Laptop slow");
  log(t, remote_, "2026-11-23", 40);  // 45 min at 95 = 71.25

  BillingRunResult dry = run("2026-11", ClientId(), true);
  ASSERT_EQ(of(dry, bakery_).outcome, "created");
  EXPECT_EQ(of(dry, bakery_).invoice->totals.total.to_decimal(), "86.21");  // 71.25 + 14.96 VAT
  EXPECT_EQ(of(dry, dentist_).outcome, "nothing_to_bill");
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 0);
  EXPECT_EQ(stored("SELECT count(*) FROM time_entries WHERE status = 'approved'"), 1);

  BillingRunResult first = run("2026-11");
  const BillingRunClient& made = of(first, bakery_);
  ASSERT_EQ(made.outcome, "created");
  ASSERT_TRUE(made.invoice->id.valid());
  EXPECT_EQ(stored("SELECT count(*) FROM time_entries WHERE status = 'invoiced'"), 1);

  BillingRunResult second = run("2026-11");
  const BillingRunClient& again = of(second, bakery_);
  EXPECT_EQ(again.outcome, "unchanged");
  EXPECT_EQ(again.invoice->id, made.invoice->id);
  EXPECT_EQ(again.invoice->lines, made.invoice->lines);
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 1);
  EXPECT_EQ(stored("SELECT count(*) FROM invoice_lines"), 1);

  // Work approved later regenerates the draft with both items.
  log(t, remote_, "2026-11-24", 15);
  BillingRunResult third = run("2026-11", bakery_);
  ASSERT_EQ(third.clients.size(), 1u);
  EXPECT_EQ(third.clients[0].outcome, "replaced");
  EXPECT_EQ(third.clients[0].invoice->lines.size(), 2u);
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 1);
  EXPECT_EQ(stored("SELECT count(*) FROM time_entries WHERE status = 'invoiced'"), 2);

  // Once issued, the period's items are skipped: another run adds nothing.
  ok(billing_->issue(admin_, third.clients[0].invoice->id));
  BillingRunResult fourth = run("2026-11");
  EXPECT_EQ(of(fourth, bakery_).outcome, "nothing_to_bill");
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 1);
}

TEST_F(BillingTest, AnAgreementStartingMidMonthIsProratedAndCoversOnlyItsWork) {
  Contract gold = ok(contracts_->create(
      admin_,
      {{"client_id", bakery_.value()},
       {"kind", "managed"},
       {"name", "Managed Gold"},
       {"starts_on", "2026-11-16"},
       {"term_months", 12},
       {"covered_work_types", {remote_.value()}},
       {"terms", {{"flat_fee", "640.00"}, {"per_workstation", "25.00"}, {"manual_workstations", 6}}}}));
  TicketId t = ticket(bakery_, "Printer offline");
  log(t, remote_, "2026-11-20", 30);  // covered: shown at 0
  log(t, onsite_, "2026-11-20", 45);  // not covered: 1 h at 110
  log(t, remote_, "2026-11-10", 30);  // before the agreement: T&M 0.5 h x 95

  BillingRunResult r = run("2026-11");
  const store::InvoiceRecord& inv = *of(r, bakery_).invoice;
  auto lines = descriptions(inv);
  ASSERT_EQ(inv.lines.size(), 5u) << ::testing::PrintToString(lines);
  // Fees in advance, prorated 15/30: 640 x 1/2 = 320; 6 x 25 x 1/2 = 75.
  EXPECT_EQ(inv.lines[0].kind, LineKind::recurring_fee);
  EXPECT_EQ(inv.lines[0].factor, (Rational{1, 2}));
  EXPECT_EQ(inv.lines[0].amount.to_decimal(), "320.00");
  EXPECT_EQ(inv.lines[0].service_from, CivilDate(std::chrono::year(2026) / 11 / 16));
  EXPECT_EQ(inv.lines[1].amount.to_decimal(), "75.00");
  EXPECT_EQ(inv.lines[1].quantity, (Rational{6, 1}));
  EXPECT_EQ(inv.lines[0].tax.code, "NL21");
  EXPECT_EQ(inv.lines[0].item_key, "contract_fee:" + std::to_string(gold.id.value()) + ":2026-11");
  // Work in arrears: the T&M work before the start, then covered (0) and on-site.
  EXPECT_EQ(inv.lines[2].amount.to_decimal(), "47.50");
  EXPECT_NE(inv.lines[3].description.find("covered by Managed Gold"), std::string::npos)
      << inv.lines[3].description;
  EXPECT_EQ(inv.lines[3].amount.to_decimal(), "0.00");
  EXPECT_EQ(inv.lines[4].amount.to_decimal(), "110.00");
  EXPECT_EQ(inv.totals.net.to_decimal(), "552.50");
  EXPECT_EQ(inv.totals.tax.to_decimal(), "116.03");  // 67.20 + 15.75 + 9.98 + 0 + 23.10
  EXPECT_EQ(inv.totals.total.to_decimal(), "668.53");

  // December bills the full month, exactly once.
  BillingRunResult december = run("2026-12");
  const store::InvoiceRecord& dec = *of(december, bakery_).invoice;
  ASSERT_EQ(dec.lines.size(), 2u);
  EXPECT_EQ(dec.lines[0].amount.to_decimal(), "640.00");
  EXPECT_EQ(dec.lines[1].amount.to_decimal(), "150.00");
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 2);
  // A reverse-charge client gets 0% on the regenerated draft.
  ok(billing_->update_client_billing(admin_, bakery_, {{"tax_treatment", "reverse_charge"}}));
  BillingRunResult again = run("2026-12", bakery_);
  EXPECT_EQ(again.clients[0].outcome, "replaced");
  EXPECT_EQ(again.clients[0].invoice->totals.tax.to_decimal(), "0.00");
  EXPECT_EQ(again.clients[0].invoice->lines[0].tax.code, "reverse_charge");
}

TEST_F(BillingTest, BlockPurchasesAreBilledOnceAndOverageInArrears) {
  Contract blocks = ok(contracts_->create(admin_, {{"client_id", dentist_.value()},
                                                   {"kind", "block_hours"},
                                                   {"name", "Prepaid hours"},
                                                   {"starts_on", "2026-10-01"},
                                                   {"overage_rate", "100.00"},
                                                   {"blocks",
                                                    {{{"label", "2026-Q4"},
                                                      {"hours", "10"},
                                                      {"price", "850.00"},
                                                      {"valid_from", "2026-10-01"},
                                                      {"valid_to", "2026-12-31"}}}}}));
  TicketId t = ticket(dentist_, "Server updates");
  log(t, remote_, "2026-11-02", 540);  // 9 h from the block
  log(t, remote_, "2026-11-03", 120);  // 1 h from the block, 1 h overage

  BillingRunResult r = run("2026-11", dentist_);
  const store::InvoiceRecord& inv = *r.clients[0].invoice;
  auto lines = descriptions(inv);
  ASSERT_EQ(inv.lines.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_EQ(inv.lines[0].kind, LineKind::block_purchase);
  EXPECT_EQ(inv.lines[0].amount.to_decimal(), "850.00");
  EXPECT_EQ(inv.lines[1].amount.to_decimal(), "0.00");
  EXPECT_EQ(inv.lines[1].quantity, (Rational{9, 1}));
  EXPECT_NE(inv.lines[2].description.find("overage"), std::string::npos) << inv.lines[2].description;
  EXPECT_EQ(inv.lines[2].quantity, (Rational{1, 1}));
  EXPECT_EQ(inv.lines[2].amount.to_decimal(), "100.00");
  EXPECT_EQ(stored("SELECT count(*) FROM hour_blocks WHERE invoice_line_id IS NOT NULL"), 1);
  EXPECT_EQ(stored("SELECT count(*) FROM block_ledger WHERE locked = 1"), 3);  // 2 consumptions + 1 overage

  // A re-run sees the draft as it would be once released (the block not
  // invoiced, its ledger rows unlocked): the same lines, nothing written.
  const int64_t drafted = stored("SELECT count(*) FROM audit_events WHERE action = 'invoice.drafted'");
  BillingRunResult again = run("2026-11", dentist_);
  EXPECT_EQ(again.clients[0].outcome, "unchanged");
  EXPECT_EQ(again.clients[0].invoice->id, inv.id);
  EXPECT_EQ(stored("SELECT count(*) FROM audit_events WHERE action = 'invoice.drafted'"), drafted);
  EXPECT_EQ(stored("SELECT count(*) FROM block_ledger WHERE locked = 1"), 3);
  // One more hour of work: the draft is regenerated, the block still on it once.
  log(t, remote_, "2026-11-04", 60);
  BillingRunResult more = run("2026-11", dentist_);
  ASSERT_EQ(more.clients[0].outcome, "replaced");
  const store::InvoiceRecord& regenerated = *more.clients[0].invoice;
  ASSERT_EQ(regenerated.lines.size(), 4u) << ::testing::PrintToString(descriptions(regenerated));
  EXPECT_EQ(regenerated.lines[0].kind, LineKind::block_purchase);
  EXPECT_EQ(regenerated.lines[3].amount.to_decimal(), "100.00");  // 1 h overage
  EXPECT_EQ(stored("SELECT count(*) FROM hour_blocks WHERE invoice_line_id IS NOT NULL"), 1);
  EXPECT_EQ(stored("SELECT count(*) FROM block_ledger WHERE locked = 1"), 4);

  // The block is billed once: December bills neither it nor the work again.
  ok(billing_->issue(admin_, regenerated.id));
  BillingRunResult december = run("2026-12", dentist_);
  EXPECT_EQ(december.clients[0].outcome, "nothing_to_bill");
  (void)blocks;
}

TEST_F(BillingTest, AnIssuedInvoiceIsImmutableRefusalsAreAuditedAndNumbersAreGapless) {
  TicketId t = ticket(bakery_, "Laptop slow");
  log(t, remote_, "2026-11-23", 60);
  TicketId d = ticket(dentist_, "Printer");
  log(d, onsite_, "2026-11-23", 60);
  BillingRunResult r = run("2026-11");
  InvoiceId bakery_invoice = of(r, bakery_).invoice->id;
  InvoiceId dentist_invoice = of(r, dentist_).invoice->id;

  clock_.set(*parse_rfc3339("2026-12-01T09:00:00Z"));
  InvoiceView issued = ok(billing_->issue(admin_, bakery_invoice));
  EXPECT_EQ(issued.invoice.number, "2026-000001");
  EXPECT_EQ(issued.invoice.status, InvoiceStatus::issued);
  EXPECT_EQ(issued.invoice.issued_on, CivilDate(std::chrono::year(2026) / 12 / 1));
  EXPECT_EQ(issued.invoice.due_on, CivilDate(std::chrono::year(2026) / 12 / 15));
  EXPECT_EQ(issued.open.to_decimal(), "114.95");

  // Every change is refused with a conflict and written to the audit trail.
  auto edit = billing_->update(admin_, bakery_invoice, {{"notes", "changed"}});
  ASSERT_FALSE(edit.has_value());
  EXPECT_EQ(edit.error().kind, ErrorKind::conflict);
  EXPECT_NE(edit.error().message.find("credit note"), std::string::npos) << edit.error().message;
  EXPECT_EQ(billing_->remove(admin_, bakery_invoice).error().kind, ErrorKind::conflict);
  EXPECT_EQ(billing_->issue(admin_, bakery_invoice).error().kind, ErrorKind::conflict);
  EXPECT_EQ(stored("SELECT count(*) FROM audit_events WHERE action = 'invoice.change_refused'"), 3);
  EXPECT_EQ(ok(billing_->get(admin_, bakery_invoice)).invoice.notes, "");

  // The next issue gets the next number; a portal user sees only their own issued invoices.
  EXPECT_EQ(ok(billing_->get(admin_, dentist_invoice)).invoice.status, InvoiceStatus::draft);
  EXPECT_EQ(billing_->get(portal_, dentist_invoice).error().kind, ErrorKind::not_found);
  EXPECT_EQ(ok(billing_->issue(admin_, dentist_invoice)).invoice.number, "2026-000002");
  EXPECT_EQ(billing_->get(portal_, dentist_invoice).error().kind, ErrorKind::not_found);
  EXPECT_EQ(ok(billing_->get(portal_, bakery_invoice)).invoice.number, "2026-000001");
  auto page = ok(make_page_request(50, "id", "", {"id", "issued_on"}, "id"));
  EXPECT_EQ(ok(billing_->list(portal_, {}, page)).items.size(), 1u);

  // Sent, half paid, then the rest: the status follows the money.
  EXPECT_EQ(ok(billing_->mark_sent(admin_, bakery_invoice)).invoice.status, InvoiceStatus::sent);
  store::PaymentRecord half = ok(billing_->add_payment(admin_, {{"client_id", bakery_.value()},
                                                                {"amount", "50.00"},
                                                                {"received_on", "2026-12-05"},
                                                                {"reference", "half"}}));
  ASSERT_EQ(half.allocations.size(), 1u);
  InvoiceView partly = ok(billing_->get(admin_, bakery_invoice));
  EXPECT_EQ(partly.invoice.status, InvoiceStatus::partly_paid);
  EXPECT_EQ(partly.open.to_decimal(), "64.95");

  // Ageing on 2027-01-10: 26 days past due.
  AgeingReport ageing = ok(billing_->ageing(admin_, CivilDate(std::chrono::year(2027) / 1 / 10)));
  ASSERT_EQ(ageing.clients.size(), 2u);
  EXPECT_EQ(ageing.clients[0].client_id, bakery_);
  EXPECT_EQ(ageing.clients[0].buckets[1].to_decimal(), "64.95");
  EXPECT_EQ(ageing.totals[0].total.to_decimal(), "198.05");  // 64.95 + 133.10

  ok(billing_->add_payment(
      admin_, {{"client_id", bakery_.value()}, {"amount", "70.00"}, {"received_on", "2026-12-20"}}));
  InvoiceView paid = ok(billing_->get(admin_, bakery_invoice));
  EXPECT_EQ(paid.invoice.status, InvoiceStatus::paid);
  ClientStatement statement =
      ok(billing_->statement(portal_, bakery_, CivilDate(std::chrono::year(2026) / 12 / 31)));
  EXPECT_EQ(statement.entries.size(), 3u);
  EXPECT_EQ(statement.balance.to_decimal(), "-5.05");  // paid 5.05 too much
  EXPECT_EQ(statement.unallocated.to_decimal(), "5.05");

  // A credit note corrects the dentist's invoice and takes the next number.
  InvoiceView note = ok(billing_->credit_note(admin_, dentist_invoice, json::object()));
  EXPECT_EQ(note.invoice.kind, InvoiceKind::credit_note);
  EXPECT_EQ(note.invoice.totals.total.to_decimal(), "-133.10");
  InvoiceView credit = ok(billing_->issue(admin_, note.invoice.id));
  EXPECT_EQ(credit.invoice.number, "2026-000003");
  EXPECT_EQ(credit.invoice.credited_number, "2026-000002");
  InvoiceView credited = ok(billing_->get(admin_, dentist_invoice));
  EXPECT_EQ(credited.invoice.status, InvoiceStatus::paid);
  EXPECT_EQ(credited.open.to_decimal(), "0.00");
  // Nothing is left to credit.
  EXPECT_EQ(billing_->credit_note(admin_, dentist_invoice, json::object()).error().kind,
            ErrorKind::invalid_input);
}

TEST_F(BillingTest, TheLogoIsCheckedAuditedAndPrintedOnEveryPdfUntilRemoved) {
  ProviderService provider(AppContext{*store_, clock_, config_});
  TicketId t = ticket(bakery_, "Laptop slow");
  log(t, remote_, "2026-11-23", 60);
  InvoiceId invoice = of(run("2026-11"), bakery_).invoice->id;
  auto has_image = [&] {
    return ok(billing_->pdf(admin_, invoice)).bytes.find("/Subtype /Image") != std::string::npos;
  };
  EXPECT_FALSE(has_image());
  EXPECT_EQ(provider.logo().error().kind, ErrorKind::not_found);

  // Standard base64 with padding and line breaks, as `base64 logo.png` writes it.
  const std::string png = test_png(300, 100);
  std::string standard;
  for (char c : base64url_encode(png)) standard += c == '-' ? '+' : c == '_' ? '/' : c;
  while (standard.size() % 4 != 0) standard += '=';
  for (size_t at = 76; at < standard.size(); at += 77) standard.insert(at, "\n");
  ProviderLogo set = ok(provider.set_logo(admin_, {{"png_base64", standard}}));
  EXPECT_EQ(set.width, 300);
  EXPECT_EQ(set.height, 100);
  EXPECT_EQ(ok(provider.logo()).png, png);
  EXPECT_EQ(stored("SELECT count(*) FROM audit_events WHERE action = 'provider.logo_set'"), 1);
  EXPECT_TRUE(has_image());

  // Not base64, not a PNG, missing: field errors, and the logo stays.
  for (const json& bad : {json{{"png_base64", "@@@"}}, json{{"png_base64", base64url_encode("GIF89a....")}},
                          json::object(), json{{"png_base64", 42}}}) {
    auto refused = provider.set_logo(admin_, bad);
    ASSERT_FALSE(refused.has_value()) << bad.dump();
    EXPECT_EQ(refused.error().kind, ErrorKind::invalid_input) << bad.dump();
    ASSERT_EQ(refused.error().fields.size(), 1u) << bad.dump();
    EXPECT_EQ(refused.error().fields[0].field, "png_base64") << bad.dump();
  }
  EXPECT_EQ(ok(provider.logo()).png, png);
  auto unknown = provider.set_logo(admin_, {{"png_base64", standard}, {"position", "right"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().fields.at(0).field, "position");

  ok(provider.remove_logo(admin_));
  EXPECT_EQ(provider.logo().error().kind, ErrorKind::not_found);
  EXPECT_EQ(provider.remove_logo(admin_).error().kind, ErrorKind::not_found);
  EXPECT_EQ(stored("SELECT count(*) FROM audit_events WHERE action = 'provider.logo_removed'"), 1);
  EXPECT_FALSE(has_image());
}

TEST_F(BillingTest, UnpricedWorkFailsItsClientOnlyAndABadPeriodIsAFieldError) {
  auto bad = billing_->run(admin_, {"2026-13", ClientId(), false, std::nullopt});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::invalid_input);
  // A client in USD has no rate for the EUR work type: that client fails, the other is billed.
  {
    auto tx = ok(store_->write());
    Client c = ok(tx.clients().get(dentist_));
    c.currency = *Currency::parse("USD");
    ok(tx.clients().update(c));
    ok(tx.commit());
  }
  log(ticket(dentist_, "Printer"), remote_, "2026-11-23", 60);
  log(ticket(bakery_, "Laptop"), remote_, "2026-11-23", 60);
  BillingRunResult r = run("2026-11");
  EXPECT_EQ(of(r, dentist_).outcome, "failed");
  ASSERT_TRUE(of(r, dentist_).error.has_value());
  EXPECT_EQ(of(r, bakery_).outcome, "created");
  EXPECT_EQ(stored("SELECT count(*) FROM invoices"), 1);
}

}  // namespace
}  // namespace tend
