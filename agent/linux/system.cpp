#include "agent/linux/system.h"

#include <dirent.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string_view>

#include "wire/json_writer.h"

namespace tend::agent::linux_system {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// Values of "Key:   123 kB" lines of /proc/meminfo, in bytes.
std::map<std::string, uint64_t> meminfo() {
  std::map<std::string, uint64_t> out;
  std::string text = read_file("/proc/meminfo");
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      uint64_t value = std::strtoull(std::string(line.substr(colon + 1)).c_str(), nullptr, 10);
      out[std::string(line.substr(0, colon))] = value * 1024;
    }
    pos = end + 1;
  }
  return out;
}

struct Mount {
  std::string device, point, type;
};

std::vector<Mount> mounts() {
  static const std::set<std::string> kReal = {"ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "zfs",
                                             "f2fs", "jfs", "reiserfs", "ntfs", "ntfs3", "fuseblk"};
  std::vector<Mount> out;
  std::string text = read_file("/proc/self/mounts");
  std::set<std::string> seen;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    char device[512], point[512], type[64];
    std::string line = text.substr(pos, end - pos);
    if (std::sscanf(line.c_str(), "%511s %511s %63s", device, point, type) == 3 && kReal.count(type) &&
        seen.insert(point).second) {
      out.push_back({device, point, type});
    }
    pos = end + 1;
  }
  return out;
}

void add(std::vector<rmm::MetricValue>& out, std::string name, double value) { out.push_back({std::move(name), value}); }

std::string os_release_value(const std::string& text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == '=') {
      std::string_view v = line.substr(key.size() + 1);
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    pos = end + 1;
  }
  return "";
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(path.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') out.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return "";
  std::string out;
  char buffer[8192];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
  std::fclose(f);
  return out;
}

std::string machine_id() {
  std::string id = trim(read_file("/etc/machine-id"));
  if (id.empty()) id = trim(read_file("/var/lib/dbus/machine-id"));
  return id;
}

std::string hostname() { return trim(read_file("/proc/sys/kernel/hostname")); }

std::vector<std::string> real_mounts() {
  std::vector<std::string> out;
  for (const auto& m : mounts()) out.push_back(m.point);
  return out;
}

double filesystem_used_pct(const std::string& mount) {
  struct statvfs st {};
  if (::statvfs(mount.c_str(), &st) != 0 || st.f_blocks == 0) return -1;
  double total = static_cast<double>(st.f_blocks);
  double avail_to_user = static_cast<double>(st.f_bavail);
  double used = total - static_cast<double>(st.f_bfree);
  // As df computes it: used / (used + available to unprivileged users).
  return used + avail_to_user > 0 ? 100.0 * used / (used + avail_to_user) : 0;
}

