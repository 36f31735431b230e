#include "store/ticket_repository.h"

#include <algorithm>
#include <map>

#include "core/validation.h"

namespace tend::store {
namespace {

// The sort key of "no due time": tickets without one sort last.
constexpr const char* kResolutionDueKey = "coalesce(resolution_due_at, 9223372036854775807)";
constexpr const char* kResponseDueKey = "coalesce(response_due_at, 9223372036854775807)";
constexpr int64_t kNoDue = INT64_MAX;

Status require_changed(int64_t changed, const char* what) {
  if (changed == 0) return std::unexpected(Error::not_found(std::string(what) + " not found"));
  return {};
}

std::optional<int64_t> opt_ms(const std::optional<Instant>& t) {
  return t ? std::optional<int64_t>(to_unix_ms(*t)) : std::nullopt;
}

std::optional<Instant> read_opt_instant(const Rows& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return from_unix_ms(r.i64(column));
}

int64_t priority_value(Priority p) { return static_cast<int64_t>(p) + 1; }

Result<Priority> read_priority(const Rows& r, int column) {
  int64_t v = r.i64(column);
  if (v < 1 || v > 4) return std::unexpected(Error::internal("stored priority out of range"));
  return static_cast<Priority>(v - 1);
}

template <class T>
Result<T> stored(Result<T> parsed, const char* what) {
  if (!parsed) return std::unexpected(Error::internal(std::string("stored ") + what + " is unknown"));
  return parsed;
}

// ---- statuses ----------------------------------------------------------------

constexpr const char* kStatusColumns =
    "SELECT id, name, category, pauses_sla, position, is_default, active, created_at, updated_at "
    "FROM ticket_statuses";

Result<TicketStatus> read_status(const Rows& r) {
  TicketStatus s;
  s.id = TicketStatusId(r.i64(0));
  s.name = r.text(1);
  s.category = TEND_TRY(stored(parse_status_category(r.text(2)), "status category"));
  s.pauses_sla = r.i64(3) != 0;
  s.position = static_cast<int>(r.i64(4));
  s.is_default = r.i64(5) != 0;
  s.active = r.i64(6) != 0;
  s.created_at = from_unix_ms(r.i64(7));
  s.updated_at = from_unix_ms(r.i64(8));
  return s;
}

constexpr const char* kQueueColumns =
    "SELECT id, name, description, active, created_at, updated_at FROM queues";

Queue read_queue(const Rows& r) {
  Queue q;
  q.id = QueueId(r.i64(0));
  q.name = r.text(1);
  q.description = r.text(2);
  q.active = r.i64(3) != 0;
  q.created_at = from_unix_ms(r.i64(4));
  q.updated_at = from_unix_ms(r.i64(5));
  return q;
}

// ---- tickets -----------------------------------------------------------------

constexpr const char* kTicketColumns =
    "SELECT id, number, subject, description, client_id, site_id, contact_id, source, type, priority, status_id, "
    "status_category, queue_id, assignee_id, sla_policy_id, merged_into_id, schedule_id, created_by_id, "
    "created_at, updated_at, first_response_at, resolved_at, sla_state, response_due_at, response_warning_at, "
    "response_breached_at, response_warned_at, response_business_ms, resolution_due_at, resolution_warning_at, "
    "resolution_breached_at, resolution_warned_at, resolution_business_ms, sla_next_event_at FROM tickets";

// kTicketColumns with every column qualified by "tickets." (for joins with
// ticket_search, which has subject and description columns too), without
// the FROM clause.
const std::string& qualified_ticket_columns() {
  static const std::string text = [] {
    std::string columns = kTicketColumns;
    columns = columns.substr(7, columns.find(" FROM ") - 7);  // after "SELECT "
    std::string out = "SELECT ";
    size_t start = 0;
    while (start < columns.size()) {
      size_t comma = columns.find(',', start);
      if (comma == std::string::npos) comma = columns.size();
      std::string name = columns.substr(start, comma - start);
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      out += (start == 0 ? "tickets." : ", tickets.") + name;
      start = comma + 1;
    }
    return out;
  }();
  return text;
}

Result<TicketSla> read_sla(const Rows& r, int first) {
  TicketSla s;
  if (!r.is_null(first)) s.state = TEND_TRY(stored(parse_sla_state(r.text(first)), "SLA state"));
  s.response_due_at = read_opt_instant(r, first + 1);
  s.response_warning_at = read_opt_instant(r, first + 2);
  s.response_breached_at = read_opt_instant(r, first + 3);
  s.response_warned_at = read_opt_instant(r, first + 4);
  s.response_business_ms = r.opt_i64(first + 5);
  s.resolution_due_at = read_opt_instant(r, first + 6);
  s.resolution_warning_at = read_opt_instant(r, first + 7);
  s.resolution_breached_at = read_opt_instant(r, first + 8);
  s.resolution_warned_at = read_opt_instant(r, first + 9);
  s.resolution_business_ms = r.opt_i64(first + 10);
  s.next_event_at = read_opt_instant(r, first + 11);
  return s;
}

Result<Ticket> read_ticket(const Rows& r) {
  Ticket t;
  t.id = TicketId(r.i64(0));
  t.number = r.i64(1);
  t.subject = r.text(2);
  t.description = r.text(3);
  t.client_id = ClientId(r.i64(4));
  t.site_id = SiteId(r.opt_i64(5).value_or(0));
  t.contact_id = ContactId(r.opt_i64(6).value_or(0));
  t.source = TEND_TRY(stored(parse_ticket_source(r.text(7)), "ticket source"));
  t.type = TEND_TRY(stored(parse_ticket_type(r.text(8)), "ticket type"));
  t.priority = TEND_TRY(read_priority(r, 9));
  t.status_id = TicketStatusId(r.i64(10));
  t.status_category = TEND_TRY(stored(parse_status_category(r.text(11)), "status category"));
  t.queue_id = QueueId(r.opt_i64(12).value_or(0));
  t.assignee_id = UserId(r.opt_i64(13).value_or(0));
  t.sla_policy_id = SlaPolicyId(r.opt_i64(14).value_or(0));
  t.merged_into_id = TicketId(r.opt_i64(15).value_or(0));
  t.schedule_id = ScheduleId(r.opt_i64(16).value_or(0));
  t.created_by_id = UserId(r.opt_i64(17).value_or(0));
  t.created_at = from_unix_ms(r.i64(18));
  t.updated_at = from_unix_ms(r.i64(19));
  t.first_response_at = read_opt_instant(r, 20);
  t.resolved_at = read_opt_instant(r, 21);
  t.sla = TEND_TRY(read_sla(r, 22));
  return t;
}

std::optional<std::string> sla_state_text(const std::optional<SlaState>& state) {
  return state ? std::optional<std::string>(to_string(*state)) : std::nullopt;
}

std::string in_list(const std::vector<std::string>& quoted) {
  std::string out = "(";
  for (size_t i = 0; i < quoted.size(); ++i) out += (i ? ", " : "") + quoted[i];
  return out + ")";
}

std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

int64_t due_key(const std::optional<Instant>& due) { return due ? to_unix_ms(*due) : kNoDue; }

}  // namespace

// ---- search query --------------------------------------------------------------

std::string ticket_search_query(std::string_view text, bool public_only) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && words.size() < 16) words.push_back(current);
    current.clear();
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool word_char = u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (word_char) current += c;
    else flush();
  }
  flush();
  if (words.empty()) return {};
  std::string query;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) query += ' ';
    query += '"' + words[i] + '"';
    if (i + 1 == words.size() && words[i].size() >= 3) query += '*';
  }
  if (public_only) return "{subject description public_notes} : (" + query + ")";
  return query;
}

