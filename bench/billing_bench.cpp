// tend-billing-bench: the billing run at scale (bench/README.md, "Billing
// run").
//
//   tend-billing-bench generate --data DIR [--clients 10000] [--contracts 5]
//       [--devices 10] [--tickets 10] [--entries 100] [--parts 2]
//       [--services 1] [--month 2026-10] [--seed 1]
//   tend-billing-bench run --data DIR --period 2026-10 [--work DIR2] [--repeat 3] [--cache-mib 16]
//
// `generate` fills DIR (made by `tend init`) with bench/billing_data.h's
// data set. `run` copies DIR/tend.db to a scratch directory (DIR2, default
// DIR/bench-work) for each repetition, so every repetition starts from the
// same unbilled month, and then on that copy, with the store opened as the
// server opens it (WAL, synchronous FULL, 16 MiB cache):
//   1. the bare SQL aggregation over the same rows: the month's approved,
//      uninvoiced time entries per client and work type (count, minutes,
//      billable minutes, amount at the work type's rate), the parts and
//      services per client, and the contracts and devices per client;
//   2. the billing run (BillingService::run, as `tend billing run` and
//      POST /api/v1/billing/runs call it), checked: one draft per client,
//      every time entry, part and service of the month on one line;
//   3. the same run again, which must create nothing (all "unchanged");
//   4. the run of the next month on the same copy: only its recurring fees
//      are new, the first run's invoices are now history (what a provider's
//      next month costs once a month of lines is stored; a run must not
//      read the history it does not bill).
// It prints the times and the ratio of 2 to 1 per repetition and the best
// of each.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "app/billing_service.h"
#include "app/system_clock.h"
#include "bench/billing_data.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace tend;
using Seconds = std::chrono::duration<double>;
using Steady = std::chrono::steady_clock;

int usage() {
  std::fprintf(stderr,
               "usage: tend-billing-bench generate --data DIR [--clients N] [--contracts N] [--devices N]\n"
               "           [--tickets N] [--entries N] [--parts N] [--services N] [--month YYYY-MM] [--seed N]\n"
               "       tend-billing-bench run --data DIR --period P [--work DIR] [--repeat N] [--cache-mib 16]\n");
  return 2;
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "tend-billing-bench: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

double since(Steady::time_point start) { return Seconds(Steady::now() - start).count(); }

// CPU seconds (user + system) of this process so far: on a shared machine
// the wall time includes waiting for a core, this does not.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int64_t scalar(store::Store& store, const std::string& sql) {
  auto tx = must(store.read(), "read");
  return must(store::Sql(tx.connection()).scalar(sql), "query");
}

// The bare SQL: what any billing must at least read. Returns a checksum of
// the rows so nothing is optimised away, and the number of groups.
struct Aggregate {
  int64_t groups = 0;
  int64_t entries = 0;
  int64_t amount = 0;
};

Aggregate bare_sql(store::Store& store, const BillingPeriod& period) {
  auto tx = must(store.read(), "read");
  store::Sql sql(tx.connection());
  Aggregate a;
  const std::string from = format_civil_date(period.first_day), to = format_civil_date(period.last_day);
  {
    auto rows = must(sql.query("SELECT t.client_id, t.work_type_id, count(*), sum(t.actual_minutes), "
                               "sum(t.billable_minutes), sum(t.billable_minutes * w.hourly_rate / 60) "
                               "FROM time_entries t JOIN work_types w ON w.id = t.work_type_id "
                               "WHERE t.work_date >= ? AND t.work_date <= ? AND t.status = 'approved' "
                               "AND t.invoice_line_id IS NULL AND t.removed_at IS NULL AND t.billing = 'billable' "
                               "GROUP BY t.client_id, t.work_type_id",
                               from, to),
                     "time");
    while (must(rows->next(), "time")) {
      ++a.groups;
      a.entries += rows->i64(2);
      a.amount += rows->i64(5);
    }
  }
  for (const char* table : {"part_usages", "service_usages"}) {
    const std::string date = std::string(table) == "part_usages" ? "used_on" : "performed_on";
    auto rows = must(sql.query(std::string("SELECT client_id, count(*), sum(quantity * unit_price) FROM ") + table +
                                   " WHERE " + date + " >= ? AND " + date +
                                   " <= ? AND status = 'approved' AND invoice_line_id IS NULL AND removed_at IS NULL "
                                   "GROUP BY client_id",
                               from, to),
                     "items");
    while (must(rows->next(), "items")) {
      ++a.groups;
      a.amount += rows->i64(2);
    }
  }
  {
    auto rows = must(sql.query("SELECT client_id, kind, count(*) FROM contracts GROUP BY client_id, kind"), "contracts");
    while (must(rows->next(), "contracts")) a.groups += rows->i64(2) > 0;
  }
  {
    auto rows = must(sql.query("SELECT client_id, class, count(*) FROM devices WHERE revoked_at IS NULL "
                               "GROUP BY client_id, class"),
                     "devices");
    while (must(rows->next(), "devices")) a.amount += rows->i64(2);
  }
  return a;
}

