// Coverage: for every time entry, part and service of a client, which
// contract covers it and what is charged, with an explanation a person can
// read. Pure; the rules with examples are in docs/rating-and-contracts.md.
//
// The decision for a time entry on its work date, in this order:
//   1. non_billable -> not billed (cost only);
//   2. logged under a fixed-price service -> not billed by the hour;
//   3. no_charge -> shown at no charge;
//   4. an active managed agreement that includes the work type -> covered,
//      no charge;
//   5. an active block-hours contract (for every work type, or the listed
//      ones) -> consumed from its blocks by work date, oldest valid block
//      first; the rest is overage at the contract's overage rate;
//   6. otherwise time and materials at the most specific rate
//      (core/rating.h): a contract override, else the client's, else the
//      work type's default; after hours times the multiplier.
// Parts: included in an active managed agreement -> no charge; otherwise
// quantity x unit price. Services: included -> no charge; otherwise their
// fixed price x quantity.
// Billable minutes follow the rounding rule of core/rating.h; invoiced
// entries and overridden entries keep theirs.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/contracts.h"
#include "core/rating.h"
#include "core/work.h"

namespace tend {

// What rating needs of a work type.
struct RatingWorkType {
  WorkTypeId id;
  std::string name;
  Money hourly_rate = Money::zero(Currency::eur());
  RoundingRule rounding;
  Rational after_hours_multiplier{1, 1};
};

// What rating needs of a time entry.
struct RatingEntry {
  TimeEntryId id;
  TicketId ticket;
  WorkTypeId work_type;
  CivilDate work_date{};
  int64_t actual_minutes = 0;
  Billing billing = Billing::billable;
  bool after_hours = false;
  bool under_fixed_price_service = false;
  // Billable minutes that are not recomputed: an override, or the stored
  // value of an invoiced entry.
  std::optional<int64_t> fixed_billable_minutes;
  // Invoiced: its block consumption is taken from the locked ledger rows,
  // never allocated again.
  bool invoiced = false;
};

// One client's rating context. The spans must outlive the call.
struct ClientRatingInput {
  Currency currency = Currency::eur();
  std::span<const Contract> contracts;       // the client's, any order
  std::span<const ClientRate> client_rates;  // the client's overrides
  std::span<const RatingWorkType> work_types;  // every work type referred to
  // Invoiced consumption of the client's block contracts (kept as it is).
  std::span<const BlockLedgerRow> locked_block_rows;
};

// How an item is charged. Wire spelling = enumerator name.
enum class ChargeBasis {
  not_billable,         // internal work: cost only
  no_charge,            // shown to the client, not charged
  fixed_price_service,  // time under a fixed-price service: not billed by the hour
  covered,              // included in a managed agreement
  block_hours,          // consumed from prepaid blocks (overage, if any, is charged)
  time_and_materials,   // charged at the hourly rate / the part's price
  fixed_price,          // a fixed-price service charged at its price
  unpriced,             // no rate in the client's currency: cannot be billed yet
};
const char* to_string(ChargeBasis basis);

// The rounding group an entry belonged to (for the explanation).
struct RoundingGroup {
  int64_t entries = 0;
  int64_t actual_minutes = 0;
  int64_t billable_minutes = 0;
  RoundingRule rule;
};

// The decision for one time entry.
struct TimeCharge {
  TimeEntryId entry;
  WorkTypeId work_type;
  int64_t billable_minutes = 0;
  ChargeBasis basis = ChargeBasis::time_and_materials;
  ContractId contract;  // the contract that decided (covered, block hours, contract rate)
  // A managed agreement that was active but did not include the work type.
  ContractId not_covered_by;
  std::optional<RoundingGroup> rounding;  // when the rounding rule applied
  BlockConsumption blocks;                // block_hours only
  int64_t charged_minutes = 0;            // T&M minutes, or overage minutes
  HourlyRate rate;                        // of the charged minutes
  Money amount = Money::zero(Currency::eur());
};

// The decision for one part or service used on a ticket.
struct ItemUse {
  int64_t id = 0;  // the usage's id
  CatalogueItemId item;
  std::string item_name;
  CatalogueKind kind = CatalogueKind::part;
  CivilDate on{};
  int64_t quantity = 1;
  Money unit_price = Money::zero(Currency::eur());
};

struct ItemCharge {
  int64_t id = 0;
  ChargeBasis basis = ChargeBasis::time_and_materials;
  ContractId contract;
  Money amount = Money::zero(Currency::eur());
};

// Everything rate_client_work decided.
struct ClientRating {
  std::vector<TimeCharge> time;  // parallel to the entries given
  // Per block-hours contract: its ledger and balances after the work.
  struct ContractLedger {
    ContractId contract;
    BlockAllocation allocation;
  };
  std::vector<ContractLedger> ledgers;
};

// Rates every entry of one client (any order). Entries whose work type is
// not in `input.work_types` are unpriced. Amounts are in input.currency.
ClientRating rate_client_work(const ClientRatingInput& input, std::span<const RatingEntry> entries);

// Decides a part or service use.
ItemCharge rate_item(const ClientRatingInput& input, const ItemUse& use);

// Names that explanations use.
struct ExplainContext {
  const ClientRatingInput& input;
  // The contract by id among input.contracts, or nullptr.
  const Contract* contract(ContractId id) const;
  const RatingWorkType* work_type(WorkTypeId id) const;
  std::string block_label(ContractId contract, HourBlockId block) const;
};

// "covered by Managed Gold, work type Remote is included", "block 2026-Q4:
// 3.5 h used of 10 h; 0.5 h overage at €95.00/h = €47.50", "time and
// materials: 1.5 h at €95.00/h (default rate of Remote) = €142.50" ...,
// followed by the rounding note when the rounding rule changed the minutes.
std::string explain(const ExplainContext& context, const TimeCharge& charge, const RatingEntry& entry);
// "included in Managed Gold", "2 x €89.00 = €178.00", "fixed price: 1 x
// €79.00 = €79.00".
std::string explain(const ExplainContext& context, const ItemCharge& charge, const ItemUse& use);

}  // namespace tend
