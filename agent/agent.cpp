#include "agent/agent.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "agent/http_client.h"
#include "agent/linux/checks.h"
#include "agent/linux/system.h"
#include "wire/agent_json.h"

namespace tend::agent {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void log_line(const char* level, const std::string& message) {
  std::fprintf(stderr, "tend-agent %s: %s\n", level, message.c_str());
  std::fflush(stderr);
}

Status write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return std::unexpected(Error::unavailable("cannot write " + path + ": " + std::strerror(errno)));
  ::fchmod(fd, mode);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return std::unexpected(Error::unavailable("cannot write " + path + ": " + std::strerror(errno)));
  }
  return {};
}

struct Enrollment {
  std::string server;
  int64_t device_id = 0;
  std::string credential;
  std::string ca_file;  // as written: relative to the state directory unless absolute
};

std::string ca_path(const std::string& state_dir, const std::string& ca_file) {
  return ca_file.empty() || ca_file.front() == '/' ? ca_file : state_dir + "/" + ca_file;
}

Result<Enrollment> read_enrollment(const std::string& state_dir) {
  std::string text = linux_system::read_file(state_dir + "/agent.conf");
  if (text.empty()) {
    return std::unexpected(Error::not_found("not enrolled: run `tend-agent enroll --server URL --token TOKEN` first"));
  }
  Enrollment e;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "server") e.server = value;
    else if (key == "device_id") e.device_id = std::atoll(value.c_str());
    else if (key == "credential") e.credential = value;
    else if (key == "ca_file") e.ca_file = value;
  }
  if (e.server.empty() || e.credential.empty()) return std::unexpected(Error::invalid(state_dir + "/agent.conf is incomplete"));
  return e;
}

Status ensure_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::unexpected(Error::unavailable("cannot create " + dir + ": " + std::strerror(errno)));
  }
  return {};
}

// FNV-1a, to notice that the inventory changed.
std::string fingerprint(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char out[20];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

void sleep_ms(int64_t ms) {
  if (ms <= 0) return;
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR && !g_stop) {
  }
}

class Agent {
 public:
  Agent(const AgentOptions& options, Enrollment enrollment, ServerUrl url, Spool spool)
      : options_(options), enrollment_(std::move(enrollment)), client_(std::move(url)), spool_(std::move(spool)),
        random_(std::random_device{}()) {
    std::string cached = linux_system::read_file(options_.state_dir + "/config.json");
    if (!cached.empty()) {
      if (auto config = wire::decode_agent_config(cached)) config_ = std::move(*config);
    }
    inventory_sum_ = linux_system::read_file(options_.state_dir + "/inventory.sum");
  }

  int interval_seconds() const {
    if (options_.interval_override_seconds > 0) return options_.interval_override_seconds;
    return std::max(1, config_.interval_seconds);
  }

  void run() {
    int64_t now = mono_ms();
    int start_delay_max = options_.start_delay_max_seconds >= 0 ? options_.start_delay_max_seconds
                                                                : std::min(interval_seconds(), 30);
    if (options_.once) start_delay_max = 0;
    int64_t next_collect = now + uniform(0, start_delay_max * 1000);
    int64_t next_inventory = next_collect;
    int64_t next_delivery = next_collect;
    int64_t backoff_ms = 0;
    metrics_.collect();  // prime the CPU counters
    while (!g_stop) {
      now = mono_ms();
      if (now >= next_collect) {
        bool with_inventory = now >= next_inventory;
        collect(with_inventory);
        if (with_inventory) next_inventory = now + static_cast<int64_t>(config_.inventory_interval_seconds) * 1000;
        // Jitter of +-10% keeps a fleet from synchronising.
        int64_t interval = interval_seconds() * 1000LL;
        next_collect = now + interval + uniform(-interval / 10, interval / 10);
        if (backoff_ms == 0) next_delivery = now;
      }
      if (spool_.pending_count() > 0 && now >= next_delivery) {
        if (deliver()) {
          backoff_ms = 0;
          next_delivery = now;
        } else {
          // Exponential backoff with full jitter, capped.
          backoff_ms = std::min<int64_t>(std::max<int64_t>(1000, backoff_ms * 2), options_.max_backoff_seconds * 1000LL);
          next_delivery = mono_ms() + uniform(backoff_ms / 2, backoff_ms);
        }
      }
      if (options_.once) {
        if (spool_.pending_count() == 0 || backoff_ms > 0) break;
        continue;
      }
      int64_t wake = next_collect;
      if (spool_.pending_count() > 0) wake = std::min(wake, next_delivery);
      sleep_ms(std::min<int64_t>(wake - mono_ms(), 1000));
    }
  }

