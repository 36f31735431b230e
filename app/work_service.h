// Use cases of work and what it is worth: tax categories, work types,
// technicians' cost rates, clients' rates, the catalogue and its stock
// ledger, time entries (with a running timer, approval and the billable
// override), parts and fixed-price services used on tickets, and what a
// ticket is charged.
//
// Rules (docs/rating-and-contracts.md):
// * Roles are declared on the routes; this service adds what depends on the
//   object: a technician logs and changes only their own time entries;
//   overriding billable minutes is for finance and admins and needs a
//   reason, which goes on the ticket's timeline.
// * An approved item is not edited (unapprove it first); an invoiced item
//   is locked for good (conflict), corrections are credit notes.
// * Every change is one write transaction with its ticket timeline entry
//   (time, parts, services) or audit entry (settings, catalogue), and the
//   client's rating (billable minutes, block-hours ledger) refreshed in the
//   same transaction.
// * Portal users see only what a route allows them (a ticket's charges of
//   their own client, without costs).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "app/context.h"
#include "app/work_codec.h"
#include "core/paging.h"
#include "core/users.h"
#include "core/work.h"
#include "store/store.h"

namespace tend {

// A part used on a ticket and the stock it left.
struct PartUsed {
  PartUsage usage;
  StockLevel stock;
};
void write_json(wire::JsonWriter& w, const PartUsed& used);

// What approving a ticket's work did.
struct ApprovalResult {
  int64_t time_entries = 0;
  int64_t part_usages = 0;
  int64_t service_usages = 0;
};
void write_json(wire::JsonWriter& w, const ApprovalResult& result);

// Thread-safe (stateless besides the context).
class WorkService {
 public:
  explicit WorkService(AppContext context) : context_(context) {}

  // ---- tax categories and work types (admin, finance) ----------------------------
  Result<std::vector<TaxCategory>> list_tax_categories(const Principal& caller);
  // conflict-free: a taken code is a field error.
  Result<TaxCategory> create_tax_category(const Principal& caller, const nlohmann::json& body);
  Result<TaxCategory> update_tax_category(const Principal& caller, TaxCategoryId id, const nlohmann::json& body);
  Result<std::vector<WorkType>> list_work_types(const Principal& caller);
  Result<WorkType> get_work_type(const Principal& caller, WorkTypeId id);
  // The rate is in the provider's currency. A taken code is a field error.
  Result<WorkType> create_work_type(const Principal& caller, const nlohmann::json& body);
  Result<WorkType> update_work_type(const Principal& caller, WorkTypeId id, const nlohmann::json& body);

  // ---- technicians and client rates ------------------------------------------------
  // Every active staff user with their cost rate.
  Result<std::vector<Technician>> list_technicians(const Principal& caller);
  // {"cost_rate": "45.00"} in the provider's currency; the user must be staff.
  Result<Technician> set_technician_rate(const Principal& caller, UserId user, const nlohmann::json& body);
  Result<std::vector<ClientRate>> client_rates(const Principal& caller, ClientId client);
  // {"hourly_rate": "85.00"} in the client's currency.
  Result<ClientRate> set_client_rate(const Principal& caller, ClientId client, WorkTypeId work_type,
                                     const nlohmann::json& body);
  Status remove_client_rate(const Principal& caller, ClientId client, WorkTypeId work_type);

  // ---- catalogue and stock ---------------------------------------------------------------
  Result<Page<CatalogueItem>> list_catalogue(const Principal& caller, const store::CatalogueFilter& filter,
                                             const PageRequest& page);
  Result<CatalogueItem> get_item(const Principal& caller, CatalogueItemId id);
  // Prices in the provider's currency; a taken SKU is a field error. An
  // optional "initial_stock" (parts) is booked as a receipt.
  Result<CatalogueItem> create_item(const Principal& caller, const nlohmann::json& body);
  Result<CatalogueItem> update_item(const Principal& caller, CatalogueItemId id, const nlohmann::json& body);
  // Newest first, before movement id `before` (0: newest).
  Result<std::vector<StockMovement>> stock_movements(const Principal& caller, CatalogueItemId id, int64_t before,
                                                     int limit);
  // {"kind": "receipt"|"correction", "quantity", "note"}: usage and returns
  // come from part usages only.
  Result<StockMovement> add_stock_movement(const Principal& caller, CatalogueItemId id, const nlohmann::json& body);