int generate(const std::string& data, const BillingDataShape& shape) {
  SystemClock clock;
  store::SqliteStoreOptions options;
  options.connection.synchronous = "NORMAL";
  options.connection.cache_size_kib = 256 * 1024;
  options.reader_connections = 1;
  auto store = must(store::open_sqlite_store(data + "/tend.db", options, clock.now()), "open");
  auto start = Steady::now();
  auto s = must(generate_billing_data(*store, shape, clock.now()), "generate");
  std::printf("generated %lld clients, %lld contracts, %lld devices, %lld tickets, %lld time entries, "
              "%lld part usages, %lld service usages in %.1f s\n",
              static_cast<long long>(s.clients), static_cast<long long>(s.contracts),
              static_cast<long long>(s.devices), static_cast<long long>(s.tickets),
              static_cast<long long>(s.time_entries), static_cast<long long>(s.part_usages),
              static_cast<long long>(s.service_usages), since(start));
  // Checked with the app's own reads.
  auto tx = must(store->read(), "read");
  std::printf("store reads back: %lld clients, %lld contracts, %lld time entries\n",
              static_cast<long long>(must(tx.clients().count(store::ArchiveFilter::active), "clients")),
              static_cast<long long>(must(tx.contracts().count(), "contracts")),
              static_cast<long long>(must(tx.time_entries().count(), "entries")));
  return 0;
}

