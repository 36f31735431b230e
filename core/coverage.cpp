#include "core/coverage.h"

#include <algorithm>
#include <numeric>

namespace tend {
namespace {

const RatingWorkType* find_work_type(std::span<const RatingWorkType> types, WorkTypeId id) {
  for (const auto& t : types) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::optional<Money> find_client_rate(std::span<const ClientRate> rates, WorkTypeId id) {
  for (const auto& r : rates) {
    if (r.work_type_id == id) return r.hourly_rate;
  }
  return std::nullopt;
}

std::string rate_text(const HourlyRate& rate) {
  std::string out = format_money_short(*rate.base) + "/h";
  if (!(rate.multiplier == Rational{1, 1})) {
    out += " x " + rate.multiplier.to_string() + " after hours";
  }
  return out;
}

std::string quantity_text(int64_t quantity, const Money& unit, const Money& amount) {
  return std::to_string(quantity) + " x " + format_money_short(unit) + " = " + format_money_short(amount);
}

}  // namespace

const char* to_string(ChargeBasis basis) {
  switch (basis) {
    case ChargeBasis::not_billable: return "not_billable";
    case ChargeBasis::no_charge: return "no_charge";
    case ChargeBasis::fixed_price_service: return "fixed_price_service";
    case ChargeBasis::covered: return "covered";
    case ChargeBasis::block_hours: return "block_hours";
    case ChargeBasis::time_and_materials: return "time_and_materials";
    case ChargeBasis::fixed_price: return "fixed_price";
    case ChargeBasis::unpriced: return "unpriced";
  }
  return "unpriced";
}

ClientRating rate_client_work(const ClientRatingInput& input, std::span<const RatingEntry> entries) {
  ClientRating out;
  out.time.resize(entries.size());
  const Money zero = Money::zero(input.currency);

  // Contracts in coverage order.
  std::vector<const Contract*> contracts;
  contracts.reserve(input.contracts.size());
  for (const auto& c : input.contracts) contracts.push_back(&c);
  std::sort(contracts.begin(), contracts.end(), [](const Contract* a, const Contract* b) { return coverage_order(*a, *b); });

  // 1. Billable minutes: fixed ones as given, the rest by rounding group
  //    (ticket, work type), entries in order of work date and id.
  std::vector<size_t> grouped;
  grouped.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    TimeCharge& charge = out.time[i];
    charge.entry = entries[i].id;
    charge.work_type = entries[i].work_type;
    charge.amount = zero;
    if (entries[i].billing != Billing::billable || entries[i].under_fixed_price_service) {
      charge.billable_minutes = 0;
    } else if (entries[i].fixed_billable_minutes) {
      charge.billable_minutes = *entries[i].fixed_billable_minutes;
    } else {
      grouped.push_back(i);
    }
  }
  std::sort(grouped.begin(), grouped.end(), [&](size_t a, size_t b) {
    const RatingEntry& x = entries[a];
    const RatingEntry& y = entries[b];
    if (x.ticket != y.ticket) return x.ticket < y.ticket;
    if (x.work_type != y.work_type) return x.work_type < y.work_type;
    if (x.work_date != y.work_date) return x.work_date < y.work_date;
    return x.id < y.id;
  });
  std::vector<int64_t> actual;
  for (size_t start = 0; start < grouped.size();) {
    size_t end = start + 1;
    const RatingEntry& first = entries[grouped[start]];
    while (end < grouped.size() && entries[grouped[end]].ticket == first.ticket &&
           entries[grouped[end]].work_type == first.work_type) {
      ++end;
    }
    const RatingWorkType* type = find_work_type(input.work_types, first.work_type);
    RoundingRule rule = type ? type->rounding : RoundingRule{};
    actual.clear();
    int64_t total = 0;
    for (size_t k = start; k < end; ++k) {
      actual.push_back(entries[grouped[k]].actual_minutes);
      total += entries[grouped[k]].actual_minutes;
    }
    const int64_t billable = group_billable_minutes(total, rule);
    std::vector<int64_t> shares = share_minutes(actual, billable);
    const RoundingGroup group{static_cast<int64_t>(end - start), total, billable, rule};
    for (size_t k = start; k < end; ++k) {
      TimeCharge& charge = out.time[grouped[k]];
      charge.billable_minutes = shares[k - start];
      charge.rounding = group;
    }
    start = end;
  }

