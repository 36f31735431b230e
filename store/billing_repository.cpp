#include "store/billing_repository.h"

#include <map>

#include "core/billing.h"
#include "store/work_rows.h"

namespace tend::store {
namespace {

// Tax rates are stored as decimals ("21", "5.5"); a rate that is no exact
// decimal is stored as "n/d".
std::string rate_text(const Rational& r) { return r.to_string(); }

Result<Rational> stored_rate(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return stored_decimal(text);
  try {
    Rational r{std::stoll(text.substr(0, slash)), std::stoll(text.substr(slash + 1))};
    if (r.denominator <= 0) return std::unexpected(Error::internal("stored rate is invalid"));
    return r;
  } catch (...) {
    return std::unexpected(Error::internal("stored rate is invalid"));
  }
}

constexpr const char* kInvoiceColumns =
    "SELECT i.id, i.client_id, i.kind, i.status, i.currency, i.number, i.issued_on, i.due_on, "
    "i.payment_terms_days, "
    "i.credited_invoice_id, (SELECT o.number FROM invoices o WHERE o.id = i.credited_invoice_id), i.period, "
    "i.period_from, i.period_to, i.net, i.tax, i.total, i.notes, i.issued_at, i.sent_at, i.created_by, "
    "i.created_at, "
    "i.updated_at, (SELECT c.name FROM clients c WHERE c.id = i.client_id) FROM invoices i";

Result<InvoiceRecord> read_invoice(const Rows& r) {
  InvoiceRecord i;
  i.id = InvoiceId(r.i64(0));
  i.client_id = ClientId(r.i64(1));
  i.kind = TEND_TRY(stored(parse_invoice_kind(r.text(2)), "invoice kind"));
  i.status = TEND_TRY(stored(parse_invoice_status(r.text(3)), "invoice status"));
  i.currency = TEND_TRY(stored_currency(r.text(4)));
  i.number = r.opt_text(5).value_or("");
  if (!r.is_null(6)) i.issued_on = TEND_TRY(stored_date(r.text(6)));
  if (!r.is_null(7)) i.due_on = TEND_TRY(stored_date(r.text(7)));
  i.payment_terms_days = static_cast<int>(r.i64(8));
  i.credited_invoice_id = InvoiceId(r.opt_i64(9).value_or(0));
  i.credited_number = r.opt_text(10).value_or("");
  i.period = r.text(11);
  if (!r.is_null(12)) i.period_from = TEND_TRY(stored_date(r.text(12)));
  if (!r.is_null(13)) i.period_to = TEND_TRY(stored_date(r.text(13)));
  i.totals.net = Money(i.currency, r.i64(14));
  i.totals.tax = Money(i.currency, r.i64(15));
  i.totals.total = Money(i.currency, r.i64(16));
  i.notes = r.text(17);
  i.issued_at = read_opt_instant(r, 18);
  i.sent_at = read_opt_instant(r, 19);
  i.created_by = r.text(20);
  i.created_at = from_unix_ms(r.i64(21));
  i.updated_at = from_unix_ms(r.i64(22));
  i.client_name = r.opt_text(23).value_or("");
  return i;
}

// The link columns of a line from its item key.
struct LineLinks {
  std::optional<int64_t> time_entry, part_usage, service_usage, contract, hour_block;
};

LineLinks links_of(const InvoiceLine& line) {
  LineLinks links;
  if (line.item_key.empty()) return links;
  auto key = BillableItemKey::parse(line.item_key);
  if (!key) return links;
  switch (key->kind) {
    case BillableKind::time_entry: links.time_entry = key->id; break;
    case BillableKind::part_usage: links.part_usage = key->id; break;
    case BillableKind::service_usage: links.service_usage = key->id; break;
    case BillableKind::block_purchase: links.hour_block = key->id; break;
    case BillableKind::contract_fee: links.contract = key->id; break;
  }
  return links;
}

// The tax summary from priced lines (the stored totals are the source of
// net, tax and total).
std::vector<TaxSummaryRow> summary_of(Currency currency, const std::vector<InvoiceLine>& lines) {
  auto totals = add_up_priced_lines(currency, lines);
  if (!totals) return {};
  return totals->tax_summary;
}

}  // namespace

// ---- invoices --------------------------------------------------------------------------------------

Result<InvoiceId> InvoiceRepository::insert(InvoiceRecord& i) {
  std::optional<int64_t> year, sequence;
  if (!i.number.empty()) {
    auto parsed = TEND_TRY(parse_invoice_number(i.number));
    year = parsed.year;
    sequence = parsed.sequence;
  }
  i.id = InvoiceId(TEND_TRY(sql_.scalar(
      "INSERT INTO invoices (client_id, kind, status, currency, number, number_year, number_sequence, "
      "issued_on, "
      "due_on, payment_terms_days, credited_invoice_id, period, period_from, period_to, net, tax, total, "
      "notes, "
      "issued_at, sent_at, created_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      i.client_id, to_string(i.kind), to_string(i.status), i.currency.code(),
      i.number.empty() ? std::optional<std::string>() : std::optional<std::string>(i.number), year, sequence,
      opt_date(i.issued_on), opt_date(i.due_on), i.payment_terms_days, i.credited_invoice_id, i.period,
      opt_date(i.period_from), opt_date(i.period_to), i.totals.net.minor_units(), i.totals.tax.minor_units(),
      i.totals.total.minor_units(), i.notes, opt_ms(i.issued_at), opt_ms(i.sent_at), i.created_by,
      to_unix_ms(i.created_at), to_unix_ms(i.updated_at))));
  TEND_CHECK(insert_lines(i));
  return i.id;
}

namespace {

constexpr int kLineColumns = 24;
constexpr const char* kLineInsert =
    "INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity_num, quantity_den, unit, "
    "unit_price, factor_num, factor_den, amount, tax_category_id, tax_code, tax_rate, tax_amount, item_key, "
    "line_key, service_from, service_to, time_entry_id, part_usage_id, service_usage_id, contract_id, "
    "hour_block_id) VALUES ";

// The INSERT of `rows` lines in one statement (built once per size).
const std::string& line_insert(size_t rows) {
  static const std::string one = [] {
    std::string s = kLineInsert;
    s += "(?";
    for (int c = 1; c < kLineColumns; ++c) s += ", ?";
    return s + ")";
  }();
  thread_local std::map<size_t, std::string> many;
  auto found = many.find(rows);
  if (found != many.end()) return found->second;
  std::string tuple = one.substr(std::string_view(kLineInsert).size());
  std::string s = kLineInsert + tuple;
  for (size_t r = 1; r < rows; ++r) s += ", " + tuple;
  return many.emplace(rows, std::move(s)).first->second;
}

}  // namespace

namespace {

// The text and date values of a line that its SqlValues point into.
struct LineOwned {
  std::string rate;
  std::optional<std::string> from, to;
};

// Appends the kLineColumns values of `line` at `position` of `invoice`
// (the columns of line_insert) to `params`; `owned` keeps what they point to.
void add_line_row(std::vector<SqlValue>& params, InvoiceId invoice, int64_t position, const InvoiceLine& l,
                  LineOwned& owned) {
  const LineLinks links = links_of(l);
  owned.rate = rate_text(l.tax.rate_percent);
  owned.from = opt_date(l.service_from);
  owned.to = opt_date(l.service_to);
  const SqlValue row[kLineColumns] = {Sql::to_value(invoice),
                                      Sql::to_value(position),
                                      Sql::to_value(to_string(l.kind)),
                                      Sql::to_value(l.description),
                                      Sql::to_value(l.quantity.numerator),
                                      Sql::to_value(l.quantity.denominator),
                                      Sql::to_value(l.unit),
                                      Sql::to_value(l.unit_price.minor_units()),
                                      Sql::to_value(l.factor.numerator),
                                      Sql::to_value(l.factor.denominator),
                                      Sql::to_value(l.amount.minor_units()),
                                      Sql::to_value(l.tax.category),
                                      Sql::to_value(l.tax.code),
                                      Sql::to_value(owned.rate),
                                      Sql::to_value(l.tax_amount.minor_units()),
                                      Sql::to_value(l.item_key),
                                      Sql::to_value(l.line_key),
                                      Sql::to_value(owned.from),
                                      Sql::to_value(owned.to),
                                      Sql::to_value(links.time_entry),
                                      Sql::to_value(links.part_usage),
                                      Sql::to_value(links.service_usage),
                                      Sql::to_value(links.contract),
                                      Sql::to_value(links.hour_block)};
  params.insert(params.end(), std::begin(row), std::end(row));
}

}  // namespace

Status InvoiceRepository::insert_lines(InvoiceRecord& i) {
  // Lines go in chunks of up to 64 rows per statement (fewer statements to
  // run; the ids are read back by position afterwards).
  constexpr size_t kChunk = 64;
  std::vector<LineOwned> owned(i.lines.size());
  std::vector<SqlValue> params;
  params.reserve(std::min(kChunk, i.lines.size()) * kLineColumns);
  for (size_t start = 0; start < i.lines.size(); start += kChunk) {
    const size_t rows = std::min(kChunk, i.lines.size() - start);
    params.clear();
    for (size_t k = start; k < start + rows; ++k) {
      add_line_row(params, i.id, static_cast<int64_t>(k + 1), i.lines[k], owned[k]);
    }
    TEND_CHECK(sql_.connection().execute(line_insert(rows), params));
  }
  i.line_ids.clear();
  i.line_ids.reserve(i.lines.size());
  auto rows = TEND_TRY(sql_.query("SELECT id FROM invoice_lines WHERE invoice_id = ? ORDER BY position", i.id.value()));
  while (TEND_TRY(rows->next())) i.line_ids.push_back(rows->i64(0));
  if (i.line_ids.size() != i.lines.size()) return std::unexpected(Error::internal("invoice lines were not all stored"));
  return {};
}

Status InvoiceRepository::append_line(InvoiceId invoice, const InvoiceLine& line) {
  auto rows = TEND_TRY(
      sql_.query("SELECT coalesce(max(position), 0) FROM invoice_lines WHERE invoice_id = ?", invoice.value()));
  TEND_TRY(rows->next());
  const int64_t position = rows->i64(0) + 1;
  LineOwned owned;
  std::vector<SqlValue> params;
  add_line_row(params, invoice, position, line, owned);
  TEND_TRY(sql_.connection().execute(line_insert(1), params));
  return {};
}

Status InvoiceRepository::remove_line(InvoiceId invoice, int64_t position) {
  TEND_CHECK(require_changed(TEND_TRY(sql_.execute("DELETE FROM invoice_lines WHERE invoice_id = ? AND position = ?",
                                                   invoice.value(), position)),
                             "invoice line"));
  // Close the gap in two steps: (invoice_id, position) is UNIQUE.
  TEND_TRY(sql_.execute("UPDATE invoice_lines SET position = -position WHERE invoice_id = ? AND position > ?",
                        invoice.value(), position));
  TEND_TRY(sql_.execute("UPDATE invoice_lines SET position = -position - 1 WHERE invoice_id = ? AND position < 0",
                        invoice.value()));
  return {};
}

Status InvoiceRepository::load_lines(InvoiceRecord& i) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id, kind, description, quantity_num, quantity_den, unit, unit_price, factor_num, factor_den, "
      "amount, "
      "tax_category_id, tax_code, tax_rate, tax_amount, item_key, line_key, service_from, service_to "
      "FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
      i.id.value()));
  i.lines.clear();
  i.line_ids.clear();
  while (TEND_TRY(rows->next())) {
    InvoiceLine l;
    i.line_ids.push_back(rows->i64(0));
    l.kind = TEND_TRY(stored(parse_line_kind(rows->text(1)), "line kind"));
    l.description = rows->text(2);
    l.quantity = Rational{rows->i64(3), rows->i64(4)};
    l.unit = rows->text(5);
    l.unit_price = Money(i.currency, rows->i64(6));
    l.factor = Rational{rows->i64(7), rows->i64(8)};
    l.amount = Money(i.currency, rows->i64(9));
    l.tax.category = TaxCategoryId(rows->opt_i64(10).value_or(0));
    l.tax.code = rows->text(11);
    l.tax.rate_percent = TEND_TRY(stored_rate(rows->text(12)));
    l.tax_amount = Money(i.currency, rows->i64(13));
    l.item_key = rows->text(14);
    l.line_key = rows->text(15);
    if (!rows->is_null(16)) l.service_from = TEND_TRY(stored_date(rows->text(16)));
    if (!rows->is_null(17)) l.service_to = TEND_TRY(stored_date(rows->text(17)));
    i.lines.push_back(std::move(l));
  }
  i.totals.tax_summary = summary_of(i.currency, i.lines);
  return {};
}

