// A Tend data directory opened for use: configuration, store, use cases and
// the API, wired together. The composition used by `tend serve` and by the
// CLI commands that act on a data directory directly.
//
// Layout of a data directory:
//   tend.toml   configuration (documented defaults; env overrides)
//   tend.db     the SQLite database (+ -wal and -shm while open)
//   tend.lock   held (flock) by a running `tend serve`
#pragma once

#include <memory>
#include <string>

#include "api/agent_endpoint.h"
#include "api/api.h"
#include "app/auth_service.h"
#include "app/agent_directory.h"
#include "app/config.h"
#include "app/ingest_service.h"
#include "app/rmm_service.h"
#include "app/system_clock.h"
#include "app/tenancy_service.h"
#include "app/user_service.h"
#include "store/store.h"

namespace tend::cli {

struct Installation {
  std::string data_dir;
  Config config;
  SystemClock clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<TenancyService> tenancy;
  std::unique_ptr<UserService> users;
  std::unique_ptr<ProviderService> provider;
  std::unique_ptr<DeskSettingsService> desk_settings;
  std::unique_ptr<TicketService> tickets;
  std::unique_ptr<ScheduleService> schedules;
  std::unique_ptr<SlaReportService> sla_reports;
  // RMM: the credential directory, the group-commit writer (its thread runs
  // while the installation is open) and the use cases.
  std::unique_ptr<AgentDirectory> agents;
  std::unique_ptr<IngestService> ingest;
  std::unique_ptr<RmmService> rmm;
  std::unique_ptr<api::RmmApiServices> rmm_api;
  // Time, parts, services, contracts and import.
  std::unique_ptr<WorkService> work;
  std::unique_ptr<ContractService> contracts;
  std::unique_ptr<ImportService> imports;
  // Billing.
  std::unique_ptr<BillingService> billing;
  api::Metrics metrics;
  std::unique_ptr<api::Api> api;

  AppContext context() { return {*store, clock, config}; }
};

struct OpenOptions {
  bool migrate = true;         // apply pending migrations
  bool require_existing = true;  // refuse a directory without tend.db
  int reader_connections = 0;  // 0: from config
};

// Opens DIR: reads config, opens the store, builds services and the API.
// not_found when DIR is not a data directory (run `tend init`).
Result<std::unique_ptr<Installation>> open_installation(const std::string& data_dir, Config config,
                                                        const OpenOptions& options);

// The path of the database file in a data directory.
std::string database_path(const std::string& data_dir);

}  // namespace tend::cli