// ---- statuses --------------------------------------------------------------------

Result<TicketStatusId> TicketStatusRepository::insert(const TicketStatus& s) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO ticket_statuses (name, name_key, category, pauses_sla, position, is_default, active, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      s.name, name_key(s.name), to_string(s.category), s.pauses_sla, s.position, s.is_default, s.active,
      to_unix_ms(s.created_at), to_unix_ms(s.updated_at)));
  return TicketStatusId(id);
}

Result<TicketStatus> TicketStatusRepository::get(TicketStatusId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kStatusColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("ticket status not found"));
  return read_status(*rows);
}

Status TicketStatusRepository::update(const TicketStatus& s) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE ticket_statuses SET name = ?, name_key = ?, category = ?, pauses_sla = ?, position = ?, "
      "is_default = ?, active = ?, updated_at = ? WHERE id = ?",
      s.name, name_key(s.name), to_string(s.category), s.pauses_sla, s.position, s.is_default, s.active,
      to_unix_ms(s.updated_at), s.id.value()));
  return require_changed(changed, "ticket status");
}

Result<std::vector<TicketStatus>> TicketStatusRepository::list() {
  auto rows = TEND_TRY(sql_.query(std::string(kStatusColumns) + " ORDER BY position, name_key, id"));
  std::vector<TicketStatus> out;
  while (TEND_TRY(rows->next())) out.push_back(TEND_TRY(read_status(*rows)));
  return out;
}