Result<InvoiceRecord> InvoiceRepository::get(InvoiceId id) {
  InvoiceRecord out;
  {
    auto rows = TEND_TRY(sql_.query(std::string(kInvoiceColumns) + " WHERE i.id = ?", id.value()));
    if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("invoice not found"));
    out = TEND_TRY(read_invoice(*rows));
  }
  TEND_CHECK(load_lines(out));
  return out;
}

Result<Page<InvoiceRecord>> InvoiceRepository::list(const InvoiceFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"id", "i.id", true},
                                            {"issued_on", "coalesce(i.issued_on, '')", false}};
  ListQuery q(kInvoiceColumns, "i.id");
  if (filter.client.valid()) q.where("i.client_id = ?", filter.client.value());
  if (filter.status) q.where_text("i.status = ?", to_string(*filter.status));
  if (filter.kind) q.where_text("i.kind = ?", to_string(*filter.kind));
  if (filter.issued_only) q.where("i.status <> 'draft'");
  if (!filter.period.empty()) q.where_text("i.period = ?", filter.period);
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  std::vector<InvoiceRecord> items;
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_invoice(*rows)));
  return finish_page(std::move(items), page, [&](const InvoiceRecord& i) {
    return sort.field == "id" ? std::to_string(i.id.value())
                              : (i.issued_on ? format_civil_date(*i.issued_on) : "");
  });
}

