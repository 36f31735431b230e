#include "app/work_rating.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <set>

#include "app/audit.h"
#include "core/billing.h"

namespace tend {
namespace {

using store::Transaction;
using LedgerRows = store::ContractRepository::LedgerRows;

// What rating needs of one client, loaded once per use case.
struct RatingData {
  Client client;
  Currency cost_currency = Currency::eur();  // the provider's
  std::vector<Contract> contracts;
  std::vector<ClientRate> client_rates;
  std::vector<RatingWorkType> work_types;
  std::map<WorkTypeId, WorkType> work_type_records;
  std::vector<BlockLedgerRow> locked_rows;
  std::map<ContractId, std::vector<BlockLedgerRow>> unlocked_rows;  // as stored, per contract

  ClientRatingInput input() const {
    ClientRatingInput in;
    in.currency = client.currency;
    in.contracts = contracts;
    in.client_rates = client_rates;
    in.work_types = work_types;
    in.locked_block_rows = locked_rows;
    return in;
  }
};

// `ledger`: LedgerRows::for_open_work when every entry to be rated is open
// (not invoiced), `all` when invoiced entries are rated too (they take
// their overage from their locked rows).
// `contracts`: the client's contracts when the caller has them already.
// `released`: ledger rows of these entries count as unlocked (see
// charge_open_work_as_if_released).
Result<RatingData> load_rating_data(Transaction& tx, ClientId client_id, LedgerRows ledger,
                                    std::optional<std::vector<Contract>> contracts = std::nullopt,
                                    const std::set<TimeEntryId>* released = nullptr) {
  RatingData data;
  data.client = TEND_TRY(tx.clients().get(client_id));
  if (auto provider = tx.provider().get()) data.cost_currency = provider->currency;
  data.contracts = contracts ? std::move(*contracts) : TEND_TRY(tx.contracts().for_client(client_id));
  data.client_rates = TEND_TRY(tx.rates().client_rates(client_id));
  for (auto& type : TEND_TRY(tx.work_types().list())) {
    data.work_types.push_back({type.id, type.name, type.hourly_rate,
                               RoundingRule{type.minimum_minutes, type.rounding_increment_minutes},
                               type.after_hours_multiplier});
    data.work_type_records.emplace(type.id, type);
  }
  for (const auto& contract : data.contracts) {
    if (contract.kind != ContractKind::block_hours) continue;
    for (auto& row : TEND_TRY(tx.contracts().ledger(contract.id, ledger))) {
      if (released && row.time_entry_id.valid() && released->count(row.time_entry_id)) row.locked = false;
      if (row.locked) data.locked_rows.push_back(row);
      else data.unlocked_rows[contract.id].push_back(row);
    }
  }
  return data;
}

std::string contract_name(const RatingData& data, ContractId id) {
  for (const auto& c : data.contracts) {
    if (c.id == id) return c.name;
  }
  return "";
}

// Adds `amount` to `total` when the currencies agree (costs in another
// currency than the provider's are not summed).
void add_same_currency(Money& total, const Money& amount) {
  if (total.currency() == amount.currency()) total += amount;
}

// What rating needs of each of `entries`, in their order.
std::vector<RatingEntry> rating_entries_of(const std::vector<TimeEntry>& entries) {
  std::vector<RatingEntry> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(rating_entry(e));
  return out;
}

// The client's rating of `entries` (in their order).
ClientRating rate_entries(const RatingData& data, const std::vector<TimeEntry>& entries) {
  return rate_client_work(data.input(), rating_entries_of(entries));
}

// Rates `entries` (the client's work that is not invoiced plus any others
// the caller needs) and returns the charges of those `wanted`.
template <class Wanted>
Result<WorkCharges> charges_of(Transaction& tx, const RatingData& data, const std::vector<TimeEntry>& entries,
                               Wanted wanted, const std::vector<PartUsage>& parts,
                               const std::vector<ServiceUsage>& services, bool with_explanations = true,
                               const ClientRating* rated = nullptr) {
  WorkCharges out;
  out.client_id = data.client.id;
  out.currency = data.client.currency;
  out.charged_total = Money::zero(data.client.currency);
  out.cost_total = Money::zero(data.cost_currency);
  const ClientRatingInput input = data.input();
  // The rating entries are needed to rate here or to explain; a rating the
  // caller made is used as it is.
  std::vector<RatingEntry> rating_entries;
  if (with_explanations || !rated) rating_entries = rating_entries_of(entries);
  std::optional<ClientRating> own;
  if (!rated) own = rate_client_work(input, rating_entries);
  const ClientRating& rating = rated ? *rated : *own;
  ExplainContext context{input};
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!wanted(entries[i])) continue;
    TimeEntryCharge c;
    c.entry = entries[i];
    c.charge = rating.time[i];
    auto type = data.work_type_records.find(entries[i].work_type_id);
    if (type != data.work_type_records.end()) {
      c.work_type_name = type->second.name;
      c.tax_category_id = type->second.tax_category_id;
    }
    c.contract_name = contract_name(data, c.charge.contract);
    c.cost = labour_cost(entries[i].actual_minutes, entries[i].cost_rate);
    if (with_explanations) c.explanation = explain(context, c.charge, rating_entries[i]);
    out.charged_total += c.charge.amount;
    add_same_currency(out.cost_total, c.cost);
    out.time.push_back(std::move(c));
  }
  std::map<CatalogueItemId, CatalogueItem> items;
  auto item_of = [&](CatalogueItemId id) -> Result<const CatalogueItem*> {
    auto found = items.find(id);
    if (found == items.end()) found = items.emplace(id, TEND_TRY(tx.catalogue().get(id))).first;
    return &found->second;
  };
  auto add_item = [&](std::vector<ItemUseCharge>& into, ItemUseCharge c, const ItemUse& use) {
    c.charge = rate_item(input, use);
    c.contract_name = contract_name(data, c.charge.contract);
    if (with_explanations) c.explanation = explain(context, c.charge, use);
    out.charged_total += c.charge.amount;
    add_same_currency(out.cost_total, c.cost);
    into.push_back(std::move(c));
  };
  for (const auto& p : parts) {
    const CatalogueItem* item = TEND_TRY(item_of(p.item_id));
    ItemUseCharge c;
    c.usage_id = p.id.value();
    c.ticket_id = p.ticket_id;
    c.item_id = p.item_id;
    c.kind = CatalogueKind::part;
    c.sku = item->sku;
    c.name = item->name;
    c.on = p.used_on;
    c.quantity = p.quantity;
    c.unit_price = p.unit_price;
    c.cost = p.unit_cost.times(Rational{p.quantity, 1});
    c.status = p.status;
    c.tax_category_id = item->tax_category_id;
    c.serial_numbers = p.serial_numbers;
    add_item(out.parts, std::move(c), {p.id.value(), p.item_id, item->name, CatalogueKind::part, p.used_on, p.quantity, p.unit_price});
  }
  for (const auto& s : services) {
    const CatalogueItem* item = TEND_TRY(item_of(s.item_id));
    ItemUseCharge c;
    c.usage_id = s.id.value();
    c.ticket_id = s.ticket_id;
    c.item_id = s.item_id;
    c.kind = CatalogueKind::service;
    c.sku = item->sku;
    c.name = item->name;
    c.on = s.performed_on;
    c.quantity = s.quantity;
    c.unit_price = s.unit_price;
    c.cost = s.unit_cost.times(Rational{s.quantity, 1});
    c.status = s.status;
    c.tax_category_id = item->tax_category_id;
    add_item(out.services, std::move(c),
             {s.id.value(), s.item_id, item->name, CatalogueKind::service, s.performed_on, s.quantity, s.unit_price});
  }
  return out;
}