Result<TicketStatus> TicketStatusRepository::default_status() {
  auto rows = TEND_TRY(sql_.query(std::string(kStatusColumns) + " WHERE is_default = 1"));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("no default ticket status is set"));
  return read_status(*rows);
}

Result<TicketStatus> TicketStatusRepository::first_of(StatusCategory category) {
  auto rows = TEND_TRY(sql_.query(
      std::string(kStatusColumns) + " WHERE category = ? AND active = 1 ORDER BY position, id LIMIT 1",
      to_string(category)));
  if (!TEND_TRY(rows->next())) {
    return std::unexpected(Error::not_found(std::string("no active status of category ") + to_string(category)));
  }
  return read_status(*rows);
}

Status TicketStatusRepository::clear_default(Instant now) {
  TEND_CHECK(sql_.execute("UPDATE ticket_statuses SET is_default = 0, updated_at = ? WHERE is_default = 1",
                          to_unix_ms(now)));
  return {};
}

// ---- queues ------------------------------------------------------------------------

Result<QueueId> QueueRepository::insert(const Queue& q) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO queues (name, name_key, description, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      q.name, name_key(q.name), q.description, q.active, to_unix_ms(q.created_at), to_unix_ms(q.updated_at)));
  return QueueId(id);
}

Result<Queue> QueueRepository::get(QueueId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kQueueColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("queue not found"));
  return read_queue(*rows);
}

Status QueueRepository::update(const Queue& q) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE queues SET name = ?, name_key = ?, description = ?, active = ?, updated_at = ? WHERE id = ?", q.name,
      name_key(q.name), q.description, q.active, to_unix_ms(q.updated_at), q.id.value()));
  return require_changed(changed, "queue");
}

Result<std::vector<Queue>> QueueRepository::list() {
  auto rows = TEND_TRY(sql_.query(std::string(kQueueColumns) + " ORDER BY name_key, id"));
  std::vector<Queue> out;
  while (TEND_TRY(rows->next())) out.push_back(read_queue(*rows));
  return out;
}

// ---- tickets -------------------------------------------------------------------------

Status TicketRepository::write_devices(const Ticket& t, bool replace) {
  if (replace) TEND_CHECK(sql_.execute("DELETE FROM ticket_devices WHERE ticket_id = ?", t.id.value()));
  for (DeviceId device : t.device_ids) {
    TEND_CHECK(sql_.execute("INSERT INTO ticket_devices (ticket_id, device_id) VALUES (?, ?)", t.id.value(),
                            device.value()));
  }
  return {};
}

