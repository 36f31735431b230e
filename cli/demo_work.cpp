// The work part of `tend demo seed`: one import document with Dutch VAT,
// work types, cost rates, a catalogue, contracts of every kind, tickets,
// fixed-price services, time and parts, sent to POST /api/v1/import.
#include "cli/demo_work.h"

#include <chrono>

#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "app/system_clock.h"
#include "core/work.h"

namespace tend::cli {
namespace {

using nlohmann::json;
using std::chrono::days;

constexpr const char* kSanne = "sanne@vos-it.nl";
constexpr const char* kMo = "mo@vos-it.nl";

// Dates relative to today in the provider's zone.
struct Dates {
  CivilDate today;

  std::string ago(int n) const { return format_civil_date(today - days(n)); }
  // The first day of the month `months` from this one (negative: earlier).
  std::string month_start(int months) const {
    std::chrono::year_month_day ymd(today);
    auto first = std::chrono::year_month_day(ymd.year() / ymd.month() / 1) + std::chrono::months(months);
    return format_civil_date(CivilDate(first));
  }
  std::string month_end(int months) const {
    return format_civil_date(*parse_civil_date(month_start(months + 1)) - days(1));
  }
};

json entry(const char* ticket, const char* user, const char* type, const std::string& date, int minutes,
           const char* notes, const char* status = "approved") {
  return {{"ticket", ticket}, {"user", user},   {"work_type", type}, {"work_date", date},
          {"minutes", minutes}, {"notes", notes}, {"status", status}};
}

json ticket(const char* key, const char* client, const char* subject, const char* priority, const char* status,
            const std::string& created_at, const char* assignee) {
  return {{"key", key},           {"client", client},         {"subject", subject},  {"priority", priority},
          {"status", status},     {"created_at", created_at}, {"assignee", assignee}, {"source", "phone"}};
}

}  // namespace

json demo_work_document(Instant now, int64_t bakery_ticket) {
  const Dates d{*local_date(now, "Europe/Amsterdam")};
  auto created = [&](int days_ago) { return format_rfc3339(now - std::chrono::hours(24 * days_ago + 2)); };
  // The bakery's "laptop slow" ticket: the one from the service desk demo,
  // or one of the file.
  auto on_bakery = [&](json record) {
    if (bakery_ticket > 0) record["ticket_id"] = bakery_ticket;
    else record["ticket"] = "bak-laptop";
    return record;
  };
  json past_entries = json::array();
  json past_parts = json::array();
  json doc = {{"tend_import", 1},
              {"about", "Tend demo: work, parts, services and contracts of Vos IT Services"}};
  doc["tax_categories"] = {{{"code", "NL21"}, {"name", "BTW hoog 21%"}, {"rate_percent", "21"}},
                           {{"code", "NL9"}, {"name", "BTW laag 9%"}, {"rate_percent", "9"}},
                           {{"code", "NL0"}, {"name", "BTW 0% / verlegd"}, {"rate_percent", "0"}}};
  doc["work_types"] = {
      {{"code", "remote"}, {"name", "Remote support"}, {"hourly_rate", "95.00"}, {"minimum_minutes", 15},
       {"rounding_increment_minutes", 15}, {"after_hours_multiplier", "1.5"}, {"tax_category", "NL21"}},
      {{"code", "onsite"}, {"name", "Op locatie"}, {"hourly_rate", "110.00"}, {"minimum_minutes", 60},
       {"rounding_increment_minutes", 30}, {"after_hours_multiplier", "1.5"}, {"tax_category", "NL21"}},
      {{"code", "travel"}, {"name", "Reistijd"}, {"hourly_rate", "55.00"}, {"rounding_increment_minutes", 15},
       {"tax_category", "NL21"}},
      {{"code", "project"}, {"name", "Projectwerk"}, {"hourly_rate", "85.00"}, {"rounding_increment_minutes", 15},
       {"tax_category", "NL21"}},
      {{"code", "internal"}, {"name", "Intern (niet factureerbaar)"}, {"hourly_rate", "0.00"}}};
  doc["technician_rates"] = {{{"user", kSanne}, {"cost_rate", "42.00"}}, {{"user", kMo}, {"cost_rate", "38.00"}}};
  doc["catalogue"] = {
      {{"kind", "part"}, {"sku", "SSD-500"}, {"name", "Samsung 870 EVO SSD 500 GB"}, {"unit_cost", "48.00"},
       {"markup_percent", "60"}, {"reorder_level", 2}, {"initial_stock", 4}, {"tax_category", "NL21"}},
      {{"kind", "part"}, {"sku", "RAM-16"}, {"name", "Geheugen 16 GB DDR4"}, {"unit_cost", "39.00"},
       {"unit_price", "69.00"}, {"reorder_level", 2}, {"initial_stock", 6}, {"tax_category", "NL21"}},
      {{"kind", "part"}, {"sku", "CABLE-CAT6-5M"}, {"name", "Netwerkkabel Cat6 5 m"}, {"unit_cost", "2.50"},
       {"unit_price", "7.95"}, {"reorder_level", 10}, {"initial_stock", 40}, {"tax_category", "NL21"}},
      {{"kind", "part"}, {"sku", "TONER-59A"}, {"name", "HP 59A toner"}, {"unit_cost", "85.00"},
       {"unit_price", "129.00"}, {"reorder_level", 2}, {"initial_stock", 1}, {"tax_category", "NL21"}},
      {{"kind", "part"}, {"sku", "AV-LIC"}, {"name", "Antivirus licentie 1 jaar"}, {"unit_cost", "18.00"},
       {"unit_price", "35.00"}, {"initial_stock", 100}, {"tax_category", "NL21"}},
      {{"kind", "service"}, {"sku", "SVC-VIRUS"}, {"name", "Virusverwijdering (vaste prijs)"}, {"unit_cost", "0.00"},
       {"unit_price", "79.00"}, {"tax_category", "NL21"}},
      {{"kind", "service"}, {"sku", "SVC-SETUP"}, {"name", "Werkplek inrichten (vaste prijs)"}, {"unit_cost", "0.00"},
       {"unit_price", "149.00"}, {"tax_category", "NL21"}},
      {{"kind", "service"}, {"sku", "SVC-MIGRATE"}, {"name", "Mailbox migratie per gebruiker"}, {"unit_cost", "0.00"},
       {"unit_price", "45.00"}, {"tax_category", "NL21"}}};
  const char* managed_sla = "Managed services 8x5, P1 24x7";
  doc["contracts"] = {
      {{"client", "TDM-002"}, {"kind", "managed"}, {"name", "Managed Care Plus"}, {"reference", "MSA-TDM-01"},
       {"starts_on", d.month_start(-4)}, {"term_months", 12}, {"notice_days", 60}, {"sla_policy", managed_sla},
       {"covered_work_types", {"remote"}}, {"covered_items", {"AV-LIC"}},
       {"rates", {{{"work_type", "onsite"}, {"hourly_rate", "95.00"}}}},
       {"terms", {{"flat_fee", "150.00"}, {"per_workstation", "25.00"}, {"per_server", "75.00"}, {"per_user", "5.00"},
                  {"user_count", 6}, {"manual_workstations", 8}, {"manual_servers", 1}}}},
      {{"client", "VDA-003"}, {"kind", "managed"}, {"name", "Managed Gold"}, {"reference", "MSA-VDA-01"},
       {"starts_on", d.month_start(-14)}, {"term_months", 12}, {"notice_days", 90}, {"sla_policy", managed_sla},
       {"covered_work_types", {"remote", "onsite"}}, {"covered_items", {"AV-LIC"}},
       {"terms", {{"flat_fee", "250.00"}, {"per_workstation", "30.00"}, {"per_server", "90.00"}, {"per_user", "6.00"},
                  {"user_count", 14}, {"manual_workstations", 16}, {"manual_servers", 2}}},
       {"price_changes", {{{"effective_from", d.month_start(-2)}, {"per_workstation", "32.00"},
                           {"note", "Jaarlijkse indexatie"}}}}},
      {{"client", "HPZ-005"}, {"kind", "managed"}, {"name", "Managed Care"}, {"reference", "MSA-HPZ-01"},
       {"starts_on", d.month_start(-8)}, {"term_months", 12}, {"notice_days", 60}, {"sla_policy", managed_sla},
       {"covered_work_types", {"remote"}},
       {"terms", {{"flat_fee", "120.00"}, {"per_workstation", "25.00"}, {"per_server", "75.00"},
                  {"manual_workstations", 5}, {"manual_servers", 1}}}},
      {{"client", "MUL-007"}, {"kind", "managed"}, {"name", "Managed Basic"}, {"reference", "MSA-MUL-01"},
       {"starts_on", d.month_start(-20)}, {"term_months", 12}, {"notice_days", 90}, {"sla_policy", managed_sla},
       {"covered_work_types", {"remote"}},
       {"terms", {{"flat_fee", "200.00"}, {"per_workstation", "22.00"}, {"per_server", "70.00"},
                  {"manual_workstations", 10}, {"manual_servers", 2}}},
       {"cancellation", {{"effective_on", d.month_start(4)}, {"reason", "IT gaat in eigen beheer (Duisburg)"}}}},
      {{"client", "LEV-008"}, {"kind", "block_hours"}, {"name", "Strippenkaart"}, {"reference", "BH-LEV-01"},
       {"starts_on", d.month_start(-3)}, {"overage_rate", "95.00"}, {"rollover", true},
       {"blocks", {{{"label", "Blok 1"}, {"hours", "10"}, {"price", "850.00"}, {"valid_from", d.month_start(-3)},
                    {"valid_to", d.month_end(0)}},
                   {{"label", "Blok 2"}, {"hours", "10"}, {"price", "850.00"}, {"valid_from", d.month_start(1)},
                    {"valid_to", d.month_end(3)}}}}},
      {{"client", "GAR-004"}, {"kind", "time_and_materials"}, {"name", "Break/fix tarieven"}, {"reference", "TM-GAR-01"},
       {"starts_on", d.month_start(-6)}, {"rates", {{{"work_type", "onsite"}, {"hourly_rate", "99.00"}}}}}};
  doc["tickets"] = {
      ticket("flo-kassa", "FLO-006", "Kassa start niet op na stroomstoring", "P2", "Resolved", created(6), kMo),
      ticket("gar-netwerk", "GAR-004", "Netwerkkabels werkplaats vervangen", "P3", "Closed", created(12), kSanne),
      ticket("gar-terugbel", "GAR-004", "Terugbelverzoek printer", "P4", "Resolved", created(3), kSanne),
      ticket("lev-revit", "LEV-008", "Revit licentieserver bijwerken", "P3", "Closed", created(40), kSanne),
      ticket("lev-nas", "LEV-008", "NAS back-up faalt", "P2", "Resolved", created(18), kMo),
      ticket("lev-werkplek", "LEV-008", "Nieuwe werkplek inrichten", "P3", "In progress", created(5), kSanne),
      ticket("tdm-rontgen", "TDM-002", "Röntgen-pc vervangen (op locatie)", "P2", "In progress", created(4), kSanne),
      ticket("vda-vpn", "VDA-003", "VPN kantoor Utrecht valt weg", "P2", "Resolved", created(9), kMo),
      ticket("hpz-printer", "HPZ-005", "Printer balie offline", "P3", "Resolved", created(7), kMo)};
  if (bakery_ticket <= 0) {
    doc["tickets"].push_back(ticket("bak-laptop", "BAK-001", "Laptop slow and showing pop-ups", "P2", "In progress",
                                    created(3), kSanne));
  }
  // Six months of closed break/fix work before this month, so the billing
  // demo (cli/demo_billing.h) has time and parts to invoice every month.
  struct PastJob {
    const char* client;
    const char* subject;
    const char* work_type;
    int minutes;
    const char* sku;  // a part used, or nullptr
    int day;          // of the month
  };
  const PastJob past_jobs[] = {
      {"GAR-004", "Storing kassasysteem werkplaats", "onsite", 90, nullptr, 6},
      {"BAK-001", "E-mail op telefoon werkt niet", "remote", 35, nullptr, 12},
      {"FLO-006", "Pinautomaat geen verbinding", "onsite", 45, "CABLE-CAT6-5M", 17},
      {"GAR-004", "Laptop monteur traag", "remote", 50, "RAM-16", 21}};
  for (int m = 1; m <= 6; ++m) {
    const CivilDate first = *parse_civil_date(d.month_start(-m));
    for (size_t j = 0; j < std::size(past_jobs); ++j) {
      if ((m + static_cast<int>(j)) % 3 == 0) continue;  // not every client every month
      const PastJob& job = past_jobs[j];
      const std::string day = format_civil_date(first + days(job.day - 1));
      const std::string key = "past-" + std::to_string(m) + "-" + std::to_string(j);
      const char* tech = j % 2 == 0 ? kSanne : kMo;
      doc["tickets"].push_back({{"key", key},
                                {"client", job.client},
                                {"subject", job.subject},
                                {"priority", "P3"},
                                {"status", "Closed"},
                                {"created_at", day + "T08:30:00Z"},
                                {"assignee", tech},
                                {"source", "phone"}});
      past_entries.push_back(entry("", tech, job.work_type, day, job.minutes, job.subject));
      past_entries.back()["ticket"] = key;
      if (job.sku) {
        past_parts.push_back(
            {{"ticket", key}, {"sku", job.sku}, {"quantity", 1}, {"used_on", day}, {"status", "approved"}});
      }
    }
  }
  doc["service_usages"] = {
      on_bakery({{"key", "bak-virus"}, {"sku", "SVC-VIRUS"}, {"performed_on", d.ago(2)}, {"status", "approved"}}),
      {{"key", "lev-setup"}, {"ticket", "lev-werkplek"}, {"sku", "SVC-SETUP"}, {"performed_on", d.ago(2)}}};
  doc["time_entries"] = {
      // A break/fix call (DOMAIN journey 1): 40 min remote, the virus removal
      // at a flat fee (its time only costs), an SSD from stock.
      on_bakery(entry("", kSanne, "remote", d.ago(2), 40, "Adware verwijderd, browser opgeschoond")),
      on_bakery({{"user", kSanne}, {"work_type", "remote"}, {"work_date", d.ago(2)}, {"minutes", 30},
                 {"service", "bak-virus"}, {"notes", "Virusscan en opschonen"}, {"status", "approved"}}),
      on_bakery(entry("", kSanne, "onsite", d.ago(1), 50, "SSD geplaatst, systeem teruggezet", "draft")),
      entry("flo-kassa", kMo, "onsite", d.ago(6), 75, "Kassa-pc hersteld na stroomstoring"),
      entry("flo-kassa", kMo, "travel", d.ago(6), 30, "Reistijd Delft"),
      entry("gar-netwerk", kSanne, "onsite", d.ago(12), 110, "Zes netwerkkabels vervangen"),
      entry("gar-terugbel", kSanne, "remote", d.ago(3), 0, "Teruggebeld, voicemail ingesproken"),
      // Block hours: 9.25 of the 10 hours of "Blok 1" used.
      entry("lev-revit", kSanne, "remote", d.ago(40), 180, "Licentieserver bijgewerkt naar 2026"),
      entry("lev-nas", kMo, "remote", d.ago(18), 120, "Back-uptaak gecontroleerd, schijf vervangen gemeld"),
      entry("lev-nas", kMo, "onsite", d.ago(17), 90, "Schijf in NAS vervangen, rebuild gestart"),
      entry("lev-werkplek", kSanne, "onsite", d.ago(3), 120, "Werkplek uitgepakt en aangesloten", "draft"),
      entry("lev-werkplek", kSanne, "remote", d.ago(2), 45, "Revit en plotters ingesteld", "draft"),
      {{"ticket", "lev-werkplek"}, {"user", kSanne}, {"work_type", "onsite"}, {"work_date", d.ago(2)}, {"minutes", 60},
       {"service", "lev-setup"}, {"notes", "Werkplek inrichten (vaste prijs)"}, {"status", "draft"}},
      // Managed: remote covered, on-site at the agreement's rate.
      entry("tdm-rontgen", kSanne, "remote", d.ago(4), 45, "Oude röntgen-pc uitgelezen", "draft"),
      entry("tdm-rontgen", kSanne, "onsite", d.ago(3), 90, "Nieuwe röntgen-pc geplaatst", "draft"),
      entry("tdm-rontgen", kSanne, "travel", d.ago(3), 40, "Reistijd Haarlem", "draft"),
      entry("vda-vpn", kMo, "remote", d.ago(9), 60, "VPN-tunnel opnieuw opgebouwd"),
      entry("vda-vpn", kMo, "onsite", d.ago(8), 120, "Firewall Utrecht vervangen"),
      entry("hpz-printer", kMo, "remote", d.ago(7), 30, "Printerwachtrij hersteld")};
  doc["part_usages"] = {
      on_bakery({{"sku", "SSD-500"}, {"quantity", 1}, {"serial_numbers", {"S6PTNX0T301234"}}, {"used_on", d.ago(1)}}),
      {{"ticket", "flo-kassa"}, {"sku", "CABLE-CAT6-5M"}, {"quantity", 2}, {"used_on", d.ago(6)}, {"status", "approved"}},
      {{"ticket", "gar-netwerk"}, {"sku", "CABLE-CAT6-5M"}, {"quantity", 6}, {"used_on", d.ago(12)}, {"status", "approved"}},
      {{"ticket", "tdm-rontgen"}, {"sku", "RAM-16"}, {"quantity", 2}, {"used_on", d.ago(3)}},
      {{"ticket", "vda-vpn"}, {"sku", "AV-LIC"}, {"quantity", 3}, {"used_on", d.ago(8)}, {"status", "approved"}}};
  for (auto& e : past_entries) doc["time_entries"].push_back(std::move(e));
  for (auto& p : past_parts) doc["part_usages"].push_back(std::move(p));
  // entry() put an empty "ticket" on the bakery's entries; on_bakery set the
  // real one, so drop the empty key where ticket_id is used.
  for (auto& e : doc["time_entries"]) {
    if (e.contains("ticket_id") && e.contains("ticket")) e.erase("ticket");
  }
  return doc;
}

int seed_work(ApiClient& api, DemoWorkSummary& summary) {
  auto call = [&](const char* method, const std::string& path, const json& body) -> ReplyOutcome {
    return check_reply(api.call(method, path, body.is_null() ? "" : body.dump()));
  };
  int64_t bakery_ticket = 0;
  auto clients = call("GET", "/api/v1/clients?limit=200&q=Bakkerij", nullptr);
  if (clients.exit_code != kOk) return clients.exit_code;
  for (const auto& c : clients.body["items"]) {
    if (c["reference"] != "BAK-001") continue;
    auto tickets = call("GET", "/api/v1/tickets?limit=200&client_id=" + std::to_string(c["id"].get<int64_t>()), nullptr);
    if (tickets.exit_code != kOk) return tickets.exit_code;
    for (const auto& t : tickets.body["items"]) {
      if (t["subject"] == "Laptop slow and showing pop-ups") bakery_ticket = t["id"];
    }
  }
  auto imported = call("POST", "/api/v1/import", demo_work_document(SystemClock().now(), bakery_ticket));
  if (imported.exit_code != kOk) return imported.exit_code;
  summary.work_types = imported.body["work_types"];
  summary.catalogue_items = imported.body["catalogue_items"];
  summary.contracts = imported.body["contracts"];
  summary.tickets = imported.body["tickets"];
  summary.time_entries = imported.body["time_entries"];
  summary.part_usages = imported.body["part_usages"];
  return kOk;
}

}  // namespace tend::cli