// The client's entries that are not invoiced (all dates), plus `extra`
// (entries the caller wants decided even if invoiced), without duplicates.
Result<std::vector<TimeEntry>> open_entries_and(Transaction& tx, ClientId client, std::vector<TimeEntry> extra) {
  std::vector<TimeEntry> out = std::move(extra);
  std::set<TimeEntryId> seen;
  for (const auto& e : out) seen.insert(e.id);
  for (auto& e : TEND_TRY(tx.time_entries().open_for_client(client))) {
    if (seen.count(e.id)) continue;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

RatingEntry rating_entry(const TimeEntry& e) {
  RatingEntry r;
  r.id = e.id;
  r.ticket = e.ticket_id;
  r.work_type = e.work_type_id;
  r.work_date = e.work_date;
  r.actual_minutes = e.actual_minutes;
  r.billing = e.billing;
  r.after_hours = e.after_hours;
  r.under_fixed_price_service = e.service_usage_id.valid();
  if (e.billable_override) r.fixed_billable_minutes = e.billable_override;
  else if (e.locked()) r.fixed_billable_minutes = e.billable_minutes;
  r.invoiced = e.locked();
  return r;
}

Result<WorkCharges> ticket_charges(Transaction& tx, const Ticket& ticket) {
  RatingData data = TEND_TRY(load_rating_data(tx, ticket.client_id, LedgerRows::all));
  std::vector<TimeEntry> mine = TEND_TRY(tx.time_entries().for_ticket(ticket.id));
  std::vector<TimeEntry> entries = TEND_TRY(open_entries_and(tx, ticket.client_id, std::move(mine)));
  auto parts = TEND_TRY(tx.part_usages().for_ticket(ticket.id));
  auto services = TEND_TRY(tx.service_usages().for_ticket(ticket.id));
  WorkCharges out = TEND_TRY(charges_of(
      tx, data, entries, [&](const TimeEntry& e) { return e.ticket_id == ticket.id; }, parts, services));
  out.ticket_id = ticket.id;
  return out;
}

Result<WorkCharges> client_charges(Transaction& tx, ClientId client, CivilDate from, CivilDate to) {
  RatingData data = TEND_TRY(load_rating_data(tx, client, LedgerRows::all));
  std::vector<TimeEntry> in_range = TEND_TRY(tx.time_entries().for_client(client, from, to));
  std::vector<TimeEntry> entries = TEND_TRY(open_entries_and(tx, client, std::move(in_range)));
  auto parts = TEND_TRY(tx.part_usages().for_client(client, from, to));
  auto services = TEND_TRY(tx.service_usages().for_client(client, from, to));
  return charges_of(
      tx, data, entries, [&](const TimeEntry& e) { return from <= e.work_date && e.work_date <= to; }, parts, services);
}

namespace {

// The order-free identity of a ledger row (its id and position do not matter).
auto ledger_key(const BlockLedgerRow& r) {
  return std::make_tuple(static_cast<int>(r.kind), r.block_id.value(), r.time_entry_id.value(), r.other_block_id.value(),
                         r.on, r.minutes);
}

// Stores what `rating` of the client's open `entries` says: billable minutes,
// ledgers (rewritten only when they differ from the stored rows) and block
// warnings.
Status store_rating(Transaction& tx, const RatingData& data, ClientId client, const std::vector<TimeEntry>& entries,
                    const ClientRating& rating, const Principal& actor, Instant now) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (rating.time[i].billable_minutes != entries[i].billable_minutes) {
      TEND_CHECK(tx.time_entries().set_billable_minutes(entries[i].id, rating.time[i].billable_minutes));
    }
  }
  for (const auto& contract : data.contracts) {
    if (contract.kind != ContractKind::block_hours) continue;
    const BlockAllocation* allocation = nullptr;
    for (const auto& ledger : rating.ledgers) {
      if (ledger.contract == contract.id) allocation = &ledger.allocation;
    }
    BlockAllocation idle;
    if (!allocation) {
      std::vector<BlockLedgerRow> locked;
      for (const auto& row : data.locked_rows) {
        for (const auto& b : contract.blocks) {
          if (b.id == row.block_id) locked.push_back(row);
        }
      }
      idle = allocate_blocks(contract, {}, locked);
      allocation = &idle;
    }
    std::vector<decltype(ledger_key(BlockLedgerRow{}))> computed, stored;
    for (const auto& row : allocation->rows) {
      if (!row.locked) computed.push_back(ledger_key(row));
    }
    auto found = data.unlocked_rows.find(contract.id);
    if (found != data.unlocked_rows.end()) {
      for (const auto& row : found->second) stored.push_back(ledger_key(row));
    }
    std::sort(computed.begin(), computed.end());
    std::sort(stored.begin(), stored.end());
    if (computed != stored) TEND_CHECK(tx.contracts().replace_ledger(contract.id, allocation->rows));
    for (const auto& balance : allocation->balances) {
      const int level = block_warning_level(balance);
      const HourBlock* block = nullptr;
      for (const auto& b : contract.blocks) {
        if (b.id == balance.block_id) block = &b;
      }
      if (!block || level == 0) continue;
      for (int threshold : {80, 95}) {
        if (level < threshold) continue;
        const bool warned = threshold == 80 ? block->warned_80_at.has_value() : block->warned_95_at.has_value();
        if (warned) continue;
        TEND_CHECK(tx.contracts().set_block_warned(block->id, threshold, now));
        TEND_CHECK(tx.audit().append(audit_event(actor, now, "contract.block_warning", "contract",
                                                 contract.id.value(), client,
                                                 {{"block_id", block->id.value()},
                                                  {"block", block->label},
                                                  {"level_percent", threshold},
                                                  {"used_minutes", balance.used_minutes},
                                                  {"capacity_minutes", balance.capacity()}})));
      }
    }
  }
  return {};
}

}  // namespace

