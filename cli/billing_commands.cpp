#include "cli/billing_commands.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "core/money.h"
#include "core/paging.h"

namespace tend::cli {
namespace {

using nlohmann::json;

std::string text(const json& v) {
  if (v.is_null()) return "-";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

CLI::App* group(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands([&](CLI::App* a) { return a->get_name() == name; })) return sub;
  CLI::App* created = app.add_subcommand(name, description);
  created->require_subcommand(1);
  return created;
}

// GETs `path`, which answers a file of `content_type` (not JSON), and writes
// it to `out`; the exit code.
int download(const Target& target, const std::string& path, const std::string& content_type,
             const std::string& out) {
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  auto reply = connection->client->call("GET", path, "");
  if (!reply || reply->status != 200 || reply->content_type != content_type) {
    auto outcome = check_reply(reply);
    if (outcome.exit_code != kOk) return outcome.exit_code;
    std::cerr << "tend: the server did not answer with " << content_type << "\n";
    return kFailure;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(reply->body.data(), static_cast<std::streamsize>(reply->body.size()));
  file.close();
  if (!file) {
    std::cerr << "tend: cannot write " << out << "\n";
    return kFailure;
  }
  if (target.json_output)
    print_json({{"file", out}, {"bytes", reply->body.size()}});
  else
    std::cout << "wrote " << out << " (" << reply->body.size() << " bytes)\n";
  return kOk;
}

void print_invoice(const json& i) {
  std::cout << (i["kind"] == "credit_note" ? "Credit note " : "Invoice ")
            << (i["number"].is_null() ? "(draft " + text(i["id"]) + ")" : text(i["number"])) << " for "
            << text(i["client_name"]) << " [" << text(i["status"]) << "]";
  if (!i["period"].is_null()) std::cout << " period " << text(i["period"]);
  if (!i["credited_number"].is_null()) std::cout << " crediting " << text(i["credited_number"]);
  std::cout << "\n";
  if (!i["issued_on"].is_null())
    std::cout << "  issued " << text(i["issued_on"]) << ", due " << text(i["due_on"]) << "\n";
  for (const auto& l : i["lines"]) {
    std::cout << "  " << l["position"] << ". " << text(l["description"]) << "\n       " << text(l["quantity"])
              << " " << text(l["unit"]) << " x " << text(l["unit_price"]);
    if (l["factor"] != "1") std::cout << " x " << text(l["factor"]);
    std::cout << " = " << text(l["amount"]) << "  (" << (l["tax_code"] == "" ? "no tax" : text(l["tax_code"]))
              << " " << text(l["tax_amount"]) << ")\n";
  }
  for (const auto& row : i["tax_summary"]) {
    std::cout << "  tax " << (row["tax_code"] == "" ? "-" : text(row["tax_code"])) << " "
              << text(row["tax_rate"]) << "% on " << text(row["base"]) << ": " << text(row["tax"]) << "\n";
  }
  std::cout << "  net " << text(i["net"]) << "  tax " << text(i["tax"]) << "  total " << text(i["total"])
            << " " << text(i["currency"]) << "\n";
  if (i.contains("open") && i["status"] != "draft" && i["kind"] == "invoice") {
    std::cout << "  paid " << text(i["paid"]) << "  credited " << text(i["credited"]) << "  open "
              << text(i["open"]) << "\n";
  }
}

// Draws "[#####.....]  45%  4500/10000 clients" on stderr (a terminal).
void draw_progress(size_t done, size_t total) {
  constexpr size_t kWidth = 30;
  const size_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << std::setw(3)
            << (total == 0 ? 100 : done * 100 / total) << "%  " << done << "/" << total << " clients" << std::flush;
  if (done == total) std::cerr << "\r" << std::string(kWidth + 40, ' ') << "\r" << std::flush;
}

// Adds a decimal amount to a per-currency sum (both as the API writes
// them: "1234.50").
Status add_total(std::map<std::string, Money>& totals, const std::string& code, const std::string& amount) {
  Currency currency = TEND_TRY(Currency::parse(code));
  Money value = TEND_TRY(Money::parse(currency, amount));
  auto found = totals.find(code);
  if (found == totals.end())
    totals.emplace(code, value);
  else
    found->second += value;
  return {};
}

// The billing run of every active client in slices of about 2% of them,
// with a progress bar; the replies are merged into the reply one call
// would have given. Each client is billed in its own transaction either
// way, so slicing changes nothing in what is stored.
ReplyOutcome run_with_progress(ApiClient& api, const json& body) {
  std::vector<int64_t> ids;
  std::string cursor;
  do {
    auto page = check_reply(
        api.call("GET", "/api/v1/clients?limit=200&sort=created_at" + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)), ""));
    if (page.exit_code != kOk) return page;
    for (const auto& c : page.body["items"]) ids.push_back(c["id"]);
    cursor = page.body["next_cursor"].is_string() ? page.body["next_cursor"].get<std::string>() : "";
  } while (!cursor.empty());
  if (ids.empty()) return check_reply(api.call("POST", "/api/v1/billing/runs", body.dump()));
  const size_t slice = std::clamp<size_t>(ids.size() / 50, 1, 500);
  ReplyOutcome merged;
  std::map<std::string, Money> totals;
  draw_progress(0, ids.size());
  for (size_t from = 0; from < ids.size(); from += slice) {
    json request = body;
    request["client_ids"] = json(std::vector<int64_t>(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                                      ids.begin() + static_cast<std::ptrdiff_t>(std::min(from + slice, ids.size()))));
    auto part = check_reply(api.call("POST", "/api/v1/billing/runs", request.dump()));
    if (part.exit_code != kOk) {
      std::cerr << "\n";
      return part;
    }
    if (merged.body.is_null()) {
      merged.body = part.body;
    } else {
      for (auto& c : part.body["clients"]) merged.body["clients"].push_back(std::move(c));
      merged.body["drafts"] = merged.body["drafts"].get<int64_t>() + part.body["drafts"].get<int64_t>();
      merged.body["failed"] = merged.body["failed"].get<int64_t>() + part.body["failed"].get<int64_t>();
    }
    for (const auto& t : part.body["totals"]) {
      if (auto added = add_total(totals, t["currency"], t["total"]); !added) return {report(added.error()), nullptr};
    }
    draw_progress(std::min(from + slice, ids.size()), ids.size());
  }
  merged.body["totals"] = json::array();
  for (const auto& [code, total] : totals) merged.body["totals"].push_back({{"currency", code}, {"total", total.to_decimal()}});
  return merged;
}

}  // namespace