Status InvoiceRepository::update_header(const InvoiceRecord& i) {
  std::optional<int64_t> year, sequence;
  if (!i.number.empty()) {
    auto parsed = TEND_TRY(parse_invoice_number(i.number));
    year = parsed.year;
    sequence = parsed.sequence;
  }
  return require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE invoices SET status = ?, number = ?, number_year = ?, number_sequence = ?, issued_on = ?, "
          "due_on = ?, payment_terms_days = ?, net = ?, tax = ?, total = ?, notes = ?, issued_at = ?, "
          "sent_at = ?, "
          "updated_at = ? WHERE id = ?",
          to_string(i.status),
          i.number.empty() ? std::optional<std::string>() : std::optional<std::string>(i.number), year,
          sequence, opt_date(i.issued_on), opt_date(i.due_on), i.payment_terms_days,
          i.totals.net.minor_units(), i.totals.tax.minor_units(), i.totals.total.minor_units(), i.notes,
          opt_ms(i.issued_at), opt_ms(i.sent_at), to_unix_ms(i.updated_at), i.id.value())),
      "invoice");
}

Result<std::optional<InvoiceNumber>> InvoiceRepository::last_number(int year) {
  auto rows = TEND_TRY(sql_.query("SELECT max(number_sequence) FROM invoices WHERE number_year = ?",
                                  static_cast<int64_t>(year)));
  if (!TEND_TRY(rows->next()) || rows->is_null(0)) return std::optional<InvoiceNumber>();
  return std::optional<InvoiceNumber>(InvoiceNumber{year, rows->i64(0)});
}

