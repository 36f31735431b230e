#include "store/contract_repository.h"

#include "core/validation.h"
#include "store/work_rows.h"

namespace tend::store {
namespace {

constexpr const char* kContractColumns =
    "SELECT id, client_id, kind, name, reference, currency, starts_on, ends_on, term_months, auto_renew, "
    "notice_days, sla_policy_id, overage_rate, rollover, cancelled_at, cancellation_effective_on, "
    "cancellation_reason, cancelled_by, notes, created_at, updated_at FROM contracts";

Result<Contract> read_contract(const Rows& r) {
  Contract c;
  c.id = ContractId(r.i64(0));
  c.client_id = ClientId(r.i64(1));
  c.kind = TEND_TRY(stored(parse_contract_kind(r.text(2)), "contract kind"));
  c.name = r.text(3);
  c.reference = r.opt_text(4).value_or("");
  c.currency = TEND_TRY(stored_currency(r.text(5)));
  c.starts_on = TEND_TRY(stored_date(r.text(6)));
  if (!r.is_null(7)) c.ends_on = TEND_TRY(stored_date(r.text(7)));
  c.term_months = static_cast<int>(r.i64(8));
  c.auto_renew = r.i64(9) != 0;
  c.notice_days = static_cast<int>(r.i64(10));
  c.sla_policy_id = SlaPolicyId(r.opt_i64(11).value_or(0));
  if (!r.is_null(12)) c.overage_rate = Money(c.currency, r.i64(12));
  c.rollover = r.i64(13) != 0;
  c.cancelled_at = read_opt_instant(r, 14);
  if (!r.is_null(15)) c.cancellation_effective_on = TEND_TRY(stored_date(r.text(15)));
  c.cancellation_reason = r.text(16);
  c.cancelled_by = r.text(17);
  c.notes = r.text(18);
  c.created_at = from_unix_ms(r.i64(19));
  c.updated_at = from_unix_ms(r.i64(20));
  return c;
}

std::optional<std::string> opt_text(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<int64_t> opt_minor(const std::optional<Money>& m) {
  return m ? std::optional<int64_t>(m->minor_units()) : std::nullopt;
}

}  // namespace

Result<ContractId> ContractRepository::insert(Contract& c) {
  c.id = ContractId(TEND_TRY(sql_.scalar(
      "INSERT INTO contracts (client_id, kind, name, name_key, reference, currency, starts_on, ends_on, term_months, "
      "auto_renew, notice_days, sla_policy_id, overage_rate, rollover, cancelled_at, cancellation_effective_on, "
      "cancellation_reason, cancelled_by, notes, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      c.client_id, to_string(c.kind), c.name, name_key(c.name), opt_text(c.reference), c.currency.code(),
      format_civil_date(c.starts_on), opt_date(c.ends_on), c.term_months, c.auto_renew, c.notice_days, c.sla_policy_id,
      opt_minor(c.overage_rate), c.rollover, opt_ms(c.cancelled_at), opt_date(c.cancellation_effective_on),
      c.cancellation_reason, c.cancelled_by, c.notes, to_unix_ms(c.created_at), to_unix_ms(c.updated_at))));
  TEND_CHECK(write_children(c));
  for (const auto& t : c.terms) TEND_CHECK(add_terms(c.id, t));
  for (auto& b : c.blocks) {
    b.contract_id = c.id;
    b.id = TEND_TRY(add_block(b));
  }
  return c.id;
}

Status ContractRepository::write_children(const Contract& c) {
  for (WorkTypeId w : c.covered_work_types) {
    TEND_CHECK(sql_.execute("INSERT INTO contract_work_types (contract_id, work_type_id) VALUES (?, ?)", c.id.value(),
                            w.value()));
  }
  for (CatalogueItemId i : c.covered_items) {
    TEND_CHECK(sql_.execute("INSERT INTO contract_items (contract_id, item_id) VALUES (?, ?)", c.id.value(), i.value()));
  }
  for (const auto& r : c.rates) {
    TEND_CHECK(sql_.execute("INSERT INTO contract_rates (contract_id, work_type_id, hourly_rate) VALUES (?, ?, ?)",
                            c.id.value(), r.work_type_id.value(), r.hourly_rate.minor_units()));
  }
  return {};
}

Status ContractRepository::load_details(Contract& c) {
  auto types = TEND_TRY(sql_.query(
      "SELECT work_type_id FROM contract_work_types WHERE contract_id = ? ORDER BY work_type_id", c.id.value()));
  while (TEND_TRY(types->next())) c.covered_work_types.push_back(WorkTypeId(types->i64(0)));
  auto items = TEND_TRY(
      sql_.query("SELECT item_id FROM contract_items WHERE contract_id = ? ORDER BY item_id", c.id.value()));
  while (TEND_TRY(items->next())) c.covered_items.push_back(CatalogueItemId(items->i64(0)));
  auto rates = TEND_TRY(sql_.query(
      "SELECT work_type_id, hourly_rate FROM contract_rates WHERE contract_id = ? ORDER BY work_type_id", c.id.value()));
  while (TEND_TRY(rates->next())) c.rates.push_back({WorkTypeId(rates->i64(0)), Money(c.currency, rates->i64(1))});
  auto terms = TEND_TRY(sql_.query(
      "SELECT effective_from, flat_fee, per_workstation, per_server, per_user, user_count, manual_workstations, "
      "manual_servers, note, recorded_at, recorded_by FROM contract_terms WHERE contract_id = ? ORDER BY effective_from",
      c.id.value()));
  while (TEND_TRY(terms->next())) {
    ManagedTerms t;
    t.effective_from = TEND_TRY(stored_date(terms->text(0)));
    t.flat_fee = Money(c.currency, terms->i64(1));
    t.per_workstation = Money(c.currency, terms->i64(2));
    t.per_server = Money(c.currency, terms->i64(3));
    t.per_user = Money(c.currency, terms->i64(4));
    t.user_count = terms->i64(5);
    t.manual_workstations = terms->i64(6);
    t.manual_servers = terms->i64(7);
    t.note = terms->text(8);
    t.recorded_at = from_unix_ms(terms->i64(9));
    t.recorded_by = terms->text(10);
    c.terms.push_back(std::move(t));
  }
  auto blocks = TEND_TRY(sql_.query(
      "SELECT id, label, minutes, price, valid_from, valid_to, warned_80_at, warned_95_at, invoice_line_id, "
      "invoiced_at, created_at FROM hour_blocks WHERE contract_id = ? ORDER BY valid_from, id",
      c.id.value()));
  while (TEND_TRY(blocks->next())) {
    HourBlock b;
    b.id = HourBlockId(blocks->i64(0));
    b.contract_id = c.id;
    b.label = blocks->text(1);
    b.minutes = blocks->i64(2);
    b.price = Money(c.currency, blocks->i64(3));
    b.valid_from = TEND_TRY(stored_date(blocks->text(4)));
    b.valid_to = TEND_TRY(stored_date(blocks->text(5)));
    b.warned_80_at = read_opt_instant(*blocks, 6);
    b.warned_95_at = read_opt_instant(*blocks, 7);
    b.invoice_line_id = blocks->opt_i64(8).value_or(0);
    b.invoiced_at = read_opt_instant(*blocks, 9);
    b.created_at = from_unix_ms(blocks->i64(10));
    c.blocks.push_back(std::move(b));
  }
  return {};
}

Result<Contract> ContractRepository::get(ContractId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kContractColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("contract not found"));
  Contract c = TEND_TRY(read_contract(*rows));
  rows.reset();
  TEND_CHECK(load_details(c));
  return c;
}

Status ContractRepository::update(const Contract& c) {
  TEND_CHECK(require_changed(
      TEND_TRY(sql_.execute(
          "UPDATE contracts SET name = ?, name_key = ?, reference = ?, starts_on = ?, ends_on = ?, term_months = ?, "
          "auto_renew = ?, notice_days = ?, sla_policy_id = ?, overage_rate = ?, rollover = ?, cancelled_at = ?, "
          "cancellation_effective_on = ?, cancellation_reason = ?, cancelled_by = ?, notes = ?, updated_at = ? "
          "WHERE id = ?",
          c.name, name_key(c.name), opt_text(c.reference), format_civil_date(c.starts_on), opt_date(c.ends_on),
          c.term_months, c.auto_renew, c.notice_days, c.sla_policy_id, opt_minor(c.overage_rate), c.rollover,
          opt_ms(c.cancelled_at), opt_date(c.cancellation_effective_on), c.cancellation_reason, c.cancelled_by,
          c.notes, to_unix_ms(c.updated_at), c.id.value())),
      "contract"));
  TEND_CHECK(sql_.execute("DELETE FROM contract_work_types WHERE contract_id = ?", c.id.value()));
  TEND_CHECK(sql_.execute("DELETE FROM contract_items WHERE contract_id = ?", c.id.value()));
  TEND_CHECK(sql_.execute("DELETE FROM contract_rates WHERE contract_id = ?", c.id.value()));
  return write_children(c);
}

Result<Page<Contract>> ContractRepository::list(const ContractFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "name_key", false}, {"starts_on", "starts_on", false}};
  ListQuery q(kContractColumns, "id");
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  if (filter.kind) q.where_text("kind = ?", to_string(*filter.kind));
  q.contains("name_key", filter.text);
  if (filter.active_on) {
    // A non-renewing agreement's term end is checked below; this narrows.
    const std::string day = format_civil_date(*filter.active_on);
    q.where_texts("starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) AND "
                  "(cancellation_effective_on IS NULL OR cancellation_effective_on > ?)",
                  {day, day, day});
  }
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  std::vector<Contract> items;
  {
    auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
    while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_contract(*rows)));
  }
  for (auto& c : items) TEND_CHECK(load_details(c));
  Page<Contract> out = finish_page(std::move(items), page, [&](const Contract& c) {
    return sort.field == "name" ? name_key(c.name) : format_civil_date(c.starts_on);
  });
  if (filter.active_on) {
    std::erase_if(out.items, [&](const Contract& c) { return !active_on(c, *filter.active_on); });
  }
  return out;
}