 private:
  int64_t uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return std::uniform_int_distribution<int64_t>(lo, hi)(random_);
  }

  void collect(bool with_inventory) {
    rmm::AgentRecord record;
    record.seq = spool_.next_seq();
    record.at_ms = wall_ms();
    record.metrics = metrics_.collect();
    record.checks = linux_system::run_checks(config_.checks, record.metrics);
    if (with_inventory) {
      std::string inventory = linux_system::inventory_json(kAgentVersion);
      std::string sum = fingerprint(inventory);
      if (sum != inventory_sum_) {
        record.inventory_json = std::move(inventory);
        inventory_sum_ = sum;
        pending_inventory_sum_ = true;
      }
    }
    auto appended = spool_.append(record.at_ms, wire::encode(record), record.at_ms);
    if (!appended) {
      log_line("error", "cannot spool a record: " + appended.error().message);
      return;
    }
    if (pending_inventory_sum_) {
      // Recorded in the spool: remember it so a restart does not resend it.
      (void)write_file(options_.state_dir + "/inventory.sum", inventory_sum_, 0600);
      pending_inventory_sum_ = false;
    }
  }

  // Sends one batch; true when the server stored it (or nothing was left).
  bool deliver() {
    auto records = spool_.pending(std::clamp<size_t>(static_cast<size_t>(options_.batch_records), 1, rmm::kMaxRecordsPerCheckin),
                                  static_cast<size_t>(options_.batch_bytes));
    if (!records) {
      log_line("error", "cannot read the spool: " + records.error().message);
      return false;
    }
    if (records->empty()) return true;
    rmm::CheckinRequest header;
    header.agent_version = kAgentVersion;
    header.config_version = config_.version;
    header.dropped_total = spool_.dropped_total();
    header.spooled = spool_.pending_count();
    std::vector<std::string_view> texts;
    texts.reserve(records->size());
    for (const auto& r : *records) texts.push_back(r.payload);
    std::string body = wire::encode_checkin(header, texts);
    auto reply = client_.post("/api/v1/agent/checkin", body, enrollment_.credential, 30000);
    if (!reply) return note_failure(reply.error().message);
    if (reply->status == 401) return note_failure("the server refused the device credential (revoked?); re-enroll");
    if (reply->status != 200) return note_failure("the server answered " + std::to_string(reply->status) + ": " + reply->body);
    auto response = wire::decode_checkin_response(reply->body);
    if (!response) return note_failure("malformed reply: " + response.error().message);
    auto acked = spool_.acknowledge(response->acked_seq);
    if (!acked) return note_failure(acked.error().message);
    if (response->config) {
      config_ = std::move(*response->config);
      (void)write_file(options_.state_dir + "/config.json", wire::encode(config_), 0600);
    } else if (response->interval_seconds > 0) {
      config_.interval_seconds = response->interval_seconds;
    }
    write_status(true, "");
    return response->acked_seq >= records->back().seq;
  }

  bool note_failure(const std::string& why) {
    if (why != last_error_) log_line("warn", "delivery failed: " + why);
    last_error_ = why;
    client_.close();
    write_status(false, why);
    return false;
  }

  void write_status(bool ok, const std::string& error) {
    if (ok) last_success_ms_ = wall_ms();
    else last_error_ = error;
    std::string text = "last_attempt_ms=" + std::to_string(wall_ms()) + "\nlast_success_ms=" +
                       std::to_string(last_success_ms_) + "\nconnected=" + (ok ? "yes" : "no") +
                       "\nlast_error=" + (ok ? std::string() : error) + "\n";
    std::string path = options_.state_dir + "/status";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)!::write(fd, text.data(), text.size());
      ::close(fd);
    }
  }

  const AgentOptions& options_;
  Enrollment enrollment_;
  HttpClient client_;
  Spool spool_;
  std::mt19937_64 random_;
  rmm::AgentConfig config_;
  linux_system::MetricsCollector metrics_;
  std::string inventory_sum_;
  bool pending_inventory_sum_ = false;
  std::string last_error_;
  int64_t last_success_ms_ = 0;
};

}  // namespace

