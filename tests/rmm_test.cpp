// Integration tests of RMM part 1: the real tend-agent binary against the
// real `tend serve` on loopback. Delivery guarantees are checked in the
// database itself: the stored sequence numbers of a device must be exactly
// first..acked, ascending, each once.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <functional>
#include <sstream>
#include <thread>

#include "tests/support/tend_process.h"
#include "tests/support/tls_server.h"

namespace tend::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string agent_binary() { return TEND_AGENT_BINARY; }

// Polls `done` until it holds or the deadline passes (no fixed sleeps).
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = 60s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a child process; returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A TCP forwarder on a fixed loopback port to whatever server runs now, so
// the agent keeps one URL while the server stops and starts on new ports.
class Relay {
 public:
  Relay() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~Relay() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
    for (auto& t : pipes_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // "" refuses every connection (the server is down).
  void target(const std::string& server_url) {
    std::lock_guard lock(mutex_);
    target_port_ = server_url.empty() ? 0 : std::stoi(server_url.substr(server_url.rfind(':') + 1));
  }

 private:
  void accept_loop() {
    while (!stop_) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      int port;
      {
        std::lock_guard lock(mutex_);
        port = target_port_;
      }
      int upstream = -1;
      if (port > 0) {
        upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
          ::close(upstream);
          upstream = -1;
        }
      }
      if (upstream < 0) {
        ::close(client);
        continue;
      }
      pipes_.emplace_back([client, upstream] {
        pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
        char buffer[65536];
        for (;;) {
          if (::poll(fds, 2, 1000) < 0) break;
          bool closed = false;
          for (int i = 0; i < 2 && !closed; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
            if (n <= 0 || ::send(fds[1 - i].fd, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) closed = true;
          }
          if (closed) break;
        }
        ::close(client);
        ::close(upstream);
      });
    }
  }
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  int target_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> pipes_;
};

// The stored sequence numbers of a device, in storage order.
std::vector<int64_t> stored_seqs(const std::string& db_path, int64_t device) {
  sqlite3* db = nullptr;
  std::vector<int64_t> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq FROM agent_samples WHERE device_id = ? ORDER BY id", -1, &stmt, nullptr);
  sqlite3_bind_int64(stmt, 1, device);
  while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

int64_t count_rows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return n;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

// The acknowledged sequence and dropped total the agent keeps on disk.
std::pair<int64_t, int64_t> agent_acked(const std::string& state) {
  std::istringstream in(read_text(state + "/spool/acked"));
  int64_t acked = 0, dropped = 0;
  in >> acked >> dropped;
  return {acked, dropped};
}

// Sequences must be exactly first..last, ascending, once each.
void expect_contiguous(const std::vector<int64_t>& seqs, int64_t first, int64_t last) {
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), first);
  EXPECT_EQ(seqs.back(), last);
  EXPECT_EQ(static_cast<int64_t>(seqs.size()), last - first + 1) << "lost or doubled records";
  for (size_t i = 1; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], seqs[i - 1] + 1) << "out of order at " << i;
}

struct RmmWorld {
  TendServer server;
  Http http{server.url()};
  TempDir scratch;
  std::string admin;
  int64_t client_a = 0, site_a = 0, client_b = 0, site_b = 0;

  std::vector<pid_t> agents;  // started by run_agent; killed when the test ends, even on failure

