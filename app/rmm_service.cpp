#include "app/rmm_service.h"

#include <charconv>
#include <map>

#include "app/audit.h"
#include "app/crypto.h"
#include "app/inventory.h"
#include "app/json_codec.h"
#include "app/log.h"
#include "core/validation.h"

namespace tend {

using nlohmann::json;
using namespace tend::rmm;
using store::Transaction;

namespace {

constexpr std::string_view kEnrollmentPrefix = "tend_enr_";

Error not_visible(const char* what) { return Error::not_found(std::string(what) + " not found"); }

Result<Device> visible_device(Transaction& tx, const Principal& caller, DeviceId id) {
  auto device = store::DeviceRepository(tx.connection()).get(id);
  if (!device) return std::unexpected(device.error());
  if (!caller.can_see_client(device->client_id)) return std::unexpected(not_visible("device"));
  return device;
}

json token_json(const EnrollmentToken& t) {
  return {{"id", t.id.value()},
          {"client_id", t.client_id.value()},
          {"site_id", t.site_id.value()},
          {"prefix", t.prefix},
          {"max_uses", t.max_uses ? json(*t.max_uses) : json(nullptr)},
          {"uses", t.uses},
          {"expires_at", format_rfc3339(t.expires_at)}};
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Reads a check definition's editable fields from `body`.
Status apply_check_json(CheckDefinition& c, const json& body, bool creating) {
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"kind", "name", "target", "warn", "crit", "timeout_seconds", "expect_status", "script", "enabled"},
              {"id", "device_id"});
  if (reader.has("kind")) {
    std::string kind;
    reader.text("kind", kind);
    auto parsed = parse_check_kind(kind);
    if (parsed) c.kind = *parsed;
    else errors.add("kind", parsed.error().message);
  } else if (creating) {
    errors.add("kind", "is required");
  }
  reader.text("name", c.name);
  reader.text("target", c.target);
  for (const char* key : {"warn", "crit"}) {
    if (!body.contains(key)) continue;
    const json& v = body.at(key);
    if (!v.is_number()) errors.add(key, "must be a number");
    else (std::string_view(key) == "warn" ? c.warn : c.crit) = v.get<double>();
  }
  reader.integer("timeout_seconds", c.timeout_seconds);
  reader.integer("expect_status", c.expect_status);
  reader.text("script", c.script);
  reader.boolean("enabled", c.enabled);
  TEND_CHECK(std::move(errors).status());
  if (creating && c.name.empty()) c.name = std::string(to_string(c.kind)) + (c.target.empty() ? "" : " " + c.target);
  return validate(c);
}

}  // namespace

std::vector<std::pair<int64_t, double>> decode_packed_metrics(std::string_view text) {
  std::vector<std::pair<int64_t, double>> out;
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view part = text.substr(0, semi);
    auto eq = part.find('=');
    if (eq != std::string_view::npos) {
      int64_t id = 0;
      double value = 0;
      auto r1 = std::from_chars(part.data(), part.data() + eq, id);
      auto r2 = std::from_chars(part.data() + eq + 1, part.data() + part.size(), value);
      if (r1.ec == std::errc() && r2.ec == std::errc()) out.emplace_back(id, value);
    }
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

// ---- enrollment tokens ---------------------------------------------------------

Result<CreatedEnrollmentToken> RmmService::create_enrollment_token(const Principal& caller, SiteId site_id,
                                                                   std::optional<int64_t> max_uses,
                                                                   std::optional<Instant> expires_at) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  if (!site_id.valid()) errors.add("site_id", "is required");
  if (max_uses && (*max_uses < 1 || *max_uses > 1'000'000)) errors.add("max_uses", "must be between 1 and 1000000");
  Instant expires = expires_at.value_or(now + std::chrono::days(7));
  if (expires <= now) errors.add("expires_at", "must lie in the future");
  if (expires > now + std::chrono::days(366)) errors.add("expires_at", "must lie within a year");
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<CreatedEnrollmentToken> {
    auto site = tx.sites().get(site_id);
    if (!site || !caller.can_see_client(site->client_id)) {
      return std::unexpected(Error::invalid_field("site_id", "no such site"));
    }
    if (site->archived()) return std::unexpected(Error::invalid_field("site_id", "the site is archived"));
    CreatedEnrollmentToken out;
    out.secret = random_token(kEnrollmentPrefix);
    out.token.client_id = site->client_id;
    out.token.site_id = site_id;
    out.token.prefix = out.secret.substr(0, kEnrollmentPrefix.size() + 6);
    out.token.max_uses = max_uses;
    out.token.expires_at = expires;
    out.token.created_at = now;
    out.token.id = TEND_TRY(store::EnrollmentTokenRepository(tx.connection()).insert(out.token, token_hash(out.secret)));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "enrollment_token.created", "enrollment_token",
                                             out.token.id.value(), site->client_id, token_json(out.token))));
    return out;
  });
}