Status refresh_client_rating(Transaction& tx, ClientId client, const Principal& actor, Instant now) {
  RatingData data = TEND_TRY(load_rating_data(tx, client, LedgerRows::for_open_work));
  std::vector<TimeEntry> entries = TEND_TRY(open_entries_and(tx, client, {}));
  const ClientRating rating = rate_entries(data, entries);
  return store_rating(tx, data, client, entries, rating, actor, now);
}

Result<WorkCharges> refresh_and_charge_open_work(Transaction& tx, ClientId client, std::vector<Contract> contracts,
                                                 const Principal& actor, Instant now, CivilDate to) {
  RatingData data = TEND_TRY(load_rating_data(tx, client, LedgerRows::for_open_work, std::move(contracts)));
  std::vector<TimeEntry> entries = TEND_TRY(open_entries_and(tx, client, {}));
  const ClientRating rating = rate_entries(data, entries);
  TEND_CHECK(store_rating(tx, data, client, entries, rating, actor, now));
  auto parts = TEND_TRY(tx.part_usages().open_for_client(client, to));
  auto services = TEND_TRY(tx.service_usages().open_for_client(client, to));
  return charges_of(
      tx, data, entries, [&](const TimeEntry& e) { return e.work_date <= to; }, parts, services,
      /*with_explanations=*/false, &rating);
}

