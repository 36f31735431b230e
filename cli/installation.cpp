#include "cli/installation.h"

#include <filesystem>
#include <thread>

#include "app/crypto.h"
#include "store/sqlite/sqlite_store.h"

namespace tend::cli {

std::string database_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "tend.db").string();
}

Result<std::unique_ptr<Installation>> open_installation(const std::string& data_dir, Config config,
                                                        const OpenOptions& options) {
  TEND_CHECK(init_crypto());
  std::string db = database_path(data_dir);
  if (options.require_existing && !std::filesystem::exists(db)) {
    return std::unexpected(Error::not_found(data_dir + " is not a Tend data directory (no tend.db); run `tend init --data " +
                                            data_dir + " ...` first"));
  }
  auto inst = std::make_unique<Installation>();
  inst->data_dir = data_dir;
  inst->config = std::move(config);
  store::SqliteStoreOptions store_options;
  store_options.migrate = options.migrate;
  store_options.connection.busy_timeout_ms = inst->config.storage.busy_timeout_ms;
  store_options.connection.cache_size_kib = inst->config.storage.cache_size_mib * 1024;
  store_options.connection.synchronous = inst->config.storage.synchronous == "normal" ? "NORMAL" : "FULL";
  int threads = inst->config.server.threads > 0 ? inst->config.server.threads
                                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  store_options.reader_connections = options.reader_connections > 0 ? options.reader_connections
                                     : inst->config.storage.reader_connections > 0
                                         ? inst->config.storage.reader_connections
                                         : threads + 2;
  inst->store = TEND_TRY(store::open_sqlite_store(db, store_options, inst->clock.now()));
  AppContext context = inst->context();
  inst->auth = std::make_unique<AuthService>(context);
  inst->tenancy = std::make_unique<TenancyService>(context);
  inst->users = std::make_unique<UserService>(context);
  inst->provider = std::make_unique<ProviderService>(context);
  inst->desk_settings = std::make_unique<DeskSettingsService>(context);
  inst->tickets = std::make_unique<TicketService>(context);
  inst->schedules = std::make_unique<ScheduleService>(context, *inst->tickets);
  inst->sla_reports = std::make_unique<SlaReportService>(context);
  inst->agents = std::make_unique<AgentDirectory>(*inst->store);
  inst->ingest = std::make_unique<IngestService>(context, *inst->agents);
  inst->rmm = std::make_unique<RmmService>(context, *inst->agents);
  inst->rmm_api = std::make_unique<api::RmmApiServices>(api::RmmApiServices{*inst->rmm, *inst->ingest, *inst->agents});
  inst->work = std::make_unique<WorkService>(context);
  inst->contracts = std::make_unique<ContractService>(context);
  inst->imports = std::make_unique<ImportService>(context, *inst->tickets);
  inst->billing = std::make_unique<BillingService>(context);
  api::ApiOptions api_options;
  api_options.access_log = inst->config.log.access_log;
  api_options.secure_cookies = inst->config.auth.secure_cookies;
  api_options.session_hours = inst->config.auth.session_hours;
  api_options.version = TEND_VERSION;
  inst->api = std::make_unique<api::Api>(
      api::ApiServices{*inst->store, inst->clock, *inst->auth, *inst->tenancy, *inst->users, *inst->provider,
                       *inst->desk_settings, *inst->tickets, *inst->schedules, *inst->sla_reports, inst->rmm_api.get(),
                       inst->work.get(), inst->contracts.get(), inst->imports.get(),
                       inst->billing.get()},
      inst->metrics, api_options);
  return inst;
}

}  // namespace tend::cli