Result<TicketId> TicketRepository::insert(Ticket& t) {
  t.number = TEND_TRY(sql_.scalar("SELECT coalesce(max(number), 0) + 1 FROM tickets"));
  const TicketSla& s = t.sla;
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO tickets (number, subject, description, client_id, site_id, contact_id, source, type, priority, "
      "status_id, status_category, queue_id, assignee_id, sla_policy_id, merged_into_id, schedule_id, "
      "created_by_id, created_at, updated_at, first_response_at, resolved_at, sla_state, response_due_at, "
      "response_warning_at, response_breached_at, response_warned_at, response_business_ms, resolution_due_at, "
      "resolution_warning_at, resolution_breached_at, resolution_warned_at, resolution_business_ms, "
      "sla_next_event_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?) RETURNING id",
      t.number, t.subject, t.description, t.client_id, t.site_id, t.contact_id, to_string(t.source),
      to_string(t.type), priority_value(t.priority), t.status_id, to_string(t.status_category), t.queue_id,
      t.assignee_id, t.sla_policy_id, t.merged_into_id, t.schedule_id, t.created_by_id, to_unix_ms(t.created_at),
      to_unix_ms(t.updated_at), opt_ms(t.first_response_at), opt_ms(t.resolved_at), sla_state_text(s.state),
      opt_ms(s.response_due_at), opt_ms(s.response_warning_at), opt_ms(s.response_breached_at),
      opt_ms(s.response_warned_at), s.response_business_ms, opt_ms(s.resolution_due_at),
      opt_ms(s.resolution_warning_at), opt_ms(s.resolution_breached_at), opt_ms(s.resolution_warned_at),
      s.resolution_business_ms, opt_ms(s.next_event_at)));
  t.id = TicketId(id);
  TEND_CHECK(write_devices(t, false));
  for (auto& item : t.checklist) {
    ChecklistItemId item_id = TEND_TRY(add_checklist_item(t.id, item.text));
    item.id = item_id;
    if (item.done_at) TEND_CHECK(update_checklist_item(t.id, item));
  }
  TEND_CHECK(sql_.execute(
      "INSERT INTO ticket_search (rowid, subject, description, public_notes, internal_notes) VALUES (?, ?, ?, '', '')",
      id, t.subject, t.description));
  return t.id;
}

Status TicketRepository::load_details(std::vector<Ticket>& tickets, bool with_checklist) {
  if (tickets.empty()) return {};
  std::map<int64_t, Ticket*> by_id;
  std::vector<SqlValue> ids;
  for (auto& t : tickets) {
    by_id[t.id.value()] = &t;
    ids.emplace_back(t.id.value());
  }
  auto rows = TEND_TRY(sql_.connection().query(
      "SELECT ticket_id, device_id FROM ticket_devices WHERE ticket_id IN " + placeholders(ids.size()) +
          " ORDER BY ticket_id, device_id",
      ids));
  while (TEND_TRY(rows->next())) by_id[rows->i64(0)]->device_ids.push_back(DeviceId(rows->i64(1)));
  if (!with_checklist) return {};
  rows = TEND_TRY(sql_.connection().query(
      "SELECT ticket_id, id, text, done_at, done_by_id FROM ticket_checklist_items WHERE ticket_id IN " +
          placeholders(ids.size()) + " ORDER BY ticket_id, position, id",
      ids));
  while (TEND_TRY(rows->next())) {
    ChecklistItem item{ChecklistItemId(rows->i64(1)), rows->text(2), read_opt_instant(*rows, 3),
                       UserId(rows->opt_i64(4).value_or(0))};
    by_id[rows->i64(0)]->checklist.push_back(std::move(item));
  }
  return {};
}

Result<std::pair<int64_t, std::string>> TicketRepository::number_and_subject(TicketId id) {
  auto rows = TEND_TRY(sql_.query("SELECT number, subject FROM tickets WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("ticket not found"));
  return std::make_pair(rows->i64(0), rows->text(1));
}

Result<Ticket> TicketRepository::get(TicketId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kTicketColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("ticket not found"));
  std::vector<Ticket> one;
  one.push_back(TEND_TRY(read_ticket(*rows)));
  rows.reset();
  TEND_CHECK(load_details(one, true));
  return std::move(one.front());
}

Status TicketRepository::update(const Ticket& t) {
  const TicketSla& s = t.sla;
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE tickets SET subject = ?, description = ?, client_id = ?, site_id = ?, contact_id = ?, source = ?, "
      "type = ?, priority = ?, status_id = ?, status_category = ?, queue_id = ?, assignee_id = ?, "
      "sla_policy_id = ?, merged_into_id = ?, schedule_id = ?, updated_at = ?, first_response_at = ?, "
      "resolved_at = ?, sla_state = ?, response_due_at = ?, response_warning_at = ?, response_breached_at = ?, "
      "response_warned_at = ?, response_business_ms = ?, resolution_due_at = ?, resolution_warning_at = ?, "
      "resolution_breached_at = ?, resolution_warned_at = ?, resolution_business_ms = ?, sla_next_event_at = ? "
      "WHERE id = ?",
      t.subject, t.description, t.client_id, t.site_id, t.contact_id, to_string(t.source), to_string(t.type),
      priority_value(t.priority), t.status_id, to_string(t.status_category), t.queue_id, t.assignee_id,
      t.sla_policy_id, t.merged_into_id, t.schedule_id, to_unix_ms(t.updated_at), opt_ms(t.first_response_at),
      opt_ms(t.resolved_at), sla_state_text(s.state), opt_ms(s.response_due_at), opt_ms(s.response_warning_at),
      opt_ms(s.response_breached_at), opt_ms(s.response_warned_at), s.response_business_ms,
      opt_ms(s.resolution_due_at), opt_ms(s.resolution_warning_at), opt_ms(s.resolution_breached_at),
      opt_ms(s.resolution_warned_at), s.resolution_business_ms, opt_ms(s.next_event_at), t.id.value()));
  TEND_CHECK(require_changed(changed, "ticket"));
  TEND_CHECK(write_devices(t, true));
  // Rewrite the search entry only when its text changed (an FTS5 update
  // re-indexes the whole document, notes included).
  TEND_CHECK(sql_.execute(
      "UPDATE ticket_search SET subject = ?, description = ? WHERE rowid = ? AND (subject <> ? OR description <> ?)",
      t.subject, t.description, t.id.value(), t.subject, t.description));
  return {};
}

