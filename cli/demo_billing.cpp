// The billing part of `tend demo seed`; see cli/demo_billing.h.
#include "cli/demo_billing.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "core/money.h"

namespace tend::cli {
namespace {

using nlohmann::json;
using std::chrono::days;

// An invoice the demo issued.
struct IssuedInvoice {
  int64_t id = 0;
  int64_t client_id = 0;
  std::string number;
  CivilDate issued_on{};
  int months_ago = 0;
  bool settled = false;  // paid when issued (a total of zero)
};

CivilDate month_start(CivilDate today, int months) {
  std::chrono::year_month_day ymd(today);
  return CivilDate(std::chrono::year_month_day(ymd.year() / ymd.month() / 1) + std::chrono::months(months));
}

std::string period_of(CivilDate first) { return format_civil_date(first).substr(0, 7); }

}  // namespace

int seed_billing(ApiClient& api, Instant now, DemoBillingSummary& summary) {
  auto call = [&](const char* method, const std::string& path, const json& body) -> ReplyOutcome {
    return check_reply(api.call(method, path, body.is_null() ? "" : body.dump()));
  };
  const CivilDate today = *local_date(now, "Europe/Amsterdam");

  // Recurring fees and block purchases carry Dutch VAT.
  auto categories = call("GET", "/api/v1/tax-categories", nullptr);
  if (categories.exit_code != kOk) return categories.exit_code;
  for (const auto& category : categories.body["items"]) {
    if (category["code"] != "NL21") continue;
    auto settings = call("PUT", "/api/v1/billing/settings", {{"fee_tax_category_id", category["id"]}});
    if (settings.exit_code != kOk) return settings.exit_code;
  }

  // A run per month, oldest first; each draft issued on the first day of
  // the next month (numbers follow dates) and sent.
  std::vector<IssuedInvoice> issued;
  for (int months_ago = 6; months_ago >= 1; --months_ago) {
    const CivilDate first = month_start(today, -months_ago);
    auto run = call("POST", "/api/v1/billing/runs",
                    {{"period", period_of(first)}, {"billing_date", format_civil_date(first)}});
    if (run.exit_code != kOk) return run.exit_code;
    const CivilDate issue_day = std::min(month_start(today, -months_ago + 1), today);
    for (const auto& client : run.body["clients"]) {
      if (!client["invoice"].is_object() || !client["invoice"]["id"].is_number()) continue;
      const int64_t id = client["invoice"]["id"];
      auto done = call("POST", "/api/v1/invoices/" + std::to_string(id) + "/issue",
                       {{"issued_on", format_civil_date(issue_day)}});
      if (done.exit_code != kOk) return done.exit_code;
      auto sent = call("POST", "/api/v1/invoices/" + std::to_string(id) + "/send", json::object());
      if (sent.exit_code != kOk) return sent.exit_code;
      issued.push_back({id, client["client_id"], done.body["number"], issue_day, months_ago,
                        done.body.value("status", "") == "paid"});
      ++summary.invoices;
    }
    // A goodwill credit, before the next month is issued (numbers follow
    // dates): the first time line of an invoice of four months ago.
    if (months_ago != 4) continue;
    for (const IssuedInvoice& invoice : issued) {
      if (invoice.months_ago != 4) continue;
      auto shown = call("GET", "/api/v1/invoices/" + std::to_string(invoice.id), nullptr);
      if (shown.exit_code != kOk) return shown.exit_code;
      auto line = std::find_if(shown.body["lines"].begin(), shown.body["lines"].end(),
                               [](const json& l) { return l["kind"] == "time"; });
      if (line == shown.body["lines"].end()) continue;
      auto note = call("POST", "/api/v1/invoices/" + std::to_string(invoice.id) + "/credit-note",
                       {{"lines", {{{"position", (*line)["position"]}}}},
                        {"notes", "Coulance: storing was binnen de garantie"}});
      if (note.exit_code != kOk) return note.exit_code;
      const CivilDate credit_day = std::min(invoice.issued_on + days(3), today);
      auto done =
          call("POST", "/api/v1/invoices/" + std::to_string(note.body["id"].get<int64_t>()) + "/issue",
               {{"issued_on", format_civil_date(credit_day)}});
      if (done.exit_code != kOk) return done.exit_code;
      ++summary.credit_notes;
      break;
    }
  }

  // Payments: older months paid in full (one invoice of three months ago
  // never), two months ago one paid for 60%, last month every other one.
  int index_in_month = 0;
  int previous_month = 0;
  for (const IssuedInvoice& invoice : issued) {
    index_in_month = invoice.months_ago == previous_month ? index_in_month + 1 : 0;
    previous_month = invoice.months_ago;
    const bool last_of_month = &invoice == &issued.back() || (&invoice + 1)->months_ago != invoice.months_ago;
    const bool unpaid =
        (invoice.months_ago == 3 && last_of_month) || (invoice.months_ago == 1 && index_in_month % 2 == 1);
    const CivilDate paid_on = invoice.issued_on + days(6 + invoice.client_id % 9);
    if (invoice.settled) continue;
    if (unpaid || paid_on > today) {
      ++summary.open_invoices;
      continue;
    }
    auto shown = call("GET", "/api/v1/invoices/" + std::to_string(invoice.id), nullptr);
    if (shown.exit_code != kOk) return shown.exit_code;
    auto currency = Currency::parse(shown.body["currency"].get<std::string>());
    auto open = currency ? Money::parse(*currency, shown.body["open"].get<std::string>())
                         : std::unexpected(currency.error());
    if (!open) return report(open.error());
    if (open->minor_units() <= 0) continue;
    Money amount = *open;
    if (invoice.months_ago == 2 && index_in_month == 0) {
      amount = open->times(Rational{3, 5});
      ++summary.open_invoices;
    }
    auto paid = call("POST", "/api/v1/payments",
                     {{"client_id", invoice.client_id},
                      {"amount", amount.to_decimal()},
                      {"received_on", format_civil_date(paid_on)},
                      {"method", invoice.client_id % 3 == 0 ? "direct_debit" : "bank_transfer"},
                      {"reference", "Factuur " + invoice.number},
                      {"allocations", {{{"invoice_id", invoice.id}, {"amount", amount.to_decimal()}}}}});
    if (paid.exit_code != kOk) return paid.exit_code;
    ++summary.payments;
  }
  return kOk;
}

}  // namespace tend::cli
