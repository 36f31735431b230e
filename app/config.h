// Configuration of a data directory: `tend.toml` with documented defaults,
// overridden by environment variables, overridden by command-line flags.
//
// Every key `section.key` can be set with the environment variable
// TEND_SECTION_KEY (e.g. TEND_SERVER_LISTEN=0.0.0.0:8080).
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "app/crypto.h"
#include "core/accounting_export.h"
#include "core/error.h"

namespace tend {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;                       // 0: one per CPU core
  int64_t max_body_bytes = 1 << 20;      // larger bodies get 413
  int64_t max_header_bytes = 16 << 10;   // larger headers get 431
  int request_timeout_seconds = 30;      // a request must arrive whole within this
  int idle_timeout_seconds = 120;        // keep-alive connections idle longer are closed
  int shutdown_grace_seconds = 20;       // in-flight requests get this long on SIGTERM
  std::string public_url;                // how users reach the server (links, printed URL)
};

struct StorageConfig {
  std::string synchronous = "full";  // "full" (survives power loss) or "normal" (survives crashes)
  int reader_connections = 0;        // 0: threads + 2
  int busy_timeout_ms = 5000;
  int cache_size_mib = 16;
};

struct AuthConfig {
  int session_hours = 12;
  PasswordCost password_cost = PasswordCost::interactive;
  int login_free_failures = 5;         // failed logins per account before slowing down
  int login_free_failures_per_address = 20;
  int login_max_delay_seconds = 900;   // the longest enforced wait
  bool secure_cookies = false;         // set the Secure flag on the session cookie (HTTPS)
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  bool access_log = true;
};

// Endpoint agents and ingestion (docs/agent-protocol.md).
struct RmmConfig {
  int checkin_interval_seconds = 60;     // told to every agent
  int inventory_interval_seconds = 6 * 3600;
  int offline_after_missed = 3;          // a device is offline after this many missed check-ins
  int raw_retention_days = 7;            // raw samples
  int five_minute_retention_days = 90;   // 5-minute rollups
  int hourly_retention_days = 730;       // hourly rollups
  int rollup_interval_seconds = 300;     // how often rollups and retention run
  int ingest_queue_max = 50000;          // queued check-ins before 503
  int ingest_batch_max = 4000;           // records per group commit
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  AuthConfig auth;
  LogConfig log;
  RmmConfig rmm;
  // [export]: what the accounting exports (core/accounting_export.h) write
  // that Tend does not know: account codes, tax rate names, item names and
  // the date format of the tools.
  ExportOptions exports;
};

// The commented tend.toml written by `tend init`: every key with its default.
std::string default_config_text();

// Reads DIR/tend.toml (missing file: defaults) and applies environment
// overrides from `environment` (normally the process environment). Unknown
// keys and bad values are invalid_input naming the key.
Result<Config> load_config(const std::string& data_dir, const std::map<std::string, std::string>& environment);

// The process environment as a map (for load_config).
std::map<std::string, std::string> process_environment();

}  // namespace tend
