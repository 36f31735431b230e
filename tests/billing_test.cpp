// Integration test of billing against the real `tend serve` and the real
// CLI: a break/fix client's approved time and fixed-price service and a
// managed client's prorated fee are billed with `tend billing run` (a dry
// run writes nothing; a second run creates nothing new), issued over the
// API with a gapless number, refused when changed afterwards (and the
// refusal is in the audit trail), paid in part with `tend payment add`,
// and shown by `tend report ar`; the roles of the billing routes, portal
// users included, are checked on the way.
//
// Work dates are given explicitly (the server runs on the wall clock); the
// issue date and number year are read from the server's answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "tests/support/tend_process.h"

namespace tend::testing {
namespace {

using nlohmann::json;

const char* kPassword = "another-password-1";

struct Office {
  TendServer server;
  Http http{server.url()};
  std::string admin, technician, finance, portal, reader;
  int64_t bakery = 0, dentist = 0, remote = 0, nl21 = 0;

  Office() {
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
    bakery = create("/api/v1/clients", {{"name", "Bakkerij Jansen"}, {"reference", "BAK-001"}});
    dentist = create("/api/v1/clients", {{"name", "Tandartspraktijk De Molen"}, {"reference", "TDM-002"}});
    create("/api/v1/users",
           {{"email", "tech@test.tend"}, {"name", "Sanne"}, {"role", "technician"}, {"password", kPassword}});
    create("/api/v1/users",
           {{"email", "finance@test.tend"}, {"name", "Joost"}, {"role", "finance"}, {"password", kPassword}});
    create("/api/v1/users",
           {{"email", "reader@test.tend"}, {"name", "Ria"}, {"role", "read_only"}, {"password", kPassword}});
    create("/api/v1/users", {{"email", "portal@test.tend"},
                             {"name", "Anna"},
                             {"role", "portal"},
                             {"client_id", bakery},
                             {"password", kPassword}});
    technician = http.login("tech@test.tend", kPassword);
    finance = http.login("finance@test.tend", kPassword);
    reader = http.login("reader@test.tend", kPassword);
    portal = http.login("portal@test.tend", kPassword);
    nl21 = create("/api/v1/tax-categories", {{"code", "NL21"}, {"name", "BTW 21%"}, {"rate_percent", "21"}},
                  finance);
    auto settings =
        http.request("PUT", "/api/v1/billing/settings", json{{"fee_tax_category_id", nl21}}.dump(), finance);
    if (settings.status != 200) throw std::runtime_error("billing settings: " + settings.body);
    remote = create("/api/v1/work-types",
                    {{"code", "remote"},
                     {"name", "Remote support"},
                     {"hourly_rate", "95.00"},
                     {"minimum_minutes", 15},
                     {"rounding_increment_minutes", 15},
                     {"tax_category_id", nl21}},
                    finance);
  }