Result<std::vector<EnrollmentToken>> RmmService::list_enrollment_tokens(const Principal& caller, ClientId client,
                                                                         SiteId site) {
  if (caller.is_portal()) {
    if (client.valid() && client != caller.client_id) return std::vector<EnrollmentToken>{};
    client = caller.client_id;
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) {
    return store::EnrollmentTokenRepository(tx.connection()).list(client, site, 500);
  });
}

Result<EnrollmentToken> RmmService::revoke_enrollment_token(const Principal& caller, EnrollmentTokenId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<EnrollmentToken> {
    store::EnrollmentTokenRepository tokens(tx.connection());
    auto token = TEND_TRY(tokens.get(id));
    if (!caller.can_see_client(token.client_id)) return std::unexpected(not_visible("enrollment token"));
    if (token.revoked_at) return token;
    TEND_CHECK(tokens.revoke(id, now));
    token.revoked_at = now;
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "enrollment_token.revoked", "enrollment_token", id.value(),
                                             token.client_id)));
    return token;
  });
}

// ---- enrollment ----------------------------------------------------------------

Result<EnrollOutcome> RmmService::enroll(const EnrollRequest& request) {
  const Instant now = context_.clock.now();
  json inventory = request.inventory_json.empty() ? json(nullptr) : json::parse(request.inventory_json, nullptr, false);
  if (inventory.is_discarded()) inventory = nullptr;
  std::optional<DeviceId> replaced;
  auto outcome = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<EnrollOutcome> {
    store::EnrollmentTokenRepository tokens(tx.connection());
    auto token = tokens.find_by_hash(token_hash(request.token));
    const Error refused = Error::unauthenticated("the enrollment token is unknown, revoked, expired or used up");
    if (!token) {
      if (token.error().kind == ErrorKind::not_found) return std::unexpected(refused);
      return std::unexpected(token.error());
    }
    std::string why = token->refusal(now);
    if (!why.empty()) {
      log::info("agent.enroll_refused", {{"token_id", token->id.value()}, {"reason", why}});
      return std::unexpected(refused);
    }
    TEND_CHECK(tokens.add_use(token->id));
    store::DeviceRepository devices(tx.connection());
    store::DeviceCheckRepository checks(tx.connection());
    store::DeviceEventRepository events(tx.connection());
    EnrollOutcome out;
    out.credential = random_token(AgentDirectory::kCredentialPrefix);
    std::string credential_hash = token_hash(out.credential);
    auto existing = TEND_TRY(devices.find_by_machine(token->client_id, request.machine_id));
    if (existing) {
      out.device = *existing;
      out.device.site_id = token->site_id;
      out.device.updated_at = now;
      TEND_CHECK(devices.update(out.device));
      TEND_CHECK(devices.replace_credential(out.device.id, credential_hash, now));
      replaced = out.device.id;
      TEND_CHECK(events.append({0, out.device.id, now, "enrolled",
                                dump({{"again", true}, {"token_id", token->id.value()}})}));
    } else {
      Device& d = out.device;
      d.client_id = token->client_id;
      d.site_id = token->site_id;
      d.hostname = request.hostname;
      d.name = request.hostname;
      d.machine_id = request.machine_id;
      d.device_class = classify(class_facts(inventory));
      d.agent_version = request.agent_version;
      if (inventory.is_object() && inventory.contains("os_name") && inventory["os_name"].is_string()) {
        d.os_name = inventory["os_name"].get<std::string>();
      }
      d.enrolled_at = d.created_at = d.updated_at = now;
      d.id = TEND_TRY(devices.insert(d, credential_hash, token->id));
      for (const auto& check : default_checks()) TEND_TRY(checks.insert(d.id, check, now));
      TEND_CHECK(events.append({0, d.id, now, "enrolled", dump({{"token_id", token->id.value()}})}));
    }
    if (inventory.is_object()) {
      store::SampleRepository samples(tx.connection());
      TEND_CHECK(samples.set_inventory(out.device.id, dump(inventory), now));
    }
    out.config.version = out.device.checks_version;
    out.config.interval_seconds = context_.config.rmm.checkin_interval_seconds;
    out.config.inventory_interval_seconds = context_.config.rmm.inventory_interval_seconds;
    out.config.checks = TEND_TRY(checks.for_device(out.device.id));
    Principal agent;
    agent.email = "agent";
    TEND_CHECK(tx.audit().append(audit_event(agent, now, existing ? "device.reenrolled" : "device.enrolled", "device",
                                             out.device.id.value(), out.device.client_id,
                                             {{"hostname", out.device.hostname},
                                              {"site_id", out.device.site_id.value()},
                                              {"enrollment_token_id", token->id.value()}})));
    return out;
  });
  if (outcome && replaced) directory_.forget(*replaced);
  if (outcome) directory_.checks_changed(outcome->device.id);
  return outcome;
}

