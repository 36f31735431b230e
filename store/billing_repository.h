// Repositories of billing (store/migrations/sqlite/0005_billing.sql):
// invoices and credit notes with their lines, payments with their
// allocations, and the billing settings of the provider and of each client.
// Cheap value objects bound to one Transaction (store/store.h); use them
// only inside it. The rules are in core/invoice.h, core/receivables.h and
// docs/billing-rules.md; these only store and read.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/invoice.h"
#include "core/paging.h"
#include "core/receivables.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

// An invoice as stored: the core invoice plus what the store keeps about it.
struct InvoiceRecord : Invoice {
  std::string period;  // the billing run's period ("2026-11"); empty for other invoices
  std::optional<CivilDate> period_from;
  std::optional<CivilDate> period_to;
  std::string notes;
  std::optional<Instant> issued_at;
  std::optional<Instant> sent_at;
  std::string created_by;
  Instant created_at;
  Instant updated_at;
  std::vector<int64_t> line_ids;  // parallel to lines once stored
  std::string client_name;        // read only (joined)
};

// Filters of the invoice list; they combine with AND.
struct InvoiceFilter {
  ClientId client;  // portal scoping sets it
  std::optional<InvoiceStatus> status;
  std::optional<InvoiceKind> kind;
  bool issued_only = false;  // leave drafts out (portal users)
  std::string period;        // a run's period
};

inline constexpr std::string_view kInvoiceSorts[] = {"id", "issued_on"};

class InvoiceRepository {
 public:
  explicit InvoiceRepository(SqlConnection& connection) : sql_(connection) {}

  // Stores an invoice with its lines (positions 1..n in order; the link
  // columns come from each line's item key); writes the new id into
  // `invoice.id` and the line ids into `invoice.line_ids`. conflict when a
  // line key is already on another line, or the number is taken.
  Result<InvoiceId> insert(InvoiceRecord& invoice);
  // The invoice with its lines, by position; not_found.
  Result<InvoiceRecord> get(InvoiceId id);
  // A page of invoices without their lines.
  Result<Page<InvoiceRecord>> list(const InvoiceFilter& filter, const PageRequest& page);
  // Writes status, number, issue and due dates, payment terms, totals,
  // notes, issued_at, sent_at and updated_at. not_found.
  Status update_header(const InvoiceRecord& invoice);

  // Adds a line (priced, a manual one) after the last line of a draft. The
  // caller keeps the header's totals right (update_header).
  Status append_line(InvoiceId invoice, const InvoiceLine& line);
  // Deletes the line at `position` and moves the later lines up by one;
  // not_found when there is none. Releases nothing: only for lines that
  // bill no item (manual lines).
  Status remove_line(InvoiceId invoice, int64_t position);
  // The highest number issued in `year`, if any.
  Result<std::optional<InvoiceNumber>> last_number(int year);
  // The latest issue date of the invoices and credit notes numbered in
  // `year`, if any.
  Result<std::optional<CivilDate>> last_issue_date(int year);
  // The client's drafts made by a run for `period`, by id.
  Result<std::vector<InvoiceId>> drafts_for_period(ClientId client, std::string_view period);
  // Deletes a draft with its lines and releases what its lines billed: time
  // entries, part and service usages go back to approved (their block
  // ledger rows unlocked), block purchases to not invoiced. conflict when
  // the invoice is not a draft; not_found.
  Status delete_draft(InvoiceId id);
  // Marks what the invoice's lines bill (their link columns), in one
  // statement per kind: time entries, part and service usages become
  // invoiced by their line (time entries' block ledger rows locked), block
  // purchases record their line. conflict when one of them is not approved,
  // is removed or is already invoiced (nothing is rolled back here: the
  // caller's transaction or savepoint must be).
  Status mark_billed(InvoiceId invoice, Instant at);
  // The issued invoices and credit notes (not drafts) whose issue date is
  // in from..to (inclusive), by issue date and number.
  Result<std::vector<InvoiceId>> issued_between(CivilDate from, CivilDate to);
  // Of `keys` — contract-fee and block-purchase item keys (contract_fee_key,
  // billable_key of a block) — those on a line of any invoice other than
  // `except` (when valid), whatever its status. Each key is one lookup in the
  // fee-key index, so the cost does not grow with the client's invoice
  // history. invalid_input for a key of another kind: time entries, part and
  // service usages are guarded by their own status (mark_billed).
  Result<std::set<std::string>> billed_fee_keys(std::span<const std::string> keys, InvoiceId except = InvoiceId());

  // The sum of the totals of the issued credit notes of `original` (zero
  // or negative), in `currency`.
  Result<Money> credited(InvoiceId original, Currency currency);
  // The sum of the payments allocated to an invoice.
  Result<Money> allocated(InvoiceId invoice, Currency currency);
  // The issued invoices (kind invoice) of a client (or of every client when
  // invalid) with money open: total + issued credit notes - allocations,
  // open != 0. By due date, issue date, id.
  Result<std::vector<OpenInvoice>> open_invoices(ClientId client);
  // The number of invoices and credit notes.
  Result<int64_t> count();

 private:
  Status load_lines(InvoiceRecord& invoice);
  // Stores the lines of an inserted invoice; fills invoice.line_ids.
  Status insert_lines(InvoiceRecord& invoice);
  Sql sql_;
};

// A payment as stored, with where it went.
struct PaymentRecord : Payment {
  std::vector<Allocation> allocations;
  Money unallocated = Money::zero(Currency::eur());
  std::string created_by;
  Instant created_at;
};

// An allocation seen from an invoice.
struct InvoicePayment {
  PaymentId payment_id;
  CivilDate received_on{};
  PaymentMethod method = PaymentMethod::bank_transfer;
  std::string reference;
  Money amount = Money::zero(Currency::eur());
};

struct PaymentFilter {
  ClientId client;
};

inline constexpr std::string_view kPaymentSorts[] = {"id", "received_on"};

class PaymentRepository {
 public:
  explicit PaymentRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a payment and its allocations; writes the id into payment.id.
  Result<PaymentId> insert(PaymentRecord& payment);
  Result<PaymentRecord> get(PaymentId id);
  Result<Page<PaymentRecord>> list(const PaymentFilter& filter, const PageRequest& page);
  // Every payment of a client, by received_on and id.
  Result<std::vector<PaymentRecord>> for_client(ClientId client);
  // The payments allocated to an invoice, by received_on and id.
  Result<std::vector<InvoicePayment>> for_invoice(InvoiceId invoice);

 private:
  Status load_allocations(PaymentRecord& payment);
  Sql sql_;
};

// The provider's billing settings.
struct BillingSettings {
  // The tax of recurring fees and block purchases (0: none, 0%).
  TaxCategoryId fee_tax_category_id;
  Instant updated_at;
};

// A client's billing settings.
struct ClientBilling {
  ClientId client_id;
  TaxTreatment tax_treatment = TaxTreatment::standard;
  std::optional<int> payment_terms_days;  // nullopt: the provider's
  Instant updated_at;
};

class BillingSettingsRepository {
 public:
  explicit BillingSettingsRepository(SqlConnection& connection) : sql_(connection) {}
  // The settings (defaults when never set).
  Result<BillingSettings> get();
  Status put(const BillingSettings& settings);
  // A client's settings (standard treatment, provider's terms when never set).
  Result<ClientBilling> client(ClientId client);
  Status put_client(const ClientBilling& billing);

 private:
  Sql sql_;
};

}  // namespace tend::store
