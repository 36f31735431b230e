// `tend init|serve|migrate|backup|restore|token|sla`: the commands that act
// on a data directory as a whole.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/http_server.h"
#include "app/crypto.h"
#include "app/log.h"
#include "app/rmm_upkeep.h"
#include "app/sla_eval.h"
#include "app/sla_watcher.h"
#include "cli/admin_commands.h"
#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_store.h"

namespace tend::cli {
namespace {

namespace fs = std::filesystem;

// An exclusive lock on DIR/tend.lock, held by `tend serve` and `tend
// restore` so they never run against the same directory at once.
class DirectoryLock {
 public:
  static Result<DirectoryLock> acquire(const std::string& data_dir, const std::string& purpose) {
    std::string path = (fs::path(data_dir) / "tend.lock").string();
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return std::unexpected(Error::unavailable("cannot open " + path));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return std::unexpected(Error::conflict("another tend process holds " + path + "; stop `tend serve` before " + purpose));
    }
    return DirectoryLock(fd);
  }
  DirectoryLock(DirectoryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_;
};

// ---- init ----------------------------------------------------------------------

struct InitOptions {
  std::string data_dir;
  std::string admin_email;
  std::string admin_password;
  std::string admin_name = "Administrator";
  std::string provider_name = "My IT Services";
  std::string currency = "EUR";
  std::string time_zone = "Europe/Amsterdam";
};

int run_init(const InitOptions& o) {
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return report(Error::unavailable("cannot create " + o.data_dir + ": " + ec.message()));
  fs::permissions(o.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  auto config_path = fs::path(o.data_dir) / "tend.toml";
  if (!fs::exists(config_path)) {
    std::ofstream out(config_path);
    out << default_config_text();
    if (!out) return report(Error::unavailable("cannot write " + config_path.string()));
  }
  auto config = config_for(o.data_dir);
  if (!config) return report(config.error());
  config->log.access_log = false;
  OpenOptions options;
  options.require_existing = false;
  options.reader_connections = 1;
  auto inst = open_installation(o.data_dir, *config, options);
  if (!inst) return report(inst.error());
  ProviderSettings provider;
  provider.name = o.provider_name;
  auto currency = Currency::parse(o.currency);
  if (!currency) return report(Error::invalid_field("currency", currency.error().message));
  provider.currency = *currency;
  provider.time_zone = o.time_zone;
  auto done = initialize_installation((*inst)->context(), provider, o.admin_email, o.admin_name, o.admin_password);
  if (!done) return report(done.error());
  std::cout << "initialised " << o.data_dir << " (schema version " << store::sqlite_schema_head() << ")\n"
            << "admin: " << o.admin_email << "\n"
            << "start the server with: tend serve --data " << o.data_dir << "\n";
  return kOk;
}

// ---- serve ---------------------------------------------------------------------

struct ServeOptions {
  std::string data_dir;
  std::string listen;
  int threads = 0;
};

int run_serve(const ServeOptions& o) {
  auto config = config_for(o.data_dir);
  if (!config) return report(config.error());
  if (!o.listen.empty()) config->server.listen = o.listen;
  if (o.threads > 0) config->server.threads = o.threads;
  if (config->server.threads <= 0) config->server.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  log::set_level(config->log.level);
  auto directory_lock = DirectoryLock::acquire(o.data_dir, "serving it twice");
  if (!directory_lock) return report(directory_lock.error());
  auto inst = open_installation(o.data_dir, *config, {});
  if (!inst) return report(inst.error());
  Installation& installation = **inst;

  api::HttpServerOptions server_options;
  server_options.threads = config->server.threads;
  server_options.max_body_bytes = config->server.max_body_bytes;
  server_options.max_header_bytes = config->server.max_header_bytes;
  server_options.request_timeout = std::chrono::seconds(config->server.request_timeout_seconds);
  server_options.idle_timeout = std::chrono::seconds(config->server.idle_timeout_seconds);
  server_options.shutdown_grace = std::chrono::seconds(config->server.shutdown_grace_seconds);
  api::HttpServer server([&](api::HttpRequest& request) { return installation.api->handle(request); }, server_options);
  // Agent check-ins wait for their group commit without holding a thread.
  api::AgentEndpoint agent_endpoint(*installation.rmm_api);
  server.set_deferred_handler([&agent_endpoint](api::HttpRequest& request, const api::HttpServer::Responder& respond) {
    return agent_endpoint.try_handle(request, respond);
  });
  RmmUpkeep rmm_upkeep(*installation.rmm, config->rmm);

  auto& metrics = installation.metrics;
  store::Store& store = *installation.store;
  auto stat = [&store](int64_t store::StoreStats::*field) {
    return [&store, field] { return static_cast<double>(store.stats().*field); };
  };
  metrics.add_sample("tend_db_read_connections", "Database reader connections in the pool.", "gauge",
                     stat(&store::StoreStats::read_connections));
  metrics.add_sample("tend_db_read_connections_in_use", "Reader connections in use now.", "gauge",
                     stat(&store::StoreStats::read_connections_in_use));
  metrics.add_sample("tend_db_read_transactions_total", "Read transactions started.", "counter",
                     stat(&store::StoreStats::read_transactions));
  metrics.add_sample("tend_db_write_transactions_total", "Write transactions started.", "counter",
                     stat(&store::StoreStats::write_transactions));
  metrics.add_sample("tend_db_write_commits_total", "Write transactions committed.", "counter",
                     stat(&store::StoreStats::write_commits));
  metrics.add_sample("tend_db_write_rollbacks_total", "Write transactions rolled back.", "counter",
                     stat(&store::StoreStats::write_rollbacks));
  metrics.add_sample("tend_db_write_wait_seconds_total", "Time spent waiting for the database writer.", "counter",
                     [&store] { return static_cast<double>(store.stats().write_wait_us_total) / 1e6; });
  metrics.add_sample("tend_db_read_wait_seconds_total", "Time spent waiting for a reader connection.", "counter",
                     [&store] { return static_cast<double>(store.stats().read_wait_us_total) / 1e6; });
  const IngestStats& ingest = installation.ingest->stats();
  auto ingest_stat = [&ingest](const std::atomic<int64_t> IngestStats::*field) {
    return [&ingest, field] { return static_cast<double>((ingest.*field).load()); };
  };
  metrics.add_sample("tend_ingest_checkins_total", "Agent check-ins stored.", "counter",
                     ingest_stat(&IngestStats::checkins));
  metrics.add_sample("tend_ingest_records_total", "Agent records stored.", "counter",
                     ingest_stat(&IngestStats::records_stored));
  metrics.add_sample("tend_ingest_duplicates_total", "Agent records already stored (retries), skipped.", "counter",
                     ingest_stat(&IngestStats::records_duplicate));
  metrics.add_sample("tend_ingest_values_total", "Metric values stored.", "counter",
                     ingest_stat(&IngestStats::values_stored));
  metrics.add_sample("tend_ingest_batches_total", "Group commits.", "counter", ingest_stat(&IngestStats::batches));
  metrics.add_sample("tend_ingest_batch_failures_total", "Group commits that failed.", "counter",
                     ingest_stat(&IngestStats::batch_failures));
  metrics.add_sample("tend_ingest_rejected_busy_total", "Check-ins refused with 503 (queue full).", "counter",
                     ingest_stat(&IngestStats::rejected_busy));
  metrics.add_sample("tend_ingest_queued", "Check-ins waiting for the writer.", "gauge",
                     ingest_stat(&IngestStats::queued));
  const api::HttpServerStats& server_stats = server.stats();
  metrics.add_sample("tend_http_connections_open", "Open client connections.", "gauge",
                     [&server_stats] { return static_cast<double>(server_stats.connections_open.load()); });
  metrics.add_sample("tend_http_connections_accepted_total", "Accepted client connections.", "counter",
                     [&server_stats] { return static_cast<double>(server_stats.connections_accepted.load()); });
  metrics.add_sample("tend_http_requests_rejected_total",
                     "Requests refused before routing (too large, too slow, malformed).", "counter",
                     [&server_stats] { return static_cast<double>(server_stats.requests_rejected.load()); });

  // The SLA watcher: sleeps until the earliest stored SLA event or schedule
  // run and records warnings, breaches and maintenance tickets; ticket and
  // schedule changes wake it early. Hooks are set before any request.
  SlaWatcher sla_watcher(installation.clock, *installation.tickets, *installation.schedules);
  installation.tickets->on_next_sla_event([&sla_watcher](Instant at) { sla_watcher.wake_for(at); });
  installation.schedules->on_next_run([&sla_watcher](Instant at) { sla_watcher.wake_for(at); });
  installation.desk_settings->on_tickets_marked([&sla_watcher] { sla_watcher.wake(); });
  std::thread sla_thread([&sla_watcher] { sla_watcher.run(); });
  struct SlaThreadStop {
    SlaWatcher& watcher;
    std::thread& thread;
    ~SlaThreadStop() {
      watcher.stop();
      if (thread.joinable()) thread.join();
    }
  } sla_thread_stop{sla_watcher, sla_thread};

  auto bound = server.listen(config->server.listen);
  if (!bound) return report(bound.error());
  std::string url = config->server.public_url.empty() ? "http://" + *bound : config->server.public_url;
  log::info("server.listening", {{"address", *bound},
                                 {"url", url},
                                 {"threads", config->server.threads},
                                 {"data", o.data_dir},
                                 {"schema_version", store.schema_version().value_or(0)}});
  std::cout << "tend listening on " << url << std::endl;

  // Background upkeep: purge expired sessions. Stops with the server.
  std::mutex upkeep_mutex;
  std::condition_variable upkeep_cv;
  bool stopping = false;
  std::thread upkeep([&] {
    std::unique_lock lock(upkeep_mutex);
    while (!upkeep_cv.wait_for(lock, std::chrono::minutes(10), [&] { return stopping; })) {
      auto now = installation.clock.now();
      auto purged = store::in_write_transaction(store, [&](store::Transaction& tx) {
        return tx.sessions().purge_expired(now - std::chrono::hours(24));
      });
      if (purged && *purged > 0) log::info("sessions.purged", {{"count", *purged}});
    }
  });

  rmm_upkeep.start();
  server.run();
  // Complete every parked check-in before the server's executor goes away.
  rmm_upkeep.stop();
  installation.ingest->stop();

  {
    std::lock_guard lock(upkeep_mutex);
    stopping = true;
  }
  upkeep_cv.notify_all();
  upkeep.join();
  log::info("server.stopped", {{"data", o.data_dir}});
  return kOk;
}

// ---- migrate / backup / restore ---------------------------------------------------

int run_migrate(const std::string& data_dir, bool status_only) {
  if (!fs::exists(database_path(data_dir))) {
    return report(Error::not_found(data_dir + " is not a Tend data directory (no tend.db)"));
  }
  auto config = config_for(data_dir);
  if (!config) return report(config.error());
  store::SqliteOptions options;
  options.busy_timeout_ms = config->storage.busy_timeout_ms;
  auto connection = store::SqliteConnection::open(database_path(data_dir), options);
  if (!connection) return report(connection.error());
  auto before = store::applied_version(**connection);
  if (!before) return report(before.error());
  int head = store::sqlite_schema_head();
  if (status_only) {
    std::cout << "schema version " << *before << " of " << head
              << (*before < head ? " (run `tend migrate` to apply the rest)" : " (up to date)") << "\n";
    return kOk;
  }
  SystemClock clock;
  auto store = store::open_sqlite_store(database_path(data_dir), {.connection = options, .reader_connections = 1},
                                        clock.now());
  if (!store) return report(store.error());
  std::cout << "schema version " << *before << " -> " << (*store)->schema_version().value_or(0) << "\n";
  return kOk;
}

int run_backup(const std::string& data_dir, const std::string& out) {
  auto config = config_for(data_dir);
  if (!config) return report(config.error());
  store::SqliteStoreOptions options;
  options.migrate = false;
  options.reader_connections = 1;
  options.connection.busy_timeout_ms = config->storage.busy_timeout_ms;
  if (!fs::exists(database_path(data_dir))) {
    return report(Error::not_found(data_dir + " is not a Tend data directory (no tend.db)"));
  }
  SystemClock clock;
  auto store = store::open_sqlite_store(database_path(data_dir), options, clock.now());
  if (!store) return report(store.error());
  std::string target = fs::absolute(out).string();
  auto done = (*store)->backup_to(target);
  if (!done) return report(done.error());
  std::cout << "backup written to " << target << " (" << fs::file_size(target) << " bytes, schema version "
            << (*store)->schema_version().value_or(0) << ")\n";
  return kOk;
}

int run_restore(const std::string& data_dir, const std::string& from, bool force) {
  if (!fs::exists(from)) return report(Error::not_found("no backup at " + from));
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  auto directory_lock = DirectoryLock::acquire(data_dir, "restoring");
  if (!directory_lock) return report(directory_lock.error());
  std::string db = database_path(data_dir);
  if (fs::exists(db) && !force) {
    return report(Error::conflict(data_dir + " already holds data; pass --force to replace it with the backup"));
  }
  // Check the backup before touching anything.
  {
    store::SqliteOptions options;
    options.read_only = true;
    auto connection = store::SqliteConnection::open(from, options);
    if (!connection) return report(connection.error());
    auto rows = store::Sql(**connection).query("PRAGMA integrity_check");
    if (!rows) return report(Error::invalid(from + " is not a Tend backup: " + rows.error().message));
    auto has = (*rows)->next();
    if (!has || !*has || (*rows)->text(0) != "ok") return report(Error::invalid(from + " is damaged"));
    rows->reset();  // finish the statement before the next query
    auto version = store::Sql(**connection).scalar("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!version) return report(Error::invalid(from + " is not a Tend backup (no schema version)"));
    if (*version > store::sqlite_schema_head()) {
      return report(Error::conflict("the backup has schema version " + std::to_string(*version) +
                                    ", newer than this tend knows; use a newer tend"));
    }
  }
  std::string staging = db + ".restoring";
  fs::remove(staging, ec);
  fs::copy_file(from, staging, ec);
  if (ec) return report(Error::unavailable("cannot copy the backup: " + ec.message()));
  {
    int fd = ::open(staging.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  fs::remove(db + "-wal", ec);
  fs::remove(db + "-shm", ec);
  fs::rename(staging, db, ec);
  if (ec) return report(Error::unavailable("cannot put the backup in place: " + ec.message()));
  if (!fs::exists(fs::path(data_dir) / "tend.toml")) {
    std::ofstream(fs::path(data_dir) / "tend.toml") << default_config_text();
  }
  SystemClock clock;
  auto store = store::open_sqlite_store(db, {.reader_connections = 1}, clock.now());
  if (!store) return report(store.error());
  std::cout << "restored " << from << " into " << data_dir << " (schema version "
            << (*store)->schema_version().value_or(0) << ")\n";
  return kOk;
}

// ---- tokens ------------------------------------------------------------------------

int run_token_create(const std::string& data_dir, const std::string& email, const std::string& name, int days) {
  auto config = config_for(data_dir);
  if (!config) return report(config.error());
  config->log.access_log = false;
  auto inst = open_installation(data_dir, *config, {.reader_connections = 1});
  if (!inst) return report(inst.error());
  auto user = store::in_read_transaction(*(*inst)->store, [&](store::Transaction& tx) {
    return tx.users().find_by_email(email);
  });
  if (!user) return report(Error::not_found("no user with e-mail " + email));
  std::optional<Instant> expires;
  if (days > 0) expires = (*inst)->clock.now() + std::chrono::hours(24 * days);
  auto created = (*inst)->auth->create_api_token(principal_of(*user), name, expires);
  if (!created) return report(created.error());
  std::cout << created->secret << "\n";
  std::cerr << "API token " << created->token.id.value() << " for " << user->email
            << " created; it is shown only now.\n";
  return kOk;
}

// ---- sla eval --------------------------------------------------------------------------

int run_sla_eval(const std::string& file) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) return report(Error::invalid("cannot read " + file));
    text << in.rdbuf();
  }
  auto result = evaluate_sla_cases_text(text.str());
  if (!result) {
    std::fprintf(stderr, "tend sla eval: %s\n", result.error().message.c_str());
    for (const auto& f : result.error().fields) std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.message.c_str());
    return kInvalid;
  }
  std::cout << result->dump(2) << "\n";
  return kOk;
}

}  // namespace

void add_admin_commands(CLI::App& app, int& exit_code) {
  {
    auto o = std::make_shared<InitOptions>();
    auto* c = app.add_subcommand("init", "Create a data directory with its configuration and first admin");
    c->add_option("--data", o->data_dir, "Data directory to create")->required()->envname("TEND_DATA");
    c->add_option("--admin-email", o->admin_email, "E-mail of the first admin")->required();
    c->add_option("--admin-password", o->admin_password, "Password of the first admin (min. 10 characters)")
        ->required()
        ->envname("TEND_ADMIN_PASSWORD");
    c->add_option("--admin-name", o->admin_name, "Name of the first admin");
    c->add_option("--provider-name", o->provider_name, "Your company's name");
    c->add_option("--currency", o->currency, "Default currency (ISO 4217)");
    c->add_option("--time-zone", o->time_zone, "Your time zone (IANA)");
    c->callback([o, &exit_code] { exit_code = run_init(*o); });
  }
  {
    auto o = std::make_shared<ServeOptions>();
    auto* c = app.add_subcommand("serve", "Run the server");
    c->add_option("--data", o->data_dir, "Data directory")->required()->envname("TEND_DATA");
    c->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)");
    c->add_option("--threads", o->threads, "Worker threads (default: CPU cores)");
    c->callback([o, &exit_code] { exit_code = run_serve(*o); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto status = std::make_shared<bool>(false);
    auto* c = app.add_subcommand("migrate", "Apply pending schema migrations (serve does this too)");
    c->add_option("--data", *data, "Data directory")->required()->envname("TEND_DATA");
    c->add_flag("--status", *status, "Only show the schema version");
    c->callback([data, status, &exit_code] { exit_code = run_migrate(*data, *status); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto* c = app.add_subcommand("backup", "Write a consistent copy of the database while the server runs");
    c->add_option("--data", *data, "Data directory")->required()->envname("TEND_DATA");
    c->add_option("--out", *out, "Backup file to create (must not exist)")->required();
    c->callback([data, out, &exit_code] { exit_code = run_backup(*data, *out); });
  }
  {
    auto data = std::make_shared<std::string>();
    auto from = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    auto* c = app.add_subcommand("restore", "Put a backup in place (the server must be stopped)");
    c->add_option("--data", *data, "Data directory")->required()->envname("TEND_DATA");
    c->add_option("--from", *from, "Backup file made by tend backup")->required();
    c->add_flag("--force", *force, "Replace existing data");
    c->callback([data, from, force, &exit_code] { exit_code = run_restore(*data, *from, *force); });
  }
  {
    auto* token = app.add_subcommand("token", "Manage API tokens");
    token->require_subcommand(1);
    auto data = std::make_shared<std::string>();
    auto email = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto days = std::make_shared<int>(0);
    auto* c = token->add_subcommand("create", "Create an API token for a user (prints the secret once)");
    c->add_option("--data", *data, "Data directory")->required()->envname("TEND_DATA");
    c->add_option("--user", *email, "E-mail of the user the token acts as")->required();
    c->add_option("--name", *name, "What the token is for")->required();
    c->add_option("--expires-days", *days, "Expire after this many days (default: never)");
    c->callback([data, email, name, days, &exit_code] { exit_code = run_token_create(*data, *email, *name, *days); });
  }
  {
    auto* sla = app.add_subcommand("sla", "SLA tools");
    sla->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto* c = sla->add_subcommand("eval", "Compute due times for calendar cases (JSON in, JSON out); see docs/sla.md");
    c->add_option("file", *file, "Input JSON file (- for stdin)")->required();
    c->callback([file, &exit_code] { exit_code = run_sla_eval(*file); });
  }
}

}  // namespace tend::cli