  ~RmmWorld() {
    for (pid_t pid : agents) {
      if (::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
  }

  RmmWorld() {
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
    client_a = create("/api/v1/clients", {{"name", "Alpha Bakkerij"}});
    site_a = create("/api/v1/sites", {{"client_id", client_a}, {"name", "Winkel"}});
    client_b = create("/api/v1/clients", {{"name", "Beta Garage"}});
    site_b = create("/api/v1/sites", {{"client_id", client_b}, {"name", "Werkplaats"}});
  }
  int64_t create(const std::string& path, const json& body) {
    auto r = http.post(path, body, admin);
    if (r.status != 201) throw std::runtime_error("create " + path + " failed: " + r.body);
    return r.json()["id"].get<int64_t>();
  }
  std::string enrollment_token(int64_t site, int uses = 10) {
    auto r = http.post("/api/v1/enrollment-tokens", {{"site_id", site}, {"max_uses", uses}, {"expires_in", "1d"}}, admin);
    if (r.status != 201) throw std::runtime_error("token: " + r.body);
    return r.json()["token"];
  }
  // Enrolls the real agent into `state`; returns the device id.
  int64_t enroll_agent(const std::string& state, const std::string& url, int64_t site,
                       std::vector<std::string> extra = {}) {
    std::string log = scratch.path() + "/enroll.log";
    std::vector<std::string> args = {agent_binary(), "enroll", "--server", url, "--token", enrollment_token(site),
                                     "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = spawn(args, log);
    if (wait_exit(pid) != 0) throw std::runtime_error("enroll failed: " + read_text(log));
    std::string conf = read_text(state + "/agent.conf");
    auto pos = conf.find("device_id=");
    return std::stoll(conf.substr(pos + 10));
  }
  pid_t run_agent(const std::string& state, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {agent_binary(), "run", "--state", state, "--interval", "1", "--start-delay", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = spawn(args, state + ".log");
    agents.push_back(pid);
    return pid;
  }
  // Stops an agent with SIGTERM (or SIGKILL) and forgets it.
  void stop(pid_t pid, int signal = SIGTERM) {
    ::kill(pid, signal);
    wait_exit(pid);
    std::erase(agents, pid);
  }
  json device(int64_t id) { return http.get("/api/v1/devices/" + std::to_string(id), admin).json(); }
  std::string credential(const std::string& state) {
    std::string conf = read_text(state + "/agent.conf");
    auto pos = conf.find("credential=");
    return conf.substr(pos + 11, conf.find('\n', pos) - pos - 11);
  }
  Response checkin(const std::string& credential, const std::string& body) {
    return http.request("POST", "/api/v1/agent/checkin", body, credential);
  }
};

// Records waiting in an agent's spool, as `tend-agent status` reports them.
int64_t spooled_count(const std::string& scratch, const std::string& state) {
  std::string log = scratch + "/status.log";
  std::filesystem::remove(log);
  wait_exit(spawn({agent_binary(), "status", "--state", state}, log));
  std::string text = read_text(log);
  auto pos = text.find("spooled: ");
  return pos == std::string::npos ? -1 : std::stoll(text.substr(pos + 9));
}


// https:// with a private CA: the agent enrolls and checks in through a
// TLS-terminating python3 proxy in front of the server, trusting the CA given
// with --ca-file; an HTTPS check against a python3 HTTPS server passes with
// that CA and fails with the verification reason on an agent without it.
TEST(Rmm, HttpsUplinkAndHttpsCheckWithAPrivateCa) {
  RmmWorld w;
  TestCertificates certs(w.scratch.path());
  std::string server_port = w.server.url().substr(w.server.url().rfind(':') + 1);
  PythonHttpsServer proxy(certs.server_cert, certs.server_key, "forward", server_port);
  PythonHttpsServer site(certs.server_cert, certs.server_key, "canned", "200");

  // Without the CA the enrollment over https:// is refused, with the reason.
  std::string untrusted = w.scratch.path() + "/untrusted";
  std::string log = w.scratch.path() + "/untrusted-enroll.log";
  EXPECT_NE(wait_exit(spawn({agent_binary(), "enroll", "--server", proxy.url(), "--token", w.enrollment_token(w.site_a),
                             "--state", untrusted},
                            log)),
            0);
  EXPECT_NE(read_text(log).find("failed verification"), std::string::npos) << read_text(log);

  std::string tls_state = w.scratch.path() + "/tls-agent";
  int64_t tls_device = w.enroll_agent(tls_state, proxy.url(), w.site_a, {"--ca-file", certs.ca});
  EXPECT_NE(read_text(tls_state + "/agent.conf").find("ca_file=ca.pem"), std::string::npos);
  EXPECT_EQ(read_text(tls_state + "/ca.pem"), read_text(certs.ca));
  std::string plain_state = w.scratch.path() + "/plain-agent";
  int64_t plain_device = w.enroll_agent(plain_state, w.server.url(), w.site_b);

  auto add_check = [&](int64_t device) {
    auto r = w.http.post("/api/v1/devices/" + std::to_string(device) + "/checks",
                         {{"kind", "http"}, {"name", "site"}, {"target", site.url() + "/health"}}, w.admin);
    if (r.status != 201) throw std::runtime_error("add check: " + r.body);
    return r.json()["id"].get<int64_t>();
  };
  int64_t tls_check = add_check(tls_device), plain_check = add_check(plain_device);
  w.run_agent(tls_state);
  w.run_agent(plain_state);
  auto latest = [&](int64_t device, int64_t check) {
    auto r = w.http.get("/api/v1/devices/" + std::to_string(device) + "/check-results?check_id=" +
                            std::to_string(check),
                        w.admin);
    json items = r.status == 200 ? r.json()["items"] : json::array();
    return items.empty() ? json() : items.back();
  };
  ASSERT_TRUE(eventually([&] { return !latest(tls_device, tls_check).is_null(); })) << read_text(tls_state + ".log");
  ASSERT_TRUE(eventually([&] { return !latest(plain_device, plain_check).is_null(); }))
      << read_text(plain_state + ".log");
  json passed = latest(tls_device, tls_check);
  EXPECT_EQ(passed["state"], "pass") << passed.dump();
  EXPECT_EQ(passed["output"].get<std::string>().rfind("status 200 in ", 0), 0u) << passed.dump();
  EXPECT_GT(passed["value"].get<double>(), 0.0);
  json failed = latest(plain_device, plain_check);
  EXPECT_EQ(failed["state"], "fail") << failed.dump();
  EXPECT_NE(failed["output"].get<std::string>().find("failed verification"), std::string::npos) << failed.dump();
  EXPECT_NE(failed["output"].get<std::string>().find("not correctly signed by the trusted CA"), std::string::npos)
      << failed.dump();
  // The check-ins over TLS keep arriving, in order.
  ASSERT_TRUE(eventually([&] { return w.device(tls_device)["last_seq"].get<int64_t>() >= 3; }))
      << read_text(tls_state + ".log");
  auto seqs = stored_seqs(w.server.database_path(), tls_device);
  ASSERT_FALSE(seqs.empty());
  expect_contiguous(seqs, 1, seqs.back());
}

TEST(Rmm, EnrollCheckInInventoryAndCheckResults) {
  RmmWorld w;
  std::string state = w.scratch.path() + "/agent";
  int64_t device = w.enroll_agent(state, w.server.url(), w.site_a);
  pid_t agent = w.run_agent(state);
  ASSERT_TRUE(eventually([&] { return w.device(device)["last_seq"].get<int64_t>() >= 2; })) << read_text(state + ".log");
  json d = w.device(device);
  EXPECT_EQ(d["client_id"], w.client_a);
  EXPECT_EQ(d["site_id"], w.site_a);
  EXPECT_TRUE(d["online"].get<bool>());
  EXPECT_TRUE(d["inventory"].is_object());
  EXPECT_FALSE(d["inventory"]["os_name"].get<std::string>().empty());
  EXPECT_TRUE(d["latest"]["metrics"].contains("cpu.pct"));
  EXPECT_TRUE(d["latest"]["metrics"].contains("mem.used_pct"));
  ASSERT_EQ(d["checks"].size(), 3u);  // the default checks
  // Add a passing TCP check (the server's own port) and a failing process check.
  std::string port = w.server.url().substr(w.server.url().rfind(':') + 1);
  auto tcp = w.http.post("/api/v1/devices/" + std::to_string(device) + "/checks",
                         {{"kind", "tcp"}, {"name", "tend port"}, {"target", "127.0.0.1:" + port}}, w.admin);
  ASSERT_EQ(tcp.status, 201) << tcp.body;
  auto proc = w.http.post("/api/v1/devices/" + std::to_string(device) + "/checks",
                          {{"kind", "process"}, {"target", "no-such-process-zz"}}, w.admin);
  ASSERT_EQ(proc.status, 201) << proc.body;
  int64_t tcp_id = tcp.json()["id"], proc_id = proc.json()["id"];
  ASSERT_TRUE(eventually([&] {
    auto r = w.http.get("/api/v1/devices/" + std::to_string(device) + "/check-results?check_id=" +
                            std::to_string(proc_id),
                        w.admin);
    return r.status == 200 && !r.json()["items"].empty();
  })) << read_text(state + ".log");
  // At least the process check fails (the CPU check may too on a busy machine).
  ASSERT_TRUE(eventually([&] { return w.device(device)["failing_checks"].get<int64_t>() >= 1; }));
  d = w.device(device);
  for (const auto& check : d["checks"]) {
    if (check["id"] == tcp_id) {
      EXPECT_EQ(check["latest"]["state"], "pass") << check.dump();
    }
    if (check["id"] == proc_id) {
      EXPECT_EQ(check["state"], "fail") << check.dump();
    }
  }
  auto failing = w.http.get("/api/v1/devices?failing=true", w.admin).json();
  ASSERT_EQ(failing["items"].size(), 1u);
  auto events = w.http.get("/api/v1/devices/" + std::to_string(device) + "/events?kind=check_state", w.admin).json();
  EXPECT_FALSE(events["items"].empty());
  // Metric history (raw for a short range).
  auto history = w.http.get("/api/v1/devices/" + std::to_string(device) + "/metrics?metric=mem.used_pct", w.admin).json();
  EXPECT_EQ(history["resolution"], "raw");
  EXPECT_FALSE(history["points"].empty());
  w.stop(agent);

  // An inventory change is detected and recorded on the timeline.
  json inventory = d["inventory"];
  inventory["kernel"] = "9.9.9-test";
  inventory["packages"].push_back({{"name", "tend-test-package"}, {"version", "1.0"}});
  int64_t next = w.device(device)["last_seq"].get<int64_t>() + 1;
  json body = {{"records", {{{"seq", next}, {"at", 1'790'000'000'000}, {"metrics", json::object()},
                             {"checks", json::array()}, {"inventory", inventory}}}}};
  auto r = w.checkin(w.credential(state), body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto changes = w.http.get("/api/v1/devices/" + std::to_string(device) + "/events?kind=inventory_changed", w.admin).json();
  ASSERT_FALSE(changes["items"].empty());
  json latest = changes["items"][0]["details"];
  EXPECT_EQ(latest["fields"]["kernel"][1], "9.9.9-test") << latest.dump();
  EXPECT_EQ(latest["packages"]["added"][0]["name"], "tend-test-package");
  EXPECT_EQ(w.device(device)["inventory"]["kernel"], "9.9.9-test");
  // The class is editable and then kept.
  auto patched = w.http.patch("/api/v1/devices/" + std::to_string(device), {{"class", "workstation"}}, w.admin);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["class_source"], "manual");
}

TEST(Rmm, ServerDownAndRestartedLosesAndDoublesNothing) {
  RmmWorld w;
  Relay relay;
  relay.target(w.server.url());
  std::string state = w.scratch.path() + "/agent";
  int64_t device = w.enroll_agent(state, relay.url(), w.site_a);
  pid_t agent = w.run_agent(state, {"--batch-records", "3"});
  ASSERT_TRUE(eventually([&] { return agent_acked(state).first >= 2; })) << read_text(state + ".log");
  relay.target("");
  w.server.stop();
  int64_t acked_before = agent_acked(state).first;
  // The agent keeps collecting into its spool while the server is away.
  ASSERT_TRUE(eventually([&] { return spooled_count(w.scratch.path(), state) >= 5; })) << read_text(state + ".log");
  w.server.start();
  relay.target(w.server.url());
  // Everything spooled arrives.
  ASSERT_TRUE(eventually([&] {
    auto seqs = stored_seqs(w.server.database_path(), device);
    return !seqs.empty() && seqs.back() >= acked_before + 5 && agent_acked(state).first == seqs.back();
  })) << read_text(state + ".log");
  w.stop(agent);
  auto seqs = stored_seqs(w.server.database_path(), device);
  expect_contiguous(seqs, 1, agent_acked(state).first);
}

TEST(Rmm, KillNineOfTheAgentMidDeliveryLosesAndDoublesNothing) {
  RmmWorld w;
  Relay relay;
  std::string state = w.scratch.path() + "/agent";
  relay.target(w.server.url());
  int64_t device = w.enroll_agent(state, relay.url(), w.site_a);
  relay.target("");  // build a backlog first
  pid_t agent = w.run_agent(state, {"--batch-records", "2"});
  ASSERT_TRUE(eventually([&] { return spooled_count(w.scratch.path(), state) >= 8; })) << read_text(state + ".log");
  relay.target(w.server.url());
  // Kill it as soon as delivery has begun but before the backlog is through.
  ASSERT_TRUE(eventually([&] { return !stored_seqs(w.server.database_path(), device).empty(); }, 120s));
  w.stop(agent, SIGKILL);
  auto partial = stored_seqs(w.server.database_path(), device);
  agent = w.run_agent(state, {"--batch-records", "2"});
  ASSERT_TRUE(eventually([&] {
    auto seqs = stored_seqs(w.server.database_path(), device);
    return !seqs.empty() && seqs.back() >= partial.back() + 3 && agent_acked(state).first == seqs.back();
  })) << read_text(state + ".log");
  w.stop(agent);
  expect_contiguous(stored_seqs(w.server.database_path(), device), 1, agent_acked(state).first);
}

TEST(Rmm, TheSpoolLimitDropsTheOldestAndReportsTheCount) {
  RmmWorld w;
  Relay relay;
  std::string state = w.scratch.path() + "/agent";
  relay.target(w.server.url());
  int64_t device = w.enroll_agent(state, relay.url(), w.site_a);
  relay.target("");
  pid_t agent = w.run_agent(state, {"--spool-max-bytes", "6000", "--spool-segment-bytes", "1500"});
  ASSERT_TRUE(eventually([&] { return agent_acked(state).second >= 3; }, 120s)) << read_text(state + ".log");
  relay.target(w.server.url());
  ASSERT_TRUE(eventually([&] {
    auto seqs = stored_seqs(w.server.database_path(), device);
    return !seqs.empty() && agent_acked(state).first == seqs.back() &&
           w.device(device)["spool_dropped_total"].get<int64_t>() > 0;
  })) << read_text(state + ".log");
  w.stop(agent);
  auto seqs = stored_seqs(w.server.database_path(), device);
  auto [acked, dropped] = agent_acked(state);
  // The oldest records went: what arrived is the newest, contiguous, and
  // starts right after the dropped ones.
  expect_contiguous(seqs, dropped + 1, acked);
  json d = w.device(device);
  EXPECT_EQ(d["spool_dropped_total"].get<int64_t>(), dropped);
  auto events = w.http.get("/api/v1/devices/" + std::to_string(device) + "/events?kind=spool_dropped", w.admin).json();
  ASSERT_FALSE(events["items"].empty());
  EXPECT_EQ(events["items"][0]["details"]["total"].get<int64_t>(), dropped);
}

TEST(Rmm, WrongOrRevokedCredentialsAreRefusedAndStoreNothing) {
  RmmWorld w;
  std::string state = w.scratch.path() + "/agent";
  int64_t device = w.enroll_agent(state, w.server.url(), w.site_a);
  std::string credential = w.credential(state);
  std::string body = R"({"records":[{"seq":1,"at":1790000000000,"metrics":{"cpu.pct":1}}]})";
  EXPECT_EQ(w.checkin("", body).status, 401);
  EXPECT_EQ(w.checkin("tend_dev_forged", body).status, 401);
  EXPECT_EQ(w.checkin(w.admin, body).status, 401);  // a user token is not a device credential
  EXPECT_EQ(count_rows(w.server.database_path(), "SELECT count(*) FROM agent_samples"), 0);
  ASSERT_EQ(w.checkin(credential, body).status, 200);
  auto revoked = w.http.post("/api/v1/devices/" + std::to_string(device) + "/revoke", json::object(), w.admin);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  std::string next = R"({"records":[{"seq":2,"at":1790000060000,"metrics":{"cpu.pct":1}}]})";
  EXPECT_EQ(w.checkin(credential, next).status, 401);
  EXPECT_EQ(count_rows(w.server.database_path(), "SELECT count(*) FROM agent_samples"), 1);
  // A revoked enrollment token enrolls nothing.
  auto token = w.http.post("/api/v1/enrollment-tokens", {{"site_id", w.site_a}}, w.admin).json();
  ASSERT_EQ(w.http.post("/api/v1/enrollment-tokens/" + std::to_string(token["id"].get<int64_t>()) + "/revoke",
                        json::object(), w.admin).status, 200);
  auto enroll = w.http.post("/api/v1/agent/enroll", {{"token", token["token"]}, {"hostname", "x"}});
  EXPECT_EQ(enroll.status, 401);
  auto used_up = w.http.post("/api/v1/enrollment-tokens", {{"site_id", w.site_a}, {"max_uses", 1}}, w.admin).json();
  EXPECT_EQ(w.http.post("/api/v1/agent/enroll", {{"token", used_up["token"]}, {"hostname", "a"}}).status, 201);
  EXPECT_EQ(w.http.post("/api/v1/agent/enroll", {{"token", used_up["token"]}, {"hostname", "b"}}).status, 401);
}

TEST(Rmm, ADeviceCannotWriteAnotherDevicesOrClientsData) {
  RmmWorld w;
  auto enroll = [&](int64_t site, const std::string& host) {
    auto token = w.enrollment_token(site);
    auto r = w.http.post("/api/v1/agent/enroll", {{"token", token}, {"hostname", host}, {"machine_id", host}});
    if (r.status != 201) throw std::runtime_error(r.body);
    return r.json();
  };
  json a = enroll(w.site_a, "pc-a");
  json b = enroll(w.site_b, "pc-b");
  int64_t b_check = b["config"]["checks"][0]["id"];
  // Device A reports a failing result for device B's check.
  json body = {{"records", {{{"seq", 1}, {"at", 1'790'000'000'000}, {"metrics", {{"cpu.pct", 99}}},
                             {"checks", {{{"id", b_check}, {"state", "fail"}, {"value", 99}, {"output", "x"}}}}}}}};
  ASSERT_EQ(w.checkin(a["credential"], body.dump()).status, 200);
  json device_b = w.device(b["device_id"]);
  EXPECT_EQ(device_b["last_seq"], 0);
  EXPECT_EQ(device_b["failing_checks"], 0);
  EXPECT_TRUE(device_b["latest"].is_null());
  auto results = w.http.get("/api/v1/devices/" + std::to_string(a["device_id"].get<int64_t>()) + "/check-results",
                            w.admin).json();
  EXPECT_TRUE(results["items"].empty()) << results.dump();
  // A portal user of client B sees only B's device, and A's is a 404.
  auto user = w.http.post("/api/v1/users", {{"email", "portal@b.test"}, {"name", "Portal B"}, {"role", "portal"},
                                            {"client_id", w.client_b}, {"password", "portal-password-1"}}, w.admin);
  ASSERT_EQ(user.status, 201) << user.body;
  std::string portal = w.http.login("portal@b.test", "portal-password-1");
  auto list = w.http.get("/api/v1/devices", portal).json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], b["device_id"]);
  EXPECT_EQ(w.http.get("/api/v1/devices/" + std::to_string(a["device_id"].get<int64_t>()), portal).status, 404);
}

TEST(Rmm, MalformedAndOversizedCheckinsAre4xxAndStoreNothing) {
  RmmWorld w;
  auto token = w.enrollment_token(w.site_a);
  auto enrolled = w.http.post("/api/v1/agent/enroll", {{"token", token}, {"hostname", "pc"}}).json();
  std::string credential = enrolled["credential"];
  std::vector<std::string> bad = {
      "{",
      "[]",
      R"({"records":{}})",
      R"({"records":[{"seq":"1","at":1}]})",
      R"({"records":[{"seq":2,"at":1},{"seq":1,"at":1}]})",
      R"({"records":[{"seq":1,"at":1,"metrics":{"bad name":1}}]})",
      R"({"records":[{"seq":1,"at":1,"checks":[{"id":1,"state":"maybe"}]}]})",
  };
  for (const auto& body : bad) {
    auto r = w.checkin(credential, body);
    EXPECT_GE(r.status, 400) << body;
    EXPECT_LT(r.status, 500) << body;
  }
  std::string huge = R"({"records":[{"seq":1,"at":1,"metrics":{"x":1},"checks":[{"id":1,"state":"pass","output":")" +
                     std::string(2 << 20, 'a') + R"("}]}]})";
  auto r = w.checkin(credential, huge);
  EXPECT_EQ(r.status, 413);
  json many = {{"records", json::array()}};
  for (int i = 1; i <= 501; ++i) many["records"].push_back({{"seq", i}, {"at", 1}});
  r = w.checkin(credential, many.dump());
  EXPECT_GE(r.status, 400);
  EXPECT_LT(r.status, 500);
  EXPECT_EQ(count_rows(w.server.database_path(), "SELECT count(*) FROM agent_samples"), 0);
  EXPECT_EQ(w.device(enrolled["device_id"])["last_seq"], 0);
}

}  // namespace
}  // namespace tend::testing