Result<std::optional<CivilDate>> InvoiceRepository::last_issue_date(int year) {
  auto rows = TEND_TRY(
      sql_.query("SELECT max(issued_on) FROM invoices WHERE number_year = ?", static_cast<int64_t>(year)));
  if (!TEND_TRY(rows->next()) || rows->is_null(0)) return std::optional<CivilDate>();
  return std::optional<CivilDate>(TEND_TRY(stored_date(rows->text(0))));
}

Result<std::vector<InvoiceId>> InvoiceRepository::drafts_for_period(ClientId client,
                                                                    std::string_view period) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id FROM invoices WHERE client_id = ? AND period = ? AND status = 'draft' AND kind = 'invoice' "
      "ORDER BY id",
      client.value(), period));
  std::vector<InvoiceId> out;
  while (TEND_TRY(rows->next())) out.push_back(InvoiceId(rows->i64(0)));
  return out;
}

Result<std::vector<InvoiceId>> InvoiceRepository::issued_between(CivilDate from, CivilDate to) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id FROM invoices WHERE status <> 'draft' AND issued_on >= ? AND issued_on <= ? "
      "ORDER BY issued_on, number, id",
      format_civil_date(from), format_civil_date(to)));
  std::vector<InvoiceId> out;
  while (TEND_TRY(rows->next())) out.push_back(InvoiceId(rows->i64(0)));
  return out;
}

