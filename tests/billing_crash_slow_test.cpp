// Crash test of the billing run (slow-ish: 40-50 s under ASan on a loaded
// 2-core machine; "slow" in its name, ctest label "integration"): the real `tend billing run --data DIR` is killed
// with SIGKILL at random moments, again and again, on a copy of a data
// directory with a few hundred clients of work (bench/billing_data.h), and
// after every kill the database must hold only whole drafts:
//   * each client has at most one draft for the period, and every draft is
//     exactly the draft an uninterrupted run makes (same lines, totals);
//   * every billable item is on at most one invoice, and the items a line
//     bills point back at that line (and nothing else is marked invoiced);
//   * every draft's totals are the sums of its lines.
// Then an uninterrupted run on the killed copy must end with exactly the
// invoices of an uninterrupted run on the other copy, and SQLite's
// integrity check must pass.
//
// The kill delay is uniform over the duration of the uninterrupted run; the
// test counts the kills that hit a running process (at least 20) and those
// that left a partial run behind (some drafts, not all: at least one); once
// a copy is billed completely it starts again from the unbilled data.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "app/system_clock.h"
#include "bench/billing_data.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/support/tend_process.h"

extern char** environ;

namespace tend::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* kPeriod = "2026-10";
constexpr int kClients = 160;

// Starts `tend args...` with output to /dev/null; returns its pid.
pid_t spawn_tend(const std::vector<std::string>& args) {
  std::vector<std::string> all = {tend_binary()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start tend");
  return pid;
}

std::vector<std::string> run_args(const std::string& dir) {
  return {"billing", "run", "--data", dir, "--period", kPeriod, "--billing-date", "2026-10-31"};
}

// A read-write handle (opening recovers the WAL a killed process left).
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Every row of `sql`, each as its columns joined with '|'.
  std::vector<std::string> rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db_));
    }
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = sqlite3_column_text(stmt, i);
        row += (i ? "|" : "") + (text ? std::string(reinterpret_cast<const char*>(text)) : std::string("NULL"));
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("query failed: ") + sqlite3_errmsg(db_));
    return out;
  }
  int64_t scalar(const std::string& sql) { return std::stoll(rows(sql).at(0)); }

 private:
  sqlite3* db_ = nullptr;
};

// Each client's draft of the period as text: header totals and every line
// (position, kind, description, quantity, unit, price, factor, amount,
// tax, keys, service dates), without ids and timestamps.
std::map<int64_t, std::string> drafts_by_client(Db& db) {
  std::map<int64_t, std::string> out;
  for (const auto& row : db.rows(
           "SELECT i.client_id, i.kind || '|' || i.status || '|' || i.currency || '|' || i.period || '|' || "
           "i.period_from || '|' || i.period_to || '|' || i.payment_terms_days || '|' || i.net || '|' || i.tax || "
           "'|' || i.total || char(10) || coalesce((SELECT group_concat(x, char(10)) FROM (SELECT l.position || '|' "
           "|| l.kind || '|' || l.description || '|' || l.quantity_num || '/' || l.quantity_den || '|' || l.unit || "
           "'|' || l.unit_price || '|' || l.factor_num || '/' || l.factor_den || '|' || l.amount || '|' || "
           "coalesce(l.tax_category_id, '') || '|' || l.tax_code || '|' || l.tax_rate || '|' || l.tax_amount || "
           "'|' || l.item_key || '|' || l.line_key || '|' || coalesce(l.service_from, '') || '|' || "
           "coalesce(l.service_to, '') AS x FROM invoice_lines l WHERE l.invoice_id = i.id ORDER BY l.position)), "
           "'') FROM invoices i WHERE i.period = '2026-10' ORDER BY i.client_id, i.id")) {
    const auto bar = row.find('|');
    const int64_t client = std::stoll(row.substr(0, bar));
    if (out.count(client)) throw std::runtime_error("two drafts for client " + std::to_string(client));
    out.emplace(client, row.substr(bar + 1));
  }
  return out;
}

