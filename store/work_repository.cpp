#include "store/work_repository.h"

#include "core/validation.h"
#include "store/work_rows.h"

namespace tend::store {
namespace {

// ---- tax categories and work types ---------------------------------------------

constexpr const char* kTaxColumns =
    "SELECT id, code, name, rate_percent, active, created_at, updated_at FROM tax_categories";

Result<TaxCategory> read_tax(const Rows& r) {
  TaxCategory t;
  t.id = TaxCategoryId(r.i64(0));
  t.code = r.text(1);
  t.name = r.text(2);
  t.rate_percent = TEND_TRY(stored_decimal(r.text(3)));
  t.active = r.i64(4) != 0;
  t.created_at = from_unix_ms(r.i64(5));
  t.updated_at = from_unix_ms(r.i64(6));
  return t;
}

constexpr const char* kWorkTypeColumns =
    "SELECT id, code, name, hourly_rate, currency, minimum_minutes, rounding_increment_minutes, "
    "after_hours_multiplier, tax_category_id, active, created_at, updated_at FROM work_types";

Result<WorkType> read_work_type(const Rows& r) {
  WorkType w;
  w.id = WorkTypeId(r.i64(0));
  w.code = r.text(1);
  w.name = r.text(2);
  w.hourly_rate = TEND_TRY(read_money(r, 3, 4));
  w.minimum_minutes = r.i64(5);
  w.rounding_increment_minutes = r.i64(6);
  w.after_hours_multiplier = TEND_TRY(stored_decimal(r.text(7)));
  w.tax_category_id = TaxCategoryId(r.opt_i64(8).value_or(0));
  w.active = r.i64(9) != 0;
  w.created_at = from_unix_ms(r.i64(10));
  w.updated_at = from_unix_ms(r.i64(11));
  return w;
}

// ---- time entries -------------------------------------------------------------------

constexpr const char* kTimeEntryColumns =
    "SELECT id, ticket_id, client_id, user_id, work_type_id, work_date, started_at, ended_at, actual_minutes, "
    "billing, after_hours, billable_minutes, billable_override, override_reason, service_usage_id, cost_rate, "
    "cost_currency, notes, status, approved_at, approved_by_id, invoice_line_id, invoiced_at, created_by_id, "
    "created_at, updated_at, removed_at FROM time_entries";

Result<TimeEntry> read_time_entry(const Rows& r) {
  TimeEntry e;
  e.id = TimeEntryId(r.i64(0));
  e.ticket_id = TicketId(r.i64(1));
  e.client_id = ClientId(r.i64(2));
  e.user_id = UserId(r.i64(3));
  e.work_type_id = WorkTypeId(r.i64(4));
  e.work_date = TEND_TRY(stored_date(r.text(5)));
  e.started_at = read_opt_instant(r, 6);
  e.ended_at = read_opt_instant(r, 7);
  e.actual_minutes = r.i64(8);
  e.billing = TEND_TRY(stored(parse_billing(r.text(9)), "billing"));
  e.after_hours = r.i64(10) != 0;
  e.billable_minutes = r.i64(11);
  e.billable_override = r.opt_i64(12);
  e.override_reason = r.text(13);
  e.service_usage_id = ServiceUsageId(r.opt_i64(14).value_or(0));
  e.cost_rate = TEND_TRY(read_money(r, 15, 16));
  e.notes = r.text(17);
  e.status = TEND_TRY(stored(parse_work_status(r.text(18)), "work status"));
  e.approved_at = read_opt_instant(r, 19);
  e.approved_by_id = UserId(r.opt_i64(20).value_or(0));
  e.invoice_line_id = r.opt_i64(21).value_or(0);
  e.invoiced_at = read_opt_instant(r, 22);
  e.created_by_id = UserId(r.opt_i64(23).value_or(0));
  e.created_at = from_unix_ms(r.i64(24));
  e.updated_at = from_unix_ms(r.i64(25));
  e.removed_at = read_opt_instant(r, 26);
  return e;
}

template <class T, class Read>
Result<std::vector<T>> read_all(std::unique_ptr<Rows> rows, Read read) {
  std::vector<T> out;
  while (TEND_TRY(rows->next())) out.push_back(TEND_TRY(read(*rows)));
  return out;
}

// ---- catalogue --------------------------------------------------------------------------

constexpr const char* kCatalogueColumns =
    "SELECT id, kind, sku, name, description, currency, unit_cost, unit_price, markup_percent, tax_category_id, "
    "reorder_level, active, created_at, updated_at, "
    "(SELECT coalesce(sum(quantity), 0) FROM stock_movements m WHERE m.item_id = catalogue_items.id) "
    "FROM catalogue_items";

Result<CatalogueItem> read_item(const Rows& r) {
  CatalogueItem i;
  i.id = CatalogueItemId(r.i64(0));
  i.kind = TEND_TRY(stored(parse_catalogue_kind(r.text(1)), "catalogue kind"));
  i.sku = r.text(2);
  i.name = r.text(3);
  i.description = r.text(4);
  Currency currency = TEND_TRY(stored_currency(r.text(5)));
  i.unit_cost = Money(currency, r.i64(6));
  if (!r.is_null(7)) i.unit_price = Money(currency, r.i64(7));
  if (!r.is_null(8)) i.markup_percent = TEND_TRY(stored_decimal(r.text(8)));
  i.tax_category_id = TaxCategoryId(r.opt_i64(9).value_or(0));
  i.reorder_level = r.i64(10);
  i.active = r.i64(11) != 0;
  i.created_at = from_unix_ms(r.i64(12));
  i.updated_at = from_unix_ms(r.i64(13));
  i.stock_on_hand = r.i64(14);
  return i;
}

std::optional<std::string> opt_decimal(const std::optional<Rational>& r) {
  return r ? std::optional<std::string>(r->to_string()) : std::nullopt;
}

std::optional<int64_t> opt_minor(const std::optional<Money>& m) {
  return m ? std::optional<int64_t>(m->minor_units()) : std::nullopt;
}

// ---- usages ---------------------------------------------------------------------------------

constexpr const char* kPartColumns =
    "SELECT id, ticket_id, client_id, item_id, quantity, unit_price, unit_cost, currency, cost_currency, "
    "serial_numbers, used_on, notes, status, approved_at, approved_by_id, invoice_line_id, invoiced_at, "
    "created_by_id, created_at, updated_at, removed_at FROM part_usages";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

Result<PartUsage> read_part(const Rows& r) {
  PartUsage u;
  u.id = PartUsageId(r.i64(0));
  u.ticket_id = TicketId(r.i64(1));
  u.client_id = ClientId(r.i64(2));
  u.item_id = CatalogueItemId(r.i64(3));
  u.quantity = r.i64(4);
  u.unit_price = TEND_TRY(read_money(r, 5, 7));
  u.unit_cost = TEND_TRY(read_money(r, 6, 8));
  u.serial_numbers = split_lines(r.text(9));
  u.used_on = TEND_TRY(stored_date(r.text(10)));
  u.notes = r.text(11);
  u.status = TEND_TRY(stored(parse_work_status(r.text(12)), "work status"));
  u.approved_at = read_opt_instant(r, 13);
  u.approved_by_id = UserId(r.opt_i64(14).value_or(0));
  u.invoice_line_id = r.opt_i64(15).value_or(0);
  u.invoiced_at = read_opt_instant(r, 16);
  u.created_by_id = UserId(r.opt_i64(17).value_or(0));
  u.created_at = from_unix_ms(r.i64(18));
  u.updated_at = from_unix_ms(r.i64(19));
  u.removed_at = read_opt_instant(r, 20);
  return u;
}

constexpr const char* kServiceColumns =
    "SELECT id, ticket_id, client_id, item_id, quantity, unit_price, unit_cost, currency, cost_currency, "
    "performed_on, notes, status, approved_at, approved_by_id, invoice_line_id, invoiced_at, created_by_id, "
    "created_at, updated_at, removed_at FROM service_usages";

Result<ServiceUsage> read_service(const Rows& r) {
  ServiceUsage u;
  u.id = ServiceUsageId(r.i64(0));
  u.ticket_id = TicketId(r.i64(1));
  u.client_id = ClientId(r.i64(2));
  u.item_id = CatalogueItemId(r.i64(3));
  u.quantity = r.i64(4);
  u.unit_price = TEND_TRY(read_money(r, 5, 7));
  u.unit_cost = TEND_TRY(read_money(r, 6, 8));
  u.performed_on = TEND_TRY(stored_date(r.text(9)));
  u.notes = r.text(10);
  u.status = TEND_TRY(stored(parse_work_status(r.text(11)), "work status"));
  u.approved_at = read_opt_instant(r, 12);
  u.approved_by_id = UserId(r.opt_i64(13).value_or(0));
  u.invoice_line_id = r.opt_i64(14).value_or(0);
  u.invoiced_at = read_opt_instant(r, 15);
  u.created_by_id = UserId(r.opt_i64(16).value_or(0));
  u.created_at = from_unix_ms(r.i64(17));
  u.updated_at = from_unix_ms(r.i64(18));
  u.removed_at = read_opt_instant(r, 19);
  return u;
}

std::optional<int64_t> opt_line(int64_t id) { return id > 0 ? std::optional<int64_t>(id) : std::nullopt; }

// Marks approved rows of `table` as invoiced; conflict when one is not
// approved (nothing is changed then: the caller's transaction rolls back).
template <class IdT>
Status mark_rows_invoiced(Sql& sql, const char* table, std::span<const IdT> ids, int64_t line, Instant at) {
  for (IdT id : ids) {
    int64_t changed = TEND_TRY(sql.execute(std::string("UPDATE ") + table +
                                               " SET status = 'invoiced', invoice_line_id = ?, invoiced_at = ?, "
                                               "updated_at = ? WHERE id = ? AND status = 'approved' AND "
                                               "removed_at IS NULL",
                                           line, to_unix_ms(at), to_unix_ms(at), id.value()));
    if (changed == 0) {
      return std::unexpected(Error::conflict(std::string(table) + " row " + std::to_string(id.value()) +
                                             " is not approved or is already invoiced"));
    }
  }
  return {};
}

}  // namespace

// ---- tax categories --------------------------------------------------------------------

Result<TaxCategoryId> TaxCategoryRepository::insert(const TaxCategory& t) {
  return TaxCategoryId(TEND_TRY(sql_.scalar(
      "INSERT INTO tax_categories (code, name, rate_percent, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      t.code, t.name, t.rate_percent.to_string(), t.active, to_unix_ms(t.created_at), to_unix_ms(t.updated_at))));
}

Result<TaxCategory> TaxCategoryRepository::get(TaxCategoryId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kTaxColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("tax category not found"));
  return read_tax(*rows);
}

Result<TaxCategory> TaxCategoryRepository::find_by_code(std::string_view code) {
  auto rows = TEND_TRY(sql_.query(std::string(kTaxColumns) + " WHERE code = ?", code));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("tax category not found"));
  return read_tax(*rows);
}

Status TaxCategoryRepository::update(const TaxCategory& t) {
  return require_changed(TEND_TRY(sql_.execute(
                             "UPDATE tax_categories SET code = ?, name = ?, rate_percent = ?, active = ?, "
                             "updated_at = ? WHERE id = ?",
                             t.code, t.name, t.rate_percent.to_string(), t.active, to_unix_ms(t.updated_at),
                             t.id.value())),
                         "tax category");
}

Result<std::vector<TaxCategory>> TaxCategoryRepository::list() {
  return read_all<TaxCategory>(TEND_TRY(sql_.query(std::string(kTaxColumns) + " ORDER BY code")), read_tax);
}

// ---- work types ---------------------------------------------------------------------------

Result<WorkTypeId> WorkTypeRepository::insert(const WorkType& w) {
  return WorkTypeId(TEND_TRY(sql_.scalar(
      "INSERT INTO work_types (code, name, name_key, hourly_rate, currency, minimum_minutes, "
      "rounding_increment_minutes, after_hours_multiplier, tax_category_id, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      w.code, w.name, name_key(w.name), w.hourly_rate.minor_units(), w.hourly_rate.currency().code(),
      w.minimum_minutes, w.rounding_increment_minutes, w.after_hours_multiplier.to_string(), w.tax_category_id,
      w.active, to_unix_ms(w.created_at), to_unix_ms(w.updated_at))));
}

Result<WorkType> WorkTypeRepository::get(WorkTypeId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kWorkTypeColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("work type not found"));
  return read_work_type(*rows);
}

Result<WorkType> WorkTypeRepository::find_by_code(std::string_view code) {
  auto rows = TEND_TRY(sql_.query(std::string(kWorkTypeColumns) + " WHERE code = ?", code));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("work type not found"));
  return read_work_type(*rows);
}