// ---- devices -------------------------------------------------------------------

Result<Page<DeviceRow>> RmmService::list_devices(const Principal& caller, store::DeviceFilter filter,
                                                 const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<DeviceRow>{};
    filter.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) {
    return store::DeviceRepository(tx.connection()).list(filter, page);
  });
}

Result<DeviceDetail> RmmService::get_device(const Principal& caller, DeviceId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<DeviceDetail> {
    DeviceDetail out;
    out.row.device = TEND_TRY(visible_device(tx, caller, id));
    store::DeviceRepository devices(tx.connection());
    store::DeviceCheckRepository checks(tx.connection());
    store::SampleRepository samples(tx.connection());
    out.row.status = TEND_TRY(devices.status(id));
    out.checks = TEND_TRY(checks.for_device(id));
    out.check_states = TEND_TRY(checks.states(id));
    auto latest = TEND_TRY(samples.latest(id));
    if (latest) {
      LatestSample s;
      s.at = latest->at;
      s.seq = latest->seq;
      auto names = TEND_TRY(samples.metric_names());
      std::unordered_map<int64_t, std::string> name_of(names.begin(), names.end());
      for (auto [metric, value] : decode_packed_metrics(latest->metrics)) {
        auto it = name_of.find(metric);
        if (it != name_of.end()) s.metrics.push_back({it->second, value});
      }
      if (!latest->checks.empty()) {
        json results = json::parse(latest->checks, nullptr, false);
        if (results.is_array()) {
          for (const auto& r : results) {
            CheckResult c;
            c.check_id = r.value("id", int64_t{0});
            c.state = parse_check_state(r.value("state", std::string("fail"))).value_or(CheckState::fail);
            if (r.contains("value") && r["value"].is_number()) c.value = r["value"].get<double>();
            c.output = r.value("output", std::string());
            s.checks.push_back(std::move(c));
          }
        }
      }
      out.latest = std::move(s);
    }
    std::string inventory = TEND_TRY(samples.inventory(id));
    out.inventory = inventory.empty() ? json(nullptr) : json::parse(inventory, nullptr, false);
    return out;
  });
}