  // ---- time entries ---------------------------------------------------------------------------
  Result<Page<TimeEntry>> list_time_entries(const Principal& caller, store::TimeEntryFilter filter,
                                            const PageRequest& page);
  Result<TimeEntry> get_time_entry(const Principal& caller, TimeEntryId id);
  // The entry with its decision and explanation.
  Result<TimeEntryCharge> time_entry_charge(const Principal& caller, TimeEntryId id);
  // Logs time (app/work_codec.h TimeEntryInput::create). user_id defaults to
  // the caller; only admins log for someone else. work_date defaults to the
  // start's (or today's) date in the provider's time zone.
  Result<TimeEntry> log_time(const Principal& caller, const nlohmann::json& body);
  // Applies the fields present; billable_minutes/override_reason only for
  // finance and admins.
  Result<TimeEntry> update_time_entry(const Principal& caller, TimeEntryId id, const nlohmann::json& body);
  // Removes an entry that is not approved or invoiced (kept as history).
  Result<TimeEntry> remove_time_entry(const Principal& caller, TimeEntryId id);
  // Approves (or with `approve` false, returns to draft) an entry that is
  // not invoiced; idempotent.
  Result<TimeEntry> set_time_entry_approved(const Principal& caller, TimeEntryId id, bool approve);

  // ---- timer ------------------------------------------------------------------------------------
  // The caller's running timer (or a user's, for admins), if any.
  Result<std::optional<RunningTimer>> running_timer(const Principal& caller, UserId user);
  // {"ticket_id", "work_type_id", "billing"?, "after_hours"?, "notes"?,
  // "user_id"? (admins)}; conflict when one already runs.
  Result<RunningTimer> start_timer(const Principal& caller, const nlohmann::json& body);
  // Stops the timer and logs its time: {"notes"?, "user_id"? (admins)}.
  // not_found when none runs.
  Result<TimeEntry> stop_timer(const Principal& caller, const nlohmann::json& body);

  // ---- parts and services on tickets ---------------------------------------------------------------
  // {"ticket_id", "item_id", "quantity", "serial_numbers"?, "used_on"?,
  // "unit_price"? (default: the catalogue price, required when the client
  // is billed in another currency), "notes"?}. Writes the stock movement.
  Result<PartUsed> use_part(const Principal& caller, const nlohmann::json& body);
  // Removes a part usage that is not invoiced and books the parts back.
  Result<PartUsage> remove_part_usage(const Principal& caller, PartUsageId id);
  Result<PartUsage> set_part_usage_approved(const Principal& caller, PartUsageId id, bool approve);
  Result<std::vector<PartUsage>> part_usages(const Principal& caller, TicketId ticket);
  // {"ticket_id", "item_id", "quantity"?, "performed_on"?, "unit_price"?, "notes"?}.
  Result<ServiceUsage> add_service(const Principal& caller, const nlohmann::json& body);
  // Removes a service that is not invoiced; time logged under it must be
  // moved or removed first (conflict).
  Result<ServiceUsage> remove_service_usage(const Principal& caller, ServiceUsageId id);
  Result<ServiceUsage> set_service_usage_approved(const Principal& caller, ServiceUsageId id, bool approve);
  Result<std::vector<ServiceUsage>> service_usages(const Principal& caller, TicketId ticket);

  // ---- what a ticket costs ------------------------------------------------------------------------
  // Every item of the ticket with its decision, amount and explanation.
  // Portal callers see only their own client's tickets.
  Result<WorkCharges> ticket_charges(const Principal& caller, TicketId ticket);
  // Approves every draft item of the ticket.
  Result<ApprovalResult> approve_ticket_work(const Principal& caller, TicketId ticket);
  // A client's charges over a period (staff).
  Result<WorkCharges> client_charges(const Principal& caller, ClientId client, CivilDate from, CivilDate to);

 private:
  AppContext context_;
};

}  // namespace tend
