// tend-ticket-datagen: fills a data directory with a realistic service desk
// for the ticket list and search benchmarks (bench/README.md, "Service desk").
//
//   tend-ticket-datagen --data DIR --tickets 1000000 [--clients 2000] [--seed 1]
//
// Writes straight through the store's repositories (the same code the
// server uses, so every index and the FTS5 table are kept as in
// production), 5,000 tickets per transaction: 2,000 clients with a site
// each, 10 queues, an office calendar (Europe/Amsterdam, 08:30-17:00 on
// weekdays) under a global default policy, and tickets created over the
// last three years. Most are closed; about 15% are still being worked, with
// due times computed by the SLA engine and stored like the server does.
// Subjects, descriptions and notes draw from an IT vocabulary, so a search
// word matches between 0.05% and a few % of the tickets.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "app/system_clock.h"
#include "core/sla.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace tend;

const char* kThings[] = {"printer", "laptop", "mailbox", "server", "switch", "firewall", "router", "scanner",
                         "monitor", "keyboard", "docking station", "NAS", "VPN", "Wi-Fi", "phone", "tablet",
                         "backup", "Outlook", "Teams", "OneDrive", "SharePoint", "Excel", "Word", "Windows update",
                         "antivirus", "certificate", "domain", "DNS", "password", "account", "licence", "webshop",
                         "cash register", "payment terminal", "label printer", "camera", "door badge", "UPS",
                         "hard disk", "SSD", "RAM", "battery", "charger", "headset", "webcam", "projector",
                         "thin client", "terminal server", "RDP", "SQL database"};
const char* kProblems[] = {"does not start", "is slow", "shows an error", "is offline", "keeps disconnecting",
                           "asks for a password", "is full", "makes noise", "needs replacing", "stopped syncing",
                           "cannot print", "freezes", "lost its settings", "blue screen", "expired",
                           "gives a warning", "is locked", "crashes at startup", "is not reachable", "needs an update"};
const char* kPlaces[] = {"at reception", "in the warehouse", "in room 2", "at the front desk", "in the shop",
                         "upstairs", "in the workshop", "at home", "in the meeting room", "for the new employee"};
const char* kRemarks[] = {"Restarted the service; monitoring.",  "Ordered a replacement part from the supplier.",
                          "Remote session planned for tomorrow.", "Firmware updated to the latest version.",
                          "Cleared the cache and rebuilt the profile.", "Vendor ticket opened, waiting for reply.",
                          "Driver rolled back after the update.", "Disk cleanup freed 40 GB.",
                          "Replaced the cable; link is stable again.", "Password reset and MFA re-registered."};