Status TicketRepository::update_sla(TicketId id, const TicketSla& s) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE tickets SET sla_state = ?, response_due_at = ?, response_warning_at = ?, response_breached_at = ?, "
      "response_warned_at = ?, response_business_ms = ?, resolution_due_at = ?, resolution_warning_at = ?, "
      "resolution_breached_at = ?, resolution_warned_at = ?, resolution_business_ms = ?, sla_next_event_at = ? "
      "WHERE id = ?",
      sla_state_text(s.state), opt_ms(s.response_due_at), opt_ms(s.response_warning_at),
      opt_ms(s.response_breached_at), opt_ms(s.response_warned_at), s.response_business_ms,
      opt_ms(s.resolution_due_at), opt_ms(s.resolution_warning_at), opt_ms(s.resolution_breached_at),
      opt_ms(s.resolution_warned_at), s.resolution_business_ms, opt_ms(s.next_event_at), id.value()));
  return require_changed(changed, "ticket");
}

Result<Page<Ticket>> TicketRepository::list(const TicketFilter& filter, const PageRequest& page) {
  // Numbers and ids are both assigned in order of insertion (the writer is
  // serialised), so sorting by number is sorting by id: the primary key, and
  // for searches the rowid order FTS5 streams in.
  static constexpr SortColumn kColumns[] = {{"number", "id", true},
                                            {"created_at", "created_at", true},
                                            {"updated_at", "updated_at", true},
                                            {"priority", "priority", true},
                                            {"resolution_due_at", kResolutionDueKey, true},
                                            {"response_due_at", kResponseDueKey, true}};
  const SortColumn& sort = find_sort(page, kColumns);
  const std::string search = ticket_search_query(filter.text, filter.text_public_only);
  // A search in number order without a client or site filter is driven by
  // the full-text index in rowid order: it stops after one page even when a
  // word matches a large share of the tickets. Otherwise the filters' indexes
  // drive and the matches are a set to test against ("+id" keeps the planner
  // from iterating that set instead).
  const bool search_driven = !search.empty() && sort.field == "number" && !filter.client.valid() &&
                             !filter.site.valid();
  ListQuery q(search_driven ? qualified_ticket_columns() +
                                  " FROM ticket_search JOIN tickets ON tickets.id = ticket_search.rowid"
                            : std::string(kTicketColumns),
              search_driven ? "ticket_search.rowid" : "id");
  if (search_driven) q.where_text("ticket_search MATCH ?", search);
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  if (filter.site.valid()) q.where("site_id = ?", filter.site.value());
  if (filter.queue.valid()) q.where("queue_id = ?", filter.queue.value());
  if (filter.assignee.valid()) q.where("assignee_id = ?", filter.assignee.value());
  if (filter.unassigned) q.where("assignee_id IS NULL");
  // Enumerated values are rendered from the enums themselves (never from
  // user text), so they can be inlined: the planner then sees constants.
  if (!filter.categories.empty()) {
    std::vector<std::string> values;
    bool only_unresolved = true;
    for (auto c : filter.categories) {
      values.push_back(std::string("'") + to_string(c) + "'");
      only_unresolved = only_unresolved && !is_done(c);
    }
    std::string clause = "status_category IN " + in_list(values);
    // Unresolved tickets are a small share of all tickets (years of closed
    // ones), which SQLite's averaged statistics cannot see; without the hint
    // it would walk a due-time index through the closed tickets instead of
    // taking the few open ones and sorting them. (PostgreSQL's histograms
    // see the skew.)
    if (only_unresolved && sql_.dialect() == Dialect::sqlite) clause = "likelihood(" + clause + ", 0.05)";
    q.where(clause);
  }
  if (!filter.priorities.empty()) {
    std::vector<std::string> values;
    for (auto p : filter.priorities) values.push_back(std::to_string(priority_value(p)));
    q.where("priority IN " + in_list(values));
  }
  if (!filter.sla_states.empty()) {
    std::vector<std::string> values;
    for (auto s : filter.sla_states) values.push_back(std::string("'") + to_string(s) + "'");
    q.where("sla_state IN " + in_list(values));
  }
  if (filter.due_before) q.where(std::string(kResolutionDueKey) + " < ?", to_unix_ms(*filter.due_before));
  if (filter.due_after) q.where("resolution_due_at >= ?", to_unix_ms(*filter.due_after));
  if (!search.empty() && !search_driven) {
    q.where_text("+id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)", search);
  }
  // Search-driven pages are keyed on the rowid alone, in the order FTS5
  // streams (ListQuery adds no tie-breaker for the id column).
  std::string statement = TEND_TRY(
      q.render(page, search_driven ? SortColumn{"number", "ticket_search.rowid", true} : sort));
  std::vector<Ticket> items;
  {
    auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
    while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_ticket(*rows)));
  }
  TEND_CHECK(load_details(items, false));
  return finish_page(std::move(items), page, [&](const Ticket& t) -> std::string {
    if (sort.field == "number") return std::to_string(t.id.value());
    if (sort.field == "created_at") return std::to_string(to_unix_ms(t.created_at));
    if (sort.field == "updated_at") return std::to_string(to_unix_ms(t.updated_at));
    if (sort.field == "priority") return std::to_string(priority_value(t.priority));
    if (sort.field == "resolution_due_at") return std::to_string(due_key(t.sla.resolution_due_at));
    return std::to_string(due_key(t.sla.response_due_at));
  });
}

