#include "app/config.h"

#include <filesystem>
#include <toml++/toml.h>

extern char** environ;

namespace tend {
namespace {

// One table describing every key: name, how to read it, and the text that
// documents it. load_config and default_config_text both walk it, so the
// file written by `tend init` always matches what is read.
struct Key {
  const char* section;
  const char* name;
  const char* doc;
  std::string (*get_default)(const Config&);
  Status (*set)(Config&, const std::string& key, const toml::node& value);
};

Error bad(const std::string& key, const std::string& what) {
  return Error::invalid_field(key, what);
}

template <class T>
Result<T> as(const std::string& key, const toml::node& node) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = node.value<std::string>()) return *v;
    return std::unexpected(bad(key, "must be a string"));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.value<bool>()) return *v;
    return std::unexpected(bad(key, "must be true or false"));
  } else {
    if (auto v = node.value<int64_t>()) return static_cast<T>(*v);
    return std::unexpected(bad(key, "must be an integer"));
  }
}

Status in_range(const std::string& key, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    return std::unexpected(bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)));
  }
  return {};
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

const char* cost_name(PasswordCost c) {
  switch (c) {
    case PasswordCost::minimum: return "minimum";
    case PasswordCost::interactive: return "interactive";
    case PasswordCost::moderate: return "moderate";
  }
  return "interactive";
}

#define TEND_INT_KEY(section_, field_, doc_, lo_, hi_)                                            \
  Key {                                                                                          \
    #section_, #field_, doc_, [](const Config& c) { return std::to_string(c.section_.field_); }, \
        [](Config& c, const std::string& key, const toml::node& n) -> Status {                  \
          auto v = TEND_TRY(as<int64_t>(key, n));                                                \
          TEND_CHECK(in_range(key, v, lo_, hi_));                                                \
          c.section_.field_ = static_cast<decltype(c.section_.field_)>(v);                       \
          return {};                                                                             \
        }                                                                                        \
  }

#define TEND_BOOL_KEY(section_, field_, doc_)                                                       \
  Key {                                                                                            \
    #section_, #field_, doc_, [](const Config& c) { return std::string(c.section_.field_ ? "true" : "false"); }, \
        [](Config& c, const std::string& key, const toml::node& n) -> Status {                    \
          c.section_.field_ = TEND_TRY(as<bool>(key, n));                                          \
          return {};                                                                               \
        }                                                                                          \
  }