Status enroll(const std::string& server_url, const std::string& token, const AgentOptions& options) {
  auto url = TEND_TRY(parse_server_url(server_url));
  std::string ca_text;
  if (!options.ca_file.empty()) {
    TEND_CHECK(set_tls_ca_file(options.ca_file));
    ca_text = linux_system::read_file(options.ca_file);
  }
  TEND_CHECK(ensure_dir(options.state_dir));
  ::chmod(options.state_dir.c_str(), 0700);
  rmm::EnrollRequest request;
  request.token = token;
  request.hostname = linux_system::hostname();
  request.machine_id = linux_system::machine_id();
  request.agent_version = kAgentVersion;
  request.inventory_json = linux_system::inventory_json(kAgentVersion);
  if (request.hostname.empty()) request.hostname = "unknown";
  HttpClient client(url);
  auto reply = TEND_TRY(client.post("/api/v1/agent/enroll", wire::encode(request), "", 30000));
  if (reply.status == 401) return std::unexpected(Error::unauthenticated("the server refused the enrollment token"));
  if (reply.status != 201) {
    return std::unexpected(Error::invalid("enrollment failed with HTTP " + std::to_string(reply.status) + ": " + reply.body));
  }
  auto response = TEND_TRY(wire::decode_enroll_response(reply.body));
  std::string conf = "server=" + server_url + "\ndevice_id=" + std::to_string(response.device_id) +
                     "\ncredential=" + response.credential + "\n";
  if (!ca_text.empty()) {
    TEND_CHECK(write_file(options.state_dir + "/ca.pem", ca_text, 0600));
    conf += "ca_file=ca.pem\n";
  } else {
    ::unlink((options.state_dir + "/ca.pem").c_str());
  }
  TEND_CHECK(write_file(options.state_dir + "/agent.conf", conf, 0600));
  TEND_CHECK(write_file(options.state_dir + "/config.json", wire::encode(response.config), 0600));
  // A new enrollment starts a new sequence: clear what an earlier one left.
  std::string spool_dir = options.state_dir + "/spool";
  if (auto old = Spool::open(spool_dir, options.spool)) {
    (void)old->acknowledge(old->next_seq() - 1);
  }
  ::unlink((spool_dir + "/acked").c_str());
  ::unlink((options.state_dir + "/inventory.sum").c_str());
  std::printf("enrolled as device %lld with %s\n", static_cast<long long>(response.device_id), server_url.c_str());
  return {};
}

Status run(const AgentOptions& options) {
  auto enrollment = TEND_TRY(read_enrollment(options.state_dir));
  auto url = TEND_TRY(parse_server_url(enrollment.server));
  if (!enrollment.ca_file.empty()) TEND_CHECK(set_tls_ca_file(ca_path(options.state_dir, enrollment.ca_file)));
  auto spool = TEND_TRY(Spool::open(options.state_dir + "/spool", options.spool));
  struct sigaction action {};
  action.sa_handler = on_signal;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  Agent agent(options, std::move(enrollment), std::move(url), std::move(spool));
  agent.run();
  return {};
}

int print_status(const AgentOptions& options) {
  auto enrollment = read_enrollment(options.state_dir);
  if (!enrollment) {
    std::printf("enrolled: no (%s)\n", enrollment.error().message.c_str());
    return 1;
  }
  std::printf("enrolled: yes (device %lld at %s)\n", static_cast<long long>(enrollment->device_id),
              enrollment->server.c_str());
  if (!enrollment->ca_file.empty()) {
    std::printf("trusts: the system CA bundle and %s\n", ca_path(options.state_dir, enrollment->ca_file).c_str());
  }
  std::string status = linux_system::read_file(options.state_dir + "/status");
  auto value = [&](const std::string& key) {
    auto pos = status.find(key + "=");
    if (pos == std::string::npos) return std::string();
    auto end = status.find('\n', pos);
    return status.substr(pos + key.size() + 1, end - pos - key.size() - 1);
  };
  std::string connected = value("connected");
  std::printf("connected: %s", connected.empty() ? "unknown (no delivery attempted yet)" : connected.c_str());
  long long success = std::atoll(value("last_success_ms").c_str());
  if (success > 0) std::printf(" (last delivery %lld s ago)", static_cast<long long>((wall_ms() - success) / 1000));
  std::printf("\n");
  if (connected == "no") std::printf("last error: %s\n", value("last_error").c_str());
  auto spool = summarize_spool(options.state_dir + "/spool");
  if (spool) {
    std::printf("spooled: %lld records (%lld bytes), acknowledged up to %lld, dropped %lld\n",
                static_cast<long long>(spool->pending), static_cast<long long>(spool->bytes),
                static_cast<long long>(spool->acked_seq), static_cast<long long>(spool->dropped_total));
  }
  return 0;
}

}  // namespace tend::agent
