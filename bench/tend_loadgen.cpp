// tend-loadgen: simulates many agents checking in to a Tend server.
//
//   tend-loadgen --server URL --email E --password P --agents N --duration S
//                [--connections C] [--interval S] [--metrics 20] [--sources K]
//
// Provisions through the API (a client, a site, an enrollment token), enrolls
// N simulated agents, then sends check-ins (one record of --metrics values
// and 3 check results each) on C keep-alive connections for S seconds:
// closed loop (as fast as the server answers) without --interval, or each
// agent every --interval seconds (open loop; latency then counts from the
// scheduled send time, so a slow server cannot hide its queueing).
// Connections spread over --sources loopback addresses (127.0.0.1 ...) so
// more than ~28,000 can be open at once. Prints progress on stderr and, as
// its last line, one JSON object with checkins_per_s, values_per_s, p50_ms,
// p99_ms, errors and more.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double now_s() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

struct Options {
  std::string server = "http://127.0.0.1:8080";
  std::string email, password;
  int agents = 1000;
  double duration = 60;
  int connections = 64;
  double interval = 0;  // 0: closed loop
  int metrics = 20;
  int sources = 1;
  int server_pid = 0;  // when set: the server's CPU over the measured window is reported
};

// utime + stime of a process, in seconds (0 when unknown).
double process_cpu_s(int pid) {
  if (pid <= 0) return 0;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return 0;
  char buffer[1024] = {};
  size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
  std::fclose(f);
  std::string text(buffer, n);
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  unsigned long long utime = 0, stime = 0;
  // Fields after the command: state is field 3; utime and stime are 14 and 15.
  std::sscanf(text.c_str() + close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime);
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Request {
  std::string method, path, body, bearer;
};

struct Reply {
  int status = 0;
  std::string body;
};

// One non-blocking keep-alive connection.
struct Conn {
  int fd = -1;
  std::string out;
  size_t sent = 0;
  std::string in;
  bool busy = false;
  double started = 0;     // when the current request was due (latency origin)
  double next_due = 0;
  size_t next_agent = 0;  // index into this connection's agents
  std::vector<int> agents;
  std::function<void(Conn&, const Reply&, double)> on_reply;
};

std::string host_of(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  return rest.substr(0, rest.find('/'));
}

sockaddr_in address_of(const std::string& url) {
  std::string hostport = host_of(url);
  auto colon = hostport.rfind(':');
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::stoi(hostport.substr(colon + 1))));
  inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &a.sin_addr);
  return a;
}