  // 2. Coverage per entry; block work collected per contract.
  struct BlockBatch {
    const Contract* contract;
    std::vector<BlockWork> work;
    std::vector<size_t> entry_index;
    std::vector<size_t> invoiced_index;  // consumption comes from locked rows
  };
  std::vector<BlockBatch> batches;
  for (size_t i = 0; i < entries.size(); ++i) {
    const RatingEntry& e = entries[i];
    TimeCharge& charge = out.time[i];
    if (e.billing == Billing::non_billable) {
      charge.basis = ChargeBasis::not_billable;
      continue;
    }
    if (e.under_fixed_price_service) {
      charge.basis = ChargeBasis::fixed_price_service;
      continue;
    }
    if (e.billing == Billing::no_charge) {
      charge.basis = ChargeBasis::no_charge;
      continue;
    }
    const RatingWorkType* type = find_work_type(input.work_types, e.work_type);
    const Contract* block_contract = nullptr;
    const Contract* rate_contract = nullptr;
    std::optional<Money> contract_rate;
    bool covered = false;
    for (const Contract* c : contracts) {
      if (!active_on(*c, e.work_date)) continue;
      if (c->kind == ContractKind::managed) {
        if (c->covers_work_type(e.work_type)) {
          covered = true;
          charge.contract = c->id;
          break;
        }
        if (!charge.not_covered_by.valid()) charge.not_covered_by = c->id;
      } else if (c->kind == ContractKind::block_hours && !block_contract &&
                 (c->covered_work_types.empty() || c->covers_work_type(e.work_type))) {
        block_contract = c;
      }
      if (!contract_rate) {
        if (auto r = c->rate_for(e.work_type)) {
          contract_rate = r;
          rate_contract = c;
        }
      }
    }
    if (covered) {
      charge.basis = ChargeBasis::covered;
      continue;
    }
    const Rational multiplier = type ? type->after_hours_multiplier : Rational{1, 1};
    if (block_contract) {
      charge.basis = ChargeBasis::block_hours;
      charge.contract = block_contract->id;
      charge.rate.base = block_contract->overage_rate;
      charge.rate.source = RateSource::overage;
      charge.rate.contract = block_contract->id;
      charge.rate.multiplier = e.after_hours ? multiplier : Rational{1, 1};
      auto batch = std::find_if(batches.begin(), batches.end(),
                                [&](const BlockBatch& b) { return b.contract == block_contract; });
      if (batch == batches.end()) {
        batches.push_back({block_contract, {}, {}, {}});
        batch = batches.end() - 1;
      }
      if (e.invoiced) {
        batch->invoiced_index.push_back(i);
      } else {
        batch->work.push_back({e.id, e.work_date, charge.billable_minutes});
        batch->entry_index.push_back(i);
      }
      continue;
    }
    RateCandidates candidates;
    candidates.contract_rate = contract_rate;
    candidates.contract = rate_contract ? rate_contract->id : ContractId();
    candidates.client_rate = find_client_rate(input.client_rates, e.work_type);
    if (type) candidates.work_type_rate = type->hourly_rate;
    candidates.after_hours_multiplier = multiplier;
    charge.rate = choose_rate(candidates, e.after_hours, input.currency);
    if (charge.rate.source == RateSource::contract) charge.contract = charge.rate.contract;
    charge.charged_minutes = charge.billable_minutes;
    if (!charge.rate.priced() || !type) {
      charge.basis = ChargeBasis::unpriced;
      continue;
    }
    charge.basis = ChargeBasis::time_and_materials;
    charge.amount = charge_for_minutes(*charge.rate.base, charge.rate.multiplier, charge.charged_minutes);
  }