std::vector<rmm::MetricValue> MetricsCollector::collect() {
  std::vector<rmm::MetricValue> out;
  out.reserve(24);
  // CPU: the first line of /proc/stat.
  std::string stat = read_file("/proc/stat");
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (std::sscanf(stat.c_str(), "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle, &iowait,
                  &irq, &softirq, &steal) >= 4) {
    uint64_t busy = user + nice + system + irq + softirq + steal;
    uint64_t total = busy + idle + iowait;
    double pct = 0;
    if (previous_total_ > 0 && total > previous_total_) {
      pct = 100.0 * static_cast<double>(busy - previous_busy_) / static_cast<double>(total - previous_total_);
    }
    previous_busy_ = busy;
    previous_total_ = total;
    add(out, "cpu.pct", pct);
  }
  double load1 = 0, load5 = 0, load15 = 0;
  if (std::sscanf(read_file("/proc/loadavg").c_str(), "%lf %lf %lf", &load1, &load5, &load15) == 3) {
    add(out, "load.1", load1);
    add(out, "load.5", load5);
    add(out, "load.15", load15);
  }
  auto mem = meminfo();
  double total = static_cast<double>(mem["MemTotal"]);
  double available = static_cast<double>(mem.count("MemAvailable") ? mem["MemAvailable"] : mem["MemFree"]);
  add(out, "mem.total_bytes", total);
  add(out, "mem.available_bytes", available);
  add(out, "mem.used_pct", total > 0 ? 100.0 * (total - available) / total : 0);
  double swap_total = static_cast<double>(mem["SwapTotal"]);
  add(out, "swap.total_bytes", swap_total);
  add(out, "swap.used_bytes", swap_total - static_cast<double>(mem["SwapFree"]));
  for (const auto& m : mounts()) {
    struct statvfs st {};
    if (::statvfs(m.point.c_str(), &st) != 0) continue;
    add(out, "fs." + m.point + ".used_pct", filesystem_used_pct(m.point));
    add(out, "fs." + m.point + ".free_bytes", static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize));
  }
  // Network: bytes summed over interfaces other than loopback.
  std::string net = read_file("/proc/net/dev");
  double rx = 0, tx = 0;
  size_t pos = 0;
  int line_no = 0;
  while (pos < net.size()) {
    size_t end = net.find('\n', pos);
    if (end == std::string::npos) end = net.size();
    std::string line = net.substr(pos, end - pos);
    pos = end + 1;
    if (++line_no <= 2) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (trim(line.substr(0, colon)) == "lo") continue;
    unsigned long long r = 0, t = 0, skip = 0;
    if (std::sscanf(line.c_str() + colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &r, &skip, &skip, &skip,
                    &skip, &skip, &skip, &skip, &t) == 9) {
      rx += static_cast<double>(r);
      tx += static_cast<double>(t);
    }
  }
  add(out, "net.rx_bytes", rx);
  add(out, "net.tx_bytes", tx);
  double uptime = 0;
  if (std::sscanf(read_file("/proc/uptime").c_str(), "%lf", &uptime) == 1) add(out, "uptime_s", uptime);
  return out;
}