Status InvoiceRepository::delete_draft(InvoiceId id) {
  auto rows = TEND_TRY(sql_.query("SELECT status FROM invoices WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("invoice not found"));
  if (rows->text(0) != "draft") {
    return std::unexpected(Error::conflict("invoice " + std::to_string(id.value()) + " is not a draft"));
  }
  rows.reset();
  // Through the lines' link columns (primary keys), not by scanning the
  // items' invoice_line_id; the second condition keeps it exact.
  TEND_CHECK(sql_.execute(
      "UPDATE block_ledger SET locked = 0 WHERE time_entry_id IN "
      "(SELECT time_entry_id FROM invoice_lines WHERE invoice_id = ? AND time_entry_id IS NOT NULL)",
      id.value()));
  static constexpr struct {
    const char* table;
    const char* link;
  } kItems[] = {{"time_entries", "time_entry_id"}, {"part_usages", "part_usage_id"}, {"service_usages", "service_usage_id"}};
  for (const auto& item : kItems) {
    TEND_CHECK(sql_.execute(std::string("UPDATE ") + item.table +
                                " SET status = 'approved', invoice_line_id = NULL, invoiced_at = NULL "
                                "WHERE id IN (SELECT " +
                                item.link + " FROM invoice_lines WHERE invoice_id = ? AND " + item.link +
                                " IS NOT NULL) AND invoice_line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ?)",
                            id.value(), id.value()));
  }
  TEND_CHECK(sql_.execute(
      "UPDATE hour_blocks SET invoice_line_id = NULL, invoiced_at = NULL WHERE id IN "
      "(SELECT hour_block_id FROM invoice_lines WHERE invoice_id = ? AND hour_block_id IS NOT NULL) "
      "AND invoice_line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ?)",
      id.value(), id.value()));
  TEND_CHECK(sql_.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", id.value()));
  TEND_CHECK(sql_.execute("DELETE FROM invoices WHERE id = ?", id.value()));
  return {};
}

Result<std::set<std::string>> InvoiceRepository::billed_fee_keys(std::span<const std::string> keys,
                                                                 InvoiceId except) {
  std::set<std::string> out;
  for (const std::string& key : keys) {
    const BillableItemKey parsed = TEND_TRY(BillableItemKey::parse(key));
    if (parsed.kind != BillableKind::contract_fee && parsed.kind != BillableKind::block_purchase) {
      return std::unexpected(Error::invalid("billed_fee_keys: " + key + " is not a contract fee or block purchase"));
    }
    // The OR term is the fee-key index's WHERE, so the planner may use it.
    if (TEND_TRY(sql_.scalar("SELECT EXISTS (SELECT 1 FROM invoice_lines WHERE item_key = ? AND "
                             "(contract_id IS NOT NULL OR hour_block_id IS NOT NULL) AND invoice_id <> ?)",
                             key, except.value())) != 0) {
      out.insert(key);
    }
  }
  return out;
}

Status InvoiceRepository::mark_billed(InvoiceId id, Instant at) {
  auto rows = TEND_TRY(sql_.query("SELECT count(time_entry_id), count(part_usage_id), count(service_usage_id), "
                                  "count(hour_block_id) FROM invoice_lines WHERE invoice_id = ?",
                                  id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::internal("invoice lines could not be counted"));
  const int64_t expected[] = {rows->i64(0), rows->i64(1), rows->i64(2), rows->i64(3)};
  rows.reset();
  static constexpr struct {
    const char* table;
    const char* link;
  } kItems[] = {{"time_entries", "time_entry_id"}, {"part_usages", "part_usage_id"}, {"service_usages", "service_usage_id"}};
  for (size_t k = 0; k < std::size(kItems); ++k) {
    if (expected[k] == 0) continue;
    const std::string table = kItems[k].table;
    const int64_t changed = TEND_TRY(sql_.execute(
        "UPDATE " + table + " SET status = 'invoiced', invoice_line_id = l.id, invoiced_at = ?, updated_at = ? " +
            "FROM invoice_lines l WHERE l.invoice_id = ? AND l." + kItems[k].link + " = " + table + ".id AND " + table +
            ".status = 'approved' AND " + table + ".removed_at IS NULL",
        to_unix_ms(at), to_unix_ms(at), id.value()));
    if (changed != expected[k]) {
      return std::unexpected(Error::conflict("invoice " + std::to_string(id.value()) + ": " +
                                             std::to_string(expected[k] - changed) + " " + table +
                                             " row(s) are not approved or are already invoiced"));
    }
  }
  // Only clients with block hours have ledger rows to lock (a cheap look
  // first: the update probes the ledger once per billed entry).
  if (expected[0] > 0 &&
      TEND_TRY(sql_.scalar("SELECT EXISTS (SELECT 1 FROM invoices i JOIN contracts c ON c.client_id = i.client_id "
                           "JOIN block_ledger b ON b.contract_id = c.id WHERE i.id = ? AND b.locked = 0)",
                           id.value())) != 0) {
    TEND_CHECK(sql_.execute("UPDATE block_ledger SET locked = 1 WHERE time_entry_id IN "
                            "(SELECT time_entry_id FROM invoice_lines WHERE invoice_id = ? AND time_entry_id IS NOT NULL)",
                            id.value()));
  }
  if (expected[3] > 0) {
    const int64_t changed = TEND_TRY(sql_.execute(
        "UPDATE hour_blocks SET invoice_line_id = l.id, invoiced_at = ? FROM invoice_lines l "
        "WHERE l.invoice_id = ? AND l.hour_block_id = hour_blocks.id AND hour_blocks.invoice_line_id IS NULL",
        to_unix_ms(at), id.value()));
    if (changed != expected[3]) {
      return std::unexpected(Error::conflict("invoice " + std::to_string(id.value()) + ": a block is already invoiced"));
    }
  }
  return {};
}

Result<Money> InvoiceRepository::credited(InvoiceId original, Currency currency) {
  return Money(currency, TEND_TRY(sql_.scalar("SELECT coalesce(sum(total), 0) FROM invoices WHERE "
                                              "credited_invoice_id = ? AND status <> 'draft'",
                                              original.value())));
}

Result<Money> InvoiceRepository::allocated(InvoiceId invoice, Currency currency) {
  return Money(currency, TEND_TRY(sql_.scalar(
                             "SELECT coalesce(sum(amount), 0) FROM payment_allocations WHERE invoice_id = ?",
                             invoice.value())));
}

Result<std::vector<OpenInvoice>> InvoiceRepository::open_invoices(ClientId client) {
  std::string statement =
      "SELECT i.id, i.client_id, i.number, i.issued_on, i.due_on, i.currency, i.total "
      "+ coalesce((SELECT sum(c.total) FROM invoices c WHERE c.credited_invoice_id = i.id AND c.status <> "
      "'draft'), 0) "
      "- coalesce((SELECT sum(a.amount) FROM payment_allocations a WHERE a.invoice_id = i.id), 0) AS open "
      "FROM invoices i WHERE i.kind = 'invoice' AND i.status <> 'draft'";
  if (client.valid()) statement += " AND i.client_id = ?";
  statement += " ORDER BY i.due_on, i.issued_on, i.id";
  std::unique_ptr<Rows> rows;
  if (client.valid())
    rows = TEND_TRY(sql_.query(statement, client.value()));
  else
    rows = TEND_TRY(sql_.query(statement));
  std::vector<OpenInvoice> out;
  while (TEND_TRY(rows->next())) {
    if (rows->i64(6) == 0) continue;
    OpenInvoice o;
    o.id = InvoiceId(rows->i64(0));
    o.client_id = ClientId(rows->i64(1));
    o.number = rows->text(2);
    o.issued_on = TEND_TRY(stored_date(rows->text(3)));
    o.due_on = TEND_TRY(stored_date(rows->text(4)));
    o.open = Money(TEND_TRY(stored_currency(rows->text(5))), rows->i64(6));
    out.push_back(std::move(o));
  }
  return out;
}

Result<int64_t> InvoiceRepository::count() { return sql_.scalar("SELECT count(*) FROM invoices"); }

// ---- payments --------------------------------------------------------------------------------------

namespace {

constexpr const char* kPaymentColumns =
    "SELECT id, client_id, amount, currency, received_on, method, reference, notes, created_by, created_at "
    "FROM payments";

Result<PaymentRecord> read_payment(const Rows& r) {
  PaymentRecord p;
  p.id = PaymentId(r.i64(0));
  p.client_id = ClientId(r.i64(1));
  p.amount = TEND_TRY(read_money(r, 2, 3));
  p.received_on = TEND_TRY(stored_date(r.text(4)));
  p.method = TEND_TRY(stored(parse_payment_method(r.text(5)), "payment method"));
  p.reference = r.text(6);
  p.notes = r.text(7);
  p.created_by = r.text(8);
  p.created_at = from_unix_ms(r.i64(9));
  p.unallocated = p.amount;
  return p;
}

}  // namespace

Result<PaymentId> PaymentRepository::insert(PaymentRecord& p) {
  p.id = PaymentId(TEND_TRY(sql_.scalar(
      "INSERT INTO payments (client_id, amount, currency, received_on, method, reference, notes, created_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      p.client_id, p.amount.minor_units(), p.amount.currency().code(), format_civil_date(p.received_on),
      to_string(p.method), p.reference, p.notes, p.created_by, to_unix_ms(p.created_at))));
  for (const auto& a : p.allocations) {
    TEND_CHECK(
        sql_.execute("INSERT INTO payment_allocations (payment_id, invoice_id, amount) VALUES (?, ?, ?)",
                     p.id, a.invoice, a.amount.minor_units()));
  }
  return p.id;
}

Status PaymentRepository::load_allocations(PaymentRecord& p) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT a.invoice_id, a.amount FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id "
      "WHERE a.payment_id = ? ORDER BY i.due_on, i.issued_on, i.id",
      p.id.value()));
  p.allocations.clear();
  p.unallocated = p.amount;
  while (TEND_TRY(rows->next())) {
    Allocation a{InvoiceId(rows->i64(0)), Money(p.amount.currency(), rows->i64(1))};
    p.unallocated -= a.amount;
    p.allocations.push_back(a);
  }
  return {};
}

Result<PaymentRecord> PaymentRepository::get(PaymentId id) {
  PaymentRecord p;
  {
    auto rows = TEND_TRY(sql_.query(std::string(kPaymentColumns) + " WHERE id = ?", id.value()));
    if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("payment not found"));
    p = TEND_TRY(read_payment(*rows));
  }
  TEND_CHECK(load_allocations(p));
  return p;
}