std::string join_mapping(const std::map<std::string, std::string>& map) {
  std::string out;
  for (const auto& [k, v] : map) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

Result<std::map<std::string, std::string>> mapping(const std::string& key, const toml::node& node) {
  auto text = TEND_TRY(as<std::string>(key, node));
  auto parsed = parse_export_mapping(text, key);
  if (!parsed) return std::unexpected(bad(key, parsed.error().fields.empty() ? parsed.error().message
                                                                             : parsed.error().fields[0].message));
  return parsed;
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      Key{"server", "listen", "Address and port to listen on (HOST:PORT; port 0 picks a free port).",
          [](const Config& c) { return quoted(c.server.listen); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.server.listen = TEND_TRY(as<std::string>(key, n));
            if (c.server.listen.rfind(':') == std::string::npos) return std::unexpected(bad(key, "must be HOST:PORT"));
            return {};
          }},
      TEND_INT_KEY(server, threads, "Worker threads; 0 means one per CPU core.", 0, 256),
      TEND_INT_KEY(server, max_body_bytes, "Largest request body accepted; larger gets 413.", 1024, 1LL << 30),
      TEND_INT_KEY(server, max_header_bytes, "Largest request header block accepted; larger gets 431.", 1024, 1 << 20),
      TEND_INT_KEY(server, request_timeout_seconds, "A request must arrive whole within this many seconds.", 1, 3600),
      TEND_INT_KEY(server, idle_timeout_seconds, "Idle keep-alive connections are closed after this.", 1, 86400),
      TEND_INT_KEY(server, shutdown_grace_seconds, "On SIGTERM, in-flight requests get this long to finish.", 0, 600),
      Key{"server", "public_url", "How people reach this server (printed, used in links); empty: derived from listen.",
          [](const Config& c) { return quoted(c.server.public_url); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.server.public_url = TEND_TRY(as<std::string>(key, n));
            return {};
          }},
      Key{"storage", "synchronous",
          "\"full\": a commit survives power loss; \"normal\": survives a crash of tend, may lose the last "
          "commits on power loss.",
          [](const Config& c) { return quoted(c.storage.synchronous); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            auto v = TEND_TRY(as<std::string>(key, n));
            if (v != "full" && v != "normal") return std::unexpected(bad(key, "must be \"full\" or \"normal\""));
            c.storage.synchronous = v;
            return {};
          }},
      TEND_INT_KEY(storage, reader_connections, "Database reader connections; 0 means threads + 2.", 0, 256),
      TEND_INT_KEY(storage, busy_timeout_ms, "How long a write waits for the database before giving up (503).", 100,
                   600000),
      TEND_INT_KEY(storage, cache_size_mib, "SQLite page cache per connection, in MiB.", 1, 4096),
      TEND_INT_KEY(auth, session_hours, "How long a login session lasts.", 1, 24 * 90),
      Key{"auth", "password_cost", "argon2id cost: \"interactive\" (64 MiB), \"moderate\" (256 MiB) or \"minimum\".",
          [](const Config& c) { return quoted(cost_name(c.auth.password_cost)); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            auto v = TEND_TRY(as<std::string>(key, n));
            if (v == "minimum") c.auth.password_cost = PasswordCost::minimum;
            else if (v == "interactive") c.auth.password_cost = PasswordCost::interactive;
            else if (v == "moderate") c.auth.password_cost = PasswordCost::moderate;
            else return std::unexpected(bad(key, "must be \"minimum\", \"interactive\" or \"moderate\""));
            return {};
          }},
      TEND_INT_KEY(auth, login_free_failures, "Failed logins per account before each further try must wait.", 1, 1000),
      TEND_INT_KEY(auth, login_free_failures_per_address,
                   "Failed logins per client address (any account) before slowing down.", 1, 100000),
      TEND_INT_KEY(auth, login_max_delay_seconds, "The longest wait imposed after repeated failures.", 1, 86400),
      TEND_BOOL_KEY(auth, secure_cookies, "Mark the session cookie Secure (set when served over HTTPS)."),
      Key{"log", "level", "trace, debug, info, warn or error.",
          [](const Config& c) { return quoted(c.log.level); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            auto v = TEND_TRY(as<std::string>(key, n));
            if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error") {
              return std::unexpected(bad(key, "must be trace, debug, info, warn or error"));
            }
            c.log.level = v;
            return {};
          }},
      TEND_BOOL_KEY(log, access_log, "Log one line per HTTP request."),
      TEND_INT_KEY(rmm, checkin_interval_seconds, "How often agents check in (seconds).", 5, 3600),
      TEND_INT_KEY(rmm, inventory_interval_seconds, "How often agents re-read their inventory (seconds).", 60, 7 * 86400),
      TEND_INT_KEY(rmm, offline_after_missed, "A device is offline after this many missed check-ins.", 1, 1000),
      TEND_INT_KEY(rmm, raw_retention_days, "Days raw metric samples are kept.", 1, 3650),
      TEND_INT_KEY(rmm, five_minute_retention_days, "Days 5-minute metric rollups are kept.", 1, 3650),
      TEND_INT_KEY(rmm, hourly_retention_days, "Days hourly metric rollups are kept.", 1, 36500),
      TEND_INT_KEY(rmm, rollup_interval_seconds, "How often rollups, retention and the offline sweep run.", 5, 86400),
      TEND_INT_KEY(rmm, ingest_queue_max, "Check-ins waiting for the writer before new ones get 503.", 100, 10000000),
      TEND_INT_KEY(rmm, ingest_batch_max, "Most agent records stored in one group commit.", 1, 1000000),
      Key{"export", "date_format", "Dates in accounting exports: \"DD/MM/YYYY\", \"MM/DD/YYYY\" or \"YYYY-MM-DD\".",
          [](const Config& c) {
            return quoted(c.exports.dates == ExportDateOrder::dmy   ? "DD/MM/YYYY"
                          : c.exports.dates == ExportDateOrder::mdy ? "MM/DD/YYYY"
                                                                    : "YYYY-MM-DD");
          },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            auto order = parse_export_date_order(TEND_TRY(as<std::string>(key, n)));
            if (!order) return std::unexpected(bad(key, "must be \"DD/MM/YYYY\", \"MM/DD/YYYY\" or \"YYYY-MM-DD\""));
            c.exports.dates = *order;
            return {};
          }},
      Key{"export", "account_code", "Xero AccountCode of every exported line (revenue account).",
          [](const Config& c) { return quoted(c.exports.account_code); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.exports.account_code = TEND_TRY(as<std::string>(key, n));
            return {};
          }},
      Key{"export", "account_codes",
          "Xero AccountCode by line kind, e.g. \"recurring_fee=210;block_purchase=220\" (others: account_code).",
          [](const Config& c) { return quoted(join_mapping(c.exports.account_codes)); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.exports.account_codes = TEND_TRY(mapping(key, n));
            return {};
          }},
      Key{"export", "tax_types",
          "The tax rate's name in Xero / QuickBooks by Tend tax code, e.g. \"NL21=21% (VAT on Income);exempt=Exempt "
          "Income\" (others: the Tend code; no code: \"No VAT\").",
          [](const Config& c) { return quoted(join_mapping(c.exports.tax_types)); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.exports.tax_types = TEND_TRY(mapping(key, n));
            return {};
          }},
      Key{"export", "quickbooks_items",
          "QuickBooks Item(Product/Service) by line kind, e.g. \"time=Hours\" (defaults: recurring_fee=Managed "
          "services, block_purchase=Prepaid hours, time=Labour, part=Parts, service=Fixed-price services).",
          [](const Config& c) { return quoted(join_mapping(c.exports.quickbooks_items)); },
          [](Config& c, const std::string& key, const toml::node& n) -> Status {
            c.exports.quickbooks_items = TEND_TRY(mapping(key, n));
            return {};
          }},
  };
  return k;
}