Result<Device> RmmService::update_device(const Principal& caller, DeviceId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Device> {
    const Device before = TEND_TRY(visible_device(tx, caller, id));
    Device after = before;
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"name", "class"}, {"id", "client_id", "site_id", "hostname", "os_name"});
    reader.text("name", after.name);
    if (body.contains("class")) {
      const json& v = body["class"];
      if (v.is_null()) {
        after.class_manual = false;
        std::string inventory = TEND_TRY(store::SampleRepository(tx.connection()).inventory(id));
        if (!inventory.empty()) after.device_class = classify(class_facts(json::parse(inventory, nullptr, false)));
      } else if (!v.is_string()) {
        errors.add("class", "must be workstation, server or null");
      } else {
        auto parsed = parse_device_class(v.get<std::string>());
        if (parsed) {
          after.device_class = *parsed;
          after.class_manual = true;
        } else {
          errors.add("class", parsed.error().message);
        }
      }
    }
    std::string name_problem = check_required_text(after.name, 200);
    if (!name_problem.empty()) errors.add("name", name_problem);
    TEND_CHECK(std::move(errors).status());
    json changes;
    if (after.name != before.name) changes["name"] = {before.name, after.name};
    if (after.device_class != before.device_class || after.class_manual != before.class_manual) {
      changes["class"] = {to_string(before.device_class), to_string(after.device_class)};
      changes["class_manual"] = {before.class_manual, after.class_manual};
    }
    if (changes.is_null()) return before;
    after.updated_at = now;
    TEND_CHECK(store::DeviceRepository(tx.connection()).update(after));
    if (after.device_class != before.device_class) {
      TEND_CHECK(store::DeviceEventRepository(tx.connection())
                     .append({0, id, now, "class_changed",
                              dump({{"from", to_string(before.device_class)},
                                    {"to", to_string(after.device_class)},
                                    {"source", after.class_manual ? "manual" : "detected"}})}));
    }
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "device.updated", "device", id.value(), after.client_id, changes)));
    return after;
  });
}

Result<Device> RmmService::revoke_device(const Principal& caller, DeviceId id) {
  const Instant now = context_.clock.now();
  auto device = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Device> {
    Device d = TEND_TRY(visible_device(tx, caller, id));
    if (d.revoked_at) return d;
    TEND_CHECK(store::DeviceRepository(tx.connection()).revoke(id, now));
    d.revoked_at = now;
    TEND_CHECK(store::DeviceEventRepository(tx.connection()).append({0, id, now, "revoked", "{}"}));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "device.revoked", "device", id.value(), d.client_id)));
    return d;
  });
  if (device) directory_.forget(id);
  return device;
}

// ---- checks --------------------------------------------------------------------

Result<std::vector<CheckDefinition>> RmmService::list_checks(const Principal& caller, DeviceId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<CheckDefinition>> {
    TEND_TRY(visible_device(tx, caller, id));
    return store::DeviceCheckRepository(tx.connection()).for_device(id);
  });
}

Result<CheckDefinition> RmmService::add_check(const Principal& caller, DeviceId id, const json& body) {
  const Instant now = context_.clock.now();
  CheckDefinition check;
  TEND_CHECK(apply_check_json(check, body, true));
  auto added = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<CheckDefinition> {
    Device d = TEND_TRY(visible_device(tx, caller, id));
    check.id = TEND_TRY(store::DeviceCheckRepository(tx.connection()).insert(id, check, now)).value();
    TEND_CHECK(store::DeviceRepository(tx.connection()).bump_checks_version(id));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "device_check.created", "device", id.value(), d.client_id,
                                             {{"check_id", check.id}, {"kind", to_string(check.kind)}, {"name", check.name}})));
    return check;
  });
  if (added) directory_.checks_changed(id);
  return added;
}

Result<CheckDefinition> RmmService::update_check(const Principal& caller, DeviceCheckId id, const json& body) {
  const Instant now = context_.clock.now();
  DeviceId device;
  auto updated = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<CheckDefinition> {
    store::DeviceCheckRepository checks(tx.connection());
    auto [owner, check] = TEND_TRY(checks.get(id));
    Device d = TEND_TRY(visible_device(tx, caller, owner));
    device = owner;
    CheckDefinition before = check;
    TEND_CHECK(apply_check_json(check, body, false));
    if (check == before) return check;
    TEND_CHECK(checks.update(check, now));
    TEND_CHECK(store::DeviceRepository(tx.connection()).bump_checks_version(owner));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "device_check.updated", "device", owner.value(), d.client_id,
                                             {{"check_id", check.id}})));
    return check;
  });
  if (updated) directory_.checks_changed(device);
  return updated;
}

