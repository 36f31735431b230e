#include "store/sla_repository.h"

#include "core/validation.h"

namespace tend::store {
namespace {

Status require_changed(int64_t changed, const char* what) {
  if (changed == 0) return std::unexpected(Error::not_found(std::string(what) + " not found"));
  return {};
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(separator, start);
    out.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

constexpr const char* kCalendarColumns =
    "SELECT id, name, time_zone, hours, holidays, created_at, updated_at FROM sla_calendars";

SlaCalendarRecord read_calendar(const Rows& r) {
  SlaCalendarRecord c;
  c.id = SlaCalendarId(r.i64(0));
  c.name = r.text(1);
  c.spec.time_zone = r.text(2);
  decode_calendar_text(r.text(3), r.text(4), c.spec);
  c.created_at = from_unix_ms(r.i64(5));
  c.updated_at = from_unix_ms(r.i64(6));
  return c;
}

constexpr const char* kPolicyColumns =
    "SELECT id, name, calendar_id, p1_response_minutes, p1_resolution_minutes, p1_around_the_clock, "
    "p2_response_minutes, p2_resolution_minutes, p2_around_the_clock, p3_response_minutes, "
    "p3_resolution_minutes, p3_around_the_clock, p4_response_minutes, p4_resolution_minutes, "
    "p4_around_the_clock, warning_per_mille, is_default, created_at, updated_at FROM sla_policies";

SlaPolicyRecord read_policy(const Rows& r) {
  SlaPolicyRecord p;
  p.id = SlaPolicyId(r.i64(0));
  p.name = r.text(1);
  p.calendar_id = SlaCalendarId(r.opt_i64(2).value_or(0));
  for (int i = 0; i < 4; ++i) {
    p.targets[static_cast<size_t>(i)] = {r.i64(3 + 3 * i), r.i64(4 + 3 * i), r.i64(5 + 3 * i) != 0};
  }
  p.warning_per_mille = static_cast<int>(r.i64(15));
  p.is_default = r.i64(16) != 0;
  p.created_at = from_unix_ms(r.i64(17));
  p.updated_at = from_unix_ms(r.i64(18));
  return p;
}

}  // namespace

std::string encode_calendar_hours(const CalendarSpec& spec) {
  std::string out;
  for (const auto& [day, windows] : spec.hours) {
    if (windows.empty()) continue;
    if (!out.empty()) out += ';';
    out += day;
    for (const auto& [start, end] : windows) out += " " + start + "-" + end;
  }
  return out;
}

std::string encode_calendar_holidays(const CalendarSpec& spec) {
  std::string out;
  for (const auto& h : spec.holidays) {
    if (!out.empty()) out += ',';
    out += h;
  }
  return out;
}

void decode_calendar_text(std::string_view hours, std::string_view holidays, CalendarSpec& spec) {
  spec.hours.clear();
  spec.holidays.clear();
  for (auto day_text : split(hours, ';')) {
    auto parts = split(day_text, ' ');
    if (parts.empty()) continue;
    auto& windows = spec.hours[std::string(parts[0])];
    for (size_t i = 1; i < parts.size(); ++i) {
      auto dash = parts[i].find('-');
      if (dash == std::string_view::npos) continue;
      windows.emplace_back(std::string(parts[i].substr(0, dash)), std::string(parts[i].substr(dash + 1)));
    }
  }
  for (auto h : split(holidays, ',')) spec.holidays.emplace_back(h);
}

// ---- calendars -------------------------------------------------------------

Result<SlaCalendarId> SlaCalendarRepository::insert(const SlaCalendarRecord& c) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO sla_calendars (name, name_key, time_zone, hours, holidays, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      c.name, name_key(c.name), c.spec.time_zone, encode_calendar_hours(c.spec), encode_calendar_holidays(c.spec),
      to_unix_ms(c.created_at), to_unix_ms(c.updated_at)));
  return SlaCalendarId(id);
}

Result<SlaCalendarRecord> SlaCalendarRepository::get(SlaCalendarId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kCalendarColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("SLA calendar not found"));
  return read_calendar(*rows);
}

Status SlaCalendarRepository::update(const SlaCalendarRecord& c) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE sla_calendars SET name = ?, name_key = ?, time_zone = ?, hours = ?, holidays = ?, updated_at = ? "
      "WHERE id = ?",
      c.name, name_key(c.name), c.spec.time_zone, encode_calendar_hours(c.spec), encode_calendar_holidays(c.spec),
      to_unix_ms(c.updated_at), c.id.value()));
  return require_changed(changed, "SLA calendar");
}

Result<std::vector<SlaCalendarRecord>> SlaCalendarRepository::list() {
  auto rows = TEND_TRY(sql_.query(std::string(kCalendarColumns) + " ORDER BY name_key, id"));
  std::vector<SlaCalendarRecord> out;
  while (TEND_TRY(rows->next())) out.push_back(read_calendar(*rows));
  return out;
}