Result<std::vector<Contract>> ContractRepository::for_client(ClientId client) {
  std::vector<Contract> out;
  {
    auto rows = TEND_TRY(sql_.query(std::string(kContractColumns) + " WHERE client_id = ? ORDER BY id", client.value()));
    while (TEND_TRY(rows->next())) out.push_back(TEND_TRY(read_contract(*rows)));
  }
  for (auto& c : out) TEND_CHECK(load_details(c));
  return out;
}

Status ContractRepository::mark_block_invoiced(HourBlockId block, int64_t invoice_line_id, Instant at) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE hour_blocks SET invoice_line_id = ?, invoiced_at = ? WHERE id = ? AND invoice_line_id IS NULL",
      invoice_line_id, to_unix_ms(at), block.value()));
  if (changed == 0) {
    return std::unexpected(Error::conflict("block " + std::to_string(block.value()) + " is already invoiced"));
  }
  return {};
}

Result<int64_t> ContractRepository::count() { return sql_.scalar("SELECT count(*) FROM contracts"); }

Status ContractRepository::add_terms(ContractId contract, const ManagedTerms& t) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO contract_terms (contract_id, effective_from, flat_fee, per_workstation, per_server, per_user, "
      "user_count, manual_workstations, manual_servers, note, recorded_at, recorded_by) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      contract.value(), format_civil_date(t.effective_from), t.flat_fee.minor_units(), t.per_workstation.minor_units(),
      t.per_server.minor_units(), t.per_user.minor_units(), t.user_count, t.manual_workstations, t.manual_servers,
      t.note, to_unix_ms(t.recorded_at), t.recorded_by));
  return {};
}