  // 3. Block consumption per contract, by work date.
  for (auto& batch : batches) {
    std::vector<BlockLedgerRow> locked;
    for (const auto& row : input.locked_block_rows) {
      for (const auto& b : batch.contract->blocks) {
        if (b.id == row.block_id) {
          locked.push_back(row);
          break;
        }
      }
    }
    BlockAllocation allocation = allocate_blocks(*batch.contract, batch.work, locked);
    for (size_t index : batch.invoiced_index) {
      // What the invoice used, as the locked rows say.
      BlockConsumption consumed;
      for (const auto& row : input.locked_block_rows) {
        if (row.time_entry_id != entries[index].id) continue;
        if (row.kind == BlockLedgerKind::overage) consumed.overage_minutes += row.minutes;
        if (row.kind != BlockLedgerKind::consumption) continue;
        BlockConsumption::Use use{row.block_id, row.minutes, 0, 0};
        for (const auto& balance : allocation.balances) {
          if (balance.block_id == row.block_id) {
            use.used_after = balance.used_minutes;
            use.capacity = balance.capacity();
          }
        }
        consumed.uses.push_back(use);
      }
      batch.entry_index.push_back(index);
      allocation.consumption.push_back(std::move(consumed));
    }
    for (size_t k = 0; k < batch.entry_index.size(); ++k) {
      TimeCharge& charge = out.time[batch.entry_index[k]];
      charge.blocks = std::move(allocation.consumption[k]);
      charge.charged_minutes = charge.blocks.overage_minutes;
      if (charge.charged_minutes > 0) {
        if (!charge.rate.priced() || !(charge.rate.base->currency() == input.currency)) {
          charge.basis = ChargeBasis::unpriced;
        } else {
          charge.amount = charge_for_minutes(*charge.rate.base, charge.rate.multiplier, charge.charged_minutes);
        }
      }
    }
    allocation.consumption.clear();
    out.ledgers.push_back({batch.contract->id, std::move(allocation)});
  }
  return out;
}

ItemCharge rate_item(const ClientRatingInput& input, const ItemUse& use) {
  ItemCharge charge;
  charge.id = use.id;
  charge.amount = Money::zero(input.currency);
  std::vector<const Contract*> contracts;
  for (const auto& c : input.contracts) contracts.push_back(&c);
  std::sort(contracts.begin(), contracts.end(), [](const Contract* a, const Contract* b) { return coverage_order(*a, *b); });
  for (const Contract* c : contracts) {
    if (c->kind == ContractKind::managed && active_on(*c, use.on) && c->covers_item(use.item)) {
      charge.basis = ChargeBasis::covered;
      charge.contract = c->id;
      return charge;
    }
  }
  if (!(use.unit_price.currency() == input.currency)) {
    charge.basis = ChargeBasis::unpriced;
    return charge;
  }
  charge.basis = use.kind == CatalogueKind::part ? ChargeBasis::time_and_materials : ChargeBasis::fixed_price;
  charge.amount = use.unit_price.times(Rational{use.quantity, 1});
  return charge;
}

const Contract* ExplainContext::contract(ContractId id) const {
  for (const auto& c : input.contracts) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const RatingWorkType* ExplainContext::work_type(WorkTypeId id) const { return find_work_type(input.work_types, id); }

std::string ExplainContext::block_label(ContractId contract_id, HourBlockId block) const {
  if (const Contract* c = contract(contract_id)) {
    for (const auto& b : c->blocks) {
      if (b.id == block) return b.label;
    }
  }
  return "#" + std::to_string(block.value());
}

std::string explain(const ExplainContext& context, const TimeCharge& charge, const RatingEntry& entry) {
  const RatingWorkType* type = context.work_type(charge.work_type);
  const std::string type_name = type ? type->name : "#" + std::to_string(charge.work_type.value());
  auto contract_name = [&](ContractId id) {
    const Contract* c = context.contract(id);
    return c ? c->name : "contract #" + std::to_string(id.value());
  };
  std::string text;
  switch (charge.basis) {
    case ChargeBasis::not_billable: return "not billable (internal work): counts as cost only";
    case ChargeBasis::fixed_price_service:
      return "part of a fixed-price service: not billed by the hour, counts as cost";
    case ChargeBasis::no_charge: return "no charge: shown to the client, not charged";
    case ChargeBasis::covered:
      text = "covered by " + contract_name(charge.contract) + ", work type " + type_name + " is included";
      break;
    case ChargeBasis::block_hours: {
      std::string parts;
      for (const auto& use : charge.blocks.uses) {
        if (!parts.empty()) parts += "; ";
        parts += "block " + context.block_label(charge.contract, use.block) + ": " + format_hours(use.used_after) +
                 " used of " + format_hours(use.capacity);
      }
      if (parts.empty() && charge.billable_minutes == 0) parts = "nothing consumed from the blocks";
      if (charge.blocks.overage_minutes > 0) {
        if (!parts.empty()) parts += "; ";
        if (charge.rate.priced()) {
          parts += format_hours(charge.blocks.overage_minutes) + " overage at " + rate_text(charge.rate) + " = " +
                   format_money_short(charge.amount);
        } else {
          parts += format_hours(charge.blocks.overage_minutes) +
                   " overage without an overage rate in the client's currency";
        }
      }
      text = contract_name(charge.contract) + ": " + parts;
      break;
    }
    case ChargeBasis::time_and_materials: {
      std::string source;
      switch (charge.rate.source) {
        case RateSource::contract: source = "rate of " + contract_name(charge.rate.contract); break;
        case RateSource::client: source = "the client's rate for " + type_name; break;
        default: source = "default rate of " + type_name; break;
      }
      text = "time and materials: " + format_hours(charge.charged_minutes) + " at " + rate_text(charge.rate) + " (" +
             source + ") = " + format_money_short(charge.amount);
      break;
    }
    case ChargeBasis::unpriced:
      text = "cannot be priced: no rate for " + type_name +
             " in the client's currency (set a client rate or a contract rate)";
      break;
    case ChargeBasis::fixed_price: text = "fixed price"; break;
  }
  if (charge.not_covered_by.valid() && charge.basis != ChargeBasis::covered) {
    text = "not covered by " + contract_name(charge.not_covered_by) + " (work type " + type_name +
           " is not included); " + text;
  }
  if (charge.rounding && charge.rounding->billable_minutes != charge.rounding->actual_minutes) {
    const RoundingGroup& g = *charge.rounding;
    std::string rule;
    if (g.rule.minimum_minutes > 0) rule += "minimum " + std::to_string(g.rule.minimum_minutes) + " min";
    if (g.rule.increment_minutes > 1) {
      rule += std::string(rule.empty() ? "" : ", ") + "rounded up to steps of " +
              std::to_string(g.rule.increment_minutes) + " min";
    }
    text += "; billable " + std::to_string(charge.billable_minutes) + " of the " +
            std::to_string(g.billable_minutes) + " billable min of " + std::to_string(g.entries) +
            (g.entries == 1 ? " entry" : " entries") + " of this ticket and work type (" +
            std::to_string(g.actual_minutes) + " min worked, " + rule + ")";
  } else if (entry.fixed_billable_minutes && entry.billing == Billing::billable &&
             *entry.fixed_billable_minutes != entry.actual_minutes) {
    text += "; billable minutes set to " + std::to_string(*entry.fixed_billable_minutes) + " (" +
            std::to_string(entry.actual_minutes) + " min worked)";
  }
  return text;
}

std::string explain(const ExplainContext& context, const ItemCharge& charge, const ItemUse& use) {
  switch (charge.basis) {
    case ChargeBasis::covered: {
      const Contract* c = context.contract(charge.contract);
      return "covered by " + (c ? c->name : std::string("a managed agreement")) + ", " + use.item_name +
             " is included";
    }
    case ChargeBasis::fixed_price:
      return "fixed price: " + quantity_text(use.quantity, use.unit_price, charge.amount);
    case ChargeBasis::time_and_materials:
      return "materials: " + quantity_text(use.quantity, use.unit_price, charge.amount);
    case ChargeBasis::unpriced:
      return "cannot be priced: the price is in " + std::string(use.unit_price.currency().code()) +
             ", the client is billed in " + std::string(context.input.currency.code()) +
             " (give a unit price in the client's currency)";
    default: return to_string(charge.basis);
  }
}

}  // namespace tend