Status WorkTypeRepository::update(const WorkType& w) {
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE work_types SET code = ?, name = ?, name_key = ?, hourly_rate = ?, currency = ?, "
          "minimum_minutes = ?, rounding_increment_minutes = ?, after_hours_multiplier = ?, tax_category_id = ?, "
          "active = ?, updated_at = ? WHERE id = ?",
          w.code, w.name, name_key(w.name), w.hourly_rate.minor_units(), w.hourly_rate.currency().code(),
          w.minimum_minutes, w.rounding_increment_minutes, w.after_hours_multiplier.to_string(), w.tax_category_id,
          w.active, to_unix_ms(w.updated_at), w.id.value())),
      "work type");
}

Result<std::vector<WorkType>> WorkTypeRepository::list() {
  return read_all<WorkType>(TEND_TRY(sql_.query(std::string(kWorkTypeColumns) + " ORDER BY name_key, id")),
                            read_work_type);
}

// ---- rates ----------------------------------------------------------------------------------

Result<std::optional<TechnicianRate>> RateRepository::technician(UserId user) {
  auto rows = TEND_TRY(
      sql_.query("SELECT user_id, cost_rate, currency, updated_at FROM technician_rates WHERE user_id = ?", user.value()));
  if (!TEND_TRY(rows->next())) return std::optional<TechnicianRate>();
  return std::optional<TechnicianRate>(
      TechnicianRate{UserId(rows->i64(0)), TEND_TRY(read_money(*rows, 1, 2)), from_unix_ms(rows->i64(3))});
}

