#include "core/contracts.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/validation.h"

namespace tend {
namespace {

using std::chrono::days;

constexpr const char* kContractKindNames[] = {"time_and_materials", "block_hours", "managed"};
constexpr const char* kLedgerKindNames[] = {"consumption", "overage", "rollover_out", "rollover_in"};

void check(FieldErrors& errors, const std::string& field, const std::string& message) {
  if (!message.empty()) errors.add(field, message);
}

// `date` plus `months` calendar months; a day that does not exist in the
// target month becomes its last day (31 Jan + 1 month = 28/29 Feb).
CivilDate add_months(CivilDate date, int64_t months) {
  std::chrono::year_month_day ymd(date);
  auto target = ymd + std::chrono::months(months);
  if (!target.ok()) target = target.year() / target.month() / std::chrono::last;
  return CivilDate(target);
}

int kind_rank(ContractKind kind) {
  switch (kind) {
    case ContractKind::managed: return 0;
    case ContractKind::block_hours: return 1;
    case ContractKind::time_and_materials: return 2;
  }
  return 3;
}

void check_money(FieldErrors& errors, const std::string& field, const Money& m, Currency currency) {
  if (!(m.currency() == currency)) {
    errors.add(field, "must be in " + std::string(currency.code()) + ", the contract's currency");
  } else if (m.is_negative()) {
    errors.add(field, "must not be negative");
  }
}

}  // namespace

const char* to_string(ContractKind kind) { return kContractKindNames[static_cast<size_t>(kind)]; }

Result<ContractKind> parse_contract_kind(std::string_view text) {
  for (size_t i = 0; i < std::size(kContractKindNames); ++i) {
    if (text == kContractKindNames[i]) return static_cast<ContractKind>(i);
  }
  return std::unexpected(Error::invalid("unknown contract kind '" + std::string(text) +
                                        "': use time_and_materials, block_hours or managed"));
}

const char* to_string(BlockLedgerKind kind) { return kLedgerKindNames[static_cast<size_t>(kind)]; }

Result<BlockLedgerKind> parse_block_ledger_kind(std::string_view text) {
  for (size_t i = 0; i < std::size(kLedgerKindNames); ++i) {
    if (text == kLedgerKindNames[i]) return static_cast<BlockLedgerKind>(i);
  }
  return std::unexpected(Error::invalid("unknown ledger kind '" + std::string(text) + "'"));
}

bool Contract::covers_work_type(WorkTypeId work_type) const {
  return std::find(covered_work_types.begin(), covered_work_types.end(), work_type) != covered_work_types.end();
}

bool Contract::covers_item(CatalogueItemId item) const {
  return std::find(covered_items.begin(), covered_items.end(), item) != covered_items.end();
}

std::optional<Money> Contract::rate_for(WorkTypeId work_type) const {
  for (const auto& r : rates) {
    if (r.work_type_id == work_type) return r.hourly_rate;
  }
  return std::nullopt;
}

Status validate(const Contract& c) {
  FieldErrors errors;
  check(errors, "name", check_required_text(c.name, 200));
  check(errors, "reference", check_optional_text(c.reference, 50));
  check(errors, "notes", check_optional_text(c.notes, 10000));
  if (c.starts_on == CivilDate{}) errors.add("starts_on", "is required");
  if (c.ends_on && *c.ends_on < c.starts_on) errors.add("ends_on", "must not be before starts_on");
  if (c.notice_days < 0 || c.notice_days > 730) errors.add("notice_days", "must be between 0 and 730");
  if (c.kind == ContractKind::managed) {
    if (c.term_months < 1 || c.term_months > 120) errors.add("term_months", "must be between 1 and 120");
  } else {
    if (c.term_months != 0) errors.add("term_months", "only a managed agreement has terms");
    if (c.auto_renew) errors.add("auto_renew", "only a managed agreement renews");
  }
  for (size_t i = 0; i < c.rates.size(); ++i) {
    const std::string field = "rates[" + std::to_string(i) + "]";
    if (!c.rates[i].work_type_id.valid()) errors.add(field + ".work_type_id", "is required");
    check_money(errors, field + ".hourly_rate", c.rates[i].hourly_rate, c.currency);
    for (size_t k = 0; k < i; ++k) {
      if (c.rates[k].work_type_id == c.rates[i].work_type_id) errors.add(field + ".work_type_id", "is listed twice");
    }
  }
  if (std::set<WorkTypeId>(c.covered_work_types.begin(), c.covered_work_types.end()).size() !=
      c.covered_work_types.size()) {
    errors.add("covered_work_types", "lists a work type twice");
  }
  if (std::set<CatalogueItemId>(c.covered_items.begin(), c.covered_items.end()).size() != c.covered_items.size()) {
    errors.add("covered_items", "lists an item twice");
  }
  if (c.kind == ContractKind::block_hours) {
    if (!c.overage_rate) errors.add("overage_rate", "is required for block hours (the rate of work beyond the blocks)");
    else check_money(errors, "overage_rate", *c.overage_rate, c.currency);
  } else {
    if (c.overage_rate) errors.add("overage_rate", "only block hours have an overage rate");
    if (c.rollover) errors.add("rollover", "only block hours roll over");
    if (!c.blocks.empty()) errors.add("blocks", "only block hours have blocks");
  }
  if (c.kind == ContractKind::time_and_materials && !c.covered_work_types.empty()) {
    errors.add("covered_work_types", "time and materials covers nothing at no charge");
  }
  if (c.kind != ContractKind::managed && !c.covered_items.empty()) {
    errors.add("covered_items", "only a managed agreement includes items at no charge");
  }
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const HourBlock& b = c.blocks[i];
    const std::string field = "blocks[" + std::to_string(i) + "]";
    check(errors, field + ".label", check_required_text(b.label, 50));
    if (b.minutes < 1 || b.minutes > 100'000 * 60) errors.add(field + ".hours", "must be between 1 minute and 100000 hours");
    check_money(errors, field + ".price", b.price, c.currency);
    if (b.valid_to < b.valid_from) errors.add(field + ".valid_to", "must not be before valid_from");
  }
  if (c.kind == ContractKind::managed) {
    if (c.terms.empty()) errors.add("terms", "a managed agreement needs its prices (flat_fee, per_workstation ...)");
    for (size_t i = 0; i < c.terms.size(); ++i) {
      const ManagedTerms& t = c.terms[i];
      const std::string field = "terms[" + std::to_string(i) + "]";
      if (i == 0 && t.effective_from != c.starts_on) errors.add(field + ".effective_from", "the first prices start with the contract");
      if (i > 0 && !(c.terms[i - 1].effective_from < t.effective_from)) {
        errors.add(field + ".effective_from", "must be after the previous price change");
      }
      check_money(errors, field + ".flat_fee", t.flat_fee, c.currency);
      check_money(errors, field + ".per_workstation", t.per_workstation, c.currency);
      check_money(errors, field + ".per_server", t.per_server, c.currency);
      check_money(errors, field + ".per_user", t.per_user, c.currency);
      if (t.user_count < 0 || t.user_count > 100'000) errors.add(field + ".user_count", "must be between 0 and 100000");
      if (t.manual_workstations < 0 || t.manual_workstations > 100'000) {
        errors.add(field + ".manual_workstations", "must be between 0 and 100000");
      }
      if (t.manual_servers < 0 || t.manual_servers > 100'000) {
        errors.add(field + ".manual_servers", "must be between 0 and 100000");
      }
      check(errors, field + ".note", check_optional_text(t.note, 500));
    }
  } else if (!c.terms.empty()) {
    errors.add("terms", "only a managed agreement has a monthly fee");
  }
  return std::move(errors).status();
}

std::optional<CivilDate> term_start_on(const Contract& c, CivilDate day) {
  if (day < c.starts_on) return std::nullopt;
  if (c.kind != ContractKind::managed || c.term_months < 1) return c.starts_on;
  // Whole terms between the start and the day, estimated from the months
  // and corrected for day-of-month clamping.
  std::chrono::year_month_day start(c.starts_on), at(day);
  int64_t months = (static_cast<int>(at.year()) - static_cast<int>(start.year())) * 12 +
                   (static_cast<int64_t>(static_cast<unsigned>(at.month())) - static_cast<unsigned>(start.month()));
  int64_t k = std::max<int64_t>(0, months / c.term_months);
  while (k > 0 && add_months(c.starts_on, k * c.term_months) > day) --k;
  while (add_months(c.starts_on, (k + 1) * c.term_months) <= day) ++k;
  return add_months(c.starts_on, k * c.term_months);
}

std::optional<CivilDate> renewal_date(const Contract& c, CivilDate day) {
  if (c.kind != ContractKind::managed || c.term_months < 1) return std::nullopt;
  auto start = term_start_on(c, day);
  if (!start) return add_months(c.starts_on, c.term_months);
  return add_months(*start, c.term_months);
}

std::optional<CivilDate> last_day(const Contract& c) {
  std::optional<CivilDate> last = c.ends_on;
  auto take = [&](CivilDate d) {
    if (!last || d < *last) last = d;
  };
  if (c.cancellation_effective_on) take(*c.cancellation_effective_on - days(1));
  if (c.kind == ContractKind::managed && !c.auto_renew && c.term_months >= 1) {
    take(add_months(c.starts_on, c.term_months) - days(1));
  }
  return last;
}

bool active_on(const Contract& c, CivilDate day) {
  if (day < c.starts_on) return false;
  auto last = last_day(c);
  return !last || day <= *last;
}

CivilDate earliest_cancellation(const Contract& c, CivilDate requested_on) {
  if (c.kind != ContractKind::managed || c.term_months < 1) return requested_on;
  CivilDate with_notice = requested_on + days(c.notice_days);
  if (with_notice < c.starts_on) return c.starts_on;
  return *renewal_date(c, with_notice);
}

const ManagedTerms* terms_on(const Contract& c, CivilDate day) {
  const ManagedTerms* found = nullptr;
  for (const auto& t : c.terms) {
    if (t.effective_from <= day) found = &t;
  }
  return found;
}

Result<ManagedFee> managed_monthly_fee(const Contract& c, CivilDate day, const DeviceCounts& agents) {
  if (c.kind != ContractKind::managed) {
    return std::unexpected(Error::invalid("only a managed agreement has a monthly fee"));
  }
  const ManagedTerms* t = terms_on(c, day);
  if (!t) {
    return std::unexpected(Error::invalid("the agreement has no prices on " + format_civil_date(day) +
                                          " (it starts " + format_civil_date(c.starts_on) + ")"));
  }
  ManagedFee fee;
  fee.terms_effective_from = t->effective_from;
  fee.devices_from_agents = agents.workstations + agents.servers > 0;
  const int64_t workstations = fee.devices_from_agents ? agents.workstations : t->manual_workstations;
  const int64_t servers = fee.devices_from_agents ? agents.servers : t->manual_servers;
  fee.total = Money::zero(c.currency);
  auto line = [&](const char* what, int64_t quantity, const Money& unit) {
    FeeLine l{what, quantity, unit, unit.times(Rational{quantity, 1})};
    fee.total += l.amount;
    fee.lines.push_back(std::move(l));
  };
  line("flat", 1, t->flat_fee);
  line("workstations", workstations, t->per_workstation);
  line("servers", servers, t->per_server);
  line("users", t->user_count, t->per_user);
  return fee;
}

int64_t BlockBalance::used_per_mille() const {
  if (capacity() <= 0) return used_minutes > 0 ? 1000 : 0;
  return used_minutes * 1000 / capacity();
}

int block_warning_level(const BlockBalance& balance) {
  int64_t per_mille = balance.used_per_mille();
  if (per_mille >= 950) return 95;
  if (per_mille >= 800) return 80;
  return 0;
}

BlockAllocation allocate_blocks(const Contract& contract, std::span<const BlockWork> work,
                                std::span<const BlockLedgerRow> locked) {
  BlockAllocation out;
  const std::vector<HourBlock>& blocks = contract.blocks;
  std::vector<size_t> order(blocks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (blocks[a].valid_from != blocks[b].valid_from) return blocks[a].valid_from < blocks[b].valid_from;
    return blocks[a].id < blocks[b].id;
  });
  out.balances.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    out.balances[i].block_id = blocks[i].id;
    out.balances[i].purchased_minutes = blocks[i].minutes;
  }
  auto index_of = [&](HourBlockId id) -> std::optional<size_t> {
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].id == id) return i;
    }
    return std::nullopt;
  };

  // Work in order of work date, then entry id.
  std::vector<size_t> work_order(work.size());
  for (size_t i = 0; i < work_order.size(); ++i) work_order[i] = i;
  std::sort(work_order.begin(), work_order.end(), [&](size_t a, size_t b) {
    if (work[a].work_date != work[b].work_date) return work[a].work_date < work[b].work_date;
    return work[a].entry < work[b].entry;
  });
  // Invoiced consumption is reserved first, whatever its date, so work
  // approved later never takes minutes an invoice already used.
  for (const auto& row : locked) {
    if (row.kind != BlockLedgerKind::consumption && row.kind != BlockLedgerKind::overage) continue;
    BlockLedgerRow kept = row;
    kept.locked = true;
    out.rows.push_back(kept);
    if (row.kind == BlockLedgerKind::consumption) {
      if (auto b = index_of(row.block_id)) out.balances[*b].used_minutes += row.minutes;
    }
  }
  std::vector<size_t> expiry_order = order;
  std::stable_sort(expiry_order.begin(), expiry_order.end(),
                   [&](size_t a, size_t b) { return blocks[a].valid_to < blocks[b].valid_to; });

  out.consumption.resize(work.size());
  size_t next_work = 0, next_expiry = 0;
  auto remaining = [&](size_t b) { return out.balances[b].remaining(); };
  while (next_work < work_order.size() || next_expiry < expiry_order.size()) {
    // The earlier of the next work and the next expiry; on a tie the work
    // comes first (a block expires at the end of its last day).
    std::optional<CivilDate> day;
    auto consider = [&](CivilDate d) {
      if (!day || d < *day) day = d;
    };
    if (next_work < work_order.size()) consider(work[work_order[next_work]].work_date);
    if (next_expiry < expiry_order.size()) consider(blocks[expiry_order[next_expiry]].valid_to);

    if (next_work < work_order.size() && work[work_order[next_work]].work_date == *day) {
      const size_t w = work_order[next_work++];
      const BlockWork& item = work[w];
      BlockConsumption& consumed = out.consumption[w];
      int64_t left = item.minutes;
      for (size_t b : order) {
        if (left <= 0) break;
        if (!blocks[b].valid_on(item.work_date) || remaining(b) <= 0) continue;
        int64_t take = std::min(left, remaining(b));
        out.balances[b].used_minutes += take;
        left -= take;
        consumed.uses.push_back({blocks[b].id, take, out.balances[b].used_minutes, out.balances[b].capacity()});
        out.rows.push_back({BlockLedgerKind::consumption, blocks[b].id, item.entry, HourBlockId(), item.work_date, take});
      }
      if (left > 0) {
        consumed.overage_minutes = left;
        out.rows.push_back({BlockLedgerKind::overage, HourBlockId(), item.entry, HourBlockId(), item.work_date, left});
      }
      continue;
    }
    // A block expires at the end of its last day.
    const size_t b = expiry_order[next_expiry++];
    if (!contract.rollover || remaining(b) <= 0) continue;
    // The next block of the contract still valid after this one.
    std::optional<size_t> target;
    bool after = false;
    for (size_t candidate : order) {
      if (candidate == b) {
        after = true;
        continue;
      }
      if (after && blocks[candidate].valid_to > blocks[b].valid_to) {
        target = candidate;
        break;
      }
    }
    if (!target) continue;
    const int64_t moved = remaining(b);
    const CivilDate rolled_on = blocks[b].valid_to + days(1);
    out.balances[b].rolled_out_minutes += moved;
    out.balances[*target].rolled_in_minutes += moved;
    out.rows.push_back({BlockLedgerKind::rollover_out, blocks[b].id, TimeEntryId(), blocks[*target].id, rolled_on, moved});
    out.rows.push_back({BlockLedgerKind::rollover_in, blocks[*target].id, TimeEntryId(), blocks[b].id, rolled_on, moved});
  }
  return out;
}

bool coverage_order(const Contract& a, const Contract& b) {
  if (kind_rank(a.kind) != kind_rank(b.kind)) return kind_rank(a.kind) < kind_rank(b.kind);
  if (a.starts_on != b.starts_on) return a.starts_on < b.starts_on;
  return a.id < b.id;
}

SlaPolicyId covering_sla_policy(std::span<const Contract> contracts, CivilDate day) {
  const Contract* best = nullptr;
  for (const auto& c : contracts) {
    if (!c.sla_policy_id.valid() || !active_on(c, day)) continue;
    if (!best || coverage_order(c, *best)) best = &c;
  }
  return best ? best->sla_policy_id : SlaPolicyId();
}

}  // namespace tend