Result<Page<PaymentRecord>> PaymentRepository::list(const PaymentFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"id", "id", true}, {"received_on", "received_on", false}};
  ListQuery q(kPaymentColumns, "id");
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  std::vector<PaymentRecord> items;
  {
    auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
    while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_payment(*rows)));
  }
  for (auto& p : items) TEND_CHECK(load_allocations(p));
  return finish_page(std::move(items), page, [&](const PaymentRecord& p) {
    return sort.field == "id" ? std::to_string(p.id.value()) : format_civil_date(p.received_on);
  });
}

Result<std::vector<PaymentRecord>> PaymentRepository::for_client(ClientId client) {
  std::vector<PaymentRecord> out;
  {
    auto rows = TEND_TRY(sql_.query(
        std::string(kPaymentColumns) + " WHERE client_id = ? ORDER BY received_on, id", client.value()));
    while (TEND_TRY(rows->next())) out.push_back(TEND_TRY(read_payment(*rows)));
  }
  for (auto& p : out) TEND_CHECK(load_allocations(p));
  return out;
}

Result<std::vector<InvoicePayment>> PaymentRepository::for_invoice(InvoiceId invoice) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT p.id, p.received_on, p.method, p.reference, a.amount, p.currency FROM payment_allocations a "
      "JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = ? ORDER BY p.received_on, p.id",
      invoice.value()));
  std::vector<InvoicePayment> out;
  while (TEND_TRY(rows->next())) {
    InvoicePayment p;
    p.payment_id = PaymentId(rows->i64(0));
    p.received_on = TEND_TRY(stored_date(rows->text(1)));
    p.method = TEND_TRY(stored(parse_payment_method(rows->text(2)), "payment method"));
    p.reference = rows->text(3);
    p.amount = TEND_TRY(read_money(*rows, 4, 5));
    out.push_back(std::move(p));
  }
  return out;
}