Result<std::vector<TechnicianRate>> RateRepository::technicians() {
  auto rows = TEND_TRY(sql_.query("SELECT user_id, cost_rate, currency, updated_at FROM technician_rates ORDER BY user_id"));
  std::vector<TechnicianRate> out;
  while (TEND_TRY(rows->next())) {
    out.push_back({UserId(rows->i64(0)), TEND_TRY(read_money(*rows, 1, 2)), from_unix_ms(rows->i64(3))});
  }
  return out;
}

Status RateRepository::set_technician(const TechnicianRate& rate) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO technician_rates (user_id, cost_rate, currency, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET cost_rate = excluded.cost_rate, currency = excluded.currency, "
      "updated_at = excluded.updated_at",
      rate.user_id.value(), rate.cost_rate.minor_units(), rate.cost_rate.currency().code(), to_unix_ms(rate.updated_at)));
  return {};
}

Result<std::vector<ClientRate>> RateRepository::client_rates(ClientId client) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT client_id, work_type_id, hourly_rate, currency, updated_at FROM client_rates WHERE client_id = ? "
      "ORDER BY work_type_id",
      client.value()));
  std::vector<ClientRate> out;
  while (TEND_TRY(rows->next())) {
    out.push_back({ClientId(rows->i64(0)), WorkTypeId(rows->i64(1)), TEND_TRY(read_money(*rows, 2, 3)),
                   from_unix_ms(rows->i64(4))});
  }
  return out;
}

