#include "cli/work_commands.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "cli/command_support.h"
#include "cli/exit_codes.h"

namespace tend::cli {
namespace {

using nlohmann::json;

bool is_number(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One command's conversation with the API.
class Session {
 public:
  explicit Session(Connection connection) : connection_(std::move(connection)) {}

  // Sends a request; on failure prints the problem and returns its exit code.
  Result<json> call(const char* method, const std::string& path, const json& body = nullptr) {
    auto outcome = check_reply(connection_.client->call(method, path, body.is_null() ? "" : body.dump()));
    if (outcome.exit_code != kOk) {
      failed_ = outcome.exit_code;
      return std::unexpected(Error::internal("reported"));
    }
    return outcome.body;
  }
  int failed() const { return failed_; }

  // A work type by id or code.
  Result<int64_t> work_type(const std::string& text) {
    if (is_number(text)) return std::stoll(text);
    json types = TEND_TRY(call("GET", "/api/v1/work-types"));
    for (const auto& t : types["items"]) {
      if (t["code"] == text) return t["id"].get<int64_t>();
    }
    return fail("no work type with code '" + text + "' (tend work-type list shows them)");
  }
  // A staff user by id or e-mail.
  Result<int64_t> user(const std::string& text) {
    if (is_number(text)) return std::stoll(text);
    json users = TEND_TRY(call("GET", "/api/v1/users?limit=200&q=" + url_encode(text)));
    for (const auto& u : users["items"]) {
      if (u["email"] == text) return u["id"].get<int64_t>();
    }
    return fail("no user with e-mail '" + text + "'");
  }
  // A catalogue item by id or SKU.
  Result<int64_t> item(const std::string& text) {
    if (is_number(text)) return std::stoll(text);
    json items = TEND_TRY(call("GET", "/api/v1/catalogue?limit=200&q=" + url_encode(text)));
    for (const auto& i : items["items"]) {
      if (i["sku"] == text) return i["id"].get<int64_t>();
    }
    return fail("no catalogue item with SKU '" + text + "' (tend catalogue list shows them)");
  }

 private:
  Result<int64_t> fail(const std::string& message) {
    failed_ = report(Error::invalid(message));
    return std::unexpected(Error::invalid(message));
  }
  Connection connection_;
  int failed_ = kOk;
};

// Runs `work` with a session; returns the exit code.
int run(const Target& target, const std::function<Status(Session&)>& work) {
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  Session session(std::move(*connection));
  auto status = work(session);
  if (!status) return session.failed() != kOk ? session.failed() : report(status.error());
  return kOk;
}

void print_or(const Target& target, const json& value, const std::function<void(const json&)>& print) {
  if (target.json_output) print_json(value);
  else print(value);
}

std::string text_of(const json& v) {
  if (v.is_null()) return "-";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

void print_charges(const json& c) {
  const std::string currency = c["currency"];
  if (c.contains("ticket_id") && !c["ticket_id"].is_null()) {
    std::cout << "Ticket " << c["ticket_id"] << " (client " << c["client_id"] << "), amounts in " << currency << "\n";
  }
  if (!c["time"].empty()) {
    std::cout << "\nTime\n";
    for (const auto& t : c["time"]) {
      std::cout << "  #" << t["time_entry_id"] << " " << text_of(t["work_date"]) << " " << text_of(t["work_type"])
                << ": " << t["minutes"] << " min worked, " << t["billable_minutes"] << " billable  [" << text_of(t["status"])
                << "]  " << text_of(t["amount"]) << "\n      " << text_of(t["explanation"]) << "\n";
    }
  }
  for (const char* kind : {"parts", "services"}) {
    if (c[kind].empty()) continue;
    std::cout << "\n" << (std::string(kind) == "parts" ? "Parts" : "Fixed-price services") << "\n";
    for (const auto& p : c[kind]) {
      std::cout << "  " << text_of(p["sku"]) << " " << text_of(p["name"]) << " x" << p["quantity"] << "  ["
                << text_of(p["status"]) << "]  " << text_of(p["amount"]) << "\n      " << text_of(p["explanation"]) << "\n";
    }
  }
  std::cout << "\nCharged: " << text_of(c["totals"]["charged"]) << " " << currency;
  if (c["totals"].contains("cost")) std::cout << "   (cost " << text_of(c["totals"]["cost"]) << ")";
  std::cout << "\n";
}

CLI::App* subcommand(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands([&](CLI::App* a) { return a->get_name() == name; })) return sub;
  CLI::App* created = app.add_subcommand(name, description);
  created->require_subcommand(1);
  return created;
}

}  // namespace

void add_work_commands(CLI::App& app, int& exit_code) {
  // ---- tend time ... ----------------------------------------------------------------------
  CLI::App* time = subcommand(app, "time", "Log and approve time on tickets");
  {
    auto target = std::make_shared<Target>();
    auto ticket = std::make_shared<int64_t>(0);
    auto type = std::make_shared<std::string>();
    auto minutes = std::make_shared<int64_t>(-1);
    auto date = std::make_shared<std::string>();
    auto start = std::make_shared<std::string>();
    auto end = std::make_shared<std::string>();
    auto billing = std::make_shared<std::string>();
    auto after_hours = std::make_shared<bool>(false);
    auto notes = std::make_shared<std::string>();
    auto user = std::make_shared<std::string>();
    auto service = std::make_shared<int64_t>(0);
    auto* c = time->add_subcommand("log", "Log time on a ticket: --minutes, or --start and --end");
    target->add_options(*c);
    c->add_option("--ticket", *ticket, "Ticket id")->required();
    c->add_option("--work-type", *type, "Work type code (e.g. remote) or id")->required();
    c->add_option("--minutes", *minutes, "Minutes worked (0 records a small act)");
    c->add_option("--date", *date, "Work date YYYY-MM-DD (default: the start's, else today)");
    c->add_option("--start", *start, "Start, RFC 3339 (with --end)");
    c->add_option("--end", *end, "End, RFC 3339");
    c->add_option("--billing", *billing, "billable (default), non_billable or no_charge");
    c->add_flag("--after-hours", *after_hours, "Outside office hours (the work type's multiplier applies)");
    c->add_option("--notes", *notes, "What was done");
    c->add_option("--user", *user, "Technician (e-mail or id); default: you. Required with --data");
    c->add_option("--service", *service, "Fixed-price service (service usage id) the time belongs to");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        const int64_t work_type_id = TEND_TRY(s.work_type(*type));  // not inside a braced list: it may return
        json body = {{"ticket_id", *ticket}, {"work_type_id", work_type_id}};
        if (*minutes >= 0) body["minutes"] = *minutes;
        if (!date->empty()) body["work_date"] = *date;
        if (!start->empty()) body["started_at"] = *start;
        if (!end->empty()) body["ended_at"] = *end;
        if (!billing->empty()) body["billing"] = *billing;
        if (*after_hours) body["after_hours"] = true;
        if (!notes->empty()) body["notes"] = *notes;
        if (!user->empty()) body["user_id"] = TEND_TRY(s.user(*user));
        if (*service > 0) body["service_usage_id"] = *service;
        json entry = TEND_TRY(s.call("POST", "/api/v1/time-entries", body));
        print_or(*target, entry, [](const json& e) {
          std::cout << "logged time entry " << e["id"] << ": " << e["minutes"] << " min on " << text_of(e["work_date"])
                    << " (" << e["billable_minutes"] << " billable)\n";
        });
        return {};
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto ticket = std::make_shared<int64_t>(0);
    auto type = std::make_shared<std::string>();
    auto notes = std::make_shared<std::string>();
    auto user = std::make_shared<std::string>();
    auto* c = time->add_subcommand("start", "Start a timer on a ticket");
    target->add_options(*c);
    c->add_option("--ticket", *ticket, "Ticket id")->required();
    c->add_option("--work-type", *type, "Work type code or id")->required();
    c->add_option("--notes", *notes, "What you are doing");
    c->add_option("--user", *user, "Whose timer (e-mail or id; administrators)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        const int64_t work_type_id = TEND_TRY(s.work_type(*type));  // not inside a braced list: it may return
        json body = {{"ticket_id", *ticket}, {"work_type_id", work_type_id}};
        if (!notes->empty()) body["notes"] = *notes;
        if (!user->empty()) body["user_id"] = TEND_TRY(s.user(*user));
        json timer = TEND_TRY(s.call("POST", "/api/v1/timer/start", body));
        print_or(*target, timer, [](const json& t) {
          std::cout << "timer started on ticket " << t["ticket_id"] << " at " << text_of(t["started_at"]) << "\n";
        });
        return {};
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto notes = std::make_shared<std::string>();
    auto user = std::make_shared<std::string>();
    auto* c = time->add_subcommand("stop", "Stop your timer and log its time");
    target->add_options(*c);
    c->add_option("--notes", *notes, "What was done (replaces the timer's notes)");
    c->add_option("--user", *user, "Whose timer (e-mail or id; administrators)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        json body = json::object();
        if (!notes->empty()) body["notes"] = *notes;
        if (!user->empty()) body["user_id"] = TEND_TRY(s.user(*user));
        json entry = TEND_TRY(s.call("POST", "/api/v1/timer/stop", body));
        print_or(*target, entry, [](const json& e) {
          std::cout << "logged time entry " << e["id"] << ": " << e["minutes"] << " min (" << e["billable_minutes"]
                    << " billable)\n";
        });
        return {};
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto user = std::make_shared<std::string>();
    auto* c = time->add_subcommand("status", "Show your running timer");
    target->add_options(*c);
    c->add_option("--user", *user, "Whose timer (e-mail or id; administrators)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        std::string path = "/api/v1/timer";
        if (!user->empty()) path += "?user_id=" + std::to_string(TEND_TRY(s.user(*user)));
        json state = TEND_TRY(s.call("GET", path));
        print_or(*target, state, [](const json& st) {
          if (st["timer"].is_null()) std::cout << "no timer running\n";
          else std::cout << "timer on ticket " << st["timer"]["ticket_id"] << " since " << text_of(st["timer"]["started_at"]) << "\n";
        });
        return {};
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto ticket = std::make_shared<int64_t>(0);
    auto client = std::make_shared<int64_t>(0);
    auto user = std::make_shared<std::string>();
    auto status = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto* c = time->add_subcommand("list", "List time entries, newest work date first");
    target->add_options(*c);
    c->add_option("--ticket", *ticket, "Only this ticket");
    c->add_option("--client", *client, "Only this client");
    c->add_option("--user", *user, "Only this technician (e-mail or id)");
    c->add_option("--status", *status, "draft, approved or invoiced");
    c->add_option("--from", *from, "Work date from (YYYY-MM-DD)");
    c->add_option("--to", *to, "Work date to (YYYY-MM-DD)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        std::string query = "?limit=200";
        if (*ticket > 0) query += "&ticket_id=" + std::to_string(*ticket);
        if (*client > 0) query += "&client_id=" + std::to_string(*client);
        if (!user->empty()) query += "&user_id=" + std::to_string(TEND_TRY(s.user(*user)));
        if (!status->empty()) query += "&status=" + url_encode(*status);
        if (!from->empty()) query += "&from=" + url_encode(*from);
        if (!to->empty()) query += "&to=" + url_encode(*to);
        json page = TEND_TRY(s.call("GET", "/api/v1/time-entries" + query));
        print_or(*target, page, [](const json& p) {
          print_table(p["items"], {"/id", "/work_date", "/ticket_id", "/user_id", "/work_type_id", "/minutes",
                                   "/billable_minutes", "/billing", "/status", "/notes"});
        });
        return {};
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto ids = std::make_shared<std::vector<int64_t>>();
    auto undo = std::make_shared<bool>(false);
    auto* c = time->add_subcommand("approve", "Approve time entries for billing (or --undo)");
    target->add_options(*c);
    c->add_option("ids", *ids, "Time entry ids")->required();
    c->add_flag("--undo", *undo, "Return approved entries to draft");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        for (int64_t id : *ids) {
          json e = TEND_TRY(s.call("POST", "/api/v1/time-entries/" + std::to_string(id) + (*undo ? "/unapprove" : "/approve"),
                                   json::object()));
          if (!target->json_output) std::cout << "time entry " << id << ": " << text_of(e["status"]) << "\n";
          else print_json(e);
        }
        return {};
      });
    });
  }

  // ---- tend ticket charges|approve-work ---------------------------------------------------------
  if (CLI::App* ticket = app.get_subcommand("ticket")) {
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto* c = ticket->add_subcommand("charges", "Show what a ticket is charged: covered, block hours, T&M, and why");
      target->add_options(*c);
      c->add_option("id", *id, "The ticket's id")->required();
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          json charges = TEND_TRY(s.call("GET", "/api/v1/tickets/" + std::to_string(*id) + "/charges"));
          print_or(*target, charges, print_charges);
          return {};
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto* c = ticket->add_subcommand("approve-work", "Approve every draft time entry, part and service of a ticket");
      target->add_options(*c);
      c->add_option("id", *id, "The ticket's id")->required();
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          json result = TEND_TRY(s.call("POST", "/api/v1/tickets/" + std::to_string(*id) + "/approve-work", json::object()));
          print_or(*target, result, [](const json& r) {
            std::cout << "approved " << r["time_entries"] << " time entries, " << r["part_usages"] << " part usages, "
                      << r["service_usages"] << " services\n";
          });
          return {};
        });
      });
    }
  }

  // ---- tend work-type list -------------------------------------------------------------------------
  {
    CLI::App* work_type = subcommand(app, "work-type", "Kinds of work and their rates");
    auto target = std::make_shared<Target>();
    auto* c = work_type->add_subcommand("list", "List work types");
    target->add_options(*c);
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        json list = TEND_TRY(s.call("GET", "/api/v1/work-types"));
        print_or(*target, list, [](const json& l) {
          print_table(l["items"], {"/id", "/code", "/name", "/hourly_rate", "/currency", "/minimum_minutes",
                                   "/rounding_increment_minutes", "/after_hours_multiplier", "/active"});
        });
        return {};
      });
    });
  }

  // ---- tend catalogue list|add|receive -------------------------------------------------------------
  {
    CLI::App* catalogue = subcommand(app, "catalogue", "Parts and fixed-price services");
    {
      auto target = std::make_shared<Target>();
      auto q = std::make_shared<std::string>();
      auto kind = std::make_shared<std::string>();
      auto low = std::make_shared<bool>(false);
      auto* c = catalogue->add_subcommand("list", "List the catalogue with stock on hand");
      target->add_options(*c);
      c->add_option("--q", *q, "Text in the name or SKU");
      c->add_option("--kind", *kind, "part or service");
      c->add_flag("--low", *low, "Only parts at or below their reorder level");
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          std::string query = "?limit=200";
          if (!q->empty()) query += "&q=" + url_encode(*q);
          if (!kind->empty()) query += "&kind=" + url_encode(*kind);
          if (*low) query += "&below_reorder_level=true";
          json page = TEND_TRY(s.call("GET", "/api/v1/catalogue" + query));
          print_or(*target, page, [](const json& p) {
            print_table(p["items"], {"/id", "/kind", "/sku", "/name", "/unit_cost", "/price", "/currency",
                                     "/stock_on_hand", "/reorder_level", "/below_reorder_level"});
          });
          return {};
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto kind = std::make_shared<std::string>("part");
      auto sku = std::make_shared<std::string>();
      auto name = std::make_shared<std::string>();
      auto cost = std::make_shared<std::string>("0.00");
      auto price = std::make_shared<std::string>();
      auto markup = std::make_shared<std::string>();
      auto reorder = std::make_shared<int64_t>(0);
      auto stock = std::make_shared<int64_t>(0);
      auto* c = catalogue->add_subcommand("add", "Add a part (--price or --markup) or a fixed-price service");
      target->add_options(*c);
      c->add_option("--kind", *kind, "part (default) or service");
      c->add_option("--sku", *sku, "SKU (unique)")->required();
      c->add_option("--name", *name, "Name")->required();
      c->add_option("--cost", *cost, "Unit cost, e.g. 55.00");
      c->add_option("--price", *price, "Selling price, e.g. 89.00");
      c->add_option("--markup", *markup, "Markup on cost in percent, e.g. 40");
      c->add_option("--reorder-level", *reorder, "Flag the part when stock falls to this level");
      c->add_option("--stock", *stock, "Initial stock (a receipt)");
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          json body = {{"kind", *kind}, {"sku", *sku}, {"name", *name}, {"unit_cost", *cost}};
          if (!price->empty()) body["unit_price"] = *price;
          if (!markup->empty()) body["markup_percent"] = *markup;
          if (*reorder > 0) body["reorder_level"] = *reorder;
          if (*stock > 0) body["initial_stock"] = *stock;
          json item = TEND_TRY(s.call("POST", "/api/v1/catalogue", body));
          print_or(*target, item, [](const json& i) {
            std::cout << "added " << text_of(i["kind"]) << " " << i["id"] << " " << text_of(i["sku"]) << " at "
                      << text_of(i["price"]) << " " << text_of(i["currency"]) << "\n";
          });
          return {};
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto item = std::make_shared<std::string>();
      auto quantity = std::make_shared<int64_t>(0);
      auto note = std::make_shared<std::string>();
      auto correction = std::make_shared<bool>(false);
      auto* c = catalogue->add_subcommand("receive", "Book parts received into stock (or --correction with a note)");
      target->add_options(*c);
      c->add_option("item", *item, "SKU or id")->required();
      c->add_option("--quantity", *quantity, "How many (negative only with --correction)")->required();
      c->add_option("--note", *note, "Why (required for corrections)");
      c->add_flag("--correction", *correction, "A stock correction rather than a receipt");
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          int64_t id = TEND_TRY(s.item(*item));
          json body = {{"kind", *correction ? "correction" : "receipt"}, {"quantity", *quantity}};
          if (!note->empty()) body["note"] = *note;
          json move = TEND_TRY(s.call("POST", "/api/v1/catalogue/" + std::to_string(id) + "/stock", body));
          print_or(*target, move, [](const json& m) { std::cout << "stock on hand: " << m["balance_after"] << "\n"; });
          return {};
        });
      });
    }
  }

  // ---- tend part use, tend service add --------------------------------------------------------------
  {
    CLI::App* part = subcommand(app, "part", "Parts used on tickets");
    auto target = std::make_shared<Target>();
    auto ticket = std::make_shared<int64_t>(0);
    auto item = std::make_shared<std::string>();
    auto quantity = std::make_shared<int64_t>(1);
    auto serials = std::make_shared<std::vector<std::string>>();
    auto price = std::make_shared<std::string>();
    auto* c = part->add_subcommand("use", "Use parts from stock on a ticket");
    target->add_options(*c);
    c->add_option("--ticket", *ticket, "Ticket id")->required();
    c->add_option("--item", *item, "SKU or id")->required();
    c->add_option("--quantity", *quantity, "How many (default 1)");
    c->add_option("--serial", *serials, "Serial number (repeat for several)");
    c->add_option("--price", *price, "Unit price in the client's currency (default: the catalogue's)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        const int64_t item_id = TEND_TRY(s.item(*item));  // not inside a braced list: it may return
        json body = {{"ticket_id", *ticket}, {"item_id", item_id}, {"quantity", *quantity}};
        if (!serials->empty()) body["serial_numbers"] = *serials;
        if (!price->empty()) body["unit_price"] = *price;
        json used = TEND_TRY(s.call("POST", "/api/v1/part-usages", body));
        print_or(*target, used, [](const json& u) {
          std::cout << "used " << u["quantity"] << " on ticket " << u["ticket_id"] << " at " << text_of(u["unit_price"])
                    << "; stock on hand " << u["stock"]["on_hand"]
                    << (u["stock"]["below_zero"].get<bool>() ? " (below zero: book the receipt)" : "")
                    << (u["stock"]["reorder"].get<bool>() ? " (reorder)" : "") << "\n";
        });
        return {};
      });
    });
  }
  {
    CLI::App* service = subcommand(app, "service", "Fixed-price services on tickets");
    auto target = std::make_shared<Target>();
    auto ticket = std::make_shared<int64_t>(0);
    auto item = std::make_shared<std::string>();
    auto price = std::make_shared<std::string>();
    auto* c = service->add_subcommand("add", "Add a fixed-price service (e.g. virus removal) to a ticket");
    target->add_options(*c);
    c->add_option("--ticket", *ticket, "Ticket id")->required();
    c->add_option("--item", *item, "SKU or id of the service")->required();
    c->add_option("--price", *price, "Price in the client's currency (default: the catalogue's)");
    c->callback([=, &exit_code] {
      exit_code = run(*target, [&](Session& s) -> Status {
        const int64_t item_id = TEND_TRY(s.item(*item));  // not inside a braced list: it may return
        json body = {{"ticket_id", *ticket}, {"item_id", item_id}};
        if (!price->empty()) body["unit_price"] = *price;
        json added = TEND_TRY(s.call("POST", "/api/v1/service-usages", body));
        print_or(*target, added, [](const json& u) {
          std::cout << "added service usage " << u["id"] << " at " << text_of(u["unit_price"]) << " "
                    << text_of(u["currency"]) << " (log its time with --service " << u["id"] << ")\n";
        });
        return {};
      });
    });
  }

  // ---- tend contract list|show|ledger|fee ------------------------------------------------------------
  {
    CLI::App* contract = subcommand(app, "contract", "Contracts: time and materials, block hours, managed");
    {
      auto target = std::make_shared<Target>();
      auto client = std::make_shared<int64_t>(0);
      auto kind = std::make_shared<std::string>();
      auto* c = contract->add_subcommand("list", "List contracts");
      target->add_options(*c);
      c->add_option("--client", *client, "Only this client");
      c->add_option("--kind", *kind, "time_and_materials, block_hours or managed");
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          std::string query = "?limit=200";
          if (*client > 0) query += "&client_id=" + std::to_string(*client);
          if (!kind->empty()) query += "&kind=" + url_encode(*kind);
          json page = TEND_TRY(s.call("GET", "/api/v1/contracts" + query));
          print_or(*target, page, [](const json& p) {
            print_table(p["items"], {"/id", "/client_id", "/kind", "/name", "/currency", "/starts_on", "/last_day",
                                     "/auto_renew"});
          });
          return {};
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto* c = contract->add_subcommand("show", "Show a contract: status, renewal, balances and fee");
      target->add_options(*c);
      c->add_option("id", *id, "Contract id")->required();
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          json d = TEND_TRY(s.call("GET", "/api/v1/contracts/" + std::to_string(*id)));
          print_or(*target, d, [](const json& v) {
            const json& k = v["contract"];
            std::cout << text_of(k["name"]) << " (" << text_of(k["kind"]) << ") for " << text_of(v["client_name"])
                      << ", from " << text_of(k["starts_on"]) << (v["active"].get<bool>() ? ", active" : ", not active")
                      << "\n";
            if (!v["renewal_date"].is_null()) {
              std::cout << "  renews on " << text_of(v["renewal_date"]) << (k["auto_renew"].get<bool>() ? " (automatically)" : "")
                        << "; notice by " << text_of(v["notice_deadline"]) << "\n";
            }
            if (!k["cancellation"].is_null()) {
              std::cout << "  cancelled effective " << text_of(k["cancellation"]["effective_on"]) << ": "
                        << text_of(k["cancellation"]["reason"]) << "\n";
            }
            for (const auto& b : v["balances"]) {
              std::cout << "  block " << text_of(b["label"]) << ": " << b["used_minutes"] << " of "
                        << (b["purchased_minutes"].get<int64_t>() + b["rolled_in_minutes"].get<int64_t>())
                        << " min used, " << b["remaining_minutes"] << " left"
                        << (b["warning"].get<int>() ? " (" + std::to_string(b["warning"].get<int>()) + "% warning)" : "")
                        << "\n";
            }
            if (!v["fee"].is_null()) {
              std::cout << "  monthly fee " << text_of(v["fee"]["total"]) << " " << text_of(v["fee"]["currency"]) << ":";
              for (const auto& l : v["fee"]["lines"]) {
                std::cout << " " << text_of(l["what"]) << " " << l["quantity"] << " x " << text_of(l["unit_price"]) << ";";
              }
              std::cout << (v["fee"]["devices_from_agents"].get<bool>() ? " devices from agents" : " manual device count")
                        << "\n";
            }
          });
          return {};
        });
      });
    }
    {
      auto target = std::make_shared<Target>();
      auto id = std::make_shared<int64_t>(0);
      auto* c = contract->add_subcommand("ledger", "Show the balance ledger of a block-hours contract");
      target->add_options(*c);
      c->add_option("id", *id, "Contract id")->required();
      c->callback([=, &exit_code] {
        exit_code = run(*target, [&](Session& s) -> Status {
          json l = TEND_TRY(s.call("GET", "/api/v1/contracts/" + std::to_string(*id) + "/ledger"));
          print_or(*target, l, [](const json& v) {
            print_table(v["balances"], {"/block_id", "/label", "/purchased_minutes", "/rolled_in_minutes",
                                        "/used_minutes", "/rolled_out_minutes", "/remaining_minutes", "/warning"});
            std::cout << "\n";
            print_table(v["rows"], {"/on", "/kind", "/block_id", "/time_entry_id", "/other_block_id", "/minutes", "/locked"});
          });
          return {};
        });
      });
    }
  }

  // ---- tend import FILE.json --------------------------------------------------------------------------
  {
    auto target = std::make_shared<Target>();
    auto file = std::make_shared<std::string>();
    auto dry_run = std::make_shared<bool>(false);
    auto* c = app.add_subcommand("import", "Import a file of clients, users, work types, catalogue, contracts, tickets, "
                                           "time and parts in one go: all or nothing (docs/import-format.md)");
    target->add_options(*c);
    c->add_option("file", *file, "The import file (JSON)")->required();
    c->add_flag("--dry-run", *dry_run, "Check everything and store nothing");
    c->callback([=, &exit_code] {
      std::ifstream in(*file, std::ios::binary);
      if (!in) {
        exit_code = report(Error::not_found("cannot read " + *file));
        return;
      }
      std::ostringstream text;
      text << in.rdbuf();
      json document = json::parse(text.str(), nullptr, false);
      if (document.is_discarded() || !document.is_object()) {
        exit_code = report(Error::invalid(*file + " is not a JSON object (see docs/import-format.md)"));
        return;
      }
      exit_code = run(*target, [&](Session& s) -> Status {
        json summary = TEND_TRY(s.call("POST", std::string("/api/v1/import") + (*dry_run ? "?dry_run=true" : ""), document));
        print_or(*target, summary, [&](const json& sum) {
          std::cout << (*dry_run ? "would import" : "imported") << ":";
          for (const auto& [key, value] : sum.items()) {
            if (key != "dry_run" && value.is_number() && value.get<int64_t>() > 0) std::cout << " " << value << " " << key << ";";
          }
          std::cout << "\n";
        });
        return {};
      });
    });
  }
}

}  // namespace tend::cli
