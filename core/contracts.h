// Contracts: time and materials, prepaid block hours, and managed services
// agreements; their terms, renewal and cancellation, the monthly fee of an
// agreement, and the block-hours balance ledger. Pure functions; the rules
// with examples are in docs/rating-and-contracts.md.
//
// Rules:
// * A contract applies on the days from starts_on up to its end. The end is
//   the earliest of: the day before ends_on+1 (a fixed last day), the end of
//   the current term when it does not renew, and the day before a
//   cancellation's effective date (the first day without cover).
// * Managed agreements run in terms of term_months from starts_on. The
//   renewal date is the first day after the current term. With auto-renew
//   the agreement renews for another term on that day; without, it ends.
//   Notice: a cancellation must be given notice_days before the renewal
//   date to take effect then; otherwise it takes effect at the end of the
//   following term (unless the notice is waived).
// * Price changes of an agreement are kept as history: each set of terms
//   applies from its effective_from date until the next one.
// * The monthly fee: flat + per workstation x workstations + per server x
//   servers + per user x users. Devices are counted from the RMM registry
//   (enrolled and not revoked at the billing date); a client without any
//   agent uses the manual counts on the terms.
// * Block hours: each block is bought for a price and is valid from-to.
//   Work is consumed in order of work date, oldest valid block first; what
//   no block can take is overage at the contract's overage rate. With
//   rollover, what is left of a block when it expires moves into the next
//   block of the contract. Warnings at 80% and 95% used.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/money.h"
#include "core/time.h"
#include "core/work.h"

namespace tend {

// The three kinds of contract. Wire spelling = enumerator name.
enum class ContractKind { time_and_materials, block_hours, managed };
const char* to_string(ContractKind kind);
Result<ContractKind> parse_contract_kind(std::string_view text);

// One set of prices of a managed agreement, in force from effective_from
// until the next set.
struct ManagedTerms {
  CivilDate effective_from{};
  Money flat_fee = Money::zero(Currency::eur());
  Money per_workstation = Money::zero(Currency::eur());
  Money per_server = Money::zero(Currency::eur());
  Money per_user = Money::zero(Currency::eur());
  int64_t user_count = 0;
  // Used when the client has no agents (see file comment).
  int64_t manual_workstations = 0;
  int64_t manual_servers = 0;
  std::string note;  // why the price changed
  Instant recorded_at;
  std::string recorded_by;
};

// A purchase of prepaid hours.
struct HourBlock {
  HourBlockId id;
  ContractId contract_id;
  std::string label;  // "2026-Q4"
  int64_t minutes = 0;
  Money price = Money::zero(Currency::eur());
  CivilDate valid_from{};
  CivilDate valid_to{};  // inclusive
  std::optional<Instant> warned_80_at;
  std::optional<Instant> warned_95_at;
  int64_t invoice_line_id = 0;  // set by billing when the purchase is invoiced
  std::optional<Instant> invoiced_at;
  Instant created_at;

  bool valid_on(CivilDate day) const { return valid_from <= day && day <= valid_to; }
};

// A rate override of a contract for one work type.
struct ContractRate {
  WorkTypeId work_type_id;
  Money hourly_rate = Money::zero(Currency::eur());
};

// A contract of a client. Money is in `currency` (the client's).
struct Contract {
  ContractId id;
  ClientId client_id;
  ContractKind kind = ContractKind::time_and_materials;
  std::string name;
  std::string reference;  // the provider's own code; unique when not empty
  Currency currency = Currency::eur();
  CivilDate starts_on{};
  std::optional<CivilDate> ends_on;  // the last day covered (fixed end)
  int term_months = 0;               // managed: length of a term (>= 1)
  bool auto_renew = false;
  int notice_days = 0;
  SlaPolicyId sla_policy_id;  // the SLA of tickets it covers (optional)
  // Work that is no charge (managed) or consumed from blocks (block hours;
  // empty there means every work type). Items are catalogue items (parts or
  // services) that a managed agreement includes at no charge.
  std::vector<WorkTypeId> covered_work_types;
  std::vector<CatalogueItemId> covered_items;
  std::vector<ContractRate> rates;
  // Block hours.
  std::optional<Money> overage_rate;
  bool rollover = false;
  std::vector<HourBlock> blocks;  // by valid_from, id
  // Managed: the price history, by effective_from.
  std::vector<ManagedTerms> terms;
  // Cancellation, once recorded.
  std::optional<Instant> cancelled_at;
  std::optional<CivilDate> cancellation_effective_on;  // first day without cover
  std::string cancellation_reason;
  std::string cancelled_by;
  std::string notes;
  Instant created_at;
  Instant updated_at;