Status RateRepository::set_client_rate(const ClientRate& rate) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO client_rates (client_id, work_type_id, hourly_rate, currency, updated_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (client_id, work_type_id) DO UPDATE SET hourly_rate = excluded.hourly_rate, "
      "currency = excluded.currency, updated_at = excluded.updated_at",
      rate.client_id.value(), rate.work_type_id.value(), rate.hourly_rate.minor_units(),
      rate.hourly_rate.currency().code(), to_unix_ms(rate.updated_at)));
  return {};
}

Status RateRepository::remove_client_rate(ClientId client, WorkTypeId work_type) {
  return require_changed(TEND_TRY(sql_.execute("DELETE FROM client_rates WHERE client_id = ? AND work_type_id = ?",
                                               client.value(), work_type.value())),
                         "client rate");
}

// ---- time entries -----------------------------------------------------------------------------

Result<TimeEntryId> TimeEntryRepository::insert(const TimeEntry& e) {
  return TimeEntryId(TEND_TRY(sql_.scalar(
      "INSERT INTO time_entries (ticket_id, client_id, user_id, work_type_id, work_date, started_at, ended_at, "
      "actual_minutes, billing, after_hours, billable_minutes, billable_override, override_reason, service_usage_id, "
      "cost_rate, cost_currency, notes, status, approved_at, approved_by_id, invoice_line_id, invoiced_at, "
      "created_by_id, created_at, updated_at, removed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      e.ticket_id, e.client_id, e.user_id, e.work_type_id, format_civil_date(e.work_date), opt_ms(e.started_at),
      opt_ms(e.ended_at), e.actual_minutes, to_string(e.billing), e.after_hours, e.billable_minutes,
      e.billable_override, e.override_reason, e.service_usage_id, e.cost_rate.minor_units(),
      e.cost_rate.currency().code(), e.notes, to_string(e.status), opt_ms(e.approved_at), e.approved_by_id,
      opt_line(e.invoice_line_id), opt_ms(e.invoiced_at), e.created_by_id, to_unix_ms(e.created_at),
      to_unix_ms(e.updated_at), opt_ms(e.removed_at))));
}

Result<TimeEntry> TimeEntryRepository::get(TimeEntryId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kTimeEntryColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("time entry not found"));
  return read_time_entry(*rows);
}

