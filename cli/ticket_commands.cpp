#include "cli/ticket_commands.h"

#include <cstdio>
#include <functional>
#include <iostream>

#include "cli/command_support.h"
#include "cli/exit_codes.h"

namespace tend::cli {
namespace {

using nlohmann::json;

std::string share(const json& value) {
  if (!value.is_number()) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", value.get<double>() * 100.0);
  return buf;
}

std::string minutes(const json& value) { return value.is_number() ? std::to_string(value.get<int64_t>()) : "-"; }

}  // namespace

void add_ticket_commands(CLI::App& app, int& exit_code) {
  CLI::App* ticket = app.get_subcommand("ticket");
  {
    auto target = std::make_shared<Target>();
    auto id = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    auto is_public = std::make_shared<bool>(false);
    auto* c = ticket->add_subcommand("note", "Add a note to a ticket (internal unless --public)");
    target->add_options(*c);
    c->add_option("id", *id, "The ticket's id")->required();
    c->add_option("--body", *text, "The note's text")->required();
    c->add_flag("--public", *is_public, "Visible to the client (the first public note is the first response)");
    c->callback([=, &exit_code] {
      json body = {{"body", *text}, {"visibility", *is_public ? "public" : "internal"}};
      exit_code = send(*target, "POST", "/api/v1/tickets/" + url_encode(*id) + "/notes", body, [](const json& note) {
        std::cout << "added " << note["visibility"].get<std::string>() << " note " << note["id"] << "\n";
      });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto id = std::make_shared<std::string>();
    auto* c = ticket->add_subcommand("notes", "Show a ticket's notes, oldest first");
    target->add_options(*c);
    c->add_option("id", *id, "The ticket's id")->required();
    c->callback([=, &exit_code] {
      exit_code = send(*target, "GET", "/api/v1/tickets/" + url_encode(*id) + "/notes?limit=500", nullptr,
                       [](const json& page) {
                         for (const auto& n : page["items"]) {
                           std::cout << n["created_at"].get<std::string>() << "  " << n["author"].get<std::string>()
                                     << " (" << n["visibility"].get<std::string>() << ")\n  "
                                     << n["body"].get<std::string>() << "\n";
                         }
                       });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto id = std::make_shared<std::string>();
    auto* c = ticket->add_subcommand("timeline", "Show every change of a ticket: who, when, what");
    target->add_options(*c);
    c->add_option("id", *id, "The ticket's id")->required();
    c->callback([=, &exit_code] {
      exit_code = send(*target, "GET", "/api/v1/tickets/" + url_encode(*id) + "/timeline?limit=500", nullptr,
                       [](const json& page) { print_table(page["items"], {"/at", "/actor", "/kind", "/details"}); });
    });
  }
  {
    auto target = std::make_shared<Target>();
    auto* c = ticket->add_subcommand("statuses", "List the ticket statuses (ids for --status)");
    target->add_options(*c);
    c->callback([=, &exit_code] {
      exit_code = send(*target, "GET", "/api/v1/ticket-statuses", nullptr, [](const json& page) {
        print_table(page["items"], {"/id", "/name", "/category", "/pauses_sla", "/is_default", "/active"});
      });
    });
  }

  // `tend report` may already exist (other areas add reports too).
  CLI::App* report_command = nullptr;
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return a->get_name() == "report"; })) {
    report_command = sub;
  }
  if (!report_command) {
    report_command = app.add_subcommand("report", "Reports");
    report_command->require_subcommand(1);
  }
  {
    auto target = std::make_shared<Target>();
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto client = std::make_shared<std::string>();
    auto zone = std::make_shared<std::string>();
    auto* c = report_command->add_subcommand(
        "sla", "SLA compliance per client, priority and month: met/breached share, median and p90 business minutes");
    target->add_options(*c);
    c->add_option("--from", *from, "First month, YYYY-MM (default: 11 months before --to)");
    c->add_option("--to", *to, "Last month, YYYY-MM (default: this month)");
    c->add_option("--client", *client, "Only this client (id)");
    c->add_option("--time-zone", *zone, "Zone of the months (default: the provider's)");
    c->callback([=, &exit_code] {
      std::string query;
      auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) query += (query.empty() ? "?" : "&") + std::string(name) + "=" + url_encode(value);
      };
      add("from", *from);
      add("to", *to);
      add("client_id", *client);
      add("time_zone", *zone);
      exit_code = send(*target, "GET", "/api/v1/reports/sla" + query, nullptr, [](const json& report) {
        std::cout << "SLA compliance " << report["from"].get<std::string>() << " to " << report["to"].get<std::string>()
                  << " (" << report["time_zone"].get<std::string>() << "), business minutes\n";
        json rows = json::array();
        for (const auto& line : report["lines"]) {
          const json& r = line["first_response"];
          const json& s = line["resolution"];
          rows.push_back({{"client", line["client_id"]},
                          {"month", line["month"]},
                          {"prio", line["priority"]},
                          {"tickets", line["tickets"]},
                          {"resp_met", share(r["met_share"])},
                          {"resp_breached", r["breached"]},
                          {"resp_median", minutes(r["median_business_minutes"])},
                          {"resp_p90", minutes(r["p90_business_minutes"])},
                          {"res_met", share(s["met_share"])},
                          {"res_breached", s["breached"]},
                          {"res_open", s["pending"]},
                          {"res_median", minutes(s["median_business_minutes"])},
                          {"res_p90", minutes(s["p90_business_minutes"])}});
        }
        print_table(rows, {"/client", "/month", "/prio", "/tickets", "/resp_met", "/resp_breached", "/resp_median",
                           "/resp_p90", "/res_met", "/res_breached", "/res_open", "/res_median", "/res_p90"});
      });
    });
  }
}

}  // namespace tend::cli