ReleasedDraft ReleasedDraft::of(const store::InvoiceRecord& draft) {
  ReleasedDraft out;
  out.invoice = draft.id;
  out.line_ids.insert(draft.line_ids.begin(), draft.line_ids.end());
  for (const InvoiceLine& line : draft.lines) {
    if (line.item_key.empty()) continue;
    auto key = BillableItemKey::parse(line.item_key);
    if (!key) continue;
    switch (key->kind) {
      case BillableKind::time_entry: out.time_entries.insert(TimeEntryId(key->id)); break;
      case BillableKind::part_usage: out.part_usages.insert(PartUsageId(key->id)); break;
      case BillableKind::service_usage: out.service_usages.insert(ServiceUsageId(key->id)); break;
      case BillableKind::block_purchase: out.hour_blocks.insert(HourBlockId(key->id)); break;
      case BillableKind::contract_fee: break;  // no row to free: its key leaves with the line
    }
  }
  return out;
}

namespace {

// An item as delete_draft leaves it.
template <class Item>
void release(Item& item) {
  item.status = WorkStatus::approved;
  item.invoice_line_id = 0;
  item.invoiced_at.reset();
}

// `open` (usages as open_for_client(client, to) returns them) with those of
// `ids` that `released` frees, as delete_draft would leave them, by date
// (`date`) and id. The freed ones are few and read by id.
template <class Usage, class IdT, class Repository>
Result<std::vector<Usage>> with_released(std::vector<Usage> open, Repository repository, const std::set<IdT>& ids,
                                         const ReleasedDraft& released, CivilDate Usage::*date, CivilDate to) {
  for (IdT id : ids) {
    Usage u = TEND_TRY(repository.get(id));
    if (!released.frees(ids, u.id, u.invoice_line_id) || u.removed_at || u.*date > to) continue;
    release(u);
    open.push_back(std::move(u));
  }
  std::sort(open.begin(), open.end(),
            [&](const Usage& a, const Usage& b) { return std::tie(a.*date, a.id) < std::tie(b.*date, b.id); });
  return open;
}

}  // namespace

