#include "store/schedule_repository.h"

#include <cstdint>

#include "core/validation.h"

namespace tend::store {
namespace {

constexpr const char* kScheduleColumns =
    "SELECT id, name, client_id, site_id, queue_id, assignee_id, priority, subject, description, frequency, days, "
    "day_of_month, week_of_month, weekday, time, time_zone, starts_on, ends_on, active, next_run_at, last_run_at, "
    "created_at, updated_at FROM maintenance_schedules";

// The sort key of "no next run": such schedules sort last.
constexpr const char* kNextRunKey = "coalesce(next_run_at, 9223372036854775807)";

std::optional<int64_t> opt_ms(const std::optional<Instant>& t) {
  return t ? std::optional<int64_t>(to_unix_ms(*t)) : std::nullopt;
}

std::optional<Instant> read_opt_instant(const Rows& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return from_unix_ms(r.i64(column));
}

std::string join_days(const std::vector<std::string>& days) {
  std::string out;
  for (const auto& d : days) out += (out.empty() ? "" : ",") + d;
  return out;
}

std::vector<std::string> split_days(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<MaintenanceSchedule> read_schedule(const Rows& r) {
  MaintenanceSchedule s;
  s.id = ScheduleId(r.i64(0));
  s.name = r.text(1);
  s.client_id = ClientId(r.i64(2));
  s.site_id = SiteId(r.opt_i64(3).value_or(0));
  s.queue_id = QueueId(r.opt_i64(4).value_or(0));
  s.assignee_id = UserId(r.opt_i64(5).value_or(0));
  int64_t priority = r.i64(6);
  if (priority < 1 || priority > 4) return std::unexpected(Error::internal("stored priority out of range"));
  s.priority = static_cast<Priority>(priority - 1);
  s.subject = r.text(7);
  s.description = r.text(8);
  s.recurrence.frequency = r.text(9);
  s.recurrence.days = split_days(r.text(10));
  s.recurrence.day_of_month = static_cast<int>(r.i64(11));
  s.recurrence.week_of_month = static_cast<int>(r.i64(12));
  s.recurrence.weekday = r.text(13);
  s.recurrence.time = r.text(14);
  s.recurrence.time_zone = r.text(15);
  s.recurrence.starts_on = r.text(16);
  s.recurrence.ends_on = r.text(17);
  s.active = r.i64(18) != 0;
  s.next_run_at = read_opt_instant(r, 19);
  s.last_run_at = read_opt_instant(r, 20);
  s.created_at = from_unix_ms(r.i64(21));
  s.updated_at = from_unix_ms(r.i64(22));
  return s;
}

}  // namespace

Status ScheduleRepository::write_items(const MaintenanceSchedule& s, bool replace) {
  if (replace) TEND_CHECK(sql_.execute("DELETE FROM maintenance_schedule_items WHERE schedule_id = ?", s.id.value()));
  for (size_t i = 0; i < s.checklist.size(); ++i) {
    TEND_CHECK(sql_.execute("INSERT INTO maintenance_schedule_items (schedule_id, position, text) VALUES (?, ?, ?)",
                            s.id.value(), static_cast<int64_t>(i + 1), s.checklist[i]));
  }
  return {};
}

Result<std::vector<std::string>> ScheduleRepository::items(ScheduleId id) {
  auto rows = TEND_TRY(sql_.query("SELECT text FROM maintenance_schedule_items WHERE schedule_id = ? ORDER BY position",
                                  id.value()));
  std::vector<std::string> out;
  while (TEND_TRY(rows->next())) out.push_back(rows->text(0));
  return out;
}

Result<ScheduleId> ScheduleRepository::insert(const MaintenanceSchedule& s) {
  const RecurrenceSpec& r = s.recurrence;
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO maintenance_schedules (name, name_key, client_id, site_id, queue_id, assignee_id, priority, "
      "subject, description, frequency, days, day_of_month, week_of_month, weekday, time, time_zone, starts_on, "
      "ends_on, active, next_run_at, last_run_at, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      s.name, name_key(s.name), s.client_id, s.site_id, s.queue_id, s.assignee_id,
      static_cast<int64_t>(s.priority) + 1, s.subject, s.description, r.frequency, join_days(r.days),
      r.day_of_month, r.week_of_month, r.weekday, r.time, r.time_zone, r.starts_on, r.ends_on, s.active,
      opt_ms(s.next_run_at), opt_ms(s.last_run_at), to_unix_ms(s.created_at), to_unix_ms(s.updated_at)));
  MaintenanceSchedule stored = s;
  stored.id = ScheduleId(id);
  TEND_CHECK(write_items(stored, false));
  return stored.id;
}

Result<MaintenanceSchedule> ScheduleRepository::get(ScheduleId id) {
  MaintenanceSchedule s;
  {
    auto rows = TEND_TRY(sql_.query(std::string(kScheduleColumns) + " WHERE id = ?", id.value()));
    if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("schedule not found"));
    s = TEND_TRY(read_schedule(*rows));
  }
  s.checklist = TEND_TRY(items(id));
  return s;
}