Status RmmService::delete_check(const Principal& caller, DeviceCheckId id) {
  const Instant now = context_.clock.now();
  DeviceId device;
  auto deleted = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
    store::DeviceCheckRepository checks(tx.connection());
    auto [owner, check] = TEND_TRY(checks.get(id));
    Device d = TEND_TRY(visible_device(tx, caller, owner));
    device = owner;
    TEND_CHECK(checks.remove(id, now));
    TEND_CHECK(store::DeviceRepository(tx.connection()).bump_checks_version(owner));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "device_check.deleted", "device", owner.value(), d.client_id,
                                             {{"check_id", id.value()}})));
    return {};
  });
  if (deleted) directory_.checks_changed(device);
  return deleted;
}

// ---- timeline, history ---------------------------------------------------------------

Result<std::vector<DeviceEvent>> RmmService::events(const Principal& caller, DeviceId id, std::string_view kind,
                                                    int64_t before, int limit) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<DeviceEvent>> {
    TEND_TRY(visible_device(tx, caller, id));
    return store::DeviceEventRepository(tx.connection()).list(id, kind, before, limit);
  });
}

Result<MetricHistory> RmmService::history(const Principal& caller, DeviceId id, const std::string& metric, Instant from,
                                          Instant to, std::optional<Resolution> resolution) {
  if (to <= from) return std::unexpected(Error::invalid_field("to", "must be after from"));
  const Instant now = context_.clock.now();
  Retention retention{context_.config.rmm.raw_retention_days, context_.config.rmm.five_minute_retention_days,
                      context_.config.rmm.hourly_retention_days};
  MetricHistory out;
  out.metric = metric;
  out.resolution = resolution.value_or(
      choose_resolution(to_unix_ms(to) - to_unix_ms(from), to_unix_ms(now) - to_unix_ms(from), retention));
  constexpr int kMaxPoints = 5000;
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<MetricHistory> {
    TEND_TRY(visible_device(tx, caller, id));
    store::SampleRepository samples(tx.connection());
    auto metric_id = samples.metric_id(metric);
    if (!metric_id) {
      if (metric_id.error().kind == ErrorKind::not_found) return out;  // never reported: an empty series
      return std::unexpected(metric_id.error());
    }
    if (out.resolution == Resolution::raw) {
      auto rows = TEND_TRY(samples.range(id, from, to, kMaxPoints, /*newest=*/true));
      for (const auto& row : rows) {
        for (auto [m, value] : decode_packed_metrics(row.metrics)) {
          if (m == *metric_id) out.points.push_back({row.at, value, value, value, 1});
        }
      }
    } else {
      int seconds = static_cast<int>(bucket_ms(out.resolution) / 1000);
      out.points = TEND_TRY(samples.rollups(id, *metric_id, seconds, from, to, kMaxPoints));
    }
    return out;
  });
}

Result<std::vector<StoredCheckResult>> RmmService::check_results(const Principal& caller, DeviceId id,
                                                                 DeviceCheckId check, Instant from, Instant to,
                                                                 int limit) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<std::vector<StoredCheckResult>> {
    TEND_TRY(visible_device(tx, caller, id));
    auto rows = TEND_TRY(store::SampleRepository(tx.connection()).range(id, from, to, 100000));
    std::vector<StoredCheckResult> out;
    for (const auto& row : rows) {
      if (row.checks.empty()) continue;
      json results = json::parse(row.checks, nullptr, false);
      if (!results.is_array()) continue;
      for (const auto& r : results) {
        CheckResult c;
        c.check_id = r.value("id", int64_t{0});
        if (check.valid() && c.check_id != check.value()) continue;
        c.state = parse_check_state(r.value("state", std::string("fail"))).value_or(CheckState::fail);
        if (r.contains("value") && r["value"].is_number()) c.value = r["value"].get<double>();
        c.output = r.value("output", std::string());
        out.push_back({row.at, std::move(c)});
        if (static_cast<int>(out.size()) >= limit) return out;
      }
    }
    return out;
  });
}