void release_blocks(std::vector<Contract>& contracts, const ReleasedDraft& released) {
  for (Contract& contract : contracts) {
    for (HourBlock& block : contract.blocks) {
      if (!released.frees(released.hour_blocks, block.id, block.invoice_line_id)) continue;
      block.invoice_line_id = 0;
      block.invoiced_at.reset();
    }
  }
}

Result<WorkCharges> charge_open_work_as_if_released(Transaction& tx, ClientId client, std::vector<Contract> contracts,
                                                    const ReleasedDraft& released, CivilDate to) {
  RatingData data =
      TEND_TRY(load_rating_data(tx, client, LedgerRows::for_open_work, std::move(contracts), &released.time_entries));
  // The entries open_entries_and would find after the release, in its
  // order: the open ones and those the draft frees.
  std::vector<TimeEntry> entries = TEND_TRY(tx.time_entries().open_for_client(client));
  for (auto& e : TEND_TRY(tx.time_entries().billed_on(released.invoice))) {
    if (!released.frees(released.time_entries, e.id, e.invoice_line_id) || e.removed_at) continue;
    release(e);
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const TimeEntry& a, const TimeEntry& b) {
    return std::tie(a.work_date, a.id) < std::tie(b.work_date, b.id);
  });
  const ClientRating rating = rate_entries(data, entries);
  // The usages refresh_and_charge_open_work would read after the release,
  // in its order: the open ones and those the draft frees.
  const auto parts = TEND_TRY(with_released(TEND_TRY(tx.part_usages().open_for_client(client, to)), tx.part_usages(),
                                            released.part_usages, released, &PartUsage::used_on, to));
  const auto services =
      TEND_TRY(with_released(TEND_TRY(tx.service_usages().open_for_client(client, to)), tx.service_usages(),
                             released.service_usages, released, &ServiceUsage::performed_on, to));
  return charges_of(
      tx, data, entries, [&](const TimeEntry& e) { return e.work_date <= to; }, parts, services,
      /*with_explanations=*/false, &rating);
}

Result<std::vector<BlockBalance>> block_balances(Transaction& tx, const Contract& contract) {
  std::vector<BlockBalance> balances;
  for (const auto& b : contract.blocks) balances.push_back({b.id, b.minutes, 0, 0, 0});
  auto find = [&](HourBlockId id) -> BlockBalance* {
    for (auto& b : balances) {
      if (b.block_id == id) return &b;
    }
    return nullptr;
  };
  for (const auto& row : TEND_TRY(tx.contracts().ledger(contract.id, LedgerRows::for_open_work))) {
    BlockBalance* b = find(row.block_id);
    if (!b) continue;
    switch (row.kind) {
      case BlockLedgerKind::consumption: b->used_minutes += row.minutes; break;
      case BlockLedgerKind::rollover_in: b->rolled_in_minutes += row.minutes; break;
      case BlockLedgerKind::rollover_out: b->rolled_out_minutes += row.minutes; break;
      case BlockLedgerKind::overage: break;
    }
  }
  return balances;
}

}  // namespace tend
