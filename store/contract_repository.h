// Repositories of contracts (store/migrations/sqlite/0004_work_and_contracts.sql):
// the contract with its covered work types and items, rate overrides, price
// history (terms) and hour blocks; the block-hours balance ledger; and the
// device counts a managed agreement's fee is based on. Cheap value objects
// bound to one Transaction (store/store.h); use them only inside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/contracts.h"
#include "core/paging.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

struct ContractFilter {
  ClientId client;  // portal scoping sets it
  std::optional<ContractKind> kind;
  std::optional<CivilDate> active_on;  // only contracts that apply on this day
  std::string text;                    // matches the name
};

inline constexpr std::string_view kContractSorts[] = {"name", "starts_on"};

class ContractRepository {
 public:
  explicit ContractRepository(SqlConnection& connection) : sql_(connection) {}

  // Stores a contract with its covered work types and items, rates, terms
  // and blocks; writes the new ids into `contract` (its blocks included).
  // conflict when the reference is taken.
  Result<ContractId> insert(Contract& contract);
  // The contract with everything that belongs to it.
  Result<Contract> get(ContractId id);
  // Writes the editable fields (name, reference, dates, term, renewal,
  // notice, SLA policy, overage rate, rollover, cancellation, notes,
  // updated_at) and replaces covered work types, items and rates. Terms and
  // blocks are only ever added (add_terms, add_block).
  Status update(const Contract& contract);
  // A page of complete contracts. With filter.active_on a page may hold
  // fewer than page.limit items (a non-renewing agreement past its term is
  // dropped after reading); follow next_cursor to the end.
  Result<Page<Contract>> list(const ContractFilter& filter, const PageRequest& page);
  // Every contract of a client, complete, by id.
  Result<std::vector<Contract>> for_client(ClientId client);
  // The number of contracts.
  Result<int64_t> count();

  // Adds a set of prices from terms.effective_from on; conflict when the
  // contract already has prices from that day.
  Status add_terms(ContractId contract, const ManagedTerms& terms);
  // Adds a block purchase; returns its id.
  Result<HourBlockId> add_block(const HourBlock& block);
  // Records that a block purchase is billed on an invoice line; conflict
  // when it already is.
  Status mark_block_invoiced(HourBlockId block, int64_t invoice_line_id, Instant at);
  // Records that a block's 80% or 95% warning was given.
  Status set_block_warned(HourBlockId block, int level, Instant at);

  // Which of a contract's ledger rows `ledger` reads.
  enum class LedgerRows {
    all,
    // What rating open work needs: every row but the locked overage rows.
    // Those belong to invoiced entries beyond the blocks and never affect
    // later work; left out (through an index without them), the read does
    // not grow with every month billed.
    for_open_work,
  };
  // The contract's ledger rows, by date and id.
  Result<std::vector<BlockLedgerRow>> ledger(ContractId contract, LedgerRows rows = LedgerRows::all);
  // Replaces the rows that are not locked with `rows` (those marked locked
  // are skipped: they are already stored).
  Status replace_ledger(ContractId contract, std::span<const BlockLedgerRow> rows);

  // Devices of `client` counted for a managed fee on `day`: enrolled by the
  // end of that day (UTC) and not revoked before it, by class.
  Result<DeviceCounts> device_counts(ClientId client, Instant end_of_day);

 private:
  Status load_details(Contract& contract);
  Status write_children(const Contract& contract);
  Sql sql_;
};

}  // namespace tend::store