int run(const std::string& data, const std::string& period_text, std::string work, int repeat, int cache_mib) {
  namespace fs = std::filesystem;
  if (work.empty()) work = data + "/bench-work";
  const BillingPeriod period = must(BillingPeriod::parse(period_text), "period");
  const std::chrono::year_month next_month =
      std::chrono::year_month_day(period.last_day + std::chrono::days(1)).year() /
      std::chrono::year_month_day(period.last_day + std::chrono::days(1)).month();
  const BillingPeriod next_period = BillingPeriod::month(next_month);
  double best_sql = 1e9, best_run = 1e9, best_again = 1e9, best_next = 1e9;
  for (int r = 1; r <= repeat; ++r) {
    fs::remove_all(work);
    fs::create_directories(work);
    fs::copy_file(data + "/tend.db", work + "/tend.db");
    SystemClock clock;
    Config config;
    store::SqliteStoreOptions options;  // as the server: WAL, synchronous FULL, 16 MiB cache
    options.reader_connections = 2;
    options.connection.cache_size_kib = cache_mib * 1024;  // [storage] cache_size_mib
    auto store = must(store::open_sqlite_store(work + "/tend.db", options, clock.now()), "open");
    const int64_t entries_before = scalar(*store, "SELECT count(*) FROM time_entries WHERE status = 'approved'");

    auto start = Steady::now();
    double cpu = cpu_seconds();
    Aggregate aggregate = bare_sql(*store, period);
    const double sql_seconds = since(start), sql_cpu = cpu_seconds() - cpu;

    BillingService billing(AppContext{*store, clock, config});
    BillingRunRequest request;
    request.period = period_text;
    request.billing_date = period.last_day;
    start = Steady::now();
    cpu = cpu_seconds();
    auto result = must(billing.run(Principal::local_admin(), request), "billing run");
    const double run_seconds = since(start), run_cpu = cpu_seconds() - cpu;

    std::map<std::string, int> outcomes;
    for (const auto& c : result.clients) ++outcomes[c.outcome];
    const int64_t invoices = scalar(*store, "SELECT count(*) FROM invoices WHERE status = 'draft'");
    const int64_t lines = scalar(*store, "SELECT count(*) FROM invoice_lines");
    const int64_t left = scalar(*store, "SELECT count(*) FROM time_entries WHERE status = 'approved'");
    const int64_t unlinked = scalar(*store,
                                    "SELECT count(*) FROM time_entries t WHERE status = 'invoiced' AND NOT EXISTS "
                                    "(SELECT 1 FROM invoice_lines l WHERE l.id = t.invoice_line_id "
                                    "AND l.time_entry_id = t.id)");

    start = Steady::now();
    auto again = must(billing.run(Principal::local_admin(), request), "second run");
    const double again_seconds = since(start);
    std::map<std::string, int> again_outcomes;
    for (const auto& c : again.clients) ++again_outcomes[c.outcome];
    const int64_t invoices_after = scalar(*store, "SELECT count(*) FROM invoices");

    BillingRunRequest next_request;
    next_request.period = next_period.to_string();
    next_request.billing_date = next_period.last_day;
    start = Steady::now();
    auto next = must(billing.run(Principal::local_admin(), next_request), "next month's run");
    const double next_seconds = since(start);
    std::map<std::string, int> next_outcomes;
    for (const auto& c : next.clients) ++next_outcomes[c.outcome];

    std::printf("run %d: bare SQL %.3f s (cpu %.3f s; %lld groups, %lld entries); billing run %.3f s (cpu %.3f s); "
                "ratio %.2f (cpu %.2f); second run %.3f s; next month %.3f s\n",
                r, sql_seconds, sql_cpu, static_cast<long long>(aggregate.groups),
                static_cast<long long>(aggregate.entries), run_seconds, run_cpu, run_seconds / sql_seconds,
                run_cpu / sql_cpu, again_seconds, next_seconds);
    std::fflush(stdout);
    std::printf("  drafts %lld, lines %lld, time entries invoiced %lld of %lld (left approved %lld, "
                "not on their line %lld); outcomes:",
                static_cast<long long>(invoices), static_cast<long long>(lines),
                static_cast<long long>(entries_before - left), static_cast<long long>(entries_before),
                static_cast<long long>(left), static_cast<long long>(unlinked));
    for (const auto& [k, v] : outcomes) std::printf(" %s %d", k.c_str(), v);
    std::printf("; second run:");
    for (const auto& [k, v] : again_outcomes) std::printf(" %s %d", k.c_str(), v);
    std::printf(" (invoices %lld); next month:", static_cast<long long>(invoices_after));
    for (const auto& [k, v] : next_outcomes) std::printf(" %s %d", k.c_str(), v);
    std::printf("\n");
    if (left != 0 || unlinked != 0 || invoices_after != invoices || outcomes.count("failed") ||
        again_outcomes.count("created") || again_outcomes.count("replaced") || again_outcomes.count("failed") ||
        next_outcomes.count("failed")) {
      std::fprintf(stderr, "tend-billing-bench: the run did not bill every item exactly once, or the second "
                           "run changed something\n");
      return 1;
    }
    best_sql = std::min(best_sql, sql_seconds);
    best_run = std::min(best_run, run_seconds);
    best_again = std::min(best_again, again_seconds);
    best_next = std::min(best_next, next_seconds);
  }
  std::printf("best of %d: bare SQL %.3f s, billing run %.3f s, ratio %.2f (best run / best SQL); second run %.3f s; "
              "next month %.3f s\n",
              repeat, best_sql, best_run, best_run / best_sql, best_again, best_next);
  std::filesystem::remove_all(work);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string what = argv[1];
  std::string data, period, work;
  int repeat = 1;
  int cache_mib = 16;  // the server's default ([storage] cache_size_mib)
  BillingDataShape shape;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    auto number = [&] { return std::strtoll(value, nullptr, 10); };
    if (flag == "--data") data = value;
    else if (flag == "--period") period = value;
    else if (flag == "--work") work = value;
    else if (flag == "--repeat") repeat = static_cast<int>(number());
    else if (flag == "--cache-mib") cache_mib = static_cast<int>(number());
    else if (flag == "--clients") shape.clients = number();
    else if (flag == "--contracts") shape.contracts_per_client = static_cast<int>(number());
    else if (flag == "--devices") shape.devices_per_client = static_cast<int>(number());
    else if (flag == "--tickets") shape.tickets_per_client = static_cast<int>(number());
    else if (flag == "--entries") shape.entries_per_client = static_cast<int>(number());
    else if (flag == "--parts") shape.parts_per_client = static_cast<int>(number());
    else if (flag == "--services") shape.services_per_client = static_cast<int>(number());
    else if (flag == "--month") shape.month = value;
    else if (flag == "--seed") shape.seed = static_cast<uint64_t>(number());
    else return usage();
  }
  if (data.empty()) return usage();
  if (what == "generate") return generate(data, shape);
  if (what == "run" && !period.empty() && repeat >= 1) return run(data, period, work, repeat, cache_mib);
  return usage();
}