int usage() {
  std::fprintf(stderr, "usage: tend-ticket-datagen --data DIR --tickets N [--clients N] [--seed N]\n");
  return 2;
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "tend-ticket-datagen: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void must(Status s, const char* what) {
  if (!s) {
    std::fprintf(stderr, "tend-ticket-datagen: %s: %s\n", what, s.error().message.c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data;
  long tickets = 0, clients = 2000;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--data") data = argv[i + 1];
    else if (flag == "--tickets") tickets = std::strtol(argv[i + 1], nullptr, 10);
    else if (flag == "--clients") clients = std::strtol(argv[i + 1], nullptr, 10);
    else if (flag == "--seed") seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    else return usage();
  }
  if (data.empty() || tickets <= 0 || clients <= 0) return usage();

  SystemClock clock;
  const Instant now = clock.now();
  store::SqliteStoreOptions options;
  options.connection.synchronous = "NORMAL";
  options.connection.cache_size_kib = 256 * 1024;
  options.reader_connections = 1;
  auto store = must(store::open_sqlite_store(data + "/tend.db", options, now), "open");
  std::mt19937_64 rng(seed);
  auto pick = [&](auto& array) -> decltype(auto) { return array[rng() % std::size(array)]; };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto start = std::chrono::steady_clock::now();

  // Configuration: calendar, default policy, queues; clients with a site.
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) spec.hours[day] = {{"08:30", "17:00"}};
  spec.holidays = {"2024-12-25", "2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21", "2025-04-26",
                   "2025-05-29", "2025-06-09", "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03",
                   "2026-04-06", "2026-04-27", "2026-05-14", "2026-05-25", "2026-12-25", "2026-12-26"};
  BusinessCalendar calendar = must(BusinessCalendar::create(spec), "calendar");
  SlaPolicyRecord policy;
  policy.name = "Standard";
  policy.targets = {SlaTarget{30, 240, true}, SlaTarget{60, 480, false}, SlaTarget{240, 1350, false},
                    SlaTarget{480, 2700, false}};
  policy.is_default = true;
  policy.created_at = policy.updated_at = now;
  std::vector<QueueId> queues;
  std::vector<ClientId> client_ids;
  std::vector<SiteId> site_ids;
  std::vector<TicketStatus> statuses;
  {
    auto tx = must(store->write(), "begin");
    SlaCalendarRecord record{.name = "Office", .spec = spec};
    record.created_at = record.updated_at = now;
    policy.calendar_id = must(tx.sla_calendars().insert(record), "calendar");
    policy.id = must(tx.sla_policies().insert(policy), "policy");
    statuses = must(tx.ticket_statuses().list(), "statuses");
    for (auto& q : must(tx.queues().list(), "queues")) queues.push_back(q.id);
    for (const char* name : {"Projects", "Monitoring", "Onboarding", "Hardware", "Network", "Microsoft 365",
                             "Security", "Printing", "Telephony"}) {
      Queue q;
      q.name = name;
      q.created_at = q.updated_at = now;
      queues.push_back(must(tx.queues().insert(q), "queue"));
    }
    for (long i = 0; i < clients; ++i) {
      Client c;
      c.name = "Client " + std::to_string(i);
      c.created_at = c.updated_at = now;
      client_ids.push_back(must(tx.clients().insert(c), "client"));
      Site s;
      s.client_id = client_ids.back();
      s.name = "Main office";
      s.created_at = s.updated_at = now;
      site_ids.push_back(must(tx.sites().insert(s), "site"));
    }
    must(tx.commit(), "commit");
  }
  auto status_of = [&](StatusCategory category) -> const TicketStatus& {
    for (const auto& s : statuses) {
      if (s.category == category) return s;
    }
    return statuses.front();
  };

  const int64_t three_years_ms = int64_t{3} * 365 * 24 * 3600 * 1000;
  const long batch = 5000;
  for (long done = 0; done < tickets;) {
    auto tx = must(store->write(), "begin");
    for (long i = 0; i < batch && done < tickets; ++i, ++done) {
      Ticket t;
      // Creation times rise with the ticket number, spread over three years.
      int64_t age_ms = three_years_ms - three_years_ms * done / tickets;
      t.created_at = now - Duration(age_ms) + Duration(static_cast<int64_t>(rng() % 600'000));
      if (t.created_at > now) t.created_at = now;
      t.updated_at = t.created_at;
      size_t client = rng() % client_ids.size();
      t.client_id = client_ids[client];
      if (chance(0.6)) t.site_id = site_ids[client];
      t.subject = std::string(pick(kThings)) + " " + pick(kProblems) + " " + pick(kPlaces);
      t.description = std::string("The ") + pick(kThings) + " " + pick(kProblems) + " since this morning; the " +
                      pick(kThings) + " " + pick(kPlaces) + " works.";
      double r = std::uniform_real_distribution<double>(0, 1)(rng);
      t.priority = r < 0.05 ? Priority::p1 : r < 0.25 ? Priority::p2 : r < 0.75 ? Priority::p3 : Priority::p4;
      t.queue_id = queues[rng() % queues.size()];
      t.source = static_cast<TicketSource>(rng() % 6);
      t.type = static_cast<TicketType>(rng() % 4);
      t.sla_policy_id = policy.id;
      // Tickets of the last weeks are still being worked; older ones closed.
      bool recent = age_ms < int64_t{60} * 24 * 3600 * 1000;
      double c = std::uniform_real_distribution<double>(0, 1)(rng);
      StatusCategory category = !recent || c < 0.55 ? (c < 0.5 || !recent ? StatusCategory::closed : StatusCategory::resolved)
                                : c < 0.65 ? StatusCategory::new_
                                : c < 0.85 ? StatusCategory::open
                                : c < 0.95 ? StatusCategory::waiting_on_client
                                           : StatusCategory::waiting_on_vendor;
      const TicketStatus& status = status_of(category);
      t.status_id = status.id;
      t.status_category = category;

      SlaTicketFacts facts;
      facts.created_at = t.created_at;
      facts.terms.push_back({t.created_at, t.priority, to_sla_policy(policy, calendar)});
      const SlaTarget& target = policy.targets[static_cast<size_t>(t.priority)];
      BusinessCalendar clock_calendar = target.around_the_clock ? BusinessCalendar::always() : calendar;
      if (category != StatusCategory::new_) {
        // A reply after 10-110% of the response budget.
        int64_t minutes = std::max<int64_t>(1, target.first_response_minutes * (10 + static_cast<int64_t>(rng() % 101)) / 100);
        Instant reply = clock_calendar.add_business_minutes(t.created_at, minutes);
        if (reply < now) t.first_response_at = facts.first_response_at = reply;
      }
      if (is_done(category)) {
        int64_t minutes = std::max<int64_t>(1, target.resolution_minutes * (5 + static_cast<int64_t>(rng() % 111)) / 100);
        Instant resolved = clock_calendar.add_business_minutes(t.created_at, minutes);
        if (resolved > now) resolved = now;
        if (!t.first_response_at || *t.first_response_at > resolved) t.first_response_at = facts.first_response_at = resolved;
        t.resolved_at = facts.resolved_at = resolved;
        facts.status_changes.push_back({resolved, true});
      } else if (status.pauses_sla) {
        Instant paused = std::min(now, t.created_at + std::chrono::hours(2));
        facts.status_changes.push_back({paused, true});
      }
      auto evaluation = must(evaluate_sla(facts, now), "evaluate");
      TicketSla& s = t.sla;
      s.state = evaluation.state;
      s.response_due_at = evaluation.response.due_at;
      s.response_warning_at = evaluation.response.warning_at;
      s.response_breached_at = evaluation.response.breached_at;
      s.resolution_due_at = evaluation.resolution.due_at;
      s.resolution_warning_at = evaluation.resolution.warning_at;
      s.resolution_breached_at = evaluation.resolution.breached_at;
      if (evaluation.response.stopped_at) s.response_business_ms = evaluation.response.elapsed_ms;
      if (evaluation.resolution.stopped_at) s.resolution_business_ms = evaluation.resolution.elapsed_ms;
      s.next_event_at = next_sla_event(evaluation, now);
      if (t.resolved_at) t.updated_at = *t.resolved_at;

      TicketId id = must(tx.tickets().insert(t), "ticket");
      must(tx.tickets().add_terms(id, {t.created_at, t.priority, policy.id, policy.calendar_id, target,
                                       policy.warning_per_mille}),
           "terms");
      must(tx.tickets().add_status_change(id, {t.created_at, status.id, category, status.stops_resolution_time()}),
           "status change");
      // A third of the tickets carry a note (public or internal).
      if (chance(0.33)) {
        TicketNote note;
        note.ticket_id = id;
        note.author = "tech@example.test";
        note.visibility = chance(0.5) ? NoteVisibility::public_ : NoteVisibility::internal;
        note.body = pick(kRemarks);
        note.created_at = t.first_response_at.value_or(t.created_at);
        must(tx.ticket_notes().insert(note), "note");
        must(tx.tickets().index_note(id, note), "index note");
      }
    }
    must(tx.commit(), "commit");
    if (done % 100000 == 0) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%ld tickets (%.0f s)\n", done, seconds);
    }
  }
  {
    // Fresh statistics for the query planner, as `tend` would after a bulk import.
    auto tx = must(store->write(), "begin");
    must(store::Sql(tx.connection()).execute("ANALYZE"), "analyze");
    must(tx.commit(), "commit");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated %ld clients, %zu queues and %ld tickets in %.1f s\n", clients, queues.size(), tickets, seconds);
  return 0;
}
