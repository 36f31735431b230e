// Golden billing scenarios: every JSON file in
// tests/golden/billing/scenarios/ is an import file (the format of `tend
// import`, app/import_service.h) plus steps — billing runs, issuing, credit
// notes and what the import format cannot express — with invoices worked
// out by hand from docs/billing-rules.md. The format is described in
// tests/golden/README.md.
//
// Each scenario runs on a fresh SQLite file through the real app layer
// (ImportService, BillingService). A failing expectation prints the file,
// the step id and its "why". After every run step, and again at the end of
// the scenario, the same period is run once more and must create nothing
// new (outcomes "unchanged" or "nothing_to_bill", the same invoices and
// lines in the store): the run is idempotent.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/billing_service.h"
#include "app/import_service.h"
#include "tests/support/csv.h"
#include "app/ticket_service.h"
#include "store/rmm_repository.h"
#include "store/sqlite/sqlite_store.h"

namespace tend {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string describe(const Error& e) {
  std::string out = e.message;
  for (const auto& f : e.fields) out += "\n  " + f.field + ": " + f.message;
  return out;
}

// A malformed scenario or a failing set-up step: the message says where.
[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

template <class T>
T must(Result<T> r, const std::string& where) {
  if (!r) fail(where, describe(r.error()));
  return std::move(*r);
}

void must(Status s, const std::string& where) {
  if (!s) fail(where, describe(s.error()));
}

std::string text_of(Rational r) { return r.reduced().to_string(); }

// A scenario on its own SQLite file.
class Scenario {
 public:
  Scenario(std::filesystem::path file, json doc) : file_(std::move(file)), doc_(std::move(doc)) {
    dir_ = std::filesystem::temp_directory_path() /
           ("tend-billing-golden-" + std::to_string(::getpid()) + "-" + file_.stem().string());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    clock_.set(must(parse_rfc3339(doc_.value("now", "2026-11-30T20:00:00Z")), name() + " now"));
    config_.auth.password_cost = PasswordCost::minimum;
    store_ = must(store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now()), name() + " store");
    AppContext context{*store_, clock_, config_};
    tickets_ = std::make_unique<TicketService>(context);
    billing_ = std::make_unique<BillingService>(context);
    import_ = std::make_unique<ImportService>(context, *tickets_);
  }
  ~Scenario() {
    import_.reset();
    billing_.reset();
    tickets_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string name() const { return file_.filename().string(); }

  void run() {
    set_up_provider();
    json import = doc_.contains("import_file")
                      ? json::parse(read_text(file_.parent_path() / doc_["import_file"].get<std::string>()))
                      : doc_.at("import");
    must(import_->run(admin_, import, false), name() + " import");
    size_t index = 0;
    for (const json& step : doc_.at("steps")) {
      const std::string id = step.value("id", "step " + std::to_string(index));
      where_ = name() + " " + id + " (" + step.value("why", "no why given") + ")";
      if (step.contains("at")) clock_.set(must(parse_rfc3339(step["at"].get<std::string>()), where_ + " at"));
      do_step(step);
      ++index;
    }
    // The end: every period again creates nothing.
    where_ = name() + " (end: every period run again must create nothing new)";
    for (const auto& [period, billing_date] : runs_) check_nothing_new(period, billing_date);
  }

 private:
  void set_up_provider() {
    const json p = doc_.value("provider", json::object());
    auto tx = must(store_->write(), name());
    ProviderSettings provider;
    provider.name = p.value("name", "Vos IT");
    provider.payment_terms_days = p.value("payment_terms_days", 14);
    provider.time_zone = p.value("time_zone", "Europe/Amsterdam");
    if (p.contains("currency"))
      provider.currency = must(Currency::parse(p["currency"].get<std::string>()), name());
    provider.updated_at = clock_.now();
    must(tx.provider().put(provider), name() + " provider");
    must(tx.commit(), name());
  }

  int64_t scalar(const std::string& sql) {
    auto tx = must(store_->read(), where_);
    return must(store::Sql(tx.connection()).scalar(sql), where_ + " " + sql);
  }

  ClientId client_of(const json& reference) {
    auto tx = must(store_->read(), where_);
    auto rows = must(store::Sql(tx.connection())
                         .query("SELECT id FROM clients WHERE reference = ?", reference.get<std::string>()),
                     where_);
    if (!must(rows->next(), where_)) fail(where_, "no client with reference " + reference.dump());
    return ClientId(rows->i64(0));
  }

  // The client's invoice of a run period (kind invoice).
  InvoiceId invoice_of(const json& step) {
    ClientId client = client_of(step.at("client"));
    auto tx = must(store_->read(), where_);
    auto rows =
        must(store::Sql(tx.connection())
                 .query("SELECT id FROM invoices WHERE client_id = ? AND period = ? AND kind = 'invoice' "
                        "ORDER BY id DESC LIMIT 1",
                        client.value(), step.at("period").get<std::string>()),
             where_);
    if (!must(rows->next(), where_)) fail(where_, "no invoice of the period for " + step["client"].dump());
    return InvoiceId(rows->i64(0));
  }

  void do_step(const json& step) {
    const std::string what = step.at("do").get<std::string>();
    if (what == "billing_settings") {
      json body = json::object();
      if (step.contains("fee_tax_category")) {
        body["fee_tax_category_id"] = scalar("SELECT id FROM tax_categories WHERE code = '" +
                                             step["fee_tax_category"].get<std::string>() + "'");
      }
      must(billing_->update_settings(admin_, body), where_);
    } else if (what == "client_billing") {
      json body = step.at("set");
      must(billing_->update_client_billing(admin_, client_of(step.at("client")), body), where_);
    } else if (what == "devices") {
      add_devices(step);
    } else if (what == "clock") {
      // "at" did it.
    } else if (what == "run") {
      run_period(step);
    } else if (what == "issue") {
      InvoiceView view = must(billing_->issue(admin_, invoice_of(step)), where_);
      check_header(view, step.value("expect", json::object()));
    } else if (what == "credit_note") {
      credit_note(step);
    } else if (what == "export") {
      check_export(step);
    } else {
      fail(where_, "unknown step " + what);
    }
  }

  // {"client", "class": "workstation"|"server", "count", "enrolled_on", "revoked_on"?}
  void add_devices(const json& step) {
    ClientId client = client_of(step.at("client"));
    auto tx = must(store_->write(), where_);
    const int64_t site = must(
        store::Sql(tx.connection()).scalar("SELECT min(id) FROM sites WHERE client_id = ?", client.value()),
        where_);
    const std::string zone = "Europe/Amsterdam";
    const CivilDate enrolled = must(parse_civil_date(step.at("enrolled_on").get<std::string>()), where_);
    for (int64_t i = 0; i < step.at("count").get<int64_t>(); ++i) {
      rmm::Device d;
      d.client_id = client;
      d.site_id = SiteId(site);
      d.name = d.hostname = step.at("class").get<std::string>() + "-" + std::to_string(++devices_);
      d.machine_id = "golden-" + std::to_string(devices_);
      d.device_class = step["class"] == "server" ? rmm::DeviceClass::server : rmm::DeviceClass::workstation;
      d.enrolled_at = must(start_of_day(enrolled, zone), where_) + std::chrono::hours(12);
      d.created_at = d.updated_at = d.enrolled_at;
      const rmm::DeviceId id =
          must(store::DeviceRepository(tx.connection())
                   .insert(d, "golden-credential-" + std::to_string(devices_), rmm::EnrollmentTokenId()),
               where_);
      if (step.contains("revoked_on")) {
        const CivilDate revoked = must(parse_civil_date(step["revoked_on"].get<std::string>()), where_);
        must(store::DeviceRepository(tx.connection())
                 .revoke(id, must(start_of_day(revoked, zone), where_) + std::chrono::hours(12)),
             where_);
      }
    }
    must(tx.commit(), where_);
  }

  BillingRunResult billing_run(const std::string& period, std::optional<CivilDate> billing_date) {
    return must(billing_->run(admin_, {period, ClientId(), false, billing_date}), where_);
  }

  // {"period", "billing_date"?, "expect": {"invoices": [...], "nothing_to_bill": [...]}}
  void run_period(const json& step) {
    const std::string period = step.at("period").get<std::string>();
    std::optional<CivilDate> billing_date;
    if (step.contains("billing_date")) {
      billing_date = must(parse_civil_date(step["billing_date"].get<std::string>()), where_);
    }
    BillingRunResult result = billing_run(period, billing_date);
    runs_.emplace_back(period, billing_date);
    const json& expect = step.at("expect");
    std::set<int64_t> expected_clients;
    for (const json& want : expect.value("invoices", json::array())) {
      ClientId client = client_of(want.at("client"));
      expected_clients.insert(client.value());
      auto got = std::find_if(result.clients.begin(), result.clients.end(),
                              [&](const BillingRunClient& c) { return c.client_id == client; });
      ASSERT_NE(got, result.clients.end()) << where_ << ": the run did not look at " << want["client"];
      ASSERT_TRUE(got->invoice.has_value())
          << where_ << ": no invoice for " << want["client"] << ", outcome " << got->outcome
          << (got->error ? ": " + describe(*got->error) : "");
      check_invoice(*got->invoice, want, "invoice of " + want["client"].get<std::string>());
    }
    for (const json& reference : expect.value("nothing_to_bill", json::array())) {
      ClientId client = client_of(reference);
      expected_clients.insert(client.value());
      for (const auto& c : result.clients) {
        if (c.client_id == client) {
          EXPECT_EQ(c.outcome, "nothing_to_bill") << where_ << ": " << reference;
        }
      }
    }
    for (const auto& c : result.clients) {
      if (!expected_clients.count(c.client_id.value())) {
        EXPECT_EQ(c.outcome, "nothing_to_bill")
            << where_ << ": unexpected outcome for client " << c.client_name
            << (c.error ? ": " + describe(*c.error) : "");
      }
    }
    check_nothing_new(period, billing_date);
  }

  // Runs the period again: nothing may be created or replaced, and the
  // store keeps exactly its invoices and lines.
  void check_nothing_new(const std::string& period, std::optional<CivilDate> billing_date) {
    const int64_t invoices = scalar("SELECT count(*) FROM invoices");
    const int64_t lines = scalar("SELECT count(*) FROM invoice_lines");
    const int64_t max_id = scalar("SELECT coalesce(max(id), 0) FROM invoices");
    BillingRunResult again = billing_run(period, billing_date);
    for (const auto& c : again.clients) {
      EXPECT_TRUE(c.outcome == "unchanged" || c.outcome == "nothing_to_bill")
          << where_ << ": running " << period << " again for " << c.client_name << " gave " << c.outcome;
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), invoices) << where_ << ": " << period << " again";
    EXPECT_EQ(scalar("SELECT count(*) FROM invoice_lines"), lines) << where_ << ": " << period << " again";
    EXPECT_EQ(scalar("SELECT coalesce(max(id), 0) FROM invoices"), max_id)
        << where_ << ": " << period << " again";
  }

  // {"client"?, "currency", "lines": [...], "net", "tax", "total", "tax_summary"?: [...]}
  void check_invoice(const store::InvoiceRecord& invoice, const json& want, const std::string& what) {
    const std::string label = where_ + ": " + what;
    if (want.contains("currency")) {
      EXPECT_EQ(std::string(invoice.currency.code()), want["currency"].get<std::string>()) << label;
    }
    const json lines = want.value("lines", json::array());
    std::string got_lines;
    for (const auto& l : invoice.lines) {
      got_lines += "\n    " + std::string(to_string(l.kind)) + " | " + l.description + " | " +
                   text_of(l.quantity) + " x " + l.unit_price.to_decimal() + " x " + text_of(l.factor) +
                   " = " + l.amount.to_decimal() + " | " + l.tax.code + " " + text_of(l.tax.rate_percent) +
                   "% " + l.tax_amount.to_decimal();
    }
    if (want.contains("lines")) {
      ASSERT_EQ(invoice.lines.size(), lines.size()) << label << ": the lines are" << got_lines;
    }
    for (size_t i = 0; i < lines.size(); ++i) {
      const json& w = lines[i];
      const InvoiceLine& l = invoice.lines[i];
      const std::string at = label + " line " + std::to_string(i + 1) + " (" + l.description + ")";
      if (w.contains("kind")) {
        EXPECT_EQ(to_string(l.kind), w["kind"].get<std::string>()) << at;
      }
      if (w.contains("description")) {
        EXPECT_EQ(l.description, w["description"].get<std::string>()) << at;
      }
      if (w.contains("description_contains")) {
        EXPECT_NE(l.description.find(w["description_contains"].get<std::string>()), std::string::npos) << at;
      }
      if (w.contains("quantity")) {
        EXPECT_EQ(text_of(l.quantity), w["quantity"].get<std::string>()) << at;
      }
      if (w.contains("unit_price")) {
        EXPECT_EQ(l.unit_price.to_decimal(), w["unit_price"].get<std::string>()) << at;
      }
      if (w.contains("factor")) {
        EXPECT_EQ(text_of(l.factor), w["factor"].get<std::string>()) << at;
      }
      if (w.contains("amount")) {
        EXPECT_EQ(l.amount.to_decimal(), w["amount"].get<std::string>()) << at;
      }
      if (w.contains("tax_code")) {
        EXPECT_EQ(l.tax.code, w["tax_code"].get<std::string>()) << at;
      }
      if (w.contains("tax_rate")) {
        EXPECT_EQ(text_of(l.tax.rate_percent), w["tax_rate"].get<std::string>()) << at;
      }
      if (w.contains("tax")) {
        EXPECT_EQ(l.tax_amount.to_decimal(), w["tax"].get<std::string>()) << at;
      }
      if (w.contains("service_from")) {
        EXPECT_EQ(l.service_from ? format_civil_date(*l.service_from) : "",
                  w["service_from"].get<std::string>())
            << at;
      }
      if (w.contains("service_to")) {
        EXPECT_EQ(l.service_to ? format_civil_date(*l.service_to) : "", w["service_to"].get<std::string>())
            << at;
      }
    }
    if (want.contains("net")) {
      EXPECT_EQ(invoice.totals.net.to_decimal(), want["net"].get<std::string>()) << label;
    }
    if (want.contains("tax")) {
      EXPECT_EQ(invoice.totals.tax.to_decimal(), want["tax"].get<std::string>()) << label;
    }
    if (want.contains("total")) {
      EXPECT_EQ(invoice.totals.total.to_decimal(), want["total"].get<std::string>()) << label;
    }
    const json summary = want.value("tax_summary", json::array());
    if (want.contains("tax_summary")) {
      ASSERT_EQ(invoice.totals.tax_summary.size(), summary.size()) << label << ": tax summary rows";
    }
    for (size_t i = 0; i < summary.size(); ++i) {
      const TaxSummaryRow& row = invoice.totals.tax_summary[i];
      const std::string at = label + " tax summary row " + std::to_string(i + 1);
      EXPECT_EQ(row.code, summary[i].at("code").get<std::string>()) << at;
      EXPECT_EQ(text_of(row.rate_percent), summary[i].at("rate").get<std::string>()) << at;
      EXPECT_EQ(row.base.to_decimal(), summary[i].at("base").get<std::string>()) << at;
      EXPECT_EQ(row.tax.to_decimal(), summary[i].at("tax").get<std::string>()) << at;
    }
  }

  // {"number", "status", "issued_on", "due_on", "open", "credited_number"}
  void check_header(const InvoiceView& view, const json& want) {
    const store::InvoiceRecord& i = view.invoice;
    if (want.contains("number")) {
      EXPECT_EQ(i.number, want["number"].get<std::string>()) << where_;
    }
    if (want.contains("status")) {
      EXPECT_EQ(to_string(i.status), want["status"].get<std::string>()) << where_;
    }
    if (want.contains("issued_on")) {
      EXPECT_EQ(i.issued_on ? format_civil_date(*i.issued_on) : "", want["issued_on"].get<std::string>())
          << where_;
    }
    if (want.contains("due_on")) {
      EXPECT_EQ(i.due_on ? format_civil_date(*i.due_on) : "", want["due_on"].get<std::string>()) << where_;
    }
    if (want.contains("open")) {
      EXPECT_EQ(view.open.to_decimal(), want["open"].get<std::string>()) << where_;
    }
    if (want.contains("credited_number")) {
      EXPECT_EQ(i.credited_number, want["credited_number"].get<std::string>()) << where_;
    }
    if (want.contains("total")) {
      EXPECT_EQ(i.totals.total.to_decimal(), want["total"].get<std::string>()) << where_;
    }
  }

  // {"client", "period", "lines"?: [{"position", "quantity"?}], "issue"?: true,
  //  "expect": {invoice fields, header fields, "original": {header fields}} | "expect_error":
  //  "invalid_input"}
  void credit_note(const json& step) {
    const InvoiceId original = invoice_of(step);
    json body = json::object();
    if (step.contains("lines")) body["lines"] = step["lines"];
    auto note = billing_->credit_note(admin_, original, body);
    if (step.contains("expect_error")) {
      ASSERT_FALSE(note.has_value()) << where_ << ": the credit note was made";
      EXPECT_EQ(to_string(note.error().kind), step["expect_error"].get<std::string>())
          << where_ << ": " << describe(note.error());
      return;
    }
    InvoiceView view = must(std::move(note), where_);
    if (step.value("issue", false)) view = must(billing_->issue(admin_, view.invoice.id), where_ + " issue");
    const json& expect = step.at("expect");
    check_invoice(view.invoice, expect, "credit note");
    check_header(view, expect);
    EXPECT_EQ(view.invoice.kind, InvoiceKind::credit_note) << where_;
    if (expect.contains("original"))
      check_header(must(billing_->get(admin_, original), where_), expect["original"]);
  }

  // {"format": "xero"|"quickbooks", "period", "expect": {"rows": [{"<column>": "value", ...}]}}:
  // the file has exactly these rows (after the header), each with the
  // columns it names.
  void check_export(const json& step) {
    const ExportFormat format = must(parse_export_format(step.at("format").get<std::string>()), where_);
    const std::string csv =
        must(billing_->export_csv(admin_, format, step.at("period").get<std::string>()), where_);
    const std::vector<std::vector<std::string>> rows = read_csv(csv);
    ASSERT_FALSE(rows.empty()) << where_ << ": no header";
    const json want = step.at("expect").at("rows");
    ASSERT_EQ(rows.size() - 1, want.size()) << where_ << ": rows of\n" << csv;
    for (size_t r = 0; r < want.size(); ++r) {
      for (const auto& [name, value] : want[r].items()) {
        auto col = std::find(rows[0].begin(), rows[0].end(), name);
        ASSERT_NE(col, rows[0].end()) << where_ << ": no column " << name;
        EXPECT_EQ(rows[r + 1].at(static_cast<size_t>(col - rows[0].begin())), value.get<std::string>())
            << where_ << ": row " << r + 1 << " column " << name << "\n"
            << csv;
      }
    }
  }

  std::filesystem::path file_;
  json doc_;
  std::filesystem::path dir_;
  ManualClock clock_{*parse_rfc3339("2026-11-30T20:00:00Z")};
  Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<BillingService> billing_;
  std::unique_ptr<ImportService> import_;
  Principal admin_ = Principal::local_admin();
  std::string where_;
  int64_t devices_ = 0;
  std::vector<std::pair<std::string, std::optional<CivilDate>>> runs_;
};

std::vector<std::filesystem::path> scenario_files() {
  std::vector<std::filesystem::path> files;
  auto dir = std::filesystem::path(TEND_SOURCE_DIR) / "tests/golden/billing/scenarios";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    // Sibling import files are named *.import.json.
    if (entry.path().extension() == ".json" && name.find(".import.json") == std::string::npos) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(BillingGoldenScenarios, EveryScenarioBillsItsHandWorkedInvoices) {
  size_t ran = 0;
  for (const auto& file : scenario_files()) {
    SCOPED_TRACE(file.filename().string());
    try {
      Scenario scenario(file, json::parse(read_text(file)));
      scenario.run();
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    ++ran;
  }
  EXPECT_GE(ran, 6u);
}

}  // namespace
}  // namespace tend