  bool covers_work_type(WorkTypeId work_type) const;
  bool covers_item(CatalogueItemId item) const;
  // The contract's rate override for a work type, if any.
  std::optional<Money> rate_for(WorkTypeId work_type) const;
};

// Field errors: name (1-200), reference, starts_on, ends_on (not before
// starts_on), term_months (managed: 1-120), notice_days (0-730),
// overage_rate (block hours: required, >= 0), money in `currency`
// (rates[0].hourly_rate ...), blocks (block hours only; blocks[1].minutes
// 1-100000 h, valid_to >= valid_from), terms (managed: at least one, the
// first effective on starts_on, dates increasing, amounts >= 0, counts
// 0-100000), covered_work_types / covered_items without duplicates.
Status validate(const Contract& contract);

// The first day of the term that contains `day` (a managed agreement), or
// nullopt before starts_on.
std::optional<CivilDate> term_start_on(const Contract& contract, CivilDate day);
// The renewal date after the term containing `day`: the first day of the
// next term (managed with term_months; nullopt otherwise or before start).
std::optional<CivilDate> renewal_date(const Contract& contract, CivilDate day);
// The last day the contract applies: nullopt = open ended (a renewing
// agreement or a contract without an end, not cancelled).
std::optional<CivilDate> last_day(const Contract& contract);
// True when the contract applies on `day`.
bool active_on(const Contract& contract, CivilDate day);

// The earliest effective date of a cancellation recorded on `requested_on`
// given the notice period: the renewal date after requested_on +
// notice_days (managed); for other kinds, requested_on itself.
CivilDate earliest_cancellation(const Contract& contract, CivilDate requested_on);

// The terms in force on `day` (managed), or nullptr before the first.
const ManagedTerms* terms_on(const Contract& contract, CivilDate day);

// Device counts taken from the RMM registry at a date.
struct DeviceCounts {
  int64_t workstations = 0;
  int64_t servers = 0;
};

// One line of a monthly fee: "Workstations 12 x €25.00 = €300.00".
struct FeeLine {
  std::string what;  // "flat", "workstations", "servers", "users"
  int64_t quantity = 0;
  Money unit_price = Money::zero(Currency::eur());
  Money amount = Money::zero(Currency::eur());
};

// The monthly fee of a managed agreement on a day.
struct ManagedFee {
  CivilDate terms_effective_from{};
  bool devices_from_agents = true;  // false: the manual counts applied
  std::vector<FeeLine> lines;
  Money total = Money::zero(Currency::eur());
};

// The fee on `day` with `agents` counted from the registry. invalid_input
// when the contract is not a managed agreement or has no terms on that day.
Result<ManagedFee> managed_monthly_fee(const Contract& contract, CivilDate day, const DeviceCounts& agents);

// ---- block hours ledger -----------------------------------------------------------

// What the ledger records.
enum class BlockLedgerKind { consumption, overage, rollover_out, rollover_in };
const char* to_string(BlockLedgerKind kind);
Result<BlockLedgerKind> parse_block_ledger_kind(std::string_view text);

// One row of a contract's balance ledger. Consumption and overage rows link
// the time entry; rollover rows link the other block.
struct BlockLedgerRow {
  BlockLedgerKind kind = BlockLedgerKind::consumption;
  HourBlockId block_id;        // 0 for overage
  TimeEntryId time_entry_id;   // consumption / overage
  HourBlockId other_block_id;  // rollover: where the minutes went / came from
  CivilDate on{};
  int64_t minutes = 0;
  bool locked = false;  // the entry is invoiced: the row never changes again
};

// Work to be consumed from a contract's blocks: billable minutes on a date.
struct BlockWork {
  TimeEntryId entry;
  CivilDate work_date{};
  int64_t minutes = 0;
};

// A block's position after the allocation.
struct BlockBalance {
  HourBlockId block_id;
  int64_t purchased_minutes = 0;
  int64_t rolled_in_minutes = 0;
  int64_t used_minutes = 0;
  int64_t rolled_out_minutes = 0;

  int64_t capacity() const { return purchased_minutes + rolled_in_minutes; }
  int64_t remaining() const { return capacity() - used_minutes - rolled_out_minutes; }
  // Used share in 1/1000 of the capacity (1000 when the capacity is 0 and
  // something was used).
  int64_t used_per_mille() const;
};

// How one entry was consumed.
struct BlockConsumption {
  struct Use {
    HourBlockId block;
    int64_t minutes = 0;
    int64_t used_after = 0;  // the block's used minutes after this entry
    int64_t capacity = 0;    // purchased + rolled in
  };
  std::vector<Use> uses;  // in order of consumption
  int64_t overage_minutes = 0;
};

// The result of allocating work to a contract's blocks.
struct BlockAllocation {
  std::vector<BlockLedgerRow> rows;      // locked rows first as given, then new ones in date order
  std::vector<BlockBalance> balances;    // one per block, in the contract's block order
  // Parallel to the `work` input.
  std::vector<BlockConsumption> consumption;
};

// Allocates `work` (any order; consumed by work date, then entry id) to the
// blocks of `contract`. The `locked` rows (invoiced entries) are kept as
// they are and reserved first, whatever their date. Rollover rows are
// produced when the contract rolls over. Minutes no valid block can take
// are overage.
BlockAllocation allocate_blocks(const Contract& contract, std::span<const BlockWork> work,
                                std::span<const BlockLedgerRow> locked);

// The warnings a block has reached: 0, 80 or 95 (per cent used).
int block_warning_level(const BlockBalance& balance);

// The covering contract's SLA policy for a ticket of `client` created on
// `day`: among contracts active that day with a policy, managed agreements
// first, then block hours, then time and materials; earliest start, then
// lowest id. Invalid id when none.
SlaPolicyId covering_sla_policy(std::span<const Contract> contracts, CivilDate day);

// Contracts in coverage order: managed, block hours, time and materials;
// then by starts_on and id.
bool coverage_order(const Contract& a, const Contract& b);

}  // namespace tend