Status TimeEntryRepository::update(const TimeEntry& e) {
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE time_entries SET user_id = ?, work_type_id = ?, work_date = ?, started_at = ?, ended_at = ?, "
          "actual_minutes = ?, billing = ?, after_hours = ?, billable_minutes = ?, billable_override = ?, "
          "override_reason = ?, service_usage_id = ?, cost_rate = ?, cost_currency = ?, notes = ?, status = ?, "
          "approved_at = ?, approved_by_id = ?, invoice_line_id = ?, invoiced_at = ?, updated_at = ?, removed_at = ? "
          "WHERE id = ?",
          e.user_id, e.work_type_id, format_civil_date(e.work_date), opt_ms(e.started_at), opt_ms(e.ended_at),
          e.actual_minutes, to_string(e.billing), e.after_hours, e.billable_minutes, e.billable_override,
          e.override_reason, e.service_usage_id, e.cost_rate.minor_units(), e.cost_rate.currency().code(), e.notes,
          to_string(e.status), opt_ms(e.approved_at), e.approved_by_id, opt_line(e.invoice_line_id),
          opt_ms(e.invoiced_at), to_unix_ms(e.updated_at), opt_ms(e.removed_at), e.id.value())),
      "time entry");
}

Result<Page<TimeEntry>> TimeEntryRepository::list(const TimeEntryFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"work_date", "work_date", false}, {"created_at", "created_at", true}};
  ListQuery q(kTimeEntryColumns, "id");
  if (!filter.include_removed) q.where("removed_at IS NULL");
  if (filter.ticket.valid()) q.where("ticket_id = ?", filter.ticket.value());
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  if (filter.user.valid()) q.where("user_id = ?", filter.user.value());
  if (filter.status) q.where_text("status = ?", to_string(*filter.status));
  if (filter.from) q.where_text("work_date >= ?", format_civil_date(*filter.from));
  if (filter.to) q.where_text("work_date <= ?", format_civil_date(*filter.to));
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<TimeEntry> items;
  items.reserve(static_cast<size_t>(page.limit) + 1);
  while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_time_entry(*rows)));
  return finish_page(std::move(items), page, [&](const TimeEntry& e) {
    return sort.field == "work_date" ? format_civil_date(e.work_date) : std::to_string(to_unix_ms(e.created_at));
  });
}

Result<std::vector<TimeEntry>> TimeEntryRepository::for_ticket(TicketId ticket) {
  return read_all<TimeEntry>(
      TEND_TRY(sql_.query(std::string(kTimeEntryColumns) +
                              " WHERE ticket_id = ? AND removed_at IS NULL ORDER BY work_date, id",
                          ticket.value())),
      read_time_entry);
}

Result<std::vector<TimeEntry>> TimeEntryRepository::for_client(ClientId client, CivilDate from, CivilDate to) {
  return read_all<TimeEntry>(
      TEND_TRY(sql_.query(std::string(kTimeEntryColumns) +
                              " WHERE client_id = ? AND work_date >= ? AND work_date <= ? AND removed_at IS NULL "
                              "ORDER BY work_date, id",
                          client.value(), format_civil_date(from), format_civil_date(to))),
      read_time_entry);
}

Result<std::vector<TimeEntry>> TimeEntryRepository::open_for_client(ClientId client) {
  // time_entries_by_status holds exactly the open entries (status <>
  // 'invoiced') by status and client; named, because without statistics the
  // planner prefers the client/date index, which walks the whole history.
  return read_all<TimeEntry>(
      TEND_TRY(sql_.query(std::string(kTimeEntryColumns) +
                              " INDEXED BY time_entries_by_status WHERE status IN ('draft', 'approved') AND "
                              "status <> 'invoiced' AND client_id = ? AND removed_at IS NULL ORDER BY work_date, id",
                          client.value())),
      read_time_entry);
}

Result<std::vector<TimeEntry>> TimeEntryRepository::billed_on(InvoiceId invoice) {
  return read_all<TimeEntry>(
      TEND_TRY(sql_.query(std::string(kTimeEntryColumns) +
                              " WHERE id IN (SELECT time_entry_id FROM invoice_lines WHERE invoice_id = ? AND "
                              "time_entry_id IS NOT NULL) ORDER BY work_date, id",
                          invoice.value())),
      read_time_entry);
}

Status TimeEntryRepository::set_billable_minutes(TimeEntryId id, int64_t minutes) {
  TEND_CHECK(sql_.execute("UPDATE time_entries SET billable_minutes = ? WHERE id = ? AND status <> 'invoiced'", minutes,
                          id.value()));
  return {};
}

