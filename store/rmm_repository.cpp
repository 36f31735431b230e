#include "store/rmm_repository.h"

#include <algorithm>

#include "core/validation.h"

namespace tend::store {
namespace {

using namespace tend::rmm;

std::optional<Instant> opt_instant(const Rows& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return from_unix_ms(r.i64(column));
}

Status require_changed(int64_t changed, const char* what) {
  if (changed == 0) return std::unexpected(Error::not_found(std::string(what) + " not found"));
  return {};
}

constexpr const char* kTokenColumns =
    "SELECT id, client_id, site_id, prefix, max_uses, uses, expires_at, created_at, revoked_at FROM enrollment_tokens";

EnrollmentToken read_token(const Rows& r) {
  EnrollmentToken t;
  t.id = EnrollmentTokenId(r.i64(0));
  t.client_id = ClientId(r.i64(1));
  t.site_id = SiteId(r.i64(2));
  t.prefix = r.text(3);
  t.max_uses = r.opt_i64(4);
  t.uses = r.i64(5);
  t.expires_at = from_unix_ms(r.i64(6));
  t.created_at = from_unix_ms(r.i64(7));
  t.revoked_at = opt_instant(r, 8);
  return t;
}

constexpr const char* kDeviceColumns =
    "d.id, d.client_id, d.site_id, d.name, d.hostname, d.machine_id, d.class, d.class_manual, d.os_name, "
    "d.agent_version, d.enrolled_at, d.revoked_at, d.checks_version, d.created_at, d.updated_at";
constexpr int kDeviceColumnCount = 15;

Device read_device(const Rows& r) {
  Device d;
  d.id = DeviceId(r.i64(0));
  d.client_id = ClientId(r.i64(1));
  d.site_id = SiteId(r.i64(2));
  d.name = r.text(3);
  d.hostname = r.text(4);
  d.machine_id = r.text(5);
  d.device_class = r.text(6) == "server" ? DeviceClass::server : DeviceClass::workstation;
  d.class_manual = r.i64(7) != 0;
  d.os_name = r.text(8);
  d.agent_version = r.text(9);
  d.enrolled_at = from_unix_ms(r.i64(10));
  d.revoked_at = opt_instant(r, 11);
  d.checks_version = r.i64(12);
  d.created_at = from_unix_ms(r.i64(13));
  d.updated_at = from_unix_ms(r.i64(14));
  return d;
}

constexpr const char* kStatusColumns = "s.last_seq, s.last_seen_at, s.online, s.dropped_total, s.spooled, s.failing_checks";

DeviceStatus read_status(const Rows& r, int first) {
  DeviceStatus s;
  s.last_seq = r.is_null(first) ? 0 : r.i64(first);
  s.last_seen_at = opt_instant(r, first + 1);
  s.online = !r.is_null(first + 2) && r.i64(first + 2) != 0;
  s.dropped_total = r.is_null(first + 3) ? 0 : r.i64(first + 3);
  s.spooled = r.is_null(first + 4) ? 0 : r.i64(first + 4);
  s.failing_checks = r.is_null(first + 5) ? 0 : r.i64(first + 5);
  return s;
}

std::string device_select() {
  return std::string("SELECT ") + kDeviceColumns + ", " + kStatusColumns +
         " FROM devices d LEFT JOIN device_status s ON s.device_id = d.id";
}

constexpr const char* kCheckColumns =
    "SELECT id, device_id, kind, name, target, warn, crit, timeout_seconds, expect_status, script, enabled "
    "FROM device_checks";

CheckDefinition read_check(const Rows& r) {
  CheckDefinition c;
  c.id = r.i64(0);
  c.kind = parse_check_kind(r.text(2)).value_or(CheckKind::cpu);
  c.name = r.text(3);
  c.target = r.text(4);
  c.warn = r.f64(5);
  c.crit = r.f64(6);
  c.timeout_seconds = static_cast<int>(r.i64(7));
  c.expect_status = static_cast<int>(r.i64(8));
  c.script = r.text(9);
  c.enabled = r.i64(10) != 0;
  return c;
}

StoredSample read_sample(const Rows& r) {
  StoredSample s;
  s.id = r.i64(0);
  s.device_id = DeviceId(r.i64(1));
  s.seq = r.i64(2);
  s.at = from_unix_ms(r.i64(3));
  s.metrics = r.text(4);
  s.checks = r.text(5);
  return s;
}

}  // namespace

// ---- enrollment tokens ---------------------------------------------------------

Result<EnrollmentTokenId> EnrollmentTokenRepository::insert(const EnrollmentToken& t, std::string_view secret_hash) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO enrollment_tokens (client_id, site_id, token_hash, prefix, max_uses, uses, expires_at, created_at, "
      "revoked_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL) RETURNING id",
      t.client_id.value(), t.site_id.value(), secret_hash, t.prefix, t.max_uses, to_unix_ms(t.expires_at),
      to_unix_ms(t.created_at)));
  return EnrollmentTokenId(id);
}