// ---- policies --------------------------------------------------------------

Result<SlaPolicyId> SlaPolicyRepository::insert(const SlaPolicyRecord& p) {
  const auto& t = p.targets;
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO sla_policies (name, name_key, calendar_id, p1_response_minutes, p1_resolution_minutes, "
      "p1_around_the_clock, p2_response_minutes, p2_resolution_minutes, p2_around_the_clock, "
      "p3_response_minutes, p3_resolution_minutes, p3_around_the_clock, p4_response_minutes, "
      "p4_resolution_minutes, p4_around_the_clock, warning_per_mille, is_default, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      p.name, name_key(p.name), p.calendar_id, t[0].first_response_minutes, t[0].resolution_minutes,
      t[0].around_the_clock, t[1].first_response_minutes, t[1].resolution_minutes, t[1].around_the_clock,
      t[2].first_response_minutes, t[2].resolution_minutes, t[2].around_the_clock, t[3].first_response_minutes,
      t[3].resolution_minutes, t[3].around_the_clock, p.warning_per_mille, p.is_default, to_unix_ms(p.created_at),
      to_unix_ms(p.updated_at)));
  return SlaPolicyId(id);
}

Result<SlaPolicyRecord> SlaPolicyRepository::get(SlaPolicyId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kPolicyColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("SLA policy not found"));
  return read_policy(*rows);
}

Status SlaPolicyRepository::update(const SlaPolicyRecord& p) {
  const auto& t = p.targets;
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE sla_policies SET name = ?, name_key = ?, calendar_id = ?, p1_response_minutes = ?, "
      "p1_resolution_minutes = ?, p1_around_the_clock = ?, p2_response_minutes = ?, p2_resolution_minutes = ?, "
      "p2_around_the_clock = ?, p3_response_minutes = ?, p3_resolution_minutes = ?, p3_around_the_clock = ?, "
      "p4_response_minutes = ?, p4_resolution_minutes = ?, p4_around_the_clock = ?, warning_per_mille = ?, "
      "is_default = ?, updated_at = ? WHERE id = ?",
      p.name, name_key(p.name), p.calendar_id, t[0].first_response_minutes, t[0].resolution_minutes,
      t[0].around_the_clock, t[1].first_response_minutes, t[1].resolution_minutes, t[1].around_the_clock,
      t[2].first_response_minutes, t[2].resolution_minutes, t[2].around_the_clock, t[3].first_response_minutes,
      t[3].resolution_minutes, t[3].around_the_clock, p.warning_per_mille, p.is_default, to_unix_ms(p.updated_at),
      p.id.value()));
  return require_changed(changed, "SLA policy");
}

Result<std::vector<SlaPolicyRecord>> SlaPolicyRepository::list() {
  auto rows = TEND_TRY(sql_.query(std::string(kPolicyColumns) + " ORDER BY name_key, id"));
  std::vector<SlaPolicyRecord> out;
  while (TEND_TRY(rows->next())) out.push_back(read_policy(*rows));
  return out;
}

Result<std::optional<SlaPolicyRecord>> SlaPolicyRepository::global_default() {
  auto rows = TEND_TRY(sql_.query(std::string(kPolicyColumns) + " WHERE is_default = 1"));
  if (!TEND_TRY(rows->next())) return std::optional<SlaPolicyRecord>();
  return std::optional<SlaPolicyRecord>(read_policy(*rows));
}

Status SlaPolicyRepository::clear_global_default(Instant now) {
  TEND_CHECK(sql_.execute("UPDATE sla_policies SET is_default = 0, updated_at = ? WHERE is_default = 1",
                          to_unix_ms(now)));
  return {};
}

Result<SlaPolicyId> SlaPolicyRepository::client_default(ClientId client) {
  auto rows = TEND_TRY(sql_.query("SELECT sla_policy_id FROM client_sla_policies WHERE client_id = ?", client.value()));
  if (!TEND_TRY(rows->next())) return SlaPolicyId();
  return SlaPolicyId(rows->i64(0));
}

Status SlaPolicyRepository::set_client_default(ClientId client, SlaPolicyId policy, Instant now) {
  if (!policy.valid()) {
    TEND_CHECK(sql_.execute("DELETE FROM client_sla_policies WHERE client_id = ?", client.value()));
    return {};
  }
  TEND_CHECK(sql_.execute(
      "INSERT INTO client_sla_policies (client_id, sla_policy_id, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (client_id) DO UPDATE SET sla_policy_id = excluded.sla_policy_id, updated_at = excluded.updated_at",
      client.value(), policy.value(), to_unix_ms(now)));
  return {};
}

}  // namespace tend::store