Result<int64_t> RmmService::count_active_devices(ClientId client) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) {
    return store::DeviceRepository(tx.connection()).count_active(client);
  });
}

// ---- upkeep ------------------------------------------------------------------------

Result<int64_t> RmmService::mark_offline_devices() {
  const Instant now = context_.clock.now();
  const auto& rmm = context_.config.rmm;
  // Missing N check-ins: nothing heard for N intervals plus a little slack
  // for jitter and queueing.
  auto silence = std::chrono::seconds(static_cast<int64_t>(rmm.checkin_interval_seconds) * rmm.offline_after_missed +
                                      rmm.checkin_interval_seconds / 2);
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<int64_t> {
    auto offline = TEND_TRY(store::DeviceRepository(tx.connection()).mark_offline(now - silence));
    store::DeviceEventRepository events(tx.connection());
    for (DeviceId id : offline) {
      TEND_CHECK(events.append({0, id, now, "offline", dump({{"missed_checkins", rmm.offline_after_missed}})}));
    }
    return static_cast<int64_t>(offline.size());
  });
}

Result<int64_t> RmmService::roll_up(int max_samples) {
  struct Aggregate {
    int64_t count = 0;
    double sum = 0, min = 0, max = 0;
  };
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<int64_t> {
    store::SampleRepository samples(tx.connection());
    int64_t after = TEND_TRY(samples.progress("rollup_sample_id"));
    auto rows = TEND_TRY(samples.after(after, max_samples));
    if (rows.empty()) return int64_t{0};
    // key: device, metric, resolution seconds, bucket start
    std::map<std::tuple<int64_t, int64_t, int, int64_t>, Aggregate> buckets;
    for (const auto& row : rows) {
      int64_t at = to_unix_ms(row.at);
      for (auto [metric, value] : decode_packed_metrics(row.metrics)) {
        for (int seconds : {300, 3600}) {
          int64_t size = seconds * 1000LL;
          int64_t bucket = at - ((at % size) + size) % size;
          Aggregate& a = buckets[{row.device_id.value(), metric, seconds, bucket}];
          if (a.count == 0) a.min = a.max = value;
          ++a.count;
          a.sum += value;
          a.min = std::min(a.min, value);
          a.max = std::max(a.max, value);
        }
      }
    }
    for (const auto& [key, a] : buckets) {
      auto [device, metric, seconds, bucket] = key;
      TEND_CHECK(samples.add_rollup(DeviceId(device), metric, seconds, bucket, a.count, a.sum, a.min, a.max));
    }
    TEND_CHECK(samples.set_progress("rollup_sample_id", rows.back().id));
    return static_cast<int64_t>(rows.size());
  });
}

Result<int64_t> RmmService::apply_retention() {
  const Instant now = context_.clock.now();
  const auto& rmm = context_.config.rmm;
  int64_t total = 0;
  // Raw samples go only after they were rolled up.
  for (;;) {
    auto deleted = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<int64_t> {
      store::SampleRepository samples(tx.connection());
      int64_t rolled = TEND_TRY(samples.progress("rollup_sample_id"));
      return samples.delete_raw_before(now - std::chrono::days(rmm.raw_retention_days), rolled, 10000);
    });
    if (!deleted) return std::unexpected(deleted.error());
    total += *deleted;
    if (*deleted < 10000) break;
  }
  auto rollups = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<int64_t> {
    store::SampleRepository samples(tx.connection());
    int64_t n = TEND_TRY(samples.delete_rollups_before(300, now - std::chrono::days(rmm.five_minute_retention_days)));
    n += TEND_TRY(samples.delete_rollups_before(3600, now - std::chrono::days(rmm.hourly_retention_days)));
    return n;
  });
  if (!rollups) return std::unexpected(rollups.error());
  return total + *rollups;
}

}  // namespace tend