Result<EnrollmentToken> EnrollmentTokenRepository::get(EnrollmentTokenId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kTokenColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("enrollment token not found"));
  return read_token(*rows);
}

Result<EnrollmentToken> EnrollmentTokenRepository::find_by_hash(std::string_view secret_hash) {
  auto rows = TEND_TRY(sql_.query(std::string(kTokenColumns) + " WHERE token_hash = ?", secret_hash));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("enrollment token not found"));
  return read_token(*rows);
}

Result<std::vector<EnrollmentToken>> EnrollmentTokenRepository::list(ClientId client, SiteId site, int limit) {
  auto rows = TEND_TRY(sql_.query(std::string(kTokenColumns) +
                                      " WHERE (? = 0 OR client_id = ?) AND (? = 0 OR site_id = ?) ORDER BY id DESC LIMIT ?",
                                  client.value(), client.value(), site.value(), site.value(), limit));
  std::vector<EnrollmentToken> out;
  while (TEND_TRY(rows->next())) out.push_back(read_token(*rows));
  return out;
}

Status EnrollmentTokenRepository::add_use(EnrollmentTokenId id) {
  return require_changed(TEND_TRY(sql_.execute("UPDATE enrollment_tokens SET uses = uses + 1 WHERE id = ?", id.value())),
                         "enrollment token");
}

Status EnrollmentTokenRepository::revoke(EnrollmentTokenId id, Instant at) {
  return require_changed(
      TEND_TRY(sql_.execute("UPDATE enrollment_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                            to_unix_ms(at), id.value())),
      "enrollment token");
}

// ---- devices -------------------------------------------------------------------

Result<DeviceId> DeviceRepository::insert(const Device& d, std::string_view credential_hash, EnrollmentTokenId token) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO devices (client_id, site_id, name, name_key, hostname, machine_id, class, class_manual, os_name, "
      "agent_version, credential_hash, enrollment_token_id, enrolled_at, revoked_at, checks_version, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) RETURNING id",
      d.client_id.value(), d.site_id.value(), d.name, name_key(d.name), d.hostname, d.machine_id,
      to_string(d.device_class), d.class_manual, d.os_name, d.agent_version, credential_hash, token,
      to_unix_ms(d.enrolled_at), d.checks_version, to_unix_ms(d.created_at), to_unix_ms(d.updated_at)));
  TEND_TRY(sql_.execute("INSERT INTO device_status (device_id) VALUES (?)", id));
  return DeviceId(id);
}

