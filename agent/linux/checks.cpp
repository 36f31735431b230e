#include "agent/linux/checks.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "agent/http_client.h"
#include "agent/linux/system.h"
#include "core/rmm/checks.h"

namespace tend::agent::linux_system {
namespace {

using rmm::CheckKind;
using rmm::CheckResult;
using rmm::CheckState;

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

CheckResult fail(const rmm::CheckDefinition& c, std::string output) {
  CheckResult r;
  r.check_id = c.id;
  r.state = CheckState::fail;
  r.output = std::move(output);
  if (r.output.size() > rmm::kMaxCheckOutputBytes) r.output.resize(rmm::kMaxCheckOutputBytes);
  return r;
}

CheckResult measured(const rmm::CheckDefinition& c, double value, std::string output) {
  CheckResult r;
  r.check_id = c.id;
  r.value = value;
  r.state = rmm::evaluate_threshold(value, c.warn, c.crit);
  r.output = std::move(output);
  return r;
}

std::string format(const char* pattern, double value) {
  char text[128];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

CheckResult metric_check(const rmm::CheckDefinition& c, const std::vector<rmm::MetricValue>& metrics,
                         const std::string& name, const char* what) {
  for (const auto& m : metrics) {
    if (m.name == name) return measured(c, m.value, format(what, m.value));
  }
  return fail(c, "no measurement " + name);
}

CheckResult process_check(const rmm::CheckDefinition& c) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return fail(c, "cannot read /proc");
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string comm = read_file(std::string("/proc/") + e->d_name + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm == c.target) ++count;
  }
  ::closedir(proc);
  CheckResult r;
  r.check_id = c.id;
  r.value = count;
  r.state = count > 0 ? CheckState::pass : CheckState::fail;
  r.output = count > 0 ? std::to_string(count) + " running" : "not running";
  return r;
}

bool non_empty_file(const std::string& path) { return !read_file(path).empty(); }

CheckResult service_check(const rmm::CheckDefinition& c) {
  std::string unit = c.target.find('.') == std::string::npos ? c.target + ".service" : c.target;
  // A running service has processes in its cgroup (unified hierarchy).
  bool active = non_empty_file("/sys/fs/cgroup/system.slice/" + unit + "/cgroup.procs");
  // systemd keeps an invocation link for units that are active.
  struct stat st {};
  if (!active) active = ::lstat(("/run/systemd/units/invocation:" + unit).c_str(), &st) == 0;
  CheckResult r;
  r.check_id = c.id;
  r.value = active ? 1 : 0;
  r.state = active ? CheckState::pass : CheckState::fail;
  r.output = unit + (active ? " is active" : " is not active");
  return r;
}

CheckResult tcp_check(const rmm::CheckDefinition& c) {
  auto colon = c.target.rfind(':');
  std::string host = c.target.substr(0, colon), port = c.target.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto start = std::chrono::steady_clock::now();
  auto fd = connect_tcp(host, port, c.timeout_seconds * 1000);
  if (!fd) return fail(c, fd.error().message);
  ::close(*fd);
  double ms = elapsed_ms(start);
  return measured(c, ms, format("connected in %.1f ms", ms));
}

uint16_t icmp_checksum(const unsigned char* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (size & 1) sum += static_cast<uint32_t>(data[size - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

CheckResult ping_check(const rmm::CheckDefinition& c) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (::getaddrinfo(c.target.c_str(), nullptr, &hints, &found) != 0 || !found) return fail(c, "cannot resolve " + c.target);
  sockaddr_in address = *reinterpret_cast<sockaddr_in*>(found->ai_addr);
  ::freeaddrinfo(found);
  // Unprivileged ICMP (net.ipv4.ping_group_range must include our group).
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0) {
    // Fallback: time a TCP connect to port 80 (a refusal also proves the
    // host answers).
    auto start = std::chrono::steady_clock::now();
    auto tcp = connect_tcp(c.target, "80", c.timeout_seconds * 1000);
    double ms = elapsed_ms(start);
    if (tcp) {
      ::close(*tcp);
      return measured(c, ms, format("tcp/80 answered in %.1f ms (ICMP not permitted)", ms));
    }
    if (tcp.error().message.find("refused") != std::string::npos) {
      return measured(c, ms, format("host answered (tcp/80 refused) in %.1f ms (ICMP not permitted)", ms));
    }
    return fail(c, "no answer (ICMP not permitted; tcp/80: " + tcp.error().message + ")");
  }
  unsigned char packet[16] = {};
  packet[0] = ICMP_ECHO;
  packet[6] = 0;
  packet[7] = 1;
  uint16_t sum = icmp_checksum(packet, sizeof packet);
  packet[2] = static_cast<unsigned char>(sum >> 8);
  packet[3] = static_cast<unsigned char>(sum & 0xFF);
  auto start = std::chrono::steady_clock::now();
  if (::sendto(fd, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    ::close(fd);
    return fail(c, std::string("ping failed: ") + std::strerror(errno));
  }
  pollfd p{fd, POLLIN, 0};
  int ready = ::poll(&p, 1, c.timeout_seconds * 1000);
  double ms = elapsed_ms(start);
  unsigned char reply[128];
  bool got = ready > 0 && ::recv(fd, reply, sizeof reply, 0) > 0 && reply[0] == ICMP_ECHOREPLY;
  ::close(fd);
  if (!got) return fail(c, "no reply within " + std::to_string(c.timeout_seconds) + " s");
  return measured(c, ms, format("reply in %.1f ms", ms));
}

CheckResult http_check(const rmm::CheckDefinition& c) {
  auto url = parse_server_url(c.target);
  if (!url) return fail(c, url.error().message);
  // GET the path on a fresh connection (TLS for https://, the certificate
  // verified as for the uplink); the time covers connect, handshake and the
  // status line.
  auto start = std::chrono::steady_clock::now();
  auto status = fetch_status(*url, c.timeout_seconds * 1000);
  double ms = elapsed_ms(start);
  if (!status) return fail(c, status.error().message);
  if (*status != c.expect_status) {
    CheckResult r = fail(c, "status " + std::to_string(*status) + ", expected " + std::to_string(c.expect_status));
    r.value = ms;
    return r;
  }
  return measured(c, ms, "status " + std::to_string(*status) + format(" in %.1f ms", ms));
}

CheckResult script_check(const rmm::CheckDefinition& c) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(c, "cannot create a pipe");
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return fail(c, "cannot start the script");
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::execl("/bin/sh", "sh", "-c", c.script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(pipe_fds[1]);
  std::string output;
  bool timed_out = false;
  const double limit_ms = c.timeout_seconds * 1000.0;
  char buffer[4096];
  for (;;) {
    double left = limit_ms - elapsed_ms(start);
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // EOF: the script (and its children) closed the output
    if (output.size() < rmm::kMaxCheckOutputBytes) {
      output.append(buffer, std::min(static_cast<size_t>(n), rmm::kMaxCheckOutputBytes - output.size()));
    }
  }
  ::close(pipe_fds[0]);
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  double ms = elapsed_ms(start);
  CheckResult r;
  r.check_id = c.id;
  r.value = ms;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (timed_out) {
    r.state = CheckState::fail;
    r.output = "timed out after " + std::to_string(c.timeout_seconds) + " s; " + output;
  } else {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    // Exit codes as monitoring plugins use them: 0 ok, 1 warning, else critical.
    r.state = code == 0 ? CheckState::pass : code == 1 ? CheckState::warn : CheckState::fail;
    r.output = output;
    r.value = code;
  }
  if (r.output.size() > rmm::kMaxCheckOutputBytes) r.output.resize(rmm::kMaxCheckOutputBytes);
  return r;
}

}  // namespace

CheckResult run_check(const rmm::CheckDefinition& c, const std::vector<rmm::MetricValue>& metrics) {
  switch (c.kind) {
    case CheckKind::cpu: return metric_check(c, metrics, "cpu.pct", "CPU %.1f %%");
    case CheckKind::memory: return metric_check(c, metrics, "mem.used_pct", "memory %.1f %% used");
    case CheckKind::disk: {
      double used = filesystem_used_pct(c.target.empty() ? "/" : c.target);
      if (used < 0) return fail(c, "cannot read the filesystem at " + c.target);
      return measured(c, used, format("%.1f %% used", used));
    }
    case CheckKind::process: return process_check(c);
    case CheckKind::service: return service_check(c);
    case CheckKind::tcp: return tcp_check(c);
    case CheckKind::ping: return ping_check(c);
    case CheckKind::http: return http_check(c);
    case CheckKind::script: return script_check(c);
  }
  return fail(c, "unknown check kind");
}

std::vector<CheckResult> run_checks(const std::vector<rmm::CheckDefinition>& checks,
                                    const std::vector<rmm::MetricValue>& metrics) {
  std::vector<CheckResult> out;
  for (const auto& c : checks) {
    if (c.enabled) out.push_back(run_check(c, metrics));
  }
  return out;
}

}  // namespace tend::agent::linux_system