Result<HourBlockId> ContractRepository::add_block(const HourBlock& b) {
  return HourBlockId(TEND_TRY(sql_.scalar(
      "INSERT INTO hour_blocks (contract_id, label, minutes, price, valid_from, valid_to, warned_80_at, warned_95_at, "
      "invoice_line_id, invoiced_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      b.contract_id.value(), b.label, b.minutes, b.price.minor_units(), format_civil_date(b.valid_from),
      format_civil_date(b.valid_to), opt_ms(b.warned_80_at), opt_ms(b.warned_95_at),
      b.invoice_line_id > 0 ? std::optional<int64_t>(b.invoice_line_id) : std::nullopt, opt_ms(b.invoiced_at),
      to_unix_ms(b.created_at))));
}

Status ContractRepository::set_block_warned(HourBlockId block, int level, Instant at) {
  const char* statement = level >= 95 ? "UPDATE hour_blocks SET warned_95_at = ? WHERE id = ?"
                                      : "UPDATE hour_blocks SET warned_80_at = ? WHERE id = ?";
  return require_changed(TEND_TRY(sql_.execute(statement, to_unix_ms(at), block.value())), "hour block");
}

Result<std::vector<BlockLedgerRow>> ContractRepository::ledger(ContractId contract, LedgerRows which) {
  // The OR term is block_ledger_for_open_work's WHERE, so the planner may use
  // that index.
  const char* only = which == LedgerRows::for_open_work ? " AND (locked = 0 OR kind <> 'overage')" : "";
  auto rows = TEND_TRY(sql_.query(
      std::string("SELECT kind, block_id, time_entry_id, other_block_id, on_date, minutes, locked FROM block_ledger "
                  "WHERE contract_id = ?") +
          only + " ORDER BY on_date, id",
      contract.value()));
  std::vector<BlockLedgerRow> out;
  while (TEND_TRY(rows->next())) {
    BlockLedgerRow row;
    row.kind = TEND_TRY(stored(parse_block_ledger_kind(rows->text(0)), "ledger kind"));
    row.block_id = HourBlockId(rows->opt_i64(1).value_or(0));
    row.time_entry_id = TimeEntryId(rows->opt_i64(2).value_or(0));
    row.other_block_id = HourBlockId(rows->opt_i64(3).value_or(0));
    row.on = TEND_TRY(stored_date(rows->text(4)));
    row.minutes = rows->i64(5);
    row.locked = rows->i64(6) != 0;
    out.push_back(row);
  }
  return out;
}