Status TimeEntryRepository::mark_invoiced(std::span<const TimeEntryId> ids, int64_t invoice_line_id, Instant at) {
  TEND_CHECK(mark_rows_invoiced(sql_, "time_entries", ids, invoice_line_id, at));
  for (TimeEntryId id : ids) {
    TEND_CHECK(sql_.execute("UPDATE block_ledger SET locked = 1 WHERE time_entry_id = ?", id.value()));
  }
  return {};
}

Result<int64_t> TimeEntryRepository::count() { return sql_.scalar("SELECT count(*) FROM time_entries"); }

// ---- timers ----------------------------------------------------------------------------------

Status TimerRepository::start(const RunningTimer& t) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO running_timers (user_id, ticket_id, work_type_id, started_at, billing, after_hours, notes) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      t.user_id.value(), t.ticket_id.value(), t.work_type_id.value(), to_unix_ms(t.started_at), to_string(t.billing),
      t.after_hours, t.notes));
  return {};
}

Result<std::optional<RunningTimer>> TimerRepository::running(UserId user) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT user_id, ticket_id, work_type_id, started_at, billing, after_hours, notes FROM running_timers "
      "WHERE user_id = ?",
      user.value()));
  if (!TEND_TRY(rows->next())) return std::optional<RunningTimer>();
  RunningTimer t;
  t.user_id = UserId(rows->i64(0));
  t.ticket_id = TicketId(rows->i64(1));
  t.work_type_id = WorkTypeId(rows->i64(2));
  t.started_at = from_unix_ms(rows->i64(3));
  t.billing = TEND_TRY(stored(parse_billing(rows->text(4)), "billing"));
  t.after_hours = rows->i64(5) != 0;
  t.notes = rows->text(6);
  return std::optional<RunningTimer>(std::move(t));
}

Status TimerRepository::stop(UserId user) {
  return require_changed(TEND_TRY(sql_.execute("DELETE FROM running_timers WHERE user_id = ?", user.value())),
                         "running timer");
}

// ---- catalogue ---------------------------------------------------------------------------------

Result<CatalogueItemId> CatalogueRepository::insert(const CatalogueItem& i) {
  return CatalogueItemId(TEND_TRY(sql_.scalar(
      "INSERT INTO catalogue_items (kind, sku, name, name_key, description, currency, unit_cost, unit_price, "
      "markup_percent, tax_category_id, reorder_level, active, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      to_string(i.kind), i.sku, i.name, name_key(i.name), i.description, i.unit_cost.currency().code(),
      i.unit_cost.minor_units(), opt_minor(i.unit_price), opt_decimal(i.markup_percent), i.tax_category_id,
      i.reorder_level, i.active, to_unix_ms(i.created_at), to_unix_ms(i.updated_at))));
}

Result<CatalogueItem> CatalogueRepository::get(CatalogueItemId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kCatalogueColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("catalogue item not found"));
  return read_item(*rows);
}

Result<CatalogueItem> CatalogueRepository::find_by_sku(std::string_view sku) {
  auto rows = TEND_TRY(sql_.query(std::string(kCatalogueColumns) + " WHERE sku = ?", sku));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("catalogue item not found"));
  return read_item(*rows);
}

Status CatalogueRepository::update(const CatalogueItem& i) {
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE catalogue_items SET sku = ?, name = ?, name_key = ?, description = ?, currency = ?, unit_cost = ?, "
          "unit_price = ?, markup_percent = ?, tax_category_id = ?, reorder_level = ?, active = ?, updated_at = ? "
          "WHERE id = ?",
          i.sku, i.name, name_key(i.name), i.description, i.unit_cost.currency().code(), i.unit_cost.minor_units(),
          opt_minor(i.unit_price), opt_decimal(i.markup_percent), i.tax_category_id, i.reorder_level, i.active,
          to_unix_ms(i.updated_at), i.id.value())),
      "catalogue item");
}

Result<Page<CatalogueItem>> CatalogueRepository::list(const CatalogueFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "name_key", false}, {"sku", "sku", false}};
  ListQuery q(kCatalogueColumns, "id");
  if (!filter.text.empty()) {
    std::string pattern = ListQuery::contains_pattern(filter.text);
    q.where_texts("(name_key LIKE ? ESCAPE '\\' OR lower(sku) LIKE ? ESCAPE '\\')", {pattern, pattern});
  }
  if (filter.kind) q.where_text("kind = ?", to_string(*filter.kind));
  if (filter.active) q.where(*filter.active ? "active = 1" : "active = 0");
  if (filter.below_reorder_level) {
    q.where("kind = 'part' AND (SELECT coalesce(sum(quantity), 0) FROM stock_movements m "
            "WHERE m.item_id = catalogue_items.id) <= reorder_level");
  }
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<CatalogueItem> items;
  while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_item(*rows)));
  return finish_page(std::move(items), page,
                     [&](const CatalogueItem& i) { return sort.field == "name" ? name_key(i.name) : i.sku; });
}