void add_billing_commands(CLI::App& app, int& exit_code) {
  // ---- tend billing export --------------------------------------------------------------------------------
  {
    CLI::App* billing = group(app, "billing", "Billing runs: draft invoices for a period");
    auto target = std::make_shared<Target>();
    auto format = std::make_shared<std::string>();
    auto period = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto* c = billing->add_subcommand(
        "export",
        "Write the issued invoices and credit notes of a period as a CSV import file for Xero (invoices; "
        "xero_credit_notes: credit notes) or QuickBooks Online (both; one row per line; docs/billing-rules.md, "
        "Accounting exports)");
    target->add_options(*c);
    c->add_option("--format", *format, "xero, xero_credit_notes or quickbooks")
        ->required()
        ->check(CLI::IsMember({"xero", "xero_credit_notes", "quickbooks"}));
    c->add_option("--period", *period, "A month (2026-11) or a range (2026-11-01..2026-11-15)")->required();
    c->add_option("--out", *out, "Write to this file (default: standard output)");
    c->callback([=, &exit_code] {
      exit_code = [&]() -> int {
        auto connection = connect(*target);
        if (!connection) return report(connection.error());
        auto reply = connection->client->call(
            "GET", "/api/v1/billing/exports/" + *format + "?period=" + url_encode(*period), "");
        if (!reply || reply->status < 200 || reply->status >= 300) return check_reply(reply).exit_code;
        if (out->empty()) {
          std::cout << reply->body << std::flush;
          return kOk;
        }
        std::ofstream file(*out, std::ios::binary | std::ios::trunc);
        file << reply->body;
        file.close();
        if (!file) return report(Error::internal("cannot write " + *out));
        return kOk;
      }();
    });
  }
  // ---- tend billing run -----------------------------------------------------------------------------------
  {
    CLI::App* billing = group(app, "billing", "Billing runs: draft invoices for a period");
    auto target = std::make_shared<Target>();
    auto period = std::make_shared<std::string>();
    auto client = std::make_shared<int64_t>(0);
    auto dry_run = std::make_shared<bool>(false);
    auto billing_date = std::make_shared<std::string>();
    auto* c =
        billing->add_subcommand("run",
                                "Make the draft invoices of a period (idempotent: a second run of the same "
                                "period creates nothing new)");
    target->add_options(*c);
    c->add_option("--period", *period, "A month (2026-11) or a range (2026-11-01..2026-11-15)")->required();
    c->add_option("--client", *client, "Only this client (id)");
    c->add_flag("--dry-run", *dry_run, "Show what would be invoiced; store nothing");
    c->add_option("--billing-date", *billing_date,
                  "Count devices on this day (default: today, within the period)");
    c->callback([=, &exit_code] {
      json body = {{"period", *period}, {"dry_run", *dry_run}};
      if (*client > 0) body["client_id"] = *client;
      if (!billing_date->empty()) body["billing_date"] = *billing_date;
      exit_code = [&]() -> int {
        auto connection = connect(*target);
        if (!connection) return report(connection.error());
        const bool progress = *client == 0 && !target->json_output && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
        auto outcome = progress ? run_with_progress(*connection->client, body)
                                : check_reply(connection->client->call("POST", "/api/v1/billing/runs", body.dump()));
        if (outcome.exit_code != kOk) return outcome.exit_code;
        const json& r = outcome.body;
        if (target->json_output) {
          print_json(r);
        } else {
          std::cout << (r["dry_run"].get<bool>() ? "Dry run for " : "Billing run for ") << text(r["period"])
                    << " (devices counted on " << text(r["billing_date"]) << ")\n";
          for (const auto& done : r["clients"]) {
            if (done["outcome"] == "nothing_to_bill") continue;
            std::cout << "  " << text(done["client_name"]) << " (" << done["client_id"]
                      << "): " << text(done["outcome"]);
            if (!done["invoice"].is_null()) {
              const json& i = done["invoice"];
              std::cout << ", " << i["lines"].size() << " lines, total " << text(i["total"]) << " "
                        << text(i["currency"]);
              if (!i["id"].is_null()) std::cout << " (invoice " << i["id"] << ")";
            }
            if (!done["error"].is_null()) std::cout << ": " << text(done["error"]);
            std::cout << "\n";
          }
          std::cout << r["drafts"] << " draft(s)";
          for (const auto& t : r["totals"])
            std::cout << "; " << text(t["total"]) << " " << text(t["currency"]);
          std::cout << "\n";
        }
        // A client that could not be billed (unpriced work) fails the command.
        if (r["failed"].get<int64_t>() > 0) {
          std::cerr << "tend: " << r["failed"] << " client(s) could not be billed; see their errors\n";
          return kInvalid;
        }
        return kOk;
      }();
    });
  }

  // ---- tend invoice list|show|issue|send|credit ---------------------------------------------------------
  {
    CLI::App* invoice = group(app, "invoice", "Invoices and credit notes");
    {
      auto target = std::make_shared<Target>();
      auto client = std::make_shared<int64_t>(0);
      auto status = std::make_shared<std::string>();
      auto period = std::make_shared<std::string>();
      auto* c = invoice->add_subcommand("list", "List invoices, newest first");
      target->add_options(*c);
      c->add_option("--client", *client, "Only this client (id)");
      c->add_option("--status", *status, "draft, issued, sent, partly_paid or paid");
      c->add_option("--period", *period, "Only drafts and invoices of this run period");
      c->callback([=, &exit_code] {
        std::string query = "?limit=200";
        if (*client > 0) query += "&client_id=" + std::to_string(*client);
        if (!status->empty()) query += "&status=" + url_encode(*status);
        if (!period->empty()) query += "&period=" + url_encode(*period);
        exit_code = send(*target, "GET", "/api/v1/invoices" + query, nullptr, [](const json& page) {
          print_table(page["items"], {"/id", "/number", "/kind", "/status", "/client_name", "/period",
                                      "/issued_on", "/due_on", "/total", "/currency"});
        });
      });
    }
    auto by_id = [&](const char* name, const char* description, const char* method, const char* suffix) {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto* c = invoice->add_subcommand(name, description);
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      const std::string verb = name;
      c->callback([=, &exit_code] {
        json body = std::string(method) == "POST" ? json::object() : json(nullptr);
        exit_code = send(
            *target, method, "/api/v1/invoices/" + std::to_string(*id) + suffix, body, [&](const json& i) {
              if (verb == "send")
                std::cout << "marked " << text(i["number"]) << " as sent\n";
              else if (verb == "delete")
                std::cout << "deleted draft " << *id << "; its work is approved and unbilled again\n";
              else
                print_invoice(i);
            });
      });
    };
    by_id("show", "Show an invoice with its lines, tax summary and what is open", "GET", "");
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto date = std::make_shared<std::string>();
      auto* c = invoice->add_subcommand(
          "issue", "Issue a draft: the next number of the year, today (or --date), the client's payment terms");
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      c->add_option("--date", *date,
                    "Issue date YYYY-MM-DD (not in the future, not before the last issued number of its year)");
      c->callback([=, &exit_code] {
        json body = json::object();
        if (!date->empty()) body["issued_on"] = *date;
        exit_code = send(*target, "POST", "/api/v1/invoices/" + std::to_string(*id) + "/issue", body,
                         [](const json& i) {
                           std::cout << "issued " << text(i["number"]) << " on " << text(i["issued_on"])
                                     << ", due " << text(i["due_on"]) << "\n";
                         });
      });
    }
    by_id("send", "Record that an issued invoice was sent", "POST", "/send");
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto description = std::make_shared<std::string>();
      auto quantity = std::make_shared<std::string>("1");
      auto unit = std::make_shared<std::string>();
      auto price = std::make_shared<std::string>();
      auto tax_category = std::make_shared<int64_t>(0);
      auto* c = invoice->add_subcommand("add-line",
                                        "Add a line by hand to a draft (kept when billing runs again)");
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      c->add_option("--description", *description, "What the line is for")->required();
      c->add_option("--quantity", *quantity, "Quantity, e.g. 2 or 1.5 (default 1)");
      c->add_option("--unit", *unit, "Unit shown on the invoice (default pcs)");
      c->add_option("--unit-price", *price, "Price per unit, e.g. 49.95 (negative for a discount)")->required();
      c->add_option("--tax-category", *tax_category, "Tax category id (default: no tax)");
      c->callback([=, &exit_code] {
        json body = {{"description", *description}, {"quantity", *quantity}, {"unit_price", *price}};
        if (!unit->empty()) body["unit"] = *unit;
        if (*tax_category > 0) body["tax_category_id"] = *tax_category;
        exit_code = send(*target, "POST", "/api/v1/invoices/" + std::to_string(*id) + "/lines", body,
                         [](const json& i) { print_invoice(i); });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto position = std::make_shared<int64_t>(0);
      auto* c = invoice->add_subcommand("remove-line", "Remove a line added by hand from a draft");
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      c->add_option("position", *position, "The line's position (1 = first)")->required();
      c->callback([=, &exit_code] {
        exit_code = send(*target, "DELETE",
                         "/api/v1/invoices/" + std::to_string(*id) + "/lines/" + std::to_string(*position), nullptr,
                         [](const json& i) { print_invoice(i); });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto lines = std::make_shared<std::vector<std::string>>();
      auto notes = std::make_shared<std::string>();
      auto* c = invoice->add_subcommand(
          "credit", "Draft a credit note for an issued invoice: all of it, or the lines given with --line");
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      c->add_option("--line", *lines,
                    "Credit this line: POSITION (all of it) or POSITION:QUANTITY (part of it, e.g. 2:1.5); "
                    "repeat for more lines");
      c->add_option("--notes", *notes, "Why (printed on the credit note)");
      c->callback([=, &exit_code] {
        exit_code = [&]() -> int {
          json body = json::object();
          if (!notes->empty()) body["notes"] = *notes;
          for (const std::string& wanted : *lines) {
            const auto colon = wanted.find(':');
            const std::string position = wanted.substr(0, colon);
            json line;
            try {
              size_t used = 0;
              line["position"] = std::stoll(position, &used);
              if (used != position.size()) throw std::invalid_argument(position);
            } catch (const std::exception&) {
              return report(Error::invalid_field("--line", "'" + wanted + "' is not POSITION or POSITION:QUANTITY"));
            }
            if (colon != std::string::npos) line["quantity"] = wanted.substr(colon + 1);
            body["lines"].push_back(line);
          }
          return send(*target, "POST", "/api/v1/invoices/" + std::to_string(*id) + "/credit-note", body,
                      [](const json& i) {
                        std::cout << "drafted credit note " << i["id"] << " for " << text(i["total"]) << " "
                                  << text(i["currency"]) << " (issue it with tend invoice issue " << i["id"]
                                  << ")\n";
                      });
        }();
      });
    }
    by_id("delete", "Delete a draft and release its work (an issued invoice is refused)", "DELETE", "");
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto out = std::make_shared<std::string>();
      auto* c =
          invoice->add_subcommand("pdf", "Download an invoice or credit note as a PDF (drafts marked DRAFT)");
      target->add_options(*c);
      c->add_option("id", *id, "Invoice id")->required();
      c->add_option("--out", *out, "The file to write, e.g. invoice-2026-000123.pdf")->required();
      c->callback([=, &exit_code] {
        exit_code = download(*target, "/api/v1/invoices/" + std::to_string(*id) + "/pdf", "application/pdf", *out);
      });
    }
  }

  // ---- tend provider bank ----------------------------------------------------------------------------
  {
    CLI::App* provider = group(app, "provider", "Your company's details printed on invoices");
    auto target = std::make_shared<Target>();
    auto iban = std::make_shared<std::optional<std::string>>();
    auto bic = std::make_shared<std::optional<std::string>>();
    auto holder = std::make_shared<std::optional<std::string>>();
    auto* c = provider->add_subcommand(
        "bank", "Show the bank details printed on invoices, or change them (IBAN and BIC are checked)");
    target->add_options(*c);
    c->add_option("--iban", *iban, "IBAN, e.g. NL91ABNA0417164300 (empty: none)");
    c->add_option("--bic", *bic, "BIC, e.g. ABNANL2A (empty: none)");
    c->add_option("--account-holder", *holder, "The account holder's name (empty: the legal name)");
    c->callback([=, &exit_code] {
      json body = json::object();
      if (*iban) body["bank_account"] = **iban;
      if (*bic) body["bank_bic"] = **bic;
      if (*holder) body["bank_account_holder"] = **holder;
      exit_code = send(*target, body.empty() ? "GET" : "PATCH", "/api/v1/provider",
                       body.empty() ? json(nullptr) : body, [](const json& p) {
                         std::cout << "IBAN            " << text(p["bank_account"]) << "\n"
                                   << "BIC             " << text(p["bank_bic"]) << "\n"
                                   << "Account holder  " << text(p["bank_account_holder"]) << "\n";
                       });
    });
  }

  // ---- tend provider logo ----------------------------------------------------------------------------
  {
    CLI::App* provider = group(app, "provider", "Your company's details printed on invoices");
    auto target = std::make_shared<Target>();
    auto set = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto remove = std::make_shared<bool>(false);
    auto* c = provider->add_subcommand(
        "logo", "Set (--set FILE, a PNG of at most 512 KiB), download (--out FILE) or remove (--remove) the logo "
                "printed on invoices");
    target->add_options(*c);
    auto* set_option = c->add_option("--set", *set, "A PNG file to print at the top of every invoice");
    auto* out_option = c->add_option("--out", *out, "Write the current logo to this file");
    auto* remove_flag = c->add_flag("--remove", *remove, "Remove the logo");
    set_option->excludes(out_option)->excludes(remove_flag);
    out_option->excludes(remove_flag);
    c->callback([=, &exit_code] {
      exit_code = [&]() -> int {
        if (!set->empty()) {
          std::ifstream file(*set, std::ios::binary);
          if (!file) {
            std::cerr << "tend: cannot read " << *set << "\n";
            return kInvalid;
          }
          const std::string png((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
          return send(*target, "PUT", "/api/v1/provider/logo", json{{"png_base64", base64url_encode(png)}},
                      [](const json& logo) {
                        std::cout << "logo set: " << logo["width"].get<int64_t>() << " x "
                                  << logo["height"].get<int64_t>() << " pixels, " << logo["bytes"].get<int64_t>()
                                  << " bytes\n";
                      });
        }
        if (*remove) {
          return send(*target, "DELETE", "/api/v1/provider/logo", json(nullptr),
                      [](const json&) { std::cout << "logo removed\n"; });
        }
        if (out->empty()) {
          std::cerr << "tend: give --set FILE, --out FILE or --remove\n";
          return kInvalid;
        }
        return download(*target, "/api/v1/provider/logo", "image/png", *out);
      }();
    });
  }

  // ---- tend payment add|list
  // ----------------------------------------------------------------------------------
  {
    CLI::App* payment = group(app, "payment", "Payments received");
    {
      auto target = std::make_shared<Target>();
      auto client = std::make_shared<int64_t>(0);
      auto amount = std::make_shared<std::string>();
      auto date = std::make_shared<std::string>();
      auto method = std::make_shared<std::string>("bank_transfer");
      auto reference = std::make_shared<std::string>();
      auto invoice = std::make_shared<int64_t>(0);
      auto* c = payment->add_subcommand("add",
                                        "Record a payment; it pays the oldest open invoices first unless "
                                        "--invoice names them");
      target->add_options(*c);
      c->add_option("--client", *client, "Client id")->required();
      c->add_option("--amount", *amount, "Amount, e.g. 150.00")->required();
      c->add_option("--date", *date, "Received on (YYYY-MM-DD, default today)");
      c->add_option("--method", *method, "bank_transfer, direct_debit, card, cash or other");
      c->add_option("--reference", *reference, "The bank's reference");
      c->add_option("--invoice", *invoice, "Put the whole amount on this invoice (id)");
      c->callback([=, &exit_code] {
        exit_code = [&]() -> int {
          json body = {{"client_id", *client}, {"amount", *amount}, {"method", *method}};
          if (!date->empty()) body["received_on"] = *date;
          if (!reference->empty()) body["reference"] = *reference;
          if (*invoice > 0)
            body["allocations"] = json::array({{{"invoice_id", *invoice}, {"amount", *amount}}});
          return send(*target, "POST", "/api/v1/payments", body, [](const json& p) {
            std::cout << "recorded payment " << p["id"] << " of " << text(p["amount"]) << " "
                      << text(p["currency"]);
            for (const auto& a : p["allocations"])
              std::cout << "; " << text(a["amount"]) << " to invoice " << a["invoice_id"];
            if (p["unallocated"] != "0.00") std::cout << "; " << text(p["unallocated"]) << " on account";
            std::cout << "\n";
          });
        }();
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto client = std::make_shared<int64_t>(0);
      auto* c = payment->add_subcommand("list", "List payments, newest first");
      target->add_options(*c);
      c->add_option("--client", *client, "Only this client (id)");
      c->callback([=, &exit_code] {
        std::string query = "?limit=200";
        if (*client > 0) query += "&client_id=" + std::to_string(*client);
        exit_code = send(*target, "GET", "/api/v1/payments" + query, nullptr, [](const json& page) {
          print_table(page["items"], {"/id", "/client_id", "/received_on", "/amount", "/currency", "/method",
                                      "/reference", "/unallocated"});
        });
      });
    }
  }

  // ---- tend report ar, tend report statement
  // ------------------------------------------------------------------
  {
    CLI::App* report_command = group(app, "report", "Reports");
    {
      auto target = std::make_shared<Target>();
      auto as_of = std::make_shared<std::string>();
      auto* c =
          report_command->add_subcommand("ar", "AR ageing per client: current, 1-30, 31-60, 61-90, 90+ days");
      target->add_options(*c);
      c->add_option("--as-of", *as_of, "The date (YYYY-MM-DD, default today)");
      c->callback([=, &exit_code] {
        std::string query = as_of->empty() ? "" : "?as_of=" + url_encode(*as_of);
        exit_code = send(*target, "GET", "/api/v1/reports/ar" + query, nullptr, [](const json& r) {
          std::cout << "AR ageing as of " << text(r["as_of"]) << "\n";
          json rows = json::array();
          auto row = [](const json& a, const std::string& name) {
            return json{{"client", name},
                        {"currency", a["currency"]},
                        {"current", a["buckets"]["current"]},
                        {"1-30", a["buckets"]["1-30"]},
                        {"31-60", a["buckets"]["31-60"]},
                        {"61-90", a["buckets"]["61-90"]},
                        {"90+", a["buckets"]["90+"]},
                        {"total", a["total"]}};
          };
          for (const auto& a : r["clients"]) rows.push_back(row(a, text(a["client_name"])));
          for (const auto& t : r["totals"]) rows.push_back(row(t, "TOTAL"));
          print_table(rows,
                      {"/client", "/currency", "/current", "/1-30", "/31-60", "/61-90", "/90+", "/total"});
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto client = std::make_shared<int64_t>(0);
      auto as_of = std::make_shared<std::string>();
      auto* c = report_command->add_subcommand("statement", "A client's statement of account");
      target->add_options(*c);
      c->add_option("--client", *client, "Client id")->required();
      c->add_option("--as-of", *as_of, "The date (YYYY-MM-DD, default today)");
      c->callback([=, &exit_code] {
        std::string query = as_of->empty() ? "" : "?as_of=" + url_encode(*as_of);
        exit_code = send(*target, "GET", "/api/v1/clients/" + std::to_string(*client) + "/statement" + query,
                         nullptr, [](const json& s) {
                           std::cout << "Statement of " << text(s["client_name"]) << " as of "
                                     << text(s["as_of"]) << " (" << text(s["currency"]) << ")\n";
                           print_table(s["entries"], {"/on", "/kind", "/reference", "/due_on", "/amount",
                                                      "/open", "/balance"});
                           std::cout << "balance " << text(s["balance"]) << ", unallocated "
                                     << text(s["unallocated"]) << "\n";
                         });
      });
    }
  }
}

}  // namespace tend::cli