int open_connection(const sockaddr_in& server, int source_index) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source_index > 0) {
    // 127.0.0.2, 127.0.0.3 ...: each source address has its own port range.
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(0x7F000001u + static_cast<uint32_t>(source_index));
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  }
  int r = ::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server);
  if (r != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string render(const Request& r, const std::string& host) {
  std::string out = r.method + " " + r.path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n";
  if (!r.bearer.empty()) out += "Authorization: Bearer " + r.bearer + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
  return out;
}

// Parses one complete response at the front of `in`; false when incomplete.
bool parse_reply(std::string& in, Reply& reply) {
  auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t length = 0;
  for (size_t p = in.find("\r\n"); p < end; p = in.find("\r\n", p + 2)) {
    if (strncasecmp(in.c_str() + p + 2, "content-length:", 15) == 0) length = std::strtoull(in.c_str() + p + 17, nullptr, 10);
  }
  if (in.size() < end + 4 + length) return false;
  reply.status = std::atoi(in.c_str() + 9);
  reply.body = in.substr(end + 4, length);
  in.erase(0, end + 4 + length);
  return true;
}

// A blocking request on its own connection (provisioning).
Reply blocking(const sockaddr_in& server, const std::string& host, const Request& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Reply reply;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    ::close(fd);
    return reply;
  }
  std::string out = render(request, host);
  (void)!::write(fd, out.data(), out.size());
  std::string in;
  char buffer[65536];
  while (!parse_reply(in, reply)) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    in.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

void fail(const std::string& message) {
  std::fprintf(stderr, "tend-loadgen: %s\n", message.c_str());
  std::exit(1);
}

struct Agent {
  std::string credential;
  int64_t seq = 0;
  int64_t check_ids[3] = {1, 2, 3};
};

std::string checkin_body(Agent& agent, int metrics, std::mt19937& random) {
  static const char* kNames[] = {"cpu.pct", "load.1", "load.5", "load.15", "mem.total_bytes", "mem.available_bytes",
                                 "mem.used_pct", "swap.total_bytes", "swap.used_bytes", "fs./.used_pct",
                                 "fs./.free_bytes", "fs./boot.used_pct", "fs./boot.free_bytes", "fs./home.used_pct",
                                 "fs./home.free_bytes", "net.rx_bytes", "net.tx_bytes", "uptime_s", "procs.count",
                                 "disk.io_pct"};
  std::uniform_real_distribution<double> pct(0, 100);
  int64_t at = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  std::string body = "{\"agent_version\":\"loadgen\",\"config_version\":1,\"dropped\":0,\"spooled\":1,\"records\":[{\"seq\":" +
                     std::to_string(++agent.seq) + ",\"at\":" + std::to_string(at) + ",\"metrics\":{";
  char number[64];
  for (int i = 0; i < metrics; ++i) {
    std::snprintf(number, sizeof number, "%.3f", pct(random));
    if (i) body += ',';
    body += '"';
    if (i < 20) body += kNames[i];
    else body += "extra." + std::to_string(i);
    body += "\":";
    body += number;
  }
  body += "},\"checks\":[";
  for (int i = 0; i < 3; ++i) {
    std::snprintf(number, sizeof number, "%.1f", pct(random));
    if (i) body += ',';
    body += "{\"id\":" + std::to_string(agent.check_ids[i]) + ",\"state\":\"pass\",\"value\":" + number +
            ",\"output\":\"" + number + " % used\"}";
  }
  body += "]}]}";
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--server") o.server = value;
    else if (flag == "--email") o.email = value;
    else if (flag == "--password") o.password = value;
    else if (flag == "--agents") o.agents = std::stoi(value);
    else if (flag == "--duration") o.duration = std::stod(value);
    else if (flag == "--connections") o.connections = std::stoi(value);
    else if (flag == "--interval") o.interval = std::stod(value);
    else if (flag == "--metrics") o.metrics = std::stoi(value);
    else if (flag == "--sources") o.sources = std::stoi(value);
    else if (flag == "--server-pid") o.server_pid = std::stoi(value);
    else fail("unknown flag " + flag);
  }
  if (o.email.empty() || o.password.empty()) fail("--email and --password are required");
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (static_cast<rlim_t>(o.connections) + 64 > limit.rlim_cur) fail("the file descriptor limit is too low for --connections");
  o.connections = std::min(o.connections, o.agents);

  const sockaddr_in server = address_of(o.server);
  const std::string host = host_of(o.server);
  // ---- provisioning ----------------------------------------------------------
  Reply login = blocking(server, host, {"POST", "/api/v1/auth/login", json{{"email", o.email}, {"password", o.password}}.dump(), ""});
  if (login.status != 200) fail("login failed: " + std::to_string(login.status) + " " + login.body);
  std::string token = json::parse(login.body)["token"];
  std::string suffix = std::to_string(::getpid()) + "-" + std::to_string(static_cast<long long>(now_s()));
  Reply client = blocking(server, host, {"POST", "/api/v1/clients", json{{"name", "Loadgen " + suffix}}.dump(), token});
  if (client.status != 201) fail("cannot create a client: " + client.body);
  Reply site = blocking(server, host, {"POST", "/api/v1/sites",
                                       json{{"client_id", json::parse(client.body)["id"]}, {"name", "Loadgen site"}}.dump(), token});
  if (site.status != 201) fail("cannot create a site: " + site.body);
  Reply enrollment = blocking(server, host, {"POST", "/api/v1/enrollment-tokens",
                                             json{{"site_id", json::parse(site.body)["id"]}, {"max_uses", o.agents}, {"expires_in", "1d"}}.dump(), token});
  if (enrollment.status != 201) fail("cannot create an enrollment token: " + enrollment.body);
  std::string enroll_token = json::parse(enrollment.body)["token"];

  int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns;
  std::vector<Agent> agents(static_cast<size_t>(o.agents));
  int64_t errors = 0, completed = 0, measured = 0;
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  bool measuring = false;
  std::mt19937 random(42);

  auto send_next = [&](Conn& c, const Request& r, double due) {
    c.out = render(r, host);
    c.sent = 0;
    c.busy = true;
    c.started = due;
    epoll_event e{EPOLLOUT | EPOLLIN, {.u32 = static_cast<uint32_t>(&c - conns.data())}};
    ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &e);
  };
  auto open_all = [&](int count) {
    conns.clear();
    conns.resize(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      Conn& c = conns[static_cast<size_t>(i)];
      c.fd = open_connection(server, o.sources > 1 ? i % o.sources : 0);
      if (c.fd < 0) fail(std::string("cannot open connection ") + std::to_string(i) + ": " + std::strerror(errno));
      epoll_event e{EPOLLIN, {.u32 = static_cast<uint32_t>(i)}};
      ::epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &e);
    }
  };
  // Runs the event loop until `until` (or until `done` says so). Idle
  // connections wait in a heap ordered by when they are due, so 50,000
  // connections cost nothing while they wait.
  using Due = std::pair<double, uint32_t>;
  auto loop = [&](double until, const std::function<bool()>& done,
                  const std::function<bool(Conn&, double)>& maybe_send) {
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> idle;
    for (uint32_t i = 0; i < conns.size(); ++i) {
      if (!conns[i].busy) idle.push({conns[i].next_due, i});
    }
    std::vector<epoll_event> events(4096);
    while (now_s() < until && !done()) {
      double t = now_s();
      while (!idle.empty() && idle.top().first <= t) {
        uint32_t i = idle.top().second;
        idle.pop();
        maybe_send(conns[i], t);
      }
      int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 1);
      for (int i = 0; i < n; ++i) {
        uint32_t index = events[static_cast<size_t>(i)].data.u32;
        Conn& c = conns[index];
        if ((events[static_cast<size_t>(i)].events & EPOLLOUT) && c.sent < c.out.size()) {
          ssize_t w = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
          if (w > 0) c.sent += static_cast<size_t>(w);
          if (c.sent == c.out.size()) {
            epoll_event e{EPOLLIN, {.u32 = index}};
            ::epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &e);
          }
        }
        if (events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          char buffer[65536];
          ssize_t r = ::recv(c.fd, buffer, sizeof buffer, 0);
          if (r > 0) c.in.append(buffer, static_cast<size_t>(r));
          else if (r == 0 || (errno != EAGAIN && errno != EINTR)) fail("a connection closed; is the server up?");
          Reply reply;
          while (parse_reply(c.in, reply)) {
            c.busy = false;
            c.on_reply(c, reply, now_s() - c.started);
            idle.push({c.next_due, index});
          }
        }
      }
    }
  };

  // ---- enrollment --------------------------------------------------------------
  std::fprintf(stderr, "enrolling %d agents...\n", o.agents);
  open_all(std::min(o.connections, 64));
  int next_enroll = 0, enrolled = 0;
  for (auto& c : conns) {
    c.on_reply = [&](Conn&, const Reply& reply, double) {
      if (reply.status != 201) fail("enrollment failed: " + std::to_string(reply.status) + " " + reply.body);
      json j = json::parse(reply.body);
      int index = enrolled++;
      Agent& a = agents[static_cast<size_t>(index)];
      a.credential = j["credential"];
      auto& checks = j["config"]["checks"];
      for (size_t k = 0; k < 3 && k < checks.size(); ++k) a.check_ids[k] = checks[k]["id"];
    };
  }
  double enroll_start = now_s();
  loop(1e300, [&] { return enrolled >= o.agents; }, [&](Conn& c, double t) {
    if (next_enroll >= o.agents) return false;
    std::string name = "loadgen-" + suffix + "-" + std::to_string(next_enroll++);
    send_next(c, {"POST", "/api/v1/agent/enroll", json{{"token", enroll_token}, {"hostname", name}, {"machine_id", name}}.dump(), ""}, t);
    return true;
  });
  std::fprintf(stderr, "enrolled %d agents in %.1f s\n", enrolled, now_s() - enroll_start);
  for (auto& c : conns) ::close(c.fd);

  // ---- check-ins ---------------------------------------------------------------
  std::fprintf(stderr, "opening %d connections...\n", o.connections);
  open_all(o.connections);
  for (int a = 0; a < o.agents; ++a) conns[static_cast<size_t>(a % o.connections)].agents.push_back(a);
  double start = now_s();
  for (auto& c : conns) {
    double period = o.interval > 0 ? o.interval / static_cast<double>(c.agents.size()) : 0;
    std::uniform_real_distribution<double> offset(0, o.interval > 0 ? o.interval : 0);
    c.next_due = start + (o.interval > 0 ? std::fmod(offset(random), period > 0 ? period : 1) : 0);
    c.on_reply = [&, period](Conn& conn, const Reply& reply, double latency) {
      ++completed;
      if (reply.status != 200) {
        ++errors;
        if (errors <= 5) std::fprintf(stderr, "check-in failed: %d %s\n", reply.status, reply.body.c_str());
      }
      if (measuring) {
        ++measured;
        latencies.push_back(latency);
      }
      conn.next_due = period > 0 ? conn.next_due + period : 0;
    };
  }
  // Warm up for 2 s (or a tenth of the run), then measure.
  double warmup = std::min(2.0, o.duration / 10);
  double measure_from = start + warmup, end = measure_from + o.duration;
  double last_report = start;
  double server_cpu_start = 0, own_cpu_start = 0;
  int64_t last_completed = 0;
  loop(end, [&] {
    double t = now_s();
    if (!measuring && t >= measure_from) {
      measuring = true;
      server_cpu_start = process_cpu_s(o.server_pid);
      own_cpu_start = process_cpu_s(static_cast<int>(::getpid()));
    }
    if (t - last_report >= 5) {
      std::fprintf(stderr, "%.0f s: %.0f check-ins/s, errors %lld\n", t - start,
                   static_cast<double>(completed - last_completed) / (t - last_report), static_cast<long long>(errors));
      last_report = t;
      last_completed = completed;
    }
    return false;
  }, [&](Conn& c, double t) {
    if (c.next_due > t) return false;
    Agent& a = agents[static_cast<size_t>(c.agents[c.next_agent])];
    c.next_agent = (c.next_agent + 1) % c.agents.size();
    send_next(c, {"POST", "/api/v1/agent/checkin", checkin_body(a, o.metrics, random), a.credential},
              c.next_due > 0 ? c.next_due : t);
    return true;
  });
  double elapsed = now_s() - measure_from;
  double server_cpu = process_cpu_s(o.server_pid) - server_cpu_start;
  double own_cpu = process_cpu_s(static_cast<int>(::getpid())) - own_cpu_start;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<size_t>(q * static_cast<double>(latencies.size())))] * 1000;
  };
  json result = {{"agents", o.agents},
                 {"connections", o.connections},
                 {"interval_s", o.interval},
                 {"duration_s", elapsed},
                 {"checkins", measured},
                 {"checkins_per_s", static_cast<double>(measured) / elapsed},
                 {"values_per_s", static_cast<double>(measured) * o.metrics / elapsed},
                 {"p50_ms", pct(0.50)},
                 {"p99_ms", pct(0.99)},
                 {"max_ms", latencies.empty() ? 0.0 : latencies.back() * 1000},
                 {"errors", errors},
                 {"loadgen_cpu_pct", 100 * own_cpu / elapsed}};
  if (o.server_pid > 0) {
    double values_per_s = static_cast<double>(measured) * o.metrics / elapsed;
    result["server_cpu_pct"] = 100 * server_cpu / elapsed;  // of one core
    result["server_cpu_pct_per_1000_values_s"] = values_per_s > 0 ? 100 * server_cpu / elapsed / (values_per_s / 1000) : 0;
  }
  std::printf("%s\n", result.dump().c_str());
  return errors == 0 ? 0 : 1;
}