Result<int64_t> TicketRepository::count() { return sql_.scalar("SELECT count(*) FROM tickets"); }

Result<std::vector<TicketId>> TicketRepository::sla_events_due(Instant now, int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id FROM tickets WHERE sla_next_event_at IS NOT NULL AND sla_next_event_at <= ? "
      "ORDER BY sla_next_event_at LIMIT ?",
      to_unix_ms(now), static_cast<int64_t>(limit)));
  std::vector<TicketId> out;
  while (TEND_TRY(rows->next())) out.push_back(TicketId(rows->i64(0)));
  return out;
}

Result<std::optional<Instant>> TicketRepository::next_sla_event() {
  auto rows = TEND_TRY(sql_.query(
      "SELECT sla_next_event_at FROM tickets WHERE sla_next_event_at IS NOT NULL ORDER BY sla_next_event_at LIMIT 1"));
  if (!TEND_TRY(rows->next())) return std::optional<Instant>();
  return std::optional<Instant>(from_unix_ms(rows->i64(0)));
}

Result<int64_t> TicketRepository::mark_for_sla_refresh(SlaCalendarId calendar, Instant now) {
  return sql_.execute(
      "UPDATE tickets SET sla_next_event_at = ? WHERE resolved_at IS NULL AND sla_policy_id IS NOT NULL "
      "AND id IN (SELECT ticket_id FROM ticket_sla_terms WHERE calendar_id = ?)",
      to_unix_ms(now), calendar.value());
}

