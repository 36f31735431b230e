// `tend client|site|contact|user|ticket ...`: add, list, show, update, archive,
// restore, through the same REST requests in local and remote mode.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "cli/object_commands.h"

namespace tend::cli {
namespace {

using nlohmann::json;

enum class Kind { text, integer, boolean };

struct FieldFlag {
  std::string flag;     // "--postal-code"
  std::string pointer;  // "/address/postal_code"
  std::string help;
  Kind kind = Kind::text;
};

struct ObjectKind {
  std::string noun;    // "client"
  std::string path;    // "/api/v1/clients"
  std::vector<FieldFlag> fields;
  std::vector<FieldFlag> filters;  // pointer = query parameter name
  std::vector<std::string> columns;
  bool archivable = true;
};

std::vector<FieldFlag> address_flags() {
  return {{"--line1", "/address/line1", "Street and number"},
          {"--line2", "/address/line2", "Second address line"},
          {"--postal-code", "/address/postal_code", "Postal code"},
          {"--city", "/address/city", "City"},
          {"--region", "/address/region", "Region or province"},
          {"--country", "/address/country", "ISO 3166 country code, e.g. NL"}};
}

std::vector<ObjectKind> object_kinds() {
  std::vector<ObjectKind> kinds;
  ObjectKind client{"client", "/api/v1/clients",
                    {{"--name", "/name", "Name"},
                     {"--reference", "/reference", "Your own code for the client"},
                     {"--currency", "/currency", "ISO 4217 currency (default: the provider's)"},
                     {"--vat-number", "/vat_number", "VAT number"},
                     {"--email", "/email", "E-mail address"},
                     {"--phone", "/phone", "Phone number"},
                     {"--website", "/website", "Website"},
                     {"--notes", "/notes", "Notes"}},
                    {{"--q", "q", "Text to match in the name"},
                     {"--status", "status", "active (default), archived or all"},
                     {"--currency", "currency", "Only clients with this currency"}},
                    {"/id", "/name", "/reference", "/currency", "/address/city", "/archived_at"}};
  for (auto& f : address_flags()) client.fields.push_back(f);
  kinds.push_back(client);

  ObjectKind site{"site", "/api/v1/sites",
                  {{"--client", "/client_id", "Client id (on add)", Kind::integer},
                   {"--name", "/name", "Name"},
                   {"--time-zone", "/time_zone", "IANA time zone, e.g. Europe/Amsterdam"},
                   {"--notes", "/notes", "Notes"}},
                  {{"--client", "client_id", "Only sites of this client"},
                   {"--q", "q", "Text to match in the name"},
                   {"--status", "status", "active (default), archived or all"}},
                  {"/id", "/client_id", "/name", "/address/city", "/time_zone", "/archived_at"}};
  for (auto& f : address_flags()) site.fields.push_back(f);
  kinds.push_back(site);

  kinds.push_back({"contact", "/api/v1/contacts",
                   {{"--client", "/client_id", "Client id (on add)", Kind::integer},
                    {"--site", "/site_id", "Site id", Kind::integer},
                    {"--name", "/name", "Name"},
                    {"--email", "/email", "E-mail address"},
                    {"--phone", "/phone", "Phone number"},
                    {"--title", "/title", "Job title"},
                    {"--primary", "/is_primary", "true when this is the main contact", Kind::boolean},
                    {"--notes", "/notes", "Notes"}},
                   {{"--client", "client_id", "Only contacts of this client"},
                    {"--site", "site_id", "Only contacts of this site"},
                    {"--email", "email", "Exact e-mail address"},
                    {"--q", "q", "Text to match in the name"},
                    {"--status", "status", "active (default), archived or all"}},
                   {"/id", "/client_id", "/name", "/email", "/phone", "/is_primary", "/archived_at"}});

  kinds.push_back({"ticket", "/api/v1/tickets",
                   {{"--subject", "/subject", "Subject"},
                    {"--description", "/description", "Description"},
                    {"--client", "/client_id", "Client id (on add)", Kind::integer},
                    {"--site", "/site_id", "Site id", Kind::integer},
                    {"--contact", "/contact_id", "Contact id", Kind::integer},
                    {"--source", "/source", "portal, email, phone, api, alert or schedule"},
                    {"--type", "/type", "incident, request, maintenance or alert"},
                    {"--priority", "/priority", "P1, P2, P3 or P4"},
                    {"--status", "/status_id", "Status id (tend ticket statuses)", Kind::integer},
                    {"--queue", "/queue_id", "Queue id", Kind::integer},
                    {"--assignee", "/assignee_id", "Assignee (staff user id)", Kind::integer},
                    {"--policy", "/sla_policy_id", "SLA policy id (default: the client's, else the global one)",
                     Kind::integer}},
                   {{"--q", "q", "Full-text search over subject, description and notes"},
                    {"--client", "client_id", "Only tickets of this client"},
                    {"--site", "site_id", "Only tickets of this site"},
                    {"--category", "category", "Status categories, e.g. new,open,waiting_on_client"},
                    {"--queue", "queue_id", "Only tickets in this queue"},
                    {"--assignee", "assignee_id", "Only tickets of this assignee (none: unassigned)"},
                    {"--priority", "priority", "Priorities, e.g. P1,P2"},
                    {"--sla", "sla_state", "SLA states, e.g. warning,breached"},
                    {"--due-before", "due_before", "Resolution due before this RFC 3339 time"},
                    {"--due-after", "due_after", "Resolution due at or after this RFC 3339 time"}},
                   {"/number", "/priority", "/status_category", "/sla/state", "/sla/resolution/due_at", "/client_id",
                    "/assignee_id", "/subject"},
                   false});

  kinds.push_back({"user", "/api/v1/users",
                   {{"--email", "/email", "E-mail address (the login)"},
                    {"--name", "/name", "Name"},
                    {"--role", "/role", "admin, technician, finance, read_only or portal"},
                    {"--client", "/client_id", "Client id (portal users)", Kind::integer},
                    {"--contact", "/contact_id", "Contact id (portal users)", Kind::integer},
                    {"--password", "/password", "Password (at least 10 characters)"},
                    {"--active", "/active", "true or false", Kind::boolean}},
                   {{"--q", "q", "Text to match in name or e-mail"},
                    {"--role", "role", "Only this role"},
                    {"--client", "client_id", "Only portal users of this client"}},
                   {"/id", "/email", "/name", "/role", "/client_id", "/active", "/last_login_at"},
                   false});
  return kinds;
}

// Values given on the command line for one invocation.
struct Given {
  std::map<std::string, std::string> fields;   // pointer -> text
  std::map<std::string, std::string> filters;  // query name -> text
  std::string from_file;
  std::string id;
  int limit = 0;
  std::string cursor;
  std::string sort;
  bool all_pages = false;
};

Result<json> body_from(const ObjectKind& kind, const Given& given) {
  json body = json::object();
  if (!given.from_file.empty()) {
    std::stringstream text;
    if (given.from_file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(given.from_file);
      if (!in) return std::unexpected(Error::invalid("cannot read " + given.from_file));
      text << in.rdbuf();
    }
    body = json::parse(text.str(), nullptr, false);
    if (!body.is_object()) return std::unexpected(Error::invalid(given.from_file + " is not a JSON object"));
  }
  for (const auto& f : kind.fields) {
    auto it = given.fields.find(f.pointer);
    if (it == given.fields.end()) continue;
    json value;
    if (f.kind == Kind::integer) {
      try {
        size_t used = 0;
        value = std::stoll(it->second, &used);
        if (used != it->second.size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        return std::unexpected(Error::invalid_field(f.flag, "must be a number"));
      }
    } else if (f.kind == Kind::boolean) {
      if (it->second == "true" || it->second == "yes") value = true;
      else if (it->second == "false" || it->second == "no") value = false;
      else return std::unexpected(Error::invalid_field(f.flag, "must be true or false"));
    } else {
      value = it->second;
    }
    body[json::json_pointer(f.pointer)] = value;
  }
  return body;
}

int print_object(const json& object, bool as_json) {
  if (as_json) {
    print_json(object);
    return kOk;
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.value().is_object()) {
      for (auto sub = it.value().begin(); sub != it.value().end(); ++sub) {
        if (sub.value().is_string() && sub.value().get<std::string>().empty()) continue;
        std::cout << it.key() << "." << sub.key() << ": "
                  << (sub.value().is_string() ? sub.value().get<std::string>() : sub.value().dump()) << "\n";
      }
    } else {
      std::cout << it.key() << ": " << (it.value().is_string() ? it.value().get<std::string>() : it.value().dump())
                << "\n";
    }
  }
  return kOk;
}

int run_action(const ObjectKind& kind, const std::string& action, const Target& target, const Given& given) {
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  ApiClient& api = *connection->client;
  if (action == "add" || action == "update") {
    auto body = body_from(kind, given);
    if (!body) return report(body.error());
    std::string path = action == "add" ? kind.path : kind.path + "/" + url_encode(given.id);
    auto outcome = check_reply(api.call(action == "add" ? "POST" : "PATCH", path, body->dump()));
    if (outcome.exit_code != kOk) return outcome.exit_code;
    if (!target.json_output && action == "add") {
      std::cout << "created " << kind.noun << " " << outcome.body["id"] << "\n";
      return kOk;
    }
    return print_object(outcome.body, target.json_output);
  }
  if (action == "show") {
    auto outcome = check_reply(api.call("GET", kind.path + "/" + url_encode(given.id), ""));
    if (outcome.exit_code != kOk) return outcome.exit_code;
    return print_object(outcome.body, target.json_output);
  }
  if (action == "archive" || action == "restore") {
    auto outcome = check_reply(api.call("POST", kind.path + "/" + url_encode(given.id) + "/" + action, ""));
    if (outcome.exit_code != kOk) return outcome.exit_code;
    if (!target.json_output) {
      std::cout << (action == "archive" ? "archived " : "restored ") << kind.noun << " " << given.id << "\n";
      return kOk;
    }
    return print_object(outcome.body, true);
  }
  // list
  json all_items = json::array();
  std::string cursor = given.cursor;
  json last_cursor = nullptr;
  do {
    std::string query;
    auto add_param = [&](const std::string& name, const std::string& value) {
      query += (query.empty() ? "?" : "&") + name + "=" + url_encode(value);
    };
    for (const auto& [name, value] : given.filters) add_param(name, value);
    if (given.limit > 0) add_param("limit", std::to_string(given.limit));
    if (!given.sort.empty()) add_param("sort", given.sort);
    if (!cursor.empty()) add_param("cursor", cursor);
    auto outcome = check_reply(api.call("GET", kind.path + query, ""));
    if (outcome.exit_code != kOk) return outcome.exit_code;
    for (auto& item : outcome.body["items"]) all_items.push_back(item);
    last_cursor = outcome.body["next_cursor"];
    cursor = last_cursor.is_string() ? last_cursor.get<std::string>() : "";
  } while (given.all_pages && !cursor.empty());
  if (target.json_output) {
    print_json({{"items", all_items}, {"next_cursor", last_cursor}});
  } else {
    print_table(all_items, kind.columns);
    if (last_cursor.is_string()) std::cerr << "more: --cursor " << last_cursor.get<std::string>() << " (or --all)\n";
  }
  return kOk;
}

}  // namespace

void add_object_commands(CLI::App& app, int& exit_code) {
  for (const auto& kind_template : object_kinds()) {
    auto kind = std::make_shared<ObjectKind>(kind_template);
    CLI::App* noun = app.add_subcommand(kind->noun, "Manage " + kind->noun + "s");
    noun->require_subcommand(1);
    std::vector<std::string> actions = {"add", "list", "show", "update"};
    if (kind->archivable) {
      actions.push_back("archive");
      actions.push_back("restore");
    }
    for (const auto& action : actions) {
      auto target = std::make_shared<Target>();
      auto given = std::make_shared<Given>();
      std::string description = action == "add"      ? "Create a " + kind->noun
                                : action == "list"   ? "List " + kind->noun + "s"
                                : action == "show"   ? "Show one " + kind->noun
                                : action == "update" ? "Change fields of a " + kind->noun
                                : action == "archive" ? "Archive a " + kind->noun
                                                      : "Restore an archived " + kind->noun;
      CLI::App* command = noun->add_subcommand(action, description);
      target->add_options(*command);
      if (action == "add" || action == "update") {
        for (const auto& f : kind->fields) {
          command->add_option_function<std::string>(
              f.flag, [given, pointer = f.pointer](const std::string& v) { given->fields[pointer] = v; }, f.help);
        }
        command->add_option("--from", given->from_file, "Read the JSON body from a file (- for stdin)");
      }
      if (action != "add" && action != "list") {
        command->add_option("id", given->id, "The " + kind->noun + "'s id")->required();
      }
      if (action == "list") {
        for (const auto& f : kind->filters) {
          command->add_option_function<std::string>(
              f.flag, [given, name = f.pointer](const std::string& v) { given->filters[name] = v; }, f.help);
        }
        command->add_option("--limit", given->limit, "Page size (1-200)");
        command->add_option("--cursor", given->cursor, "Continue after a previous page");
        command->add_option("--sort", given->sort, "Sort field; prefix - for descending");
        command->add_flag("--all", given->all_pages, "Follow every page");
      }
      command->callback([kind, action, target, given, &exit_code] {
        exit_code = run_action(*kind, action, *target, *given);
      });
    }
  }
}

}  // namespace tend::cli
