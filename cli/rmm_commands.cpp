#include "cli/rmm_commands.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>

#include "cli/command_support.h"
#include "cli/exit_codes.h"
#include "wire/json_writer.h"

namespace tend::cli {
namespace {

using nlohmann::json;

struct EnrollmentOptions {
  Target target;
  int64_t site = 0;
  int64_t uses = 0;
  std::string expires = "7d";
  std::string id;
};

int enrollment_create(const EnrollmentOptions& o) {
  auto connection = connect(o.target);
  if (!connection) return report(connection.error());
  json body = {{"site_id", o.site}, {"expires_in", o.expires}};
  if (o.uses > 0) body["max_uses"] = o.uses;
  auto outcome = check_reply(connection->client->call("POST", "/api/v1/enrollment-tokens", body.dump()));
  if (outcome.exit_code != kOk) return outcome.exit_code;
  if (o.target.json_output) {
    print_json(outcome.body);
    return kOk;
  }
  std::printf("enrollment token %lld for site %lld (expires %s, uses %s)\n%s\n\n",
              static_cast<long long>(outcome.body["id"].get<int64_t>()), static_cast<long long>(o.site),
              outcome.body["expires_at"].get<std::string>().c_str(),
              outcome.body["max_uses"].is_null() ? "unlimited" : outcome.body["max_uses"].dump().c_str(),
              outcome.body["token"].get<std::string>().c_str());
  std::printf("on the machine:  tend-agent enroll --server URL --token %s\n",
              outcome.body["token"].get<std::string>().c_str());
  return kOk;
}

int simple_list(const Target& target, const std::string& path, const std::vector<std::string>& columns) {
  return send(target, "GET", path, nullptr, [&](const json& page) { print_table(page["items"], columns); });
}

int simple_call(const Target& target, const std::string& method, const std::string& path) {
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  auto outcome = check_reply(connection->client->call(method, path, method == "POST" ? "{}" : ""));
  if (outcome.exit_code != kOk) return outcome.exit_code;
  print_json(outcome.body);
  return kOk;
}

// ---- demo devices ---------------------------------------------------------------

struct DemoDevicesOptions {
  std::string data_dir;
  int count = 300;
  int history_hours = 6;
  bool follow = false;
};

struct SimDevice {
  AgentIdentity identity;
  std::vector<int64_t> checks;
  int64_t seq = 0;
  bool server = false;
  double disk = 40;  // drifts; a few devices run full
  double cpu = 10;
};

rmm::AgentRecord sim_record(SimDevice& d, int64_t at_ms, std::mt19937& random) {
  std::normal_distribution<double> noise(0, 1);
  d.cpu = std::clamp(d.cpu + noise(random) * 5, 1.0, d.server ? 99.0 : 90.0);
  d.disk = std::clamp(d.disk + noise(random) * 0.05 + 0.01, 5.0, 99.5);
  double mem = std::clamp(45 + noise(random) * 8, 5.0, 98.0);
  rmm::AgentRecord r;
  r.seq = ++d.seq;
  r.at_ms = at_ms;
  r.metrics = {{"cpu.pct", d.cpu},
               {"load.1", d.cpu / 25},
               {"load.5", d.cpu / 30},
               {"load.15", d.cpu / 35},
               {"mem.total_bytes", d.server ? 34359738368.0 : 17179869184.0},
               {"mem.used_pct", mem},
               {"mem.available_bytes", (100 - mem) / 100 * (d.server ? 34359738368.0 : 17179869184.0)},
               {"swap.total_bytes", 2147483648.0},
               {"swap.used_bytes", 0},
               {"fs./.used_pct", d.disk},
               {"fs./.free_bytes", (100 - d.disk) / 100 * 512e9},
               {"net.rx_bytes", static_cast<double>(at_ms % 100000000)},
               {"net.tx_bytes", static_cast<double>(at_ms % 50000000)},
               {"uptime_s", 86400.0 * 3}};
  const double values[3] = {d.cpu, mem, d.disk};
  const double warn[3] = {85, 90, 85}, crit[3] = {95, 95, 95};
  for (size_t i = 0; i < d.checks.size() && i < 3; ++i) {
    rmm::CheckState state = rmm::evaluate_threshold(values[i], warn[i], crit[i]);
    char text[64];
    std::snprintf(text, sizeof text, "%.1f %%", values[i]);
    r.checks.push_back({d.checks[i], state, values[i], text});
  }
  return r;
}

std::string sim_inventory(int index, bool server, const std::string& hostname) {
  std::string out;
  wire::JsonWriter w(out);
  w.begin_object();
  w.field("hostname", hostname);
  w.field("os_name", server ? "Debian GNU/Linux 12 (bookworm)" : (index % 3 == 0 ? "Ubuntu 24.04 LTS" : "Debian GNU/Linux 12 (bookworm)"));
  w.field("kernel", "6.1.0-28-amd64");
  w.field("arch", "x86_64");
  w.field("cpu_model", server ? "Intel(R) Xeon(R) E-2336" : "Intel(R) Core(TM) i5-1245U");
  w.field("cpu_cores", server ? 12 : 8);
  w.field("memory_bytes", static_cast<int64_t>(server ? 34359738368LL : 17179869184LL));
  w.field("chassis_type", server ? 23 : 10);
  w.field("has_desktop", !server);
  w.field("machine_id", "demo-" + std::to_string(index));
  w.key("packages");
  w.begin_array();
  for (const char* p : {"openssh-server", "curl", "systemd", server ? "postgresql-15" : "firefox-esr"}) {
    w.begin_object();
    w.field("name", p);
    w.field("version", "1.0-demo");
    w.end_object();
  }
  w.end_array();
  w.field("pending_updates", index % 7);
  w.end_object();
  return out;
}

int demo_devices(const DemoDevicesOptions& o) {
  auto config = config_for(o.data_dir);
  if (!config) return report(config.error());
  config->log.access_log = false;
  auto opened = open_installation(o.data_dir, *config, {});
  if (!opened) return report(opened.error());
  Installation& inst = **opened;
  const Principal admin = Principal::local_admin();
  // Spread the devices over the managed-services clients (their notes say
  // so in the demo data), else over every client.
  auto clients = inst.tenancy->list_clients(admin, {}, *make_page_request(200, "name", "", {"name"}, "name"));
  if (!clients) return report(clients.error());
  std::vector<Client> managed;
  for (const auto& c : clients->items) {
    if (c.notes.find("anaged") != std::string::npos) managed.push_back(c);
  }
  if (managed.empty()) managed = clients->items;
  if (managed.empty()) return report(Error::not_found("no clients: run `tend demo seed` first"));
  std::vector<std::pair<Client, Site>> places;
  for (const auto& c : managed) {
    store::SiteFilter filter;
    filter.client = c.id;
    auto sites = inst.tenancy->list_sites(admin, filter, *make_page_request(50, "name", "", {"name"}, "name"));
    if (sites && !sites->items.empty()) {
      for (const auto& s : sites->items) places.emplace_back(c, s);
    }
  }
  if (places.empty()) return report(Error::not_found("the managed clients have no sites"));
  std::mt19937 random(2026);
  std::vector<SimDevice> devices;
  const auto now = inst.clock.now();
  for (int i = 0; i < o.count; ++i) {
    auto& [client, site] = places[static_cast<size_t>(i) % places.size()];
    bool server = i % 8 == 0;
    auto token = inst.rmm->create_enrollment_token(admin, site.id, 1, std::nullopt);
    if (!token) return report(token.error());
    char name[64];
    std::snprintf(name, sizeof name, "%s-%03d", server ? "srv" : "ws", i + 1);
    std::string hostname = std::string(name) + "." + std::to_string(client.id.value()) + ".demo";
    rmm::EnrollRequest request{token->secret, hostname, "demo-" + std::to_string(i), "0.1.0-sim",
                               sim_inventory(i, server, hostname)};
    auto enrolled = inst.rmm->enroll(request);
    if (!enrolled) return report(enrolled.error());
    SimDevice d;
    d.identity = {enrolled->device.id, enrolled->device.client_id, enrolled->device.site_id};
    for (const auto& c : enrolled->config.checks) d.checks.push_back(c.id);
    d.server = server;
    d.disk = i % 23 == 0 ? 91 : 30 + static_cast<double>(i % 40);  // a few disks run full
    d.cpu = 5 + static_cast<double>(i % 30);
    // History: one record every 5 minutes for the last hours, then now.
    rmm::CheckinRequest backlog;
    backlog.agent_version = "0.1.0-sim";
    backlog.config_version = enrolled->config.version;
    int steps = o.history_hours * 12;
    for (int k = steps; k >= 0; --k) {
      backlog.records.push_back(sim_record(d, to_unix_ms(now) - static_cast<int64_t>(k) * 300000, random));
    }
    auto stored = inst.ingest->submit_and_wait(d.identity, std::move(backlog));
    if (!stored) return report(stored.error());
    devices.push_back(std::move(d));
  }
  // Roll the history up so the 5-minute and hourly views have data.
  while (true) {
    auto n = inst.rmm->roll_up(50000);
    if (!n || *n == 0) break;
  }
  std::printf("enrolled %d simulated devices over %zu sites with %d h of history\n", o.count, places.size(),
              o.history_hours);
  if (!o.follow) return kOk;
  std::printf("checking in every %d s; stop with Ctrl-C\n", config->rmm.checkin_interval_seconds);
  std::fflush(stdout);
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(config->rmm.checkin_interval_seconds));
    for (auto& d : devices) {
      rmm::CheckinRequest request;
      request.agent_version = "0.1.0-sim";
      request.records.push_back(sim_record(d, to_unix_ms(inst.clock.now()), random));
      auto stored = inst.ingest->submit_and_wait(d.identity, std::move(request));
      if (!stored) std::fprintf(stderr, "tend: %s\n", stored.error().message.c_str());
    }
  }
}

}  // namespace