Result<Device> DeviceRepository::get(DeviceId id) {
  auto rows = TEND_TRY(sql_.query(std::string("SELECT ") + kDeviceColumns + " FROM devices d WHERE d.id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("device not found"));
  return read_device(*rows);
}

Result<Device> DeviceRepository::find_by_credential(std::string_view credential_hash) {
  auto rows = TEND_TRY(sql_.query(std::string("SELECT ") + kDeviceColumns +
                                      " FROM devices d WHERE d.credential_hash = ? AND d.revoked_at IS NULL",
                                  credential_hash));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("device not found"));
  return read_device(*rows);
}

Result<std::optional<Device>> DeviceRepository::find_by_machine(ClientId client, std::string_view machine_id) {
  if (machine_id.empty()) return std::optional<Device>();
  auto rows = TEND_TRY(sql_.query(std::string("SELECT ") + kDeviceColumns +
                                      " FROM devices d WHERE d.client_id = ? AND d.machine_id = ? AND "
                                      "d.revoked_at IS NULL ORDER BY d.id DESC LIMIT 1",
                                  client.value(), machine_id));
  if (!TEND_TRY(rows->next())) return std::optional<Device>();
  return std::optional<Device>(read_device(*rows));
}

Status DeviceRepository::update(const Device& d) {
  return require_changed(
      TEND_TRY(sql_.execute("UPDATE devices SET name = ?, name_key = ?, hostname = ?, class = ?, class_manual = ?, "
                            "os_name = ?, agent_version = ?, site_id = ?, updated_at = ? WHERE id = ?",
                            d.name, name_key(d.name), d.hostname, to_string(d.device_class), d.class_manual, d.os_name,
                            d.agent_version, d.site_id.value(), to_unix_ms(d.updated_at), d.id.value())),
      "device");
}

Status DeviceRepository::replace_credential(DeviceId id, std::string_view credential_hash, Instant at) {
  TEND_CHECK(require_changed(
      TEND_TRY(sql_.execute("UPDATE devices SET credential_hash = ?, enrolled_at = ?, updated_at = ? WHERE id = ?",
                            credential_hash, to_unix_ms(at), to_unix_ms(at), id.value())),
      "device"));
  TEND_TRY(sql_.execute("UPDATE device_status SET last_seq = 0, dropped_total = 0 WHERE device_id = ?", id.value()));
  return {};
}

Status DeviceRepository::revoke(DeviceId id, Instant at) {
  return require_changed(
      TEND_TRY(sql_.execute("UPDATE devices SET credential_hash = NULL, revoked_at = coalesce(revoked_at, ?), "
                            "updated_at = ? WHERE id = ?",
                            to_unix_ms(at), to_unix_ms(at), id.value())),
      "device");
}

Status DeviceRepository::bump_checks_version(DeviceId id) {
  return require_changed(
      TEND_TRY(sql_.execute("UPDATE devices SET checks_version = checks_version + 1 WHERE id = ?", id.value())),
      "device");
}

Result<DeviceStatus> DeviceRepository::status(DeviceId id) {
  auto rows = TEND_TRY(sql_.query(std::string("SELECT ") + kStatusColumns + " FROM device_status s WHERE s.device_id = ?",
                                  id.value()));
  if (!TEND_TRY(rows->next())) return DeviceStatus{};
  return read_status(*rows, 0);
}

Result<Page<DeviceRow>> DeviceRepository::list(const DeviceFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "d.name_key", false}, {"created_at", "d.created_at", true}};
  ListQuery q(device_select(), "d.id");
  if (!filter.include_revoked) q.where("d.revoked_at IS NULL");
  if (filter.client.valid()) q.where("d.client_id = ?", filter.client.value());
  if (filter.site.valid()) q.where("d.site_id = ?", filter.site.value());
  if (filter.device_class) q.where_text("d.class = ?", to_string(*filter.device_class));
  if (filter.online) q.where(*filter.online ? "s.online = 1" : "coalesce(s.online, 0) = 0");
  if (filter.failing) q.where(*filter.failing ? "s.failing_checks > 0" : "coalesce(s.failing_checks, 0) = 0");
  q.contains("d.name_key", filter.text);
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<DeviceRow> items;
  while (TEND_TRY(rows->next())) items.push_back({read_device(*rows), read_status(*rows, kDeviceColumnCount)});
  Page<DeviceRow> out;
  if (static_cast<int>(items.size()) > page.limit) {
    items.resize(static_cast<size_t>(page.limit));
    const Device& last = items.back().device;
    std::string key = sort.field == "name" ? name_key(last.name) : std::to_string(to_unix_ms(last.created_at));
    out.next_cursor = encode_cursor({page.sort, key, last.id.value()});
  }
  out.items = std::move(items);
  return out;
}

Result<int64_t> DeviceRepository::count_active(ClientId client) {
  return sql_.scalar("SELECT count(*) FROM devices WHERE revoked_at IS NULL AND (? = 0 OR client_id = ?)",
                     client.value(), client.value());
}

