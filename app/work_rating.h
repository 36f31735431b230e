// Rating inside a transaction: loads what core/coverage.h needs for one
// client (contracts, rates, work types, the invoiced block consumption),
// decides every time entry, part and service, explains each decision, and
// keeps the stored billable minutes and block-hours ledgers up to date.
//
// Used by the work and contract use cases after each change, by the API to
// show what a ticket costs, and by billing (issue 5) to invoice a period:
// client_charges() returns every item with its decision, amount, tax
// category and explanation; billing takes the approved ones and locks them
// with InvoiceRepository::mark_billed.
#pragma once

#include <set>

#include "app/work_codec.h"
#include "core/contracts.h"
#include "core/coverage.h"
#include "core/ticket.h"
#include "core/users.h"
#include "store/store.h"

namespace tend {

// What rating (core/coverage.h) needs of a stored time entry: its identity,
// date, minutes and billing; an override or an invoiced entry's stored
// billable minutes are fixed, and an invoiced entry is marked so.
RatingEntry rating_entry(const TimeEntry& e);

// The charges of one ticket: every item on it (removed ones excluded),
// decided in the context of all the client's work that is not invoiced yet
// (block hours are consumed across tickets).
Result<WorkCharges> ticket_charges(store::Transaction& tx, const Ticket& ticket);

// The charges of a client's items dated from..to (inclusive), decided the
// same way. Totals cover those items only.
Result<WorkCharges> client_charges(store::Transaction& tx, ClientId client, CivilDate from, CivilDate to);

// Recomputes the client's stored billable minutes (entries not invoiced)
// and the ledgers of its block-hours contracts, and records the 80% / 95%
// warnings of blocks that reached them (audit entry "contract.block_warning"
// by `actor`, once per block and level). Call after every change to the
// client's time entries or contracts, inside the same transaction.
Status refresh_client_rating(store::Transaction& tx, ClientId client, const Principal& actor, Instant now);

// For the billing run: refresh_client_rating and then the charges of the
// client's work that is not invoiced, from one load and one rating of that
// work (client_charges loads and rates it again, with explanations). Items:
// open time entries dated up to `to`, open (draft or approved) part and
// service usages dated up to `to` (the caller skips what is not approved);
// nothing invoiced is read, so the cost does not grow with the months
// billed. No explanations. `contracts` are the client's contracts as
// ContractRepository::for_client returns them. A ledger that already holds
// what the rating computes is not rewritten.
Result<WorkCharges> refresh_and_charge_open_work(store::Transaction& tx, ClientId client,
                                                 std::vector<Contract> contracts, const Principal& actor,
                                                 Instant now, CivilDate to);

// What deleting a draft would release (InvoiceRepository::delete_draft):
// the items its lines bill, found by the lines' item keys, and the lines.
struct ReleasedDraft {
  InvoiceId invoice;
  std::set<int64_t> line_ids;
  std::set<TimeEntryId> time_entries;
  std::set<PartUsageId> part_usages;
  std::set<ServiceUsageId> service_usages;
  std::set<HourBlockId> hour_blocks;

  static ReleasedDraft of(const store::InvoiceRecord& draft);
  // Whether the item `id` of this kind, stored as billed by line
  // `invoice_line_id`, is one the draft bills (delete_draft frees exactly
  // those: the line bills it and the item points back at the line).
  template <class IdT>
  bool frees(const std::set<IdT>& items, IdT id, int64_t invoice_line_id) const {
    return items.count(id) > 0 && line_ids.count(invoice_line_id) > 0;
  }
};

// `contracts` as they would be once `released` is deleted: its block
// purchases not invoiced.
void release_blocks(std::vector<Contract>& contracts, const ReleasedDraft& released);

// For the billing run's check of a draft it regenerates: the charges
// refresh_and_charge_open_work would return once `released` were deleted
// (its time entries, part and service usages approved again, their block
// ledger rows unlocked), worked out in memory. Writes nothing: the stored
// rating is left as it is. `contracts`: as release_blocks leaves them.
Result<WorkCharges> charge_open_work_as_if_released(store::Transaction& tx, ClientId client,
                                                    std::vector<Contract> contracts, const ReleasedDraft& released,
                                                    CivilDate to);

// The balances of a block-hours contract after all the client's work (the
// ledger stored by the last refresh, replayed).
Result<std::vector<BlockBalance>> block_balances(store::Transaction& tx, const Contract& contract);

}  // namespace tend
