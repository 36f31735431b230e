// Repositories of work and what it is worth (store/migrations/sqlite/
// 0004_work_and_contracts.sql): tax categories, work types, technicians'
// cost rates, clients' rates, time entries, running timers, the catalogue
// with its stock ledger, and parts and services used on tickets. Cheap
// value objects bound to one Transaction (store/store.h); use them only
// inside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/invoice.h"
#include "core/paging.h"
#include "core/work.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

class TaxCategoryRepository {
 public:
  explicit TaxCategoryRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the code is taken.
  Result<TaxCategoryId> insert(const TaxCategory& category);
  Result<TaxCategory> get(TaxCategoryId id);
  // not_found when no category has this code.
  Result<TaxCategory> find_by_code(std::string_view code);
  Status update(const TaxCategory& category);
  // Every category, by code (a provider has a handful).
  Result<std::vector<TaxCategory>> list();

 private:
  Sql sql_;
};

class WorkTypeRepository {
 public:
  explicit WorkTypeRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the code is taken.
  Result<WorkTypeId> insert(const WorkType& work_type);
  Result<WorkType> get(WorkTypeId id);
  Result<WorkType> find_by_code(std::string_view code);
  Status update(const WorkType& work_type);
  // Every work type (active and inactive), by name.
  Result<std::vector<WorkType>> list();

 private:
  Sql sql_;
};

// Technicians' cost rates and clients' rate overrides.
class RateRepository {
 public:
  explicit RateRepository(SqlConnection& connection) : sql_(connection) {}
  // The cost rate of a user, if one is set.
  Result<std::optional<TechnicianRate>> technician(UserId user);
  // Every cost rate that is set.
  Result<std::vector<TechnicianRate>> technicians();
  Status set_technician(const TechnicianRate& rate);
  // A client's overrides, by work type id.
  Result<std::vector<ClientRate>> client_rates(ClientId client);
  Status set_client_rate(const ClientRate& rate);
  // not_found when the client has no rate for the work type.
  Status remove_client_rate(ClientId client, WorkTypeId work_type);

 private:
  Sql sql_;
};

// Filters of the time entry list; they combine with AND.
struct TimeEntryFilter {
  TicketId ticket;
  ClientId client;
  UserId user;
  std::optional<WorkStatus> status;
  std::optional<CivilDate> from;  // work_date >= from
  std::optional<CivilDate> to;    // work_date <= to
  bool include_removed = false;
};

// Sort fields of the time entry list.
inline constexpr std::string_view kTimeEntrySorts[] = {"work_date", "created_at"};

class TimeEntryRepository {
 public:
  explicit TimeEntryRepository(SqlConnection& connection) : sql_(connection) {}
  Result<TimeEntryId> insert(const TimeEntry& entry);
  Result<TimeEntry> get(TimeEntryId id);
  // Writes every field but id, ticket, client and created_at.
  Status update(const TimeEntry& entry);
  Result<Page<TimeEntry>> list(const TimeEntryFilter& filter, const PageRequest& page);
  // Entries of a ticket that are not removed, by work date and id.
  Result<std::vector<TimeEntry>> for_ticket(TicketId ticket);
  // Entries of a client that are not removed with from <= work_date <= to,
  // by work date and id.
  Result<std::vector<TimeEntry>> for_client(ClientId client, CivilDate from, CivilDate to);
  // The client's open entries (draft or approved, not removed), by work
  // date and id. Read through the index of open work, so the cost does not
  // grow with the client's invoiced history.
  Result<std::vector<TimeEntry>> open_for_client(ClientId client);
  // The entries the lines of `invoice` bill (the lines' link column), by
  // work date and id.
  Result<std::vector<TimeEntry>> billed_on(InvoiceId invoice);
  // Stores recomputed billable minutes (entries that are not invoiced).
  Status set_billable_minutes(TimeEntryId id, int64_t minutes);
  // Locks approved entries as invoiced by an invoice line, with their block
  // ledger rows. conflict when one is not approved (or already invoiced).
  Status mark_invoiced(std::span<const TimeEntryId> ids, int64_t invoice_line_id, Instant at);
  Result<int64_t> count();

 private:
  Sql sql_;
};

class TimerRepository {
 public:
  explicit TimerRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the user already has a running timer.
  Status start(const RunningTimer& timer);
  Result<std::optional<RunningTimer>> running(UserId user);
  // Removes the user's timer; not_found when none runs.
  Status stop(UserId user);

 private:
  Sql sql_;
};

struct CatalogueFilter {
  std::string text;  // matches the name or the SKU
  std::optional<CatalogueKind> kind;
  std::optional<bool> active;
  bool below_reorder_level = false;  // parts at or below their reorder level
};

inline constexpr std::string_view kCatalogueSorts[] = {"name", "sku"};

class CatalogueRepository {
 public:
  explicit CatalogueRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the SKU is taken.
  Result<CatalogueItemId> insert(const CatalogueItem& item);
  // With stock_on_hand from the ledger.
  Result<CatalogueItem> get(CatalogueItemId id);
  Result<CatalogueItem> find_by_sku(std::string_view sku);
  Status update(const CatalogueItem& item);
  Result<Page<CatalogueItem>> list(const CatalogueFilter& filter, const PageRequest& page);

  // Appends a movement to the stock ledger; returns its id.
  Result<StockMovementId> add_movement(const StockMovement& movement);
  // Movements of an item, newest first, before id `before` (0: newest),
  // each with the balance after it.
  Result<std::vector<StockMovement>> movements(CatalogueItemId item, int64_t before, int limit);
  // The sum of an item's movements.
  Result<int64_t> stock_on_hand(CatalogueItemId item);

 private:
  Sql sql_;
};

class PartUsageRepository {
 public:
  explicit PartUsageRepository(SqlConnection& connection) : sql_(connection) {}
  Result<PartUsageId> insert(const PartUsage& usage);
  Result<PartUsage> get(PartUsageId id);
  // Writes status, approval, invoice, notes, serial numbers, removed_at, updated_at.
  Status update(const PartUsage& usage);
  // Not removed, by id.
  Result<std::vector<PartUsage>> for_ticket(TicketId ticket);
  Result<std::vector<PartUsage>> for_client(ClientId client, CivilDate from, CivilDate to);
  // The client's open usages (draft or approved, not removed) used on or
  // before `to`, by date and id. Read through the index of open usages, so
  // the cost does not grow with the client's invoiced history.
  Result<std::vector<PartUsage>> open_for_client(ClientId client, CivilDate to);
  Status mark_invoiced(std::span<const PartUsageId> ids, int64_t invoice_line_id, Instant at);

 private:
  Sql sql_;
};

class ServiceUsageRepository {
 public:
  explicit ServiceUsageRepository(SqlConnection& connection) : sql_(connection) {}
  Result<ServiceUsageId> insert(const ServiceUsage& usage);
  Result<ServiceUsage> get(ServiceUsageId id);
  Status update(const ServiceUsage& usage);
  Result<std::vector<ServiceUsage>> for_ticket(TicketId ticket);
  Result<std::vector<ServiceUsage>> for_client(ClientId client, CivilDate from, CivilDate to);
  // As PartUsageRepository::open_for_client.
  Result<std::vector<ServiceUsage>> open_for_client(ClientId client, CivilDate to);
  Status mark_invoiced(std::span<const ServiceUsageId> ids, int64_t invoice_line_id, Instant at);

 private:
  Sql sql_;
};

}  // namespace tend::store