  int64_t create(const std::string& path, const json& body, const std::string& token = "") {
    auto r = http.post(path, body, token.empty() ? admin : token);
    if (r.status != 201) throw std::runtime_error("create " + path + " failed: " + r.body);
    return r.json()["id"].get<int64_t>();
  }
  int64_t stored(const std::string& sql) { return sqlite_scalar(server.database_path(), sql); }
  CommandResult tend(std::vector<std::string> args, const std::string& token) {
    args.insert(args.end(), {"--server", server.url(), "--token", token});
    return run_tend(args);
  }
};

TEST(Billing, AMonthIsBilledIssuedPaidAndReportedThroughTheCliAndTheApi) {
  Office o;
  // Break/fix: 40 minutes (45 billable at 95/h = 71.25) and a virus removal (79.00).
  int64_t virus = o.create("/api/v1/catalogue",
                           {{"kind", "service"},
                            {"sku", "SVC-VIRUS"},
                            {"name", "Virus removal"},
                            {"unit_cost", "0.00"},
                            {"unit_price", "79.00"},
                            {"tax_category_id", o.nl21}},
                           o.finance);
  int64_t ticket =
      o.create("/api/v1/tickets", {{"subject", "Laptop slow"}, {"client_id", o.bakery}, {"priority", "P2"}},
               o.technician);
  o.create("/api/v1/time-entries",
           {{"ticket_id", ticket}, {"work_type_id", o.remote}, {"work_date", "2026-11-23"}, {"minutes", 40}},
           o.technician);
  o.create("/api/v1/service-usages", {{"ticket_id", ticket}, {"item_id", virus}}, o.technician);
  auto approved =
      o.http.post("/api/v1/tickets/" + std::to_string(ticket) + "/approve-work", json::object(), o.finance);
  ASSERT_EQ(approved.status, 200) << approved.body;
  // Managed from 16 November: 640.00 x 15/30 = 320.00.
  o.create("/api/v1/contracts",
           {{"client_id", o.dentist},
            {"kind", "managed"},
            {"name", "Managed Gold"},
            {"starts_on", "2026-11-16"},
            {"term_months", 12},
            {"terms", {{"flat_fee", "640.00"}}}},
           o.finance);

  auto token =
      o.http.post("/api/v1/api-tokens", {{"name", "cli"}}, o.finance).json()["token"].get<std::string>();
  // A dry run shows what would be invoiced and writes nothing.
  auto dry = o.tend({"billing", "run", "--period", "2026-11", "--dry-run", "--json"}, token);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  json preview = json::parse(dry.out);
  EXPECT_EQ(preview["dry_run"], true);
  EXPECT_EQ(preview["drafts"], 2);
  EXPECT_EQ(o.stored("SELECT count(*) FROM invoices"), 0);

  auto run = o.tend({"billing", "run", "--period", "2026-11"}, token);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(
      run.out.find("Bakkerij Jansen (" + std::to_string(o.bakery) + "): created, 2 lines, total 181.80 EUR"),
      std::string::npos)
      << run.out;                                                             // 150.25 + 31.55 VAT
  EXPECT_NE(run.out.find("total 387.20 EUR"), std::string::npos) << run.out;  // 320.00 + 67.20 VAT
  auto again = o.tend({"billing", "run", "--period", "2026-11", "--json"}, token);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const json rerun = json::parse(again.out);
  for (const auto& c : rerun["clients"]) EXPECT_EQ(c["outcome"], "unchanged") << c.dump();
  EXPECT_EQ(o.stored("SELECT count(*) FROM invoices"), 2);
  EXPECT_EQ(o.stored("SELECT count(*) FROM invoice_lines"), 3);

  json drafts = o.http.get("/api/v1/invoices?client_id=" + std::to_string(o.bakery), o.finance).json();
  ASSERT_EQ(drafts["items"].size(), 1u);
  const int64_t invoice = drafts["items"][0]["id"];
  const std::string path = "/api/v1/invoices/" + std::to_string(invoice);
  // Drafts are not the portal's to see.
  EXPECT_EQ(o.http.get(path, o.portal).status, 404);

  auto issued = o.http.post(path + "/issue", json::object(), o.finance);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.json()["number"];
  EXPECT_EQ(number, issued.json()["issued_on"].get<std::string>().substr(0, 4) + "-000001");
  EXPECT_EQ(issued.json()["status"], "issued");
  EXPECT_EQ(issued.json()["open"], "181.80");

  // Immutable: changes are refused with 409 and written to the audit trail.
  auto changed = o.http.patch(path, {{"notes", "discount"}}, o.finance);
  EXPECT_EQ(changed.status, 409) << changed.body;
  EXPECT_EQ(o.http.del(path, o.admin).status, 409);
  EXPECT_EQ(o.stored("SELECT count(*) FROM audit_events WHERE action = 'invoice.change_refused'"), 2);
  EXPECT_EQ(o.stored("SELECT count(*) FROM invoices WHERE notes <> ''"), 0);

  // Roles: portal users see their own issued invoice only, technicians nothing.
  json mine = o.http.get("/api/v1/invoices", o.portal).json();
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0]["number"], number);
  EXPECT_EQ(o.http.get(path, o.portal).status, 200);
  int64_t other = rerun["clients"][1]["invoice"]["id"];
  EXPECT_EQ(o.http.get("/api/v1/invoices/" + std::to_string(other), o.portal).status, 404);
  EXPECT_EQ(o.http.post("/api/v1/billing/runs", {{"period", "2026-11"}}, o.portal).status, 403);
  EXPECT_EQ(o.http.get("/api/v1/invoices", o.technician).status, 403);
  EXPECT_EQ(o.http.get("/api/v1/reports/ar", o.reader).status, 200);
  EXPECT_EQ(o.http.post(path + "/send", json::object(), o.reader).status, 403);