// The invariants that must hold at any moment; empty when they do.
std::string broken_invariants(Db& db) {
  const std::pair<const char*, const char*> checks[] = {
      {"a client with two drafts of the period",
       "SELECT count(*) FROM (SELECT client_id FROM invoices WHERE status = 'draft' AND period = '2026-10' "
       "GROUP BY client_id HAVING count(*) > 1)"},
      {"an item on two invoices",
       "SELECT count(*) FROM (SELECT item_key FROM invoice_lines WHERE item_key <> '' GROUP BY item_key "
       "HAVING count(DISTINCT invoice_id) > 1)"},
      {"a time entry on two lines",
       "SELECT count(*) FROM (SELECT time_entry_id FROM invoice_lines WHERE time_entry_id IS NOT NULL "
       "GROUP BY time_entry_id HAVING count(*) > 1)"},
      {"a billed time entry not marked with its line",
       "SELECT count(*) FROM invoice_lines l JOIN time_entries t ON t.id = l.time_entry_id "
       "WHERE t.status <> 'invoiced' OR t.invoice_line_id IS NOT l.id"},
      {"a billed part or service not marked with its line",
       "SELECT (SELECT count(*) FROM invoice_lines l JOIN part_usages u ON u.id = l.part_usage_id "
       "WHERE u.status <> 'invoiced' OR u.invoice_line_id IS NOT l.id) + (SELECT count(*) FROM invoice_lines l "
       "JOIN service_usages u ON u.id = l.service_usage_id WHERE u.status <> 'invoiced' OR u.invoice_line_id IS "
       "NOT l.id)"},
      {"an item marked invoiced without its line",
       "SELECT (SELECT count(*) FROM time_entries t WHERE t.status = 'invoiced' AND NOT EXISTS (SELECT 1 FROM "
       "invoice_lines l WHERE l.id = t.invoice_line_id AND l.time_entry_id = t.id)) + (SELECT count(*) FROM "
       "part_usages u WHERE u.status = 'invoiced' AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.id = "
       "u.invoice_line_id AND l.part_usage_id = u.id)) + (SELECT count(*) FROM service_usages u WHERE u.status = "
       "'invoiced' AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.id = u.invoice_line_id AND "
       "l.service_usage_id = u.id))"},
      {"a block marked invoiced without its line",
       "SELECT count(*) FROM hour_blocks b WHERE b.invoice_line_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
       "invoice_lines l WHERE l.id = b.invoice_line_id AND l.hour_block_id = b.id)"},
      {"a ledger row locked for an entry that is not invoiced",
       "SELECT count(*) FROM block_ledger g JOIN time_entries t ON t.id = g.time_entry_id "
       "WHERE g.locked = 1 AND t.status <> 'invoiced'"},
      {"a draft whose totals are not the sums of its lines",
       "SELECT count(*) FROM invoices i WHERE i.net <> (SELECT coalesce(sum(amount), 0) FROM invoice_lines "
       "WHERE invoice_id = i.id) OR i.tax <> (SELECT coalesce(sum(tax_amount), 0) FROM invoice_lines WHERE "
       "invoice_id = i.id) OR i.total <> i.net + i.tax"},
      {"a draft without lines", "SELECT count(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l "
                                "WHERE l.invoice_id = i.id)"},
  };
  std::string out;
  for (const auto& [what, sql] : checks) {
    const int64_t n = db.scalar(sql);
    if (n != 0) out += std::string(what) + " (" + std::to_string(n) + "); ";
  }
  return out;
}

void copy_dir(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    fs::copy_file(entry.path(), fs::path(to) / entry.path().filename());
  }
}

TEST(BillingCrashSlow, KilledRunsLeaveWholeDraftsAndTheFinalRunEqualsAnUninterruptedOne) {
  TempDir base;
  const std::string a = base.path() + "/a", b = base.path() + "/b";
  auto init = run_tend({"init", "--data", a, "--admin-email", "admin@test.tend", "--admin-password",
                        "test-password-123"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  {
    SystemClock clock;
    store::SqliteStoreOptions options;
    options.connection.synchronous = "NORMAL";
    options.reader_connections = 1;
    auto store = store::open_sqlite_store(a + "/tend.db", options, clock.now());
    ASSERT_TRUE(store) << store.error().message;
    BillingDataShape shape;
    shape.clients = kClients;
    shape.contracts_per_client = 3;
    shape.devices_per_client = 3;
    shape.tickets_per_client = 4;
    shape.entries_per_client = 25;
    shape.parts_per_client = 1;
    shape.services_per_client = 1;
    shape.month = kPeriod;
    auto made = generate_billing_data(**store, shape, clock.now());
    ASSERT_TRUE(made) << made.error().message;
  }
  const std::string pristine = base.path() + "/pristine";
  copy_dir(a, pristine);
  copy_dir(a, b);

  // Uninterrupted on A: the expected invoices and the duration of a run.
  const auto started = Clock::now();
  auto whole = run_tend(run_args(a));
  const auto duration = Clock::now() - started;
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  std::map<int64_t, std::string> expected;
  {
    Db db(a + "/tend.db");
    expected = drafts_by_client(db);
    ASSERT_EQ(broken_invariants(db), "");
  }
  ASSERT_EQ(expected.size(), static_cast<size_t>(kClients));
  const auto duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  std::printf("uninterrupted run: %lld ms\n", static_cast<long long>(duration_ms));

  // Killed at random moments on B.
  std::mt19937_64 random(std::random_device{}());
  std::uniform_int_distribution<int64_t> delay_ms(0, duration_ms);
  int hits = 0, partial = 0, finished = 0, attempts = 0;
  while (hits < 22 && attempts < 60) {
    ++attempts;
    const pid_t pid = spawn_tend(run_args(b));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ++hits;
    } else {
      ++finished;
    }
    Db db(b + "/tend.db");
    const std::string broken = broken_invariants(db);
    ASSERT_EQ(broken, "") << "after kill " << attempts;
    auto drafts = drafts_by_client(db);
    for (const auto& [client, draft] : drafts) {
      ASSERT_EQ(draft, expected[client]) << "client " << client << " after kill " << attempts;
    }
    if (!drafts.empty() && drafts.size() < expected.size()) ++partial;
    if (drafts.size() == expected.size()) {
      // Billed completely: start again from the unbilled copy, so that later
      // kills can leave partial runs too.
      fs::remove_all(b);
      copy_dir(pristine, b);
    }
  }
  std::printf("kills: %d attempts, %d hit a running process, %d left a partial run, %d runs had finished\n",
              attempts, hits, partial, finished);
  EXPECT_GE(hits, 20);
  EXPECT_GE(partial, 1);

  // Finished without interruption: exactly the invoices of A.
  auto last = run_tend(run_args(b));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  Db db(b + "/tend.db");
  EXPECT_EQ(broken_invariants(db), "");
  EXPECT_EQ(drafts_by_client(db), expected);
  EXPECT_EQ(db.rows("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(db.scalar("SELECT count(*) FROM time_entries WHERE status = 'approved'"), 0);
}

}  // namespace
}  // namespace tend::testing