// ---- settings --------------------------------------------------------------------------------------

Result<BillingSettings> BillingSettingsRepository::get() {
  auto rows =
      TEND_TRY(sql_.query("SELECT fee_tax_category_id, updated_at FROM billing_settings WHERE id = 1"));
  BillingSettings s;
  if (TEND_TRY(rows->next())) {
    s.fee_tax_category_id = TaxCategoryId(rows->opt_i64(0).value_or(0));
    s.updated_at = from_unix_ms(rows->i64(1));
  }
  return s;
}

Status BillingSettingsRepository::put(const BillingSettings& s) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO billing_settings (id, fee_tax_category_id, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) "
      "DO "
      "UPDATE SET fee_tax_category_id = excluded.fee_tax_category_id, updated_at = excluded.updated_at",
      s.fee_tax_category_id, to_unix_ms(s.updated_at)));
  return {};
}

Result<ClientBilling> BillingSettingsRepository::client(ClientId client) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT tax_treatment, payment_terms_days, updated_at FROM client_billing WHERE client_id = ?",
      client.value()));
  ClientBilling b;
  b.client_id = client;
  if (TEND_TRY(rows->next())) {
    b.tax_treatment = TEND_TRY(stored(parse_tax_treatment(rows->text(0)), "tax treatment"));
    if (!rows->is_null(1)) b.payment_terms_days = static_cast<int>(rows->i64(1));
    b.updated_at = from_unix_ms(rows->i64(2));
  }
  return b;
}

Status BillingSettingsRepository::put_client(const ClientBilling& b) {
  std::optional<int64_t> terms;
  if (b.payment_terms_days) terms = *b.payment_terms_days;
  TEND_CHECK(
      sql_.execute("INSERT INTO client_billing (client_id, tax_treatment, payment_terms_days, updated_at) "
                   "VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (client_id) DO UPDATE SET tax_treatment = excluded.tax_treatment, "
                   "payment_terms_days = excluded.payment_terms_days, updated_at = excluded.updated_at",
                   b.client_id, to_string(b.tax_treatment), terms, to_unix_ms(b.updated_at)));
  return {};
}

}  // namespace tend::store