  // Half paid from the CLI; AR shows the rest.
  auto paid = o.tend(
      {"payment", "add", "--client", std::to_string(o.bakery), "--amount", "100.00", "--reference", number},
      token);
  ASSERT_EQ(paid.exit_code, 0) << paid.err;
  EXPECT_NE(paid.out.find("100.00 to invoice " + std::to_string(invoice)), std::string::npos) << paid.out;
  EXPECT_EQ(o.http.get(path, o.finance).json()["status"], "partly_paid");
  auto ar = o.tend({"report", "ar", "--json"}, token);
  ASSERT_EQ(ar.exit_code, 0) << ar.err;
  json ageing = json::parse(ar.out);
  ASSERT_EQ(ageing["clients"].size(), 1u);
  EXPECT_EQ(ageing["clients"][0]["total"], "81.80");
  EXPECT_EQ(ageing["clients"][0]["buckets"]["current"], "81.80");
  auto shown = o.tend({"invoice", "show", std::to_string(invoice)}, token);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("open 81.80"), std::string::npos) << shown.out;
  auto issue_again = o.tend({"invoice", "issue", std::to_string(invoice)}, token);
  EXPECT_EQ(issue_again.exit_code, 4);  // conflict
}

// The demo (./tend.sh demo) has six months of billing: every month billed,
// issued on the first of the next month with gapless numbers that follow
// the dates, paid in full, in part or not at all, one credit note; and
// running the last month again bills nothing twice.
TEST(Billing, TheDemoHasSixMonthsOfIssuedPaidPartlyPaidAndOverdueInvoices) {
  TendServer server;
  Http http(server.url());
  auto seeded = run_tend({"demo", "seed", "--data", server.data_dir()});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_NE(seeded.out.find("invoices over six months"), std::string::npos) << seeded.out;
  const std::string admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);

  json invoices = http.get("/api/v1/invoices?limit=200&sort=id", admin).json()["items"];
  std::set<std::string> periods, statuses;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> numbers_by_year;  // year: (number, date)
  int credit_notes = 0;
  for (const auto& i : invoices) {
    ASSERT_NE(i["status"], "draft") << i.dump();
    const std::string number = i["number"];
    numbers_by_year[number.substr(0, 4)].emplace_back(number, i["issued_on"]);
    if (i["kind"] == "credit_note") {
      ++credit_notes;
      continue;
    }
    periods.insert(i["period"].get<std::string>());
    statuses.insert(i["status"].get<std::string>());
  }
  EXPECT_EQ(periods.size(), 6u);
  EXPECT_EQ(credit_notes, 1);
  for (const char* status : {"paid", "partly_paid", "sent"}) EXPECT_TRUE(statuses.count(status)) << status;
  for (auto& [year, numbers] : numbers_by_year) {
    std::sort(numbers.begin(), numbers.end());
    for (size_t k = 0; k < numbers.size(); ++k) {
      char expected[32];
      std::snprintf(expected, sizeof expected, "%s-%06zu", year.c_str(), k + 1);
      EXPECT_EQ(numbers[k].first, expected) << "gapless";
      if (k > 0) {
        EXPECT_LE(numbers[k - 1].second, numbers[k].second) << "numbers follow dates";
      }
    }
  }
  // The demo provider has a logo: downloaded from the CLI and the API,
  // printed on every PDF; removed and set again from the CLI, where a file
  // that is not a PNG is refused.
  TempDir dir;
  const std::string logo_file = dir.path() + "/logo.png";
  auto saved = run_tend({"provider", "logo", "--data", server.data_dir(), "--out", logo_file});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  std::ifstream logo_in(logo_file, std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(logo_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto logo = http.get("/api/v1/provider/logo", admin);
  EXPECT_EQ(logo.status, 200);
  EXPECT_EQ(logo.headers["content-type"], "image/png");
  EXPECT_EQ(logo.body, png);
  const std::string first_pdf = "/api/v1/invoices/" + std::to_string(invoices[0]["id"].get<int64_t>()) + "/pdf";
  EXPECT_NE(http.get(first_pdf, admin).body.find("/Subtype /Image"), std::string::npos);
  const std::string text_file = dir.path() + "/logo.txt";
  std::ofstream(text_file) << "not a picture";
  auto refused = run_tend({"provider", "logo", "--data", server.data_dir(), "--set", text_file});
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_NE(refused.err.find("png_base64"), std::string::npos) << refused.err;
  auto removed = run_tend({"provider", "logo", "--data", server.data_dir(), "--remove"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(http.get("/api/v1/provider/logo", admin).status, 404);
  EXPECT_EQ(http.get(first_pdf, admin).body.find("/Subtype /Image"), std::string::npos);
  auto set = run_tend({"provider", "logo", "--data", server.data_dir(), "--set", logo_file});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("480 x 160 pixels"), std::string::npos) << set.out;
  EXPECT_EQ(http.get("/api/v1/provider/logo", admin).body, png);

  json ar = http.get("/api/v1/reports/ar", admin).json();
  ASSERT_EQ(ar["totals"].size(), 1u) << ar.dump();
  EXPECT_NE(ar["totals"][0]["total"], "0.00");
  EXPECT_NE(ar["totals"][0]["buckets"]["1-30"], "0.00") << "last month's unpaid invoices are overdue";

  const std::string last_period = *periods.rbegin();
  auto rerun = run_tend({"billing", "run", "--data", server.data_dir(), "--period", last_period, "--json"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(json::parse(rerun.out)["drafts"], 0) << rerun.out;

  // On a terminal (script(1) gives it one) the run draws a progress bar
  // and still prints the same summary.
  const std::string command = "script -qec '" + tend_binary() + " billing run --data " + server.data_dir() +
                              " --period " + last_period + " --dry-run' /dev/null";
  std::string shown;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) shown.append(buffer, n);
    EXPECT_EQ(::pclose(pipe), 0) << shown;
  }
  EXPECT_NE(shown.find("100%  8/8 clients"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Dry run for " + last_period), std::string::npos) << shown;
}

// The text of a PDF, by poppler's pdftotext (poppler-utils, installed by
// tend.sh; missing, the test fails).
std::string pdf_text(const TempDir& dir, const std::string& pdf, const std::string& name) {
  const std::string path = dir.path() + "/" + name + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string text;
  FILE* pipe = ::popen(("pdftotext -enc UTF-8 '" + path + "' - 2>&1").c_str(), "r");
  if (!pipe) return text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << "pdftotext failed (is poppler-utils installed?): " << text;
  return text;
}

TEST(Billing, InvoicePdfsForStaffAndTheClientsOwnPortalUserOnly) {
  Office o;
  TempDir dir;
  o.create("/api/v1/users", {{"email", "portal-dentist@test.tend"},
                             {"name", "Dirk"},
                             {"role", "portal"},
                             {"client_id", o.dentist},
                             {"password", kPassword}});
  const std::string other_portal = o.http.login("portal-dentist@test.tend", kPassword);
  // The bank details printed on the PDF, set from the CLI (an admin's); a bad IBAN is refused.
  auto admin_token =
      o.http.post("/api/v1/api-tokens", {{"name", "admin-cli"}}, o.admin).json()["token"].get<std::string>();
  auto bad = o.tend({"provider", "bank", "--iban", "NL92ABNA0417164300"}, admin_token);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.err.find("bank_account"), std::string::npos) << bad.err;
  auto bank = o.tend({"provider", "bank", "--iban", "NL91 ABNA 0417 1643 00", "--bic", "ABNANL2A",
                      "--account-holder", "Stichting Derdengelden Tend"},
                     admin_token);
  ASSERT_EQ(bank.exit_code, 0) << bank.err;
  EXPECT_NE(bank.out.find("Account holder  Stichting Derdengelden Tend"), std::string::npos) << bank.out;
  for (int64_t client : {o.bakery, o.dentist}) {
    o.create("/api/v1/contracts",
             {{"client_id", client},
              {"kind", "managed"},
              {"name", "Managed Café Ĳssel-Straße"},
              {"starts_on", "2026-11-01"},
              {"term_months", 12},
              {"terms", {{"flat_fee", "1250.00"}}}},
             o.finance);
  }
  auto run = o.http.post("/api/v1/billing/runs", {{"period", "2026-11"}}, o.finance);
  ASSERT_EQ(run.status, 200) << run.body;
  json drafts = o.http.get("/api/v1/invoices?client_id=" + std::to_string(o.bakery), o.finance).json();
  ASSERT_EQ(drafts["items"].size(), 1u);
  const std::string path = "/api/v1/invoices/" + drafts["items"][0]["id"].dump();

  // A draft: staff get it marked DRAFT; the portal user gets 404.
  auto draft = o.http.get(path + "/pdf", o.finance);
  ASSERT_EQ(draft.status, 200) << draft.body;
  EXPECT_NE(pdf_text(dir, draft.body, "draft").find("DRAFT INVOICE"), std::string::npos);
  EXPECT_EQ(o.http.get(path + "/pdf", o.portal).status, 404);

  auto issued = o.http.post(path + "/issue", json::object(), o.finance);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.json()["number"];
  for (const std::string& token : {o.finance, o.portal, o.reader}) {
    auto pdf = o.http.get(path + "/pdf", token);
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
    EXPECT_EQ(pdf.headers["content-disposition"], "attachment; filename=\"invoice-" + number + ".pdf\"");
    ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
    const std::string text = pdf_text(dir, pdf.body, "issued");
    EXPECT_NE(text.find(number), std::string::npos) << text;
    EXPECT_NE(text.find("Bakkerij Jansen"), std::string::npos) << text;
    EXPECT_NE(text.find("Managed Café Ĳssel-Straße"), std::string::npos) << text;
    EXPECT_NE(text.find("EUR 1,512.50"), std::string::npos) << text;  // 1250.00 + 21% VAT
    EXPECT_NE(text.find("NL91 ABNA 0417 1643 00"), std::string::npos) << text;
    EXPECT_NE(text.find("Stichting Derdengelden Tend"), std::string::npos) << text;
  }
  // Another client's portal user, and technicians, get nothing.
  EXPECT_EQ(o.http.get(path + "/pdf", other_portal).status, 404);
  EXPECT_EQ(o.http.get(path + "/pdf", o.technician).status, 403);
  EXPECT_EQ(o.http.get("/api/v1/invoices/999999/pdf", o.finance).status, 404);

  // The CLI writes the same file over --server.
  auto token =
      o.http.post("/api/v1/api-tokens", {{"name", "cli"}}, o.finance).json()["token"].get<std::string>();
  const std::string file = dir.path() + "/cli.pdf";
  auto cli = o.tend({"invoice", "pdf", drafts["items"][0]["id"].dump(), "--out", file}, token);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::ifstream in(file, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(pdf_text(dir, written, "cli-read").find(number), std::string::npos);
  auto missing = o.tend({"invoice", "pdf", "999999", "--out", dir.path() + "/none.pdf"}, token);
  EXPECT_EQ(missing.exit_code, 3);  // not found
}

TEST(Billing, AccountingExportsOfAPeriodComeAsCsvFromTheApiAndTheCli) {
  Office o;
  // "Café" and a quote in the name, a comma in the subject: the CSV must quote them.
  int64_t cafe = o.create("/api/v1/clients", {{"name", "Café \"De Ster\", Utrecht"}, {"reference", "CAF-003"}});
  int64_t ticket = o.create(
      "/api/v1/tickets", {{"subject", "Wifi, again"}, {"client_id", cafe}, {"priority", "P3"}}, o.technician);
  o.create("/api/v1/time-entries",
           {{"ticket_id", ticket}, {"work_type_id", o.remote}, {"work_date", "2026-11-23"}, {"minutes", 120}},
           o.technician);
  ASSERT_EQ(o.http.post("/api/v1/tickets/" + std::to_string(ticket) + "/approve-work", json::object(), o.finance)
                .status,
            200);
  auto run = o.http.post("/api/v1/billing/runs", {{"period", "2026-11"}, {"client_id", cafe}}, o.finance);
  ASSERT_EQ(run.status, 200) << run.body;
  const int64_t invoice = run.json()["clients"][0]["invoice"]["id"];
  const std::string path = "/api/v1/invoices/" + std::to_string(invoice);
  auto issued = o.http.post(path + "/issue", json::object(), o.finance);
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.json()["number"];
  const std::string month = issued.json()["issued_on"].get<std::string>().substr(0, 7);  // the server's today
  // 2 h x 95.00 = 190.00 + 39.90 VAT; a credit note for half an hour: -47.50 - 9.98.
  auto note = o.http.post(path + "/credit-note", {{"lines", {{{"position", 1}, {"quantity", "0.5"}}}}}, o.finance);
  ASSERT_EQ(note.status, 201) << note.body;
  auto credit = o.http.post("/api/v1/invoices/" + std::to_string(note.json()["id"].get<int64_t>()) + "/issue",
                            json::object(), o.finance);
  ASSERT_EQ(credit.status, 200) << credit.body;
  const std::string credit_number = credit.json()["number"];

  auto xero = o.http.get("/api/v1/billing/exports/xero?period=" + month, o.reader);
  ASSERT_EQ(xero.status, 200) << xero.body;
  EXPECT_EQ(xero.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_NE(xero.headers["content-disposition"].find("xero-" + month + ".csv"), std::string::npos);
  EXPECT_EQ(xero.body.rfind("*ContactName,EmailAddress,POAddressLine1,", 0), 0u) << xero.body;
  const std::string name = "\"Café \"\"De Ster\"\", Utrecht\"";
  EXPECT_NE(xero.body.find(name + ",,,,,,,,,," + number + ",,"), std::string::npos) << xero.body;
  EXPECT_NE(xero.body.find(",229.90,,\"Remote support 2026-11-23 — #"), std::string::npos) << xero.body;
  EXPECT_NE(xero.body.find("Wifi, again\",2,95.00,,200,NL21,39.90,,,,,EUR,\r\n"), std::string::npos) << xero.body;
  // Xero does not approve a negative invoice: the credit note is in its own file, positive.
  EXPECT_EQ(xero.body.find(credit_number), std::string::npos) << xero.body;
  EXPECT_EQ(std::count(xero.body.begin(), xero.body.end(), '\n'), 2);  // header + 1 row
  auto notes = o.http.get("/api/v1/billing/exports/xero_credit_notes?period=" + month, o.reader);
  ASSERT_EQ(notes.status, 200) << notes.body;
  EXPECT_EQ(notes.body.rfind("*ContactName,EmailAddress,", 0), 0u) << notes.body;
  EXPECT_NE(notes.body.find(",*CreditNoteNumber,Reference,*CreditNoteDate,InventoryItemCode,"), std::string::npos)
      << notes.body;
  EXPECT_NE(notes.body.find(credit_number + ",Credit note for " + number + ","), std::string::npos) << notes.body;
  EXPECT_NE(notes.body.find(",,\"Credit: Remote support"), std::string::npos) << notes.body;
  EXPECT_NE(notes.body.find("Wifi, again\",0.5,95.00,,200,NL21,9.98,,,,,EUR,\r\n"), std::string::npos) << notes.body;
  EXPECT_EQ(notes.body.find(number + ",,"), std::string::npos) << notes.body;  // no invoice rows
  EXPECT_EQ(std::count(notes.body.begin(), notes.body.end(), '\n'), 2);     // header + 1 row

  // The CLI writes the QuickBooks file; a month without issued invoices is just the header.
  auto token =
      o.http.post("/api/v1/api-tokens", {{"name", "cli"}}, o.finance).json()["token"].get<std::string>();
  TempDir dir;
  const std::string file = dir.path() + "/qbo.csv";
  auto cli = o.tend({"billing", "export", "--format", "quickbooks", "--period", month, "--out", file}, token);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::ifstream in(file, std::ios::binary);
  const std::string qbo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(qbo.rfind("InvoiceNo,Customer,InvoiceDate,DueDate,Terms,Location,Memo,Item(Product/Service),", 0), 0u)
      << qbo;
  EXPECT_NE(qbo.find(number + "," + name + ","), std::string::npos) << qbo;
  EXPECT_NE(qbo.find(",Net 14,,,Labour,"), std::string::npos) << qbo;
  EXPECT_NE(qbo.find(",-0.5,95.00,-47.50,NL21,-9.98,EUR,"), std::string::npos) << qbo;
  auto empty = o.tend({"billing", "export", "--format", "xero", "--period", "2001-01"}, token);
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(std::count(empty.out.begin(), empty.out.end(), '\n'), 1) << empty.out;

  // Roles and bad input.
  EXPECT_EQ(o.http.get("/api/v1/billing/exports/xero?period=" + month, o.portal).status, 403);
  EXPECT_EQ(o.http.get("/api/v1/billing/exports/xero?period=" + month, o.technician).status, 403);
  EXPECT_EQ(o.http.get("/api/v1/billing/exports/sage?period=" + month, o.finance).status, 404);
  EXPECT_EQ(o.http.get("/api/v1/billing/exports/xero?period=2026-13", o.finance).status, 422);
  EXPECT_EQ(o.http.get("/api/v1/billing/exports/xero", o.finance).status, 422);
  auto bad = o.tend({"billing", "export", "--format", "xero", "--period", "nope"}, token);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace tend::testing