Status ContractRepository::replace_ledger(ContractId contract, std::span<const BlockLedgerRow> rows) {
  TEND_CHECK(sql_.execute("DELETE FROM block_ledger WHERE contract_id = ? AND locked = 0", contract.value()));
  for (const auto& row : rows) {
    if (row.locked) continue;
    TEND_CHECK(sql_.execute(
        "INSERT INTO block_ledger (contract_id, kind, block_id, time_entry_id, other_block_id, on_date, minutes, "
        "locked) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        contract.value(), to_string(row.kind), row.block_id, row.time_entry_id, row.other_block_id,
        format_civil_date(row.on), row.minutes));
  }
  return {};
}

Result<DeviceCounts> ContractRepository::device_counts(ClientId client, Instant end_of_day) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT class, count(*) FROM devices WHERE client_id = ? AND enrolled_at < ? "
      "AND (revoked_at IS NULL OR revoked_at >= ?) GROUP BY class",
      client.value(), to_unix_ms(end_of_day), to_unix_ms(end_of_day)));
  DeviceCounts counts;
  while (TEND_TRY(rows->next())) {
    if (rows->text(0) == "server") counts.servers = rows->i64(1);
    else counts.workstations = rows->i64(1);
  }
  return counts;
}

}  // namespace tend::store