Result<StockMovementId> CatalogueRepository::add_movement(const StockMovement& m) {
  return StockMovementId(TEND_TRY(sql_.scalar(
      "INSERT INTO stock_movements (item_id, kind, quantity, part_usage_id, note, at, actor_user_id, actor) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      m.item_id.value(), to_string(m.kind), m.quantity, m.part_usage_id, m.note, to_unix_ms(m.at), m.actor_id,
      m.actor)));
}

Result<std::vector<StockMovement>> CatalogueRepository::movements(CatalogueItemId item, int64_t before, int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id, item_id, kind, quantity, part_usage_id, note, at, actor_user_id, actor, "
      "(SELECT sum(quantity) FROM stock_movements p WHERE p.item_id = m.item_id AND p.id <= m.id) "
      "FROM stock_movements m WHERE item_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
      item.value(), before, before, static_cast<int64_t>(limit)));
  std::vector<StockMovement> out;
  while (TEND_TRY(rows->next())) {
    StockMovement m;
    m.id = StockMovementId(rows->i64(0));
    m.item_id = CatalogueItemId(rows->i64(1));
    m.kind = TEND_TRY(stored(parse_stock_movement_kind(rows->text(2)), "stock movement kind"));
    m.quantity = rows->i64(3);
    m.part_usage_id = PartUsageId(rows->opt_i64(4).value_or(0));
    m.note = rows->text(5);
    m.at = from_unix_ms(rows->i64(6));
    m.actor_id = UserId(rows->opt_i64(7).value_or(0));
    m.actor = rows->text(8);
    m.balance_after = rows->i64(9);
    out.push_back(std::move(m));
  }
  return out;
}

Result<int64_t> CatalogueRepository::stock_on_hand(CatalogueItemId item) {
  return sql_.scalar("SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE item_id = ?", item.value());
}

// ---- part usages ---------------------------------------------------------------------------------

Result<PartUsageId> PartUsageRepository::insert(const PartUsage& u) {
  return PartUsageId(TEND_TRY(sql_.scalar(
      "INSERT INTO part_usages (ticket_id, client_id, item_id, quantity, unit_price, unit_cost, currency, "
      "cost_currency, serial_numbers, used_on, notes, status, approved_at, approved_by_id, invoice_line_id, "
      "invoiced_at, created_by_id, created_at, updated_at, removed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      u.ticket_id, u.client_id, u.item_id, u.quantity, u.unit_price.minor_units(), u.unit_cost.minor_units(),
      u.unit_price.currency().code(), u.unit_cost.currency().code(), join_lines(u.serial_numbers),
      format_civil_date(u.used_on), u.notes, to_string(u.status), opt_ms(u.approved_at), u.approved_by_id,
      opt_line(u.invoice_line_id), opt_ms(u.invoiced_at), u.created_by_id, to_unix_ms(u.created_at),
      to_unix_ms(u.updated_at), opt_ms(u.removed_at))));
}

Result<PartUsage> PartUsageRepository::get(PartUsageId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kPartColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("part usage not found"));
  return read_part(*rows);
}

Status PartUsageRepository::update(const PartUsage& u) {
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE part_usages SET serial_numbers = ?, notes = ?, status = ?, approved_at = ?, approved_by_id = ?, "
          "invoice_line_id = ?, invoiced_at = ?, updated_at = ?, removed_at = ? WHERE id = ?",
          join_lines(u.serial_numbers), u.notes, to_string(u.status), opt_ms(u.approved_at), u.approved_by_id,
          opt_line(u.invoice_line_id), opt_ms(u.invoiced_at), to_unix_ms(u.updated_at), opt_ms(u.removed_at),
          u.id.value())),
      "part usage");
}

Result<std::vector<PartUsage>> PartUsageRepository::for_ticket(TicketId ticket) {
  return read_all<PartUsage>(
      TEND_TRY(sql_.query(std::string(kPartColumns) + " WHERE ticket_id = ? AND removed_at IS NULL ORDER BY id",
                          ticket.value())),
      read_part);
}