Status TicketRepository::add_terms(TicketId ticket, const TicketTermsRecord& t) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO ticket_sla_terms (ticket_id, effective_at, priority, sla_policy_id, calendar_id, "
      "response_minutes, resolution_minutes, around_the_clock, warning_per_mille) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ticket.value(), to_unix_ms(t.effective_at), priority_value(t.priority), t.policy_id, t.calendar_id,
      t.target.first_response_minutes, t.target.resolution_minutes, t.target.around_the_clock,
      t.warning_per_mille));
  return {};
}

Result<std::vector<TicketTermsRecord>> TicketRepository::terms(TicketId ticket) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT effective_at, priority, sla_policy_id, calendar_id, response_minutes, resolution_minutes, "
      "around_the_clock, warning_per_mille FROM ticket_sla_terms WHERE ticket_id = ? ORDER BY id",
      ticket.value()));
  std::vector<TicketTermsRecord> out;
  while (TEND_TRY(rows->next())) {
    TicketTermsRecord t;
    t.effective_at = from_unix_ms(rows->i64(0));
    t.priority = TEND_TRY(read_priority(*rows, 1));
    t.policy_id = SlaPolicyId(rows->i64(2));
    t.calendar_id = SlaCalendarId(rows->opt_i64(3).value_or(0));
    t.target = {rows->i64(4), rows->i64(5), rows->i64(6) != 0};
    t.warning_per_mille = static_cast<int>(rows->i64(7));
    out.push_back(t);
  }
  return out;
}

Status TicketRepository::add_status_change(TicketId ticket, const StatusChangeRecord& c) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO ticket_status_changes (ticket_id, at, status_id, category, stops_resolution_time) "
      "VALUES (?, ?, ?, ?, ?)",
      ticket.value(), to_unix_ms(c.at), c.status_id.value(), to_string(c.category), c.stops_resolution_time));
  return {};
}

Result<std::vector<StatusChangeRecord>> TicketRepository::status_changes(TicketId ticket) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT at, status_id, category, stops_resolution_time FROM ticket_status_changes WHERE ticket_id = ? "
      "ORDER BY id",
      ticket.value()));
  std::vector<StatusChangeRecord> out;
  while (TEND_TRY(rows->next())) {
    StatusChangeRecord c;
    c.at = from_unix_ms(rows->i64(0));
    c.status_id = TicketStatusId(rows->i64(1));
    c.category = TEND_TRY(stored(parse_status_category(rows->text(2)), "status category"));
    c.stops_resolution_time = rows->i64(3) != 0;
    out.push_back(c);
  }
  return out;
}

Result<ChecklistItemId> TicketRepository::add_checklist_item(TicketId ticket, const std::string& text) {
  int64_t position =
      TEND_TRY(sql_.scalar("SELECT coalesce(max(position), 0) + 1 FROM ticket_checklist_items WHERE ticket_id = ?",
                           ticket.value()));
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO ticket_checklist_items (ticket_id, position, text) VALUES (?, ?, ?) RETURNING id",
      ticket.value(), position, text));
  return ChecklistItemId(id);
}

Status TicketRepository::update_checklist_item(TicketId ticket, const ChecklistItem& item) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE ticket_checklist_items SET done_at = ?, done_by_id = ? WHERE id = ? AND ticket_id = ?",
      opt_ms(item.done_at), item.done_by_id, item.id.value(), ticket.value()));
  return require_changed(changed, "checklist item");
}

Status TicketRepository::index_note(TicketId ticket, const TicketNote& note) {
  const char* statement =
      note.is_public()
          ? "UPDATE ticket_search SET public_notes = public_notes || char(10) || ? WHERE rowid = ?"
          : "UPDATE ticket_search SET internal_notes = internal_notes || char(10) || ? WHERE rowid = ?";
  TEND_CHECK(sql_.execute(statement, note.body, ticket.value()));
  return {};
}