std::string inventory_json(const std::string& agent_version) {
  std::string out;
  out.reserve(16384);
  wire::JsonWriter w(out);
  w.begin_object();
  w.field("agent_version", agent_version);
  w.field("hostname", hostname());
  std::string os = read_file("/etc/os-release");
  w.field("os_name", os_release_value(os, "PRETTY_NAME"));
  w.field("os_id", os_release_value(os, "ID"));
  w.field("os_version", os_release_value(os, "VERSION_ID"));
  struct utsname u {};
  ::uname(&u);
  w.field("kernel", u.release);
  w.field("arch", u.machine);
  w.field("machine_id", machine_id());
  // CPU model and logical cores.
  std::string cpuinfo = read_file("/proc/cpuinfo");
  std::string model;
  int cores = 0;
  size_t pos = 0;
  while ((pos = cpuinfo.find("processor", pos)) != std::string::npos) {
    if (pos == 0 || cpuinfo[pos - 1] == '\n') ++cores;
    pos += 9;
  }
  if (auto m = cpuinfo.find("model name"); m != std::string::npos) {
    auto colon = cpuinfo.find(':', m);
    auto end = cpuinfo.find('\n', m);
    if (colon != std::string::npos && colon < end) model = trim(std::string_view(cpuinfo).substr(colon + 1, end - colon - 1));
  }
  w.field("cpu_model", model);
  w.field("cpu_cores", cores);
  auto mem = meminfo();
  w.field("memory_bytes", static_cast<int64_t>(mem["MemTotal"]));
  w.field("swap_bytes", static_cast<int64_t>(mem["SwapTotal"]));
  std::string stat = read_file("/proc/stat");
  if (auto b = stat.find("\nbtime "); b != std::string::npos) w.field("boot_time", static_cast<int64_t>(std::atoll(stat.c_str() + b + 7)));
  w.field("chassis_type", std::atoi(read_file("/sys/class/dmi/id/chassis_type").c_str()));
  w.field("vendor", trim(read_file("/sys/class/dmi/id/sys_vendor")));
  w.field("product", trim(read_file("/sys/class/dmi/id/product_name")));
  w.key("disks");
  w.begin_array();
  for (const auto& name : list_dir("/sys/block")) {
    if (name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram")) continue;
    w.begin_object();
    w.field("name", name);
    w.field("size_bytes", static_cast<int64_t>(std::atoll(read_file("/sys/block/" + name + "/size").c_str())) * 512);
    w.field("model", trim(read_file("/sys/block/" + name + "/device/model")));
    w.field("rotational", trim(read_file("/sys/block/" + name + "/queue/rotational")) == "1");
    w.end_object();
  }
  w.end_array();
  w.key("filesystems");
  w.begin_array();
  for (const auto& m : mounts()) {
    struct statvfs st {};
    if (::statvfs(m.point.c_str(), &st) != 0) continue;
    w.begin_object();
    w.field("mount", m.point);
    w.field("device", m.device);
    w.field("type", m.type);
    w.field("size_bytes", static_cast<int64_t>(st.f_blocks * st.f_frsize));
    w.end_object();
  }
  w.end_array();
  // Interfaces with their MAC (sysfs) and addresses (getifaddrs).
  std::map<std::string, std::vector<std::string>> addresses;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr) continue;
      char text[INET6_ADDRSTRLEN] = {};
      if (a->ifa_addr->sa_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
      } else if (a->ifa_addr->sa_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, text, sizeof text);
      } else {
        continue;
      }
      addresses[a->ifa_name].push_back(text);
    }
    ::freeifaddrs(list);
  }
  w.key("interfaces");
  w.begin_array();
  for (const auto& name : list_dir("/sys/class/net")) {
    if (name == "lo") continue;
    w.begin_object();
    w.field("name", name);
    w.field("mac", trim(read_file("/sys/class/net/" + name + "/address")));
    w.key("addresses");
    w.begin_array();
    for (const auto& a : addresses[name]) w.string(a);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  // Installed packages from the dpkg database.
  static const std::set<std::string> kDesktop = {"gdm3", "lightdm", "sddm", "xserver-xorg-core", "gnome-shell",
                                                 "plasma-desktop", "xfce4-session", "xwayland"};
  bool has_desktop = false;
  w.key("packages");
  w.begin_array();
  std::string status = read_file("/var/lib/dpkg/status");
  size_t start = 0;
  while (start < status.size()) {
    size_t end = status.find("\n\n", start);
    if (end == std::string::npos) end = status.size();
    std::string_view stanza(status.data() + start, end - start);
    start = end + 2;
    std::string name, version;
    bool installed = false;
    size_t p = 0;
    while (p < stanza.size()) {
      size_t e = stanza.find('\n', p);
      if (e == std::string_view::npos) e = stanza.size();
      std::string_view line = stanza.substr(p, e - p);
      if (line.starts_with("Package: ")) name = std::string(line.substr(9));
      else if (line.starts_with("Version: ")) version = std::string(line.substr(9));
      else if (line.starts_with("Status: ")) installed = line.ends_with(" installed");
      p = e + 1;
    }
    if (name.empty() || !installed) continue;
    if (kDesktop.count(name)) has_desktop = true;
    w.begin_object();
    w.field("name", name);
    w.field("version", version);
    w.end_object();
  }
  w.end_array();
  w.field("has_desktop", has_desktop);
  // Pending updates: what update-notifier last computed, when present.
  std::string updates = read_file("/var/lib/update-notifier/updates-available");
  w.key("pending_updates");
  int pending = 0;
  size_t digit = updates.find_first_of("0123456789");
  if (digit != std::string::npos && std::sscanf(updates.c_str() + digit, "%d", &pending) == 1) {
    w.integer(pending);
  } else {
    w.null();
  }
  w.end_object();
  return out;
}

}  // namespace tend::agent::linux_system