Result<std::vector<PartUsage>> PartUsageRepository::for_client(ClientId client, CivilDate from, CivilDate to) {
  return read_all<PartUsage>(
      TEND_TRY(sql_.query(std::string(kPartColumns) +
                              " WHERE client_id = ? AND used_on >= ? AND used_on <= ? AND removed_at IS NULL "
                              "ORDER BY used_on, id",
                          client.value(), format_civil_date(from), format_civil_date(to))),
      read_part);
}

Result<std::vector<PartUsage>> PartUsageRepository::open_for_client(ClientId client, CivilDate to) {
  // Named, as TimeEntryRepository::open_for_client: the planner would take
  // the client/date index and walk the history.
  return read_all<PartUsage>(
      TEND_TRY(sql_.query(std::string(kPartColumns) +
                              " INDEXED BY part_usages_open WHERE status <> 'invoiced' AND client_id = ? AND "
                              "used_on <= ? AND removed_at IS NULL ORDER BY used_on, id",
                          client.value(), format_civil_date(to))),
      read_part);
}

Status PartUsageRepository::mark_invoiced(std::span<const PartUsageId> ids, int64_t line, Instant at) {
  return mark_rows_invoiced(sql_, "part_usages", ids, line, at);
}

// ---- service usages ----------------------------------------------------------------------------------

Result<ServiceUsageId> ServiceUsageRepository::insert(const ServiceUsage& u) {
  return ServiceUsageId(TEND_TRY(sql_.scalar(
      "INSERT INTO service_usages (ticket_id, client_id, item_id, quantity, unit_price, unit_cost, currency, "
      "cost_currency, performed_on, notes, status, approved_at, approved_by_id, invoice_line_id, invoiced_at, "
      "created_by_id, created_at, updated_at, removed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      u.ticket_id, u.client_id, u.item_id, u.quantity, u.unit_price.minor_units(), u.unit_cost.minor_units(),
      u.unit_price.currency().code(), u.unit_cost.currency().code(), format_civil_date(u.performed_on), u.notes,
      to_string(u.status), opt_ms(u.approved_at), u.approved_by_id, opt_line(u.invoice_line_id),
      opt_ms(u.invoiced_at), u.created_by_id, to_unix_ms(u.created_at), to_unix_ms(u.updated_at),
      opt_ms(u.removed_at))));
}

Result<ServiceUsage> ServiceUsageRepository::get(ServiceUsageId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kServiceColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("service usage not found"));
  return read_service(*rows);
}

Status ServiceUsageRepository::update(const ServiceUsage& u) {
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE service_usages SET notes = ?, status = ?, approved_at = ?, approved_by_id = ?, "
          "invoice_line_id = ?, invoiced_at = ?, updated_at = ?, removed_at = ? WHERE id = ?",
          u.notes, to_string(u.status), opt_ms(u.approved_at), u.approved_by_id, opt_line(u.invoice_line_id),
          opt_ms(u.invoiced_at), to_unix_ms(u.updated_at), opt_ms(u.removed_at), u.id.value())),
      "service usage");
}

Result<std::vector<ServiceUsage>> ServiceUsageRepository::for_ticket(TicketId ticket) {
  return read_all<ServiceUsage>(
      TEND_TRY(sql_.query(std::string(kServiceColumns) + " WHERE ticket_id = ? AND removed_at IS NULL ORDER BY id",
                          ticket.value())),
      read_service);
}

Result<std::vector<ServiceUsage>> ServiceUsageRepository::for_client(ClientId client, CivilDate from, CivilDate to) {
  return read_all<ServiceUsage>(
      TEND_TRY(sql_.query(std::string(kServiceColumns) +
                              " WHERE client_id = ? AND performed_on >= ? AND performed_on <= ? AND removed_at IS NULL "
                              "ORDER BY performed_on, id",
                          client.value(), format_civil_date(from), format_civil_date(to))),
      read_service);
}

Result<std::vector<ServiceUsage>> ServiceUsageRepository::open_for_client(ClientId client, CivilDate to) {
  return read_all<ServiceUsage>(
      TEND_TRY(sql_.query(std::string(kServiceColumns) +
                              " INDEXED BY service_usages_open WHERE status <> 'invoiced' AND client_id = ? AND "
                              "performed_on <= ? AND removed_at IS NULL ORDER BY performed_on, id",
                          client.value(), format_civil_date(to))),
      read_service);
}

Status ServiceUsageRepository::mark_invoiced(std::span<const ServiceUsageId> ids, int64_t line, Instant at) {
  return mark_rows_invoiced(sql_, "service_usages", ids, line, at);
}

}  // namespace tend::store