Result<std::vector<TicketSlaRow>> TicketRepository::sla_rows(Instant from, Instant to, ClientId client) {
  std::string statement =
      "SELECT id, client_id, priority, created_at, first_response_at, resolved_at, sla_state, response_due_at, "
      "response_warning_at, response_breached_at, response_warned_at, response_business_ms, resolution_due_at, "
      "resolution_warning_at, resolution_breached_at, resolution_warned_at, resolution_business_ms, "
      "sla_next_event_at FROM tickets WHERE created_at >= ? AND created_at < ? AND sla_state IS NOT NULL "
      "AND merged_into_id IS NULL";
  std::unique_ptr<Rows> rows;
  if (client.valid()) {
    rows = TEND_TRY(sql_.query(statement + " AND client_id = ? ORDER BY created_at, id", to_unix_ms(from),
                               to_unix_ms(to), client.value()));
  } else {
    rows = TEND_TRY(sql_.query(statement + " ORDER BY created_at, id", to_unix_ms(from), to_unix_ms(to)));
  }
  std::vector<TicketSlaRow> out;
  while (TEND_TRY(rows->next())) {
    TicketSlaRow row;
    row.id = TicketId(rows->i64(0));
    row.client_id = ClientId(rows->i64(1));
    row.priority = TEND_TRY(read_priority(*rows, 2));
    row.created_at = from_unix_ms(rows->i64(3));
    row.first_response_at = read_opt_instant(*rows, 4);
    row.resolved_at = read_opt_instant(*rows, 5);
    row.sla = TEND_TRY(read_sla(*rows, 6));
    out.push_back(std::move(row));
  }
  return out;
}

// ---- notes ----------------------------------------------------------------------------

Result<TicketNoteId> TicketNoteRepository::insert(const TicketNote& n) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO ticket_notes (ticket_id, author_id, author, by_staff, visibility, body, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      n.ticket_id.value(), n.author_id, n.author, n.by_staff, to_string(n.visibility), n.body,
      to_unix_ms(n.created_at)));
  return TicketNoteId(id);
}

Result<std::vector<TicketNote>> TicketNoteRepository::list(TicketId ticket, bool public_only, int64_t after,
                                                           int limit) {
  auto rows = TEND_TRY(sql_.query(
      std::string("SELECT id, ticket_id, author_id, author, by_staff, visibility, body, created_at FROM ticket_notes "
                  "WHERE ticket_id = ? AND id > ?") +
          (public_only ? " AND visibility = 'public'" : "") + " ORDER BY id LIMIT ?",
      ticket.value(), after, static_cast<int64_t>(limit)));
  std::vector<TicketNote> out;
  while (TEND_TRY(rows->next())) {
    TicketNote n;
    n.id = TicketNoteId(rows->i64(0));
    n.ticket_id = TicketId(rows->i64(1));
    n.author_id = UserId(rows->opt_i64(2).value_or(0));
    n.author = rows->text(3);
    n.by_staff = rows->i64(4) != 0;
    n.visibility = TEND_TRY(stored(parse_note_visibility(rows->text(5)), "note visibility"));
    n.body = rows->text(6);
    n.created_at = from_unix_ms(rows->i64(7));
    out.push_back(std::move(n));
  }
  return out;
}

// ---- timeline ----------------------------------------------------------------------------

Status TicketTimelineRepository::append(const TimelineEvent& e) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO ticket_events (ticket_id, at, actor_id, actor, kind, is_public, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.ticket_id.value(), to_unix_ms(e.at), e.actor_id, e.actor, e.kind, e.is_public,
      e.details.empty() ? std::string("{}") : e.details));
  return {};
}

Result<std::vector<TimelineEvent>> TicketTimelineRepository::list(TicketId ticket, bool public_only, int64_t after,
                                                                  int limit) {
  auto rows = TEND_TRY(sql_.query(
      std::string("SELECT id, ticket_id, at, actor_id, actor, kind, is_public, details FROM ticket_events "
                  "WHERE ticket_id = ? AND id > ?") +
          (public_only ? " AND is_public = 1" : "") + " ORDER BY id LIMIT ?",
      ticket.value(), after, static_cast<int64_t>(limit)));
  std::vector<TimelineEvent> out;
  while (TEND_TRY(rows->next())) {
    TimelineEvent e;
    e.id = rows->i64(0);
    e.ticket_id = TicketId(rows->i64(1));
    e.at = from_unix_ms(rows->i64(2));
    e.actor_id = UserId(rows->opt_i64(3).value_or(0));
    e.actor = rows->text(4);
    e.kind = rows->text(5);
    e.is_public = rows->i64(6) != 0;
    e.details = rows->text(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tend::store