Status ScheduleRepository::update(const MaintenanceSchedule& s) {
  const RecurrenceSpec& r = s.recurrence;
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE maintenance_schedules SET name = ?, name_key = ?, client_id = ?, site_id = ?, queue_id = ?, "
      "assignee_id = ?, priority = ?, subject = ?, description = ?, frequency = ?, days = ?, day_of_month = ?, "
      "week_of_month = ?, weekday = ?, time = ?, time_zone = ?, starts_on = ?, ends_on = ?, active = ?, "
      "next_run_at = ?, last_run_at = ?, updated_at = ? WHERE id = ?",
      s.name, name_key(s.name), s.client_id, s.site_id, s.queue_id, s.assignee_id,
      static_cast<int64_t>(s.priority) + 1, s.subject, s.description, r.frequency, join_days(r.days),
      r.day_of_month, r.week_of_month, r.weekday, r.time, r.time_zone, r.starts_on, r.ends_on, s.active,
      opt_ms(s.next_run_at), opt_ms(s.last_run_at), to_unix_ms(s.updated_at), s.id.value()));
  if (changed == 0) return std::unexpected(Error::not_found("schedule not found"));
  return write_items(s, true);
}

Result<Page<MaintenanceSchedule>> ScheduleRepository::list(const ScheduleFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {
      {"name", "name_key", false}, {"created_at", "created_at", true}, {"next_run_at", kNextRunKey, true}};
  ListQuery q(kScheduleColumns, "id");
  q.contains("name_key", filter.text);
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  std::vector<MaintenanceSchedule> items_out;
  {
    auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
    while (TEND_TRY(rows->next())) items_out.push_back(TEND_TRY(read_schedule(*rows)));
  }
  for (auto& s : items_out) s.checklist = TEND_TRY(items(s.id));
  return finish_page(std::move(items_out), page, [&](const MaintenanceSchedule& s) -> std::string {
    if (sort.field == "name") return name_key(s.name);
    if (sort.field == "created_at") return std::to_string(to_unix_ms(s.created_at));
    return std::to_string(s.next_run_at ? to_unix_ms(*s.next_run_at) : INT64_MAX);
  });
}

Result<std::vector<ScheduleId>> ScheduleRepository::due(Instant now, int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id FROM maintenance_schedules WHERE next_run_at IS NOT NULL AND next_run_at <= ? AND active = 1 "
      "ORDER BY next_run_at LIMIT ?",
      to_unix_ms(now), static_cast<int64_t>(limit)));
  std::vector<ScheduleId> out;
  while (TEND_TRY(rows->next())) out.push_back(ScheduleId(rows->i64(0)));
  return out;
}

Result<std::optional<Instant>> ScheduleRepository::next_run() {
  auto rows = TEND_TRY(sql_.query(
      "SELECT next_run_at FROM maintenance_schedules WHERE next_run_at IS NOT NULL AND active = 1 "
      "ORDER BY next_run_at LIMIT 1"));
  if (!TEND_TRY(rows->next())) return std::optional<Instant>();
  return std::optional<Instant>(from_unix_ms(rows->i64(0)));
}

}  // namespace tend::store
