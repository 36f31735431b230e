// The storage interface: a Store hands out Transactions; a Transaction
// gives access to the repositories and commits or rolls back as one unit.
//
// Every write in Tend is one write transaction: either everything it did is
// stored or nothing is. Backends: SQLite (store/sqlite/), PostgreSQL later.
// The contract suite (store/store_contract_test.cpp) runs against each.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "store/audit_repository.h"
#include "store/billing_repository.h"
#include "store/contract_repository.h"
#include "store/identity_repository.h"
#include "store/provider_repository.h"
#include "store/schedule_repository.h"
#include "store/sla_repository.h"
#include "store/sql.h"
#include "store/tenancy_repository.h"
#include "store/ticket_repository.h"
#include "store/work_repository.h"

namespace tend::store {

// What a backend must provide for one open transaction. Internal seam
// between Transaction and a backend's connection pool.
class TransactionBackend {
 public:
  virtual ~TransactionBackend() = default;
  virtual SqlConnection& connection() = 0;
  virtual Status commit() = 0;
  // Rolls back; must be safe to call after a failed commit.
  virtual void rollback() noexcept = 0;
};

// One database transaction. Move-only; used by one thread. Destroying an
// uncommitted transaction rolls it back. After commit() the transaction is
// finished and its repositories must not be used.
class Transaction {
 public:
  explicit Transaction(std::unique_ptr<TransactionBackend> backend) : backend_(std::move(backend)) {}
  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) noexcept = default;
  ~Transaction();

  // Makes every change durable. On error the transaction is rolled back.
  Status commit();

  ProviderRepository provider() { return ProviderRepository(connection()); }
  ClientRepository clients() { return ClientRepository(connection()); }
  SiteRepository sites() { return SiteRepository(connection()); }
  ContactRepository contacts() { return ContactRepository(connection()); }
  UserRepository users() { return UserRepository(connection()); }
  SessionRepository sessions() { return SessionRepository(connection()); }
  ApiTokenRepository api_tokens() { return ApiTokenRepository(connection()); }
  AuditRepository audit() { return AuditRepository(connection()); }
  // Service desk (store/sla_repository.h, ticket_repository.h, schedule_repository.h).
  SlaCalendarRepository sla_calendars() { return SlaCalendarRepository(connection()); }
  SlaPolicyRepository sla_policies() { return SlaPolicyRepository(connection()); }
  TicketStatusRepository ticket_statuses() { return TicketStatusRepository(connection()); }
  QueueRepository queues() { return QueueRepository(connection()); }
  TicketRepository tickets() { return TicketRepository(connection()); }
  TicketNoteRepository ticket_notes() { return TicketNoteRepository(connection()); }
  TicketTimelineRepository ticket_timeline() { return TicketTimelineRepository(connection()); }
  ScheduleRepository schedules() { return ScheduleRepository(connection()); }
  // Time, parts, services and contracts (store/work_repository.h,
  // store/contract_repository.h).
  TaxCategoryRepository tax_categories() { return TaxCategoryRepository(connection()); }
  WorkTypeRepository work_types() { return WorkTypeRepository(connection()); }
  RateRepository rates() { return RateRepository(connection()); }
  TimeEntryRepository time_entries() { return TimeEntryRepository(connection()); }
  TimerRepository timers() { return TimerRepository(connection()); }
  CatalogueRepository catalogue() { return CatalogueRepository(connection()); }
  PartUsageRepository part_usages() { return PartUsageRepository(connection()); }
  ServiceUsageRepository service_usages() { return ServiceUsageRepository(connection()); }
  ContractRepository contracts() { return ContractRepository(connection()); }
  // Billing (store/billing_repository.h).
  InvoiceRepository invoices() { return InvoiceRepository(connection()); }
  PaymentRepository payments() { return PaymentRepository(connection()); }
  BillingSettingsRepository billing_settings() { return BillingSettingsRepository(connection()); }

  // The raw connection, for repositories added by later layers of store/.
  SqlConnection& connection() { return backend_->connection(); }

 private:
  std::unique_ptr<TransactionBackend> backend_;
  bool finished_ = false;
};

// Figures for /metrics about the connection pool.
struct StoreStats {
  int64_t read_connections = 0;        // size of the reader pool
  int64_t read_connections_in_use = 0;
  int64_t read_transactions = 0;       // started since open
  int64_t write_transactions = 0;      // started since open
  int64_t write_commits = 0;
  int64_t write_rollbacks = 0;
  int64_t write_wait_us_total = 0;     // time spent waiting for the writer
  int64_t read_wait_us_total = 0;      // time spent waiting for a reader
};

// A database. Thread-safe: any thread may begin transactions.
class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;
  // A read-only transaction with a consistent snapshot.
  virtual Result<Transaction> read() = 0;
  // A read-write transaction. Writers are serialised; waiting longer than
  // the busy timeout gives ErrorKind::unavailable.
  virtual Result<Transaction> write() = 0;
  // The schema version now in the database (the highest applied migration).
  virtual Result<int> schema_version() = 0;
  virtual StoreStats stats() const = 0;
  // Writes a consistent copy of the whole database to `path` (which must
  // not exist) while other transactions continue.
  virtual Status backup_to(const std::string& path) = 0;
  // Quick integrity check (SQLite: PRAGMA quick_check); internal on damage.
  virtual Status check_integrity() = 0;
};

// Runs `work` in a write transaction and commits; rolls back when `work`
// returns an error. The usual way app/ performs a change.
template <class Fn>
auto in_write_transaction(Store& store, Fn&& work) -> decltype(work(std::declval<Transaction&>())) {
  auto tx = store.write();
  if (!tx) return std::unexpected(std::move(tx).error());
  auto result = work(*tx);
  if (!result) return result;
  TEND_CHECK(tx->commit());
  return result;
}

// Runs `work` in a read transaction.
template <class Fn>
auto in_read_transaction(Store& store, Fn&& work) -> decltype(work(std::declval<Transaction&>())) {
  auto tx = store.read();
  if (!tx) return std::unexpected(std::move(tx).error());
  return work(*tx);
}

}  // namespace tend::store