// Parses an environment variable's text as the TOML value it stands for.
std::unique_ptr<toml::node> env_value(const std::string& text, const Key& key, const Config& defaults) {
  std::string sample = key.get_default(defaults);
  if (!sample.empty() && sample[0] == '"') return std::make_unique<toml::value<std::string>>(text);
  if (sample == "true" || sample == "false") {
    if (text == "true" || text == "1") return std::make_unique<toml::value<bool>>(true);
    if (text == "false" || text == "0") return std::make_unique<toml::value<bool>>(false);
    return std::make_unique<toml::value<std::string>>(text);  // rejected by the setter
  }
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size()) return std::make_unique<toml::value<int64_t>>(v);
  } catch (const std::exception&) {
  }
  return std::make_unique<toml::value<std::string>>(text);
}

std::string env_name(const Key& key) {
  std::string name = std::string("TEND_") + key.section + "_" + key.name;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::string default_config_text() {
  Config defaults;
  std::string out =
      "# Tend configuration. Each key shows its default.\n"
      "# Any key can be overridden by an environment variable TEND_<SECTION>_<KEY>,\n"
      "# e.g. TEND_SERVER_LISTEN=0.0.0.0:8080; command-line flags override both.\n";
  std::string section;
  for (const auto& k : keys()) {
    if (section != k.section) {
      section = k.section;
      out += "\n[" + section + "]\n";
    }
    out += "# " + std::string(k.doc) + "\n";
    out += std::string(k.name) + " = " + k.get_default(defaults) + "\n";
  }
  return out;
}

Result<Config> load_config(const std::string& data_dir, const std::map<std::string, std::string>& environment) {
  Config config;
  const Config defaults;
  auto path = std::filesystem::path(data_dir) / "tend.toml";
  if (std::filesystem::exists(path)) {
    toml::table table;
    try {
      table = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
      return std::unexpected(Error::invalid(path.string() + ":" + std::to_string(e.source().begin.line) + ": " +
                                            std::string(e.description())));
    }
    for (const auto& [section_name, section_node] : table) {
      const auto* section = section_node.as_table();
      if (!section) {
        return std::unexpected(bad(std::string(section_name.str()), "is not a known section of tend.toml"));
      }
      for (const auto& [key_name, value] : *section) {
        std::string full = std::string(section_name.str()) + "." + std::string(key_name.str());
        const Key* match = nullptr;
        for (const auto& k : keys()) {
          if (section_name.str() == k.section && key_name.str() == k.name) match = &k;
        }
        if (!match) return std::unexpected(bad(full, "is not a known setting (see the comments in tend.toml)"));
        TEND_CHECK(match->set(config, full, value));
      }
    }
  }
  for (const auto& k : keys()) {
    auto it = environment.find(env_name(k));
    if (it == environment.end()) continue;
    auto node = env_value(it->second, k, defaults);
    TEND_CHECK(k.set(config, env_name(k), *node));
  }
  return config;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || !entry.starts_with("TEND_")) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

}  // namespace tend
