#include "cli/demo.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/system_clock.h"
#include "cli/command_support.h"
#include "cli/demo_service_desk.h"
#include "cli/demo_billing.h"
#include "cli/demo_work.h"
#include "cli/exit_codes.h"
#include "core/embedded.h"
#include "core/paging.h"

// The embedded demo assets (cli/CMakeLists.txt).
const tend::EmbeddedFile* demo_assets_files();

namespace tend::cli {
namespace {

using nlohmann::json;

constexpr const char* kDemoPassword = "tend-demo-2026";

struct DemoClient {
  json client;
  std::vector<json> sites;
  std::vector<json> contacts;  // "site" (index) is replaced by the site id
};

std::vector<DemoClient> demo_clients() {
  auto address = [](const char* line1, const char* postal, const char* city, const char* country = "NL") {
    return json{{"line1", line1}, {"postal_code", postal}, {"city", city}, {"country", country}};
  };
  return {
      {{{"name", "Bakkerij Jansen"}, {"reference", "BAK-001"}, {"email", "info@bakkerijjansen.nl"},
        {"phone", "+31 75 612 3344"}, {"vat_number", "NL001234567B01"},
        {"address", address("Dorpsstraat 12", "1506 AB", "Zaandam")},
        {"notes", "Break/fix client: calls when something breaks; billed time and materials."}},
       {{{"name", "Winkel Zaandam"}, {"address", address("Dorpsstraat 12", "1506 AB", "Zaandam")}}},
       {{{"name", "Anna Jansen"}, {"email", "anna@bakkerijjansen.nl"}, {"phone", "+31 6 1234 5678"},
         {"title", "Eigenaar"}, {"is_primary", true}, {"site", 0}},
        {{"name", "Piet Jansen"}, {"email", "piet@bakkerijjansen.nl"}, {"title", "Bakker"}, {"site", 0}}}},
      {{{"name", "Tandartspraktijk De Molen"}, {"reference", "TDM-002"}, {"email", "balie@demolen-tandarts.nl"},
        {"phone", "+31 23 531 0099"}, {"vat_number", "NL812345678B01"},
        {"address", address("Molenweg 3", "2011 CD", "Haarlem")},
        {"notes", "Managed services client: monthly fee per device, 8x5 SLA."}},
       {{{"name", "Praktijk Haarlem"}, {"address", address("Molenweg 3", "2011 CD", "Haarlem")}}},
       {{{"name", "Dr. Fatima El Amrani"}, {"email", "f.elamrani@demolen-tandarts.nl"}, {"title", "Tandarts"},
         {"is_primary", true}, {"site", 0}},
        {{"name", "Sven de Boer"}, {"email", "sven@demolen-tandarts.nl"}, {"title", "Praktijkmanager"}, {"site", 0}}}},
      {{{"name", "Van Dijk Advocaten"}, {"reference", "VDA-003"}, {"email", "it@vandijkadvocaten.nl"},
        {"phone", "+31 20 555 7788"}, {"vat_number", "NL823456789B01"},
        {"address", address("Keizersgracht 401", "1016 EK", "Amsterdam")},
        {"notes", "Managed services client: two offices, 24x7 for P1."}},
       {{{"name", "Kantoor Amsterdam"}, {"address", address("Keizersgracht 401", "1016 EK", "Amsterdam")}},
        {{"name", "Kantoor Utrecht"}, {"address", address("Maliebaan 50", "3581 CS", "Utrecht")}}},
       {{{"name", "Mr. Eva van Dijk"}, {"email", "eva@vandijkadvocaten.nl"}, {"title", "Partner"},
         {"is_primary", true}, {"site", 0}},
        {{"name", "Ruud Smit"}, {"email", "ruud@vandijkadvocaten.nl"}, {"title", "Office manager"}, {"site", 1}}}},
      {{{"name", "Garage Peters"}, {"reference", "GAR-004"}, {"email", "werkplaats@garagepeters.nl"},
        {"phone", "+31 40 212 8899"}, {"address", address("Industrieweg 8", "5651 GH", "Eindhoven")},
        {"notes", "Break/fix client."}},
       {{{"name", "Werkplaats"}, {"address", address("Industrieweg 8", "5651 GH", "Eindhoven")}}},
       {{{"name", "Henk Peters"}, {"email", "henk@garagepeters.nl"}, {"title", "Eigenaar"}, {"is_primary", true},
         {"site", 0}}}},
      {{{"name", "Huisartsenpraktijk Zuid"}, {"reference", "HPZ-005"}, {"email", "assistentes@hapzuid.nl"},
        {"phone", "+31 10 411 2233"}, {"address", address("Zuidplein 77", "3083 CX", "Rotterdam")},
        {"notes", "Managed services client."}},
       {{{"name", "Praktijk Rotterdam-Zuid"}, {"address", address("Zuidplein 77", "3083 CX", "Rotterdam")}}},
       {{{"name", "Dr. Bram Visser"}, {"email", "b.visser@hapzuid.nl"}, {"title", "Huisarts"}, {"is_primary", true},
         {"site", 0}}}},
      {{{"name", "Bloemenhandel Flora"}, {"reference", "FLO-006"}, {"email", "bestel@florabloemen.nl"},
        {"address", address("Marktplein 2", "2611 GV", "Delft")}, {"notes", "Break/fix client."}},
       {{{"name", "Winkel Delft"}, {"address", address("Marktplein 2", "2611 GV", "Delft")}}},
       {{{"name", "Sophie Bakker"}, {"email", "sophie@florabloemen.nl"}, {"is_primary", true}, {"site", 0}}}},
      {{{"name", "Müller Logistik GmbH"}, {"reference", "MUL-007"}, {"email", "it@mueller-logistik.de"},
        {"vat_number", "DE123456789"}, {"address", address("Hafenstraße 5", "47119", "Duisburg", "DE")},
        {"notes", "Managed services client across the border."}},
       {{{"name", "Lager Duisburg"}, {"time_zone", "Europe/Berlin"},
         {"address", address("Hafenstraße 5", "47119", "Duisburg", "DE")}}},
       {{{"name", "Jürgen Weiß"}, {"email", "j.weiss@mueller-logistik.de"}, {"title", "Leiter IT"},
         {"is_primary", true}, {"site", 0}}}},
      {{{"name", "Architectenbureau Lijn & Vorm"}, {"reference", "LEV-008"}, {"email", "studio@lijnenvorm.nl"},
        {"address", address("Oudegracht 120", "3511 AZ", "Utrecht")},
        {"notes", "Prepaid block of hours."}},
       {{{"name", "Studio Utrecht"}, {"address", address("Oudegracht 120", "3511 AZ", "Utrecht")}}},
       {{{"name", "Noor Hendriks"}, {"email", "noor@lijnenvorm.nl"}, {"title", "Architect"}, {"is_primary", true},
         {"site", 0}}}},
  };
}

int seed(const std::string& data_dir) {
  Target target;
  target.data_dir = data_dir;
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  ApiClient& api = *connection->client;
  auto call = [&](const char* method, const std::string& path, const json& body) -> ReplyOutcome {
    return check_reply(api.call(method, path, body.is_null() ? "" : body.dump()));
  };

  auto existing = call("GET", "/api/v1/clients?limit=1&status=all", nullptr);
  if (existing.exit_code != kOk) return existing.exit_code;
  if (!existing.body["items"].empty()) {
    std::cout << "demo data already present in " << data_dir << "\n";
    return kOk;
  }

  auto provider = call("PATCH", "/api/v1/provider",
                       {{"legal_name", "Vos IT Services B.V."},
                        {"email", "support@vos-it.nl"},
                        {"phone", "+31 20 760 1234"},
                        {"website", "https://vos-it.nl"},
                        {"vat_number", "NL859012345B01"},
                        {"registration_number", "KvK 71234567"},
                        {"address", {{"line1", "Herengracht 182"}, {"postal_code", "1016 BR"}, {"city", "Amsterdam"},
                                     {"country", "NL"}}},
                        {"bank_account", "NL91ABNA0417164300"},
                        {"bank_bic", "ABNANL2A"},
                        {"payment_terms_days", 14}});
  if (provider.exit_code != kOk) return provider.exit_code;
  const std::string_view logo = demo_assets_files()[0].bytes;
  auto logo_set = call("PUT", "/api/v1/provider/logo", {{"png_base64", base64url_encode(logo)}});
  if (logo_set.exit_code != kOk) return logo_set.exit_code;

  int64_t bakery_id = 0;
  int64_t bakery_contact = 0;
  int clients = 0, sites = 0, contacts = 0;
  for (auto& demo : demo_clients()) {
    auto client = call("POST", "/api/v1/clients", demo.client);
    if (client.exit_code != kOk) return client.exit_code;
    int64_t client_id = client.body["id"];
    ++clients;
    std::vector<int64_t> site_ids;
    for (auto site : demo.sites) {
      site["client_id"] = client_id;
      auto created = call("POST", "/api/v1/sites", site);
      if (created.exit_code != kOk) return created.exit_code;
      site_ids.push_back(created.body["id"]);
      ++sites;
    }
    for (auto contact : demo.contacts) {
      contact["client_id"] = client_id;
      if (contact.contains("site")) {
        contact["site_id"] = site_ids.at(contact["site"].get<size_t>());
        contact.erase("site");
      }
      auto created = call("POST", "/api/v1/contacts", contact);
      if (created.exit_code != kOk) return created.exit_code;
      ++contacts;
      if (demo.client["name"] == "Bakkerij Jansen" && bakery_contact == 0) bakery_contact = created.body["id"];
    }
    if (demo.client["name"] == "Bakkerij Jansen") bakery_id = client_id;
  }

  const json users[] = {
      {{"email", "sanne@vos-it.nl"}, {"name", "Sanne de Vos"}, {"role", "technician"}, {"password", kDemoPassword}},
      {{"email", "mo@vos-it.nl"}, {"name", "Mohammed Yilmaz"}, {"role", "technician"}, {"password", kDemoPassword}},
      {{"email", "joost@vos-it.nl"}, {"name", "Joost Verhoeven"}, {"role", "finance"}, {"password", kDemoPassword}},
      {{"email", "lisa@vos-it.nl"}, {"name", "Lisa Kramer"}, {"role", "read_only"}, {"password", kDemoPassword}},
      {{"email", "anna@bakkerijjansen.nl"}, {"name", "Anna Jansen"}, {"role", "portal"}, {"client_id", bakery_id},
       {"contact_id", bakery_contact}, {"password", kDemoPassword}},
  };
  for (const auto& u : users) {
    auto created = call("POST", "/api/v1/users", u);
    if (created.exit_code != kOk) return created.exit_code;
  }
  DemoDeskSummary desk;
  int desk_exit = seed_service_desk(api, desk);
  if (desk_exit != kOk) return desk_exit;
  DemoWorkSummary work;
  int work_exit = seed_work(api, work);
  if (work_exit != kOk) return work_exit;
  DemoBillingSummary billing;
  int billing_exit = seed_billing(api, SystemClock().now(), billing);
  if (billing_exit != kOk) return billing_exit;
  std::cout << "demo data: " << clients << " clients, " << sites << " sites, " << contacts << " contacts, "
            << std::size(users) << " users (password " << kDemoPassword << "), " << desk.policies
            << " SLA policies, " << desk.tickets + work.tickets << " tickets, " << desk.schedules
            << " maintenance schedules, " << work.work_types << " work types, " << work.catalogue_items
            << " catalogue items, " << work.contracts << " contracts, " << work.time_entries << " time entries, "
            << work.part_usages << " part usages, " << billing.invoices << " invoices over six months ("
            << billing.open_invoices << " open), " << billing.credit_notes << " credit note, " << billing.payments
            << " payments\n";
  return kOk;
}

}  // namespace

void add_demo_commands(CLI::App& app, int& exit_code) {
  auto* demo = app.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  auto data = std::make_shared<std::string>();
  auto* c = demo->add_subcommand("seed", "Fill a freshly initialised data directory with demo data");
  c->add_option("--data", *data, "Data directory")->required()->envname("TEND_DATA");
  c->callback([data, &exit_code] { exit_code = seed(*data); });
}

}  // namespace tend::cli