Result<std::vector<DeviceId>> DeviceRepository::mark_offline(Instant seen_before) {
  auto rows = TEND_TRY(sql_.query(
      "UPDATE device_status SET online = 0 WHERE online = 1 AND last_seen_at < ? RETURNING device_id",
      to_unix_ms(seen_before)));
  std::vector<DeviceId> out;
  while (TEND_TRY(rows->next())) out.emplace_back(rows->i64(0));
  return out;
}

// ---- checks --------------------------------------------------------------------

Result<DeviceCheckId> DeviceCheckRepository::insert(DeviceId device, const CheckDefinition& c, Instant at) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO device_checks (device_id, kind, name, target, warn, crit, timeout_seconds, expect_status, script, "
      "enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      device.value(), to_string(c.kind), c.name, c.target, c.warn, c.crit, c.timeout_seconds, c.expect_status,
      c.script, c.enabled, to_unix_ms(at), to_unix_ms(at)));
  return DeviceCheckId(id);
}

Result<std::pair<DeviceId, CheckDefinition>> DeviceCheckRepository::get(DeviceCheckId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kCheckColumns) + " WHERE id = ? AND deleted_at IS NULL", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("check not found"));
  return std::pair<DeviceId, CheckDefinition>(DeviceId(rows->i64(1)), read_check(*rows));
}

Status DeviceCheckRepository::update(const CheckDefinition& c, Instant at) {
  return require_changed(
      TEND_TRY(sql_.execute("UPDATE device_checks SET kind = ?, name = ?, target = ?, warn = ?, crit = ?, "
                            "timeout_seconds = ?, expect_status = ?, script = ?, enabled = ?, updated_at = ? "
                            "WHERE id = ? AND deleted_at IS NULL",
                            to_string(c.kind), c.name, c.target, c.warn, c.crit, c.timeout_seconds, c.expect_status,
                            c.script, c.enabled, to_unix_ms(at), c.id)),
      "check");
}

Status DeviceCheckRepository::remove(DeviceCheckId id, Instant at) {
  TEND_CHECK(require_changed(
      TEND_TRY(sql_.execute("UPDATE device_checks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", to_unix_ms(at),
                            id.value())),
      "check"));
  TEND_TRY(sql_.execute("DELETE FROM check_states WHERE check_id = ?", id.value()));
  return {};
}

Result<std::vector<CheckDefinition>> DeviceCheckRepository::for_device(DeviceId device) {
  auto rows = TEND_TRY(
      sql_.query(std::string(kCheckColumns) + " WHERE device_id = ? AND deleted_at IS NULL ORDER BY id", device.value()));
  std::vector<CheckDefinition> out;
  while (TEND_TRY(rows->next())) out.push_back(read_check(*rows));
  return out;
}

Result<std::vector<CheckStatus>> DeviceCheckRepository::states(DeviceId device) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT check_id, state, since, checked_at FROM check_states WHERE device_id = ? ORDER BY check_id", device.value()));
  std::vector<CheckStatus> out;
  while (TEND_TRY(rows->next())) {
    out.push_back({DeviceCheckId(rows->i64(0)), parse_check_state(rows->text(1)).value_or(CheckState::fail),
                   from_unix_ms(rows->i64(2)), from_unix_ms(rows->i64(3))});
  }
  return out;
}

// ---- events --------------------------------------------------------------------

Status DeviceEventRepository::append(const DeviceEvent& e) {
  TEND_TRY(sql_.execute("INSERT INTO device_events (device_id, at, kind, details) VALUES (?, ?, ?, ?)",
                        e.device_id.value(), to_unix_ms(e.at), e.kind, e.details));
  return {};
}

Result<std::vector<DeviceEvent>> DeviceEventRepository::list(DeviceId device, std::string_view kind, int64_t before,
                                                             int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id, device_id, at, kind, details FROM device_events WHERE device_id = ? AND (? = 0 OR id < ?) AND "
      "(? = '' OR kind = ?) ORDER BY id DESC LIMIT ?",
      device.value(), before, before, kind, kind, limit));
  std::vector<DeviceEvent> out;
  while (TEND_TRY(rows->next())) {
    out.push_back({rows->i64(0), DeviceId(rows->i64(1)), from_unix_ms(rows->i64(2)), rows->text(3), rows->text(4)});
  }
  return out;
}

