#include "bench/billing_data.h"

#include <random>
#include <vector>

#include "app/work_rating.h"
#include "core/billing.h"
#include "store/rmm_repository.h"

namespace tend {
namespace {

using std::chrono::days;

CivilDate ymd(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }
Money eur(int64_t cents) { return Money(Currency::eur(), cents); }

const char* kSubjects[] = {"Printer offline",    "Laptop slow",      "Mailbox full",       "VPN drops",
                           "New employee setup", "Backup warning",   "Wi-Fi at reception", "Outlook crashes",
                           "Firewall update",    "Scanner to email", "Teams audio",        "Disk almost full"};

struct Config {
  TaxCategoryId nl21;
  WorkTypeId remote, onsite, travel;
  CatalogueItemId ssd, virus;
  Money ssd_price = eur(8900), ssd_cost = eur(6200), virus_price = eur(7900), virus_cost = eur(0);
  std::vector<UserId> technicians;
  TicketStatusId status;
};

Result<Config> configure(store::Transaction& tx, Instant now) {
  Config c;
  TaxCategory nl21;
  nl21.code = "NL21";
  nl21.name = "BTW hoog 21%";
  nl21.rate_percent = Rational{21, 1};
  nl21.created_at = nl21.updated_at = now;
  c.nl21 = TEND_TRY(tx.tax_categories().insert(nl21));
  store::BillingSettings settings;
  settings.fee_tax_category_id = c.nl21;
  settings.updated_at = now;
  TEND_CHECK(tx.billing_settings().put(settings));
  auto work_type = [&](const char* code, const char* name, int64_t rate, int64_t minimum, int64_t increment,
                       Rational after_hours) -> Result<WorkTypeId> {
    WorkType w;
    w.code = code;
    w.name = name;
    w.hourly_rate = eur(rate);
    w.minimum_minutes = minimum;
    w.rounding_increment_minutes = increment;
    w.after_hours_multiplier = after_hours;
    w.tax_category_id = c.nl21;
    w.created_at = w.updated_at = now;
    return tx.work_types().insert(w);
  };
  c.remote = TEND_TRY(work_type("remote", "Remote support", 9500, 15, 15, {3, 2}));
  c.onsite = TEND_TRY(work_type("onsite", "On-site support", 11000, 60, 30, {3, 2}));
  c.travel = TEND_TRY(work_type("travel", "Travel", 5500, 0, 15, {1, 1}));
  auto item = [&](CatalogueKind kind, const char* sku, const char* name, Money cost,
                  Money price) -> Result<CatalogueItemId> {
    CatalogueItem i;
    i.kind = kind;
    i.sku = sku;
    i.name = name;
    i.unit_cost = cost;
    i.unit_price = price;
    i.tax_category_id = c.nl21;
    i.created_at = i.updated_at = now;
    return tx.catalogue().insert(i);
  };
  c.ssd = TEND_TRY(item(CatalogueKind::part, "SSD-1TB", "SSD 1 TB", c.ssd_cost, c.ssd_price));
  c.virus = TEND_TRY(item(CatalogueKind::service, "SVC-VIRUS", "Virus removal", c.virus_cost, c.virus_price));
  for (int t = 0; t < 20; ++t) {
    User u;
    u.email = "tech" + std::to_string(t) + "@billing-bench.example";
    u.name = "Technician " + std::to_string(t);
    u.role = Role::technician;
    u.password_hash = "!";  // cannot log in
    u.created_at = u.updated_at = now;
    c.technicians.push_back(TEND_TRY(tx.users().insert(u)));
    TEND_CHECK(tx.rates().set_technician({c.technicians.back(), eur(4500), now}));
  }
  for (const auto& s : TEND_TRY(tx.ticket_statuses().list())) {
    if (s.category == StatusCategory::resolved) c.status = s.id;
  }
  if (!c.status.valid()) return std::unexpected(Error::internal("no resolved ticket status"));
  return c;
}

}  // namespace

Result<BillingDataSummary> generate_billing_data(store::Store& store, const BillingDataShape& shape, Instant now) {
  auto month = TEND_TRY(parse_month(shape.month));
  const BillingPeriod period = BillingPeriod::month(month);
  const int64_t month_days = period.days();
  if (shape.clients < 1 || shape.contracts_per_client < 2 || shape.entries_per_client < 0 ||
      shape.tickets_per_client < 1 || shape.clients_per_transaction < 1) {
    return std::unexpected(Error::invalid("billing data: at least one client, two contracts and one ticket each"));
  }
  const int year = static_cast<int>(month.year());
  Config config;
  {
    auto tx = TEND_TRY(store.write());
    config = TEND_TRY(configure(tx, now));
    TEND_CHECK(tx.commit());
  }
  std::mt19937_64 rng(shape.seed);
  auto below = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  const Principal actor = Principal::local_admin();
  const Instant enrolled = from_unix_ms(to_unix_ms(now) - int64_t{400} * 24 * 3600 * 1000);
  BillingDataSummary summary;
  const WorkTypeId types[] = {config.remote, config.onsite, config.travel};

  for (int64_t first = 0; first < shape.clients; first += shape.clients_per_transaction) {
    auto tx = TEND_TRY(store.write());
    const int64_t last = std::min(shape.clients, first + shape.clients_per_transaction);
    for (int64_t c = first; c < last; ++c) {
      Client client;
      client.name = "Billing client " + std::to_string(c);
      client.reference = "BB-" + std::to_string(c);
      client.created_at = client.updated_at = now;
      const ClientId client_id = TEND_TRY(tx.clients().insert(client));
      Site site;
      site.client_id = client_id;
      site.name = "Main office";
      site.created_at = site.updated_at = now;
      const SiteId site_id = TEND_TRY(tx.sites().insert(site));
      ++summary.clients;

      // Contracts: the managed agreement, the kind of the client, history.
      Contract managed;
      managed.client_id = client_id;
      managed.kind = ContractKind::managed;
      managed.name = "Managed care " + std::to_string(c);
      managed.starts_on = ymd(year, 1, 1);
      managed.term_months = 12;
      managed.auto_renew = true;
      if (c % 3 == 0) managed.covered_work_types = {config.remote};
      ManagedTerms terms;
      terms.effective_from = managed.starts_on;
      terms.flat_fee = eur(25000);
      terms.per_workstation = eur(2500);
      terms.per_server = eur(7500);
      terms.recorded_at = now;
      terms.recorded_by = "datagen";
      managed.terms = {terms};
      managed.created_at = managed.updated_at = now;
      TEND_TRY(tx.contracts().insert(managed));
      int contracts = 1;
      if (c % 3 == 1) {
        Contract blocks;
        blocks.client_id = client_id;
        blocks.kind = ContractKind::block_hours;
        blocks.name = "Prepaid hours " + std::to_string(c);
        blocks.starts_on = ymd(year, 1, 1);
        blocks.overage_rate = eur(9500);
        blocks.rollover = c % 2 == 0;
        for (unsigned q = 0; q < 4; ++q) {
          HourBlock b;
          b.label = std::to_string(year) + "-Q" + std::to_string(q + 1);
          b.minutes = 600;
          b.price = eur(85000);
          b.valid_from = ymd(year, 1 + 3 * q, 1);
          b.valid_to = (q == 3 ? ymd(year + 1, 1, 1) : ymd(year, 4 + 3 * q, 1)) - days(1);
          b.created_at = now;
          blocks.blocks.push_back(b);
        }
        blocks.created_at = blocks.updated_at = now;
        TEND_TRY(tx.contracts().insert(blocks));
        ++contracts;
      } else if (c % 3 == 2) {
        Contract tm;
        tm.client_id = client_id;
        tm.kind = ContractKind::time_and_materials;
        tm.name = "Support " + std::to_string(c);
        tm.starts_on = ymd(year, 1, 1);
        tm.rates = {{config.remote, eur(8500)}};
        tm.created_at = tm.updated_at = now;
        TEND_TRY(tx.contracts().insert(tm));
        ++contracts;
      }
      for (int h = 0; contracts < shape.contracts_per_client; ++h, ++contracts) {
        Contract old;
        old.client_id = client_id;
        old.kind = ContractKind::time_and_materials;
        old.name = "Support " + std::to_string(year - 1 - h) + " " + std::to_string(c);
        old.starts_on = ymd(year - 1 - h, 1, 1);
        old.ends_on = ymd(year - 1 - h, 12, 31);
        old.rates = {{config.onsite, eur(10000)}};
        old.created_at = old.updated_at = now;
        TEND_TRY(tx.contracts().insert(old));
      }
      summary.contracts += contracts;

      for (int d = 0; d < shape.devices_per_client; ++d) {
        rmm::Device device;
        device.client_id = client_id;
        device.site_id = site_id;
        device.name = device.hostname = "pc-" + std::to_string(c) + "-" + std::to_string(d);
        device.machine_id = "bb-" + std::to_string(c) + "-" + std::to_string(d);
        device.device_class = d % 5 == 4 ? rmm::DeviceClass::server : rmm::DeviceClass::workstation;
        device.os_name = d % 5 == 4 ? "Windows Server 2022" : "Windows 11 Pro";
        device.agent_version = "1.0.0";
        device.enrolled_at = device.created_at = device.updated_at = enrolled;
        TEND_TRY(store::DeviceRepository(tx.connection())
                     .insert(device, "datagen-" + std::to_string(c) + "-" + std::to_string(d), {}));
        ++summary.devices;
      }

      std::vector<TicketId> tickets;
      for (int t = 0; t < shape.tickets_per_client; ++t) {
        Ticket ticket;
        ticket.client_id = client_id;
        ticket.site_id = site_id;
        ticket.subject = kSubjects[below(std::size(kSubjects))];
        ticket.description = "Generated for the billing benchmark.";
        ticket.status_id = config.status;
        ticket.status_category = StatusCategory::resolved;
        ticket.created_at = ticket.updated_at = now;
        ticket.resolved_at = now;
        tickets.push_back(TEND_TRY(tx.tickets().insert(ticket)));
        ++summary.tickets;
      }
      auto work_day = [&] { return period.first_day + days(below(month_days)); };
      for (int e = 0; e < shape.entries_per_client; ++e) {
        TimeEntry entry;
        entry.ticket_id = tickets[static_cast<size_t>(below(shape.tickets_per_client))];
        entry.client_id = client_id;
        entry.user_id = config.technicians[static_cast<size_t>(below(20))];
        entry.work_type_id = types[below(3)];
        entry.work_date = work_day();
        entry.actual_minutes = 5 + below(176);
        entry.after_hours = below(10) == 0;
        entry.cost_rate = eur(4500);
        entry.status = WorkStatus::approved;
        entry.approved_at = now;
        entry.approved_by_id = config.technicians[0];
        entry.created_by_id = entry.user_id;
        entry.created_at = entry.updated_at = now;
        TEND_TRY(tx.time_entries().insert(entry));
        ++summary.time_entries;
      }
      for (int p = 0; p < shape.parts_per_client; ++p) {
        PartUsage use;
        use.ticket_id = tickets[static_cast<size_t>(below(shape.tickets_per_client))];
        use.client_id = client_id;
        use.item_id = config.ssd;
        use.quantity = 1 + below(3);
        use.unit_price = config.ssd_price;
        use.unit_cost = config.ssd_cost;
        use.used_on = work_day();
        use.status = WorkStatus::approved;
        use.approved_at = now;
        use.approved_by_id = config.technicians[0];
        use.created_at = use.updated_at = now;
        TEND_TRY(tx.part_usages().insert(use));
        ++summary.part_usages;
      }
      for (int s = 0; s < shape.services_per_client; ++s) {
        ServiceUsage use;
        use.ticket_id = tickets[static_cast<size_t>(below(shape.tickets_per_client))];
        use.client_id = client_id;
        use.item_id = config.virus;
        use.unit_price = config.virus_price;
        use.unit_cost = config.virus_cost;
        use.performed_on = work_day();
        use.status = WorkStatus::approved;
        use.approved_at = now;
        use.approved_by_id = config.technicians[0];
        use.created_at = use.updated_at = now;
        TEND_TRY(tx.service_usages().insert(use));
        ++summary.service_usages;
      }
      // What the server stores after approving: billable minutes, ledgers.
      TEND_CHECK(refresh_client_rating(tx, client_id, actor, now));
    }
    TEND_CHECK(tx.commit());
  }
  return summary;
}

}  // namespace tend