void add_rmm_commands(CLI::App& app, int& exit_code) {
  {
    auto* enrollment = app.add_subcommand("enrollment", "Enrollment tokens that let agents register");
    enrollment->require_subcommand(1);
    auto o = std::make_shared<EnrollmentOptions>();
    auto* c = enrollment->add_subcommand("create", "Create an enrollment token for a site (printed once)");
    o->target.add_options(*c);
    c->add_option("--site", o->site, "Site id")->required();
    c->add_option("--uses", o->uses, "How many machines may enroll with it (default: unlimited)");
    c->add_option("--expires", o->expires, "Validity: 7d (default), 12h, 30m");
    c->callback([o, &exit_code] { exit_code = enrollment_create(*o); });
    auto l = std::make_shared<EnrollmentOptions>();
    auto* list = enrollment->add_subcommand("list", "List enrollment tokens");
    l->target.add_options(*list);
    list->add_option("--site", l->site, "Only this site's");
    list->callback([l, &exit_code] {
      exit_code = simple_list(l->target, "/api/v1/enrollment-tokens" + (l->site ? "?site_id=" + std::to_string(l->site) : ""),
                              {"/id", "/site_id", "/prefix", "/uses", "/max_uses", "/expires_at", "/revoked_at"});
    });
    auto r = std::make_shared<EnrollmentOptions>();
    auto* revoke = enrollment->add_subcommand("revoke", "Revoke an enrollment token");
    r->target.add_options(*revoke);
    revoke->add_option("id", r->id, "Token id")->required();
    revoke->callback([r, &exit_code] {
      exit_code = simple_call(r->target, "POST", "/api/v1/enrollment-tokens/" + r->id + "/revoke");
    });
  }
  {
    auto* device = app.add_subcommand("device", "Monitored devices");
    device->require_subcommand(1);
    auto l = std::make_shared<Target>();
    auto filters = std::make_shared<std::vector<std::string>>();
    auto* list = device->add_subcommand("list", "List devices (filters: client_id=, site_id=, class=, online=, failing=)");
    l->add_options(*list);
    list->add_option("--filter", *filters, "NAME=VALUE query filter, repeatable");
    list->callback([l, filters, &exit_code] {
      std::string query;
      for (const auto& f : *filters) query += (query.empty() ? "?" : "&") + f;
      exit_code = simple_list(*l, "/api/v1/devices" + query,
                              {"/id", "/name", "/client_id", "/site_id", "/class", "/online", "/failing_checks",
                               "/last_seen_at"});
    });
    auto s = std::make_shared<EnrollmentOptions>();
    auto* show = device->add_subcommand("show", "Show a device with its latest metrics and checks");
    s->target.add_options(*show);
    show->add_option("id", s->id, "Device id")->required();
    show->callback([s, &exit_code] { exit_code = simple_call(s->target, "GET", "/api/v1/devices/" + s->id); });
    auto r = std::make_shared<EnrollmentOptions>();
    auto* revoke = device->add_subcommand("revoke", "Revoke a device's agent credential");
    r->target.add_options(*revoke);
    revoke->add_option("id", r->id, "Device id")->required();
    revoke->callback([r, &exit_code] { exit_code = simple_call(r->target, "POST", "/api/v1/devices/" + r->id + "/revoke"); });
  }
  if (CLI::App* demo = app.get_subcommand("demo")) {
    auto o = std::make_shared<DemoDevicesOptions>();
    auto* c = demo->add_subcommand("devices", "Enroll simulated devices (with history) spread over the managed clients");
    c->add_option("--data", o->data_dir, "Data directory")->required()->envname("TEND_DATA");
    c->add_option("--count", o->count, "How many devices (default 300)");
    c->add_option("--history-hours", o->history_hours, "Hours of 5-minute history to backfill (default 6)");
    c->add_flag("--follow", o->follow, "Keep checking in every interval until stopped");
    c->callback([o, &exit_code] { exit_code = demo_devices(*o); });
  }
}

}  // namespace tend::cli