// ---- samples -------------------------------------------------------------------

Result<SampleRepository::IngestState> SampleRepository::ingest_state(DeviceId device) {
  auto rows = TEND_TRY(sql_.query("SELECT last_seq, online, dropped_total FROM device_status WHERE device_id = ?",
                                  device.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("device not found"));
  return IngestState{rows->i64(0), rows->i64(1) != 0, rows->i64(2)};
}

Result<int64_t> SampleRepository::insert(DeviceId device, int64_t seq, Instant at, Instant received_at,
                                         std::string_view metrics, std::string_view checks) {
  return sql_.scalar(
      "INSERT INTO agent_samples (device_id, seq, at, received_at, metrics, checks) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      device.value(), seq, to_unix_ms(at), to_unix_ms(received_at), metrics, checks);
}

Status SampleRepository::update_status(DeviceId device, int64_t last_seq, Instant seen_at, int64_t latest_sample_id,
                                       int64_t dropped_total, int64_t spooled) {
  TEND_TRY(sql_.execute(
      "UPDATE device_status SET last_seq = ?, last_seen_at = ?, online = 1, latest_sample_id = "
      "CASE WHEN ? > 0 THEN ? ELSE latest_sample_id END, dropped_total = ?, spooled = ? WHERE device_id = ?",
      last_seq, to_unix_ms(seen_at), latest_sample_id, latest_sample_id, dropped_total, spooled, device.value()));
  return {};
}

Status SampleRepository::set_failing(DeviceId device, int64_t failing_checks) {
  TEND_TRY(sql_.execute("UPDATE device_status SET failing_checks = ? WHERE device_id = ?", failing_checks,
                        device.value()));
  return {};
}

Status SampleRepository::upsert_check_state(DeviceId device, DeviceCheckId check, CheckState state, Instant since,
                                            Instant checked_at) {
  TEND_TRY(sql_.execute(
      "INSERT INTO check_states (check_id, device_id, state, since, checked_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (check_id) DO UPDATE SET state = excluded.state, since = excluded.since, "
      "checked_at = excluded.checked_at",
      check.value(), device.value(), to_string(state), to_unix_ms(since), to_unix_ms(checked_at)));
  return {};
}

Result<std::vector<std::pair<int64_t, std::string>>> SampleRepository::metric_names() {
  auto rows = TEND_TRY(sql_.query("SELECT id, name FROM metric_names ORDER BY id"));
  std::vector<std::pair<int64_t, std::string>> out;
  while (TEND_TRY(rows->next())) out.emplace_back(rows->i64(0), rows->text(1));
  return out;
}

Result<int64_t> SampleRepository::add_metric_name(std::string_view name) {
  TEND_TRY(sql_.execute("INSERT INTO metric_names (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name));
  return metric_id(name);
}

Result<int64_t> SampleRepository::metric_id(std::string_view name) {
  auto id = sql_.scalar("SELECT id FROM metric_names WHERE name = ?", name);
  if (!id && id.error().kind == ErrorKind::not_found) return std::unexpected(Error::not_found("no such metric"));
  return id;
}

namespace {
constexpr const char* kSampleColumns = "SELECT id, device_id, seq, at, metrics, checks FROM agent_samples";
}

Result<std::optional<StoredSample>> SampleRepository::latest(DeviceId device) {
  auto rows = TEND_TRY(sql_.query(
      std::string(kSampleColumns) +
          " WHERE id = (SELECT latest_sample_id FROM device_status WHERE device_id = ?)",
      device.value()));
  if (!TEND_TRY(rows->next())) return std::optional<StoredSample>();
  return std::optional<StoredSample>(read_sample(*rows));
}

Result<std::vector<StoredSample>> SampleRepository::range(DeviceId device, Instant from, Instant to, int limit,
                                                         bool newest) {
  auto rows = TEND_TRY(sql_.query(std::string(kSampleColumns) + " WHERE device_id = ? AND at >= ? AND at < ? " +
                                      (newest ? "ORDER BY at DESC, id DESC LIMIT ?" : "ORDER BY at, id LIMIT ?"),
                                  device.value(), to_unix_ms(from), to_unix_ms(to), limit));
  std::vector<StoredSample> out;
  while (TEND_TRY(rows->next())) out.push_back(read_sample(*rows));
  if (newest) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<StoredSample>> SampleRepository::after(int64_t after_id, int limit) {
  auto rows = TEND_TRY(sql_.query(std::string(kSampleColumns) + " WHERE id > ? ORDER BY id LIMIT ?", after_id, limit));
  std::vector<StoredSample> out;
  while (TEND_TRY(rows->next())) out.push_back(read_sample(*rows));
  return out;
}

Status SampleRepository::add_rollup(DeviceId device, int64_t metric_id, int resolution_seconds, int64_t bucket_ms,
                                    int64_t count, double sum, double min, double max) {
  TEND_TRY(sql_.execute(
      "INSERT INTO metric_rollups (device_id, metric_id, resolution, bucket, count, sum, min, max) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, metric_id, resolution, bucket) DO UPDATE SET "
      "count = count + excluded.count, sum = sum + excluded.sum, min = min(min, excluded.min), "
      "max = max(max, excluded.max)",
      device.value(), metric_id, resolution_seconds, bucket_ms, count, sum, min, max));
  return {};
}

Result<std::vector<MetricPoint>> SampleRepository::rollups(DeviceId device, int64_t metric_id, int resolution_seconds,
                                                           Instant from, Instant to, int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT bucket, count, sum, min, max FROM metric_rollups WHERE device_id = ? AND metric_id = ? AND "
      "resolution = ? AND bucket >= ? AND bucket < ? ORDER BY bucket DESC LIMIT ?",
      device.value(), metric_id, resolution_seconds, to_unix_ms(from), to_unix_ms(to), limit));
  std::vector<MetricPoint> out;
  while (TEND_TRY(rows->next())) {
    int64_t count = rows->i64(1);
    out.push_back({from_unix_ms(rows->i64(0)), count > 0 ? rows->f64(2) / static_cast<double>(count) : 0.0,
                   rows->f64(3), rows->f64(4), count});
  }
  std::reverse(out.begin(), out.end());  // newest `limit` buckets, returned oldest first
  return out;
}

Result<int64_t> SampleRepository::delete_raw_before(Instant cutoff, int64_t max_id, int limit) {
  return sql_.execute(
      "DELETE FROM agent_samples WHERE id IN (SELECT id FROM agent_samples WHERE id <= ? AND id NOT IN "
      "(SELECT latest_sample_id FROM device_status WHERE latest_sample_id IS NOT NULL) ORDER BY id LIMIT ?) AND "
      "at < ?",
      max_id, limit, to_unix_ms(cutoff));
}

Result<int64_t> SampleRepository::delete_rollups_before(int resolution_seconds, Instant cutoff) {
  return sql_.execute("DELETE FROM metric_rollups WHERE resolution = ? AND bucket < ?", resolution_seconds,
                      to_unix_ms(cutoff));
}

Result<int64_t> SampleRepository::progress(std::string_view name) {
  auto rows = TEND_TRY(sql_.query("SELECT value FROM rmm_progress WHERE name = ?", name));
  if (!TEND_TRY(rows->next())) return 0;
  return rows->i64(0);
}

Status SampleRepository::set_progress(std::string_view name, int64_t value) {
  TEND_TRY(sql_.execute(
      "INSERT INTO rmm_progress (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      name, value));
  return {};
}

Result<std::string> SampleRepository::inventory(DeviceId device) {
  auto rows = TEND_TRY(sql_.query("SELECT data FROM device_inventory WHERE device_id = ?", device.value()));
  if (!TEND_TRY(rows->next())) return std::string();
  return rows->text(0);
}

Status SampleRepository::set_inventory(DeviceId device, std::string_view json, Instant at) {
  TEND_TRY(sql_.execute(
      "INSERT INTO device_inventory (device_id, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE "
      "SET data = excluded.data, updated_at = excluded.updated_at",
      device.value(), json, to_unix_ms(at)));
  return {};
}

}  // namespace tend::store
