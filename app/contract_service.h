// Use cases of contracts: time and materials, block hours (with block
// purchases and the balance ledger) and managed services agreements (with
// price changes and cancellation kept as history, and the monthly fee).
//
// Rules (docs/rating-and-contracts.md):
// * A contract belongs to one client and is in that client's currency.
// * Price changes never overwrite: each adds a set of prices from its
//   effective date on, after the last one.
// * A cancellation is recorded once, with its effective date (the first day
//   without cover). Without "waive_notice" the date must respect the notice
//   period: the renewal date after today + notice_days at the earliest.
// * Every change is one write transaction with its audit entry, and the
//   client's rating (block-hours ledger, billable minutes) is refreshed in
//   the same transaction.
// * Portal users may read their own client's contracts, ledgers and fees
//   (not_found for other clients'); staff roles are declared on the routes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "app/context.h"
#include "app/work_codec.h"
#include "core/paging.h"
#include "core/users.h"
#include "store/store.h"

namespace tend {

// Thread-safe (stateless besides the context).
class ContractService {
 public:
  explicit ContractService(AppContext context) : context_(context) {}

  Result<Page<Contract>> list(const Principal& caller, store::ContractFilter filter, const PageRequest& page);
  // The contract and what follows from it on `as_of` (default: today in the
  // provider's time zone): active, renewal date, notice deadline, block
  // balances, the managed fee with devices counted from the registry.
  Result<ContractDetails> get(const Principal& caller, ContractId id, std::optional<CivilDate> as_of);
  // Creates from a JSON body (app/work_codec.h); references (client, work
  // types, items, SLA policy) must exist: field errors otherwise.
  Result<Contract> create(const Principal& caller, const nlohmann::json& body);
  Result<Contract> update(const Principal& caller, ContractId id, const nlohmann::json& body);
  // Adds prices from {"effective_from", ...} on (managed agreements).
  Result<Contract> change_price(const Principal& caller, ContractId id, const nlohmann::json& body);
  // {"effective_on"?, "reason", "waive_notice"?}; conflict when already
  // cancelled.
  Result<Contract> cancel(const Principal& caller, ContractId id, const nlohmann::json& body);
  // Adds a block purchase (block hours).
  Result<Contract> add_block(const Principal& caller, ContractId id, const nlohmann::json& body);
  // The balance ledger of a block-hours contract.
  Result<ContractLedger> ledger(const Principal& caller, ContractId id);
  // The monthly fee of a managed agreement on `on` (default: today).
  Result<ContractFee> fee(const Principal& caller, ContractId id, std::optional<CivilDate> on);

 private:
  AppContext context_;
};

}  // namespace tend
