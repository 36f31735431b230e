// Use cases of billing: the billing run, the life of an invoice (issue,
// send, credit note), payments with their allocation, AR ageing and the
// client statement. The pure rules are core/billing.h, core/invoice.h and
// core/receivables.h; docs/billing-rules.md states them with examples and
// says what this layer adds.
//
// Rules kept here:
// * A run bills each client under its own savepoint inside a batch's write
//   transaction (a batch: up to 256 clients or 200 ms, then it commits): it
//   deletes the client's draft of the same period (releasing what it
//   billed), rates the client's work (app/work_rating.h), builds the draft
//   from core/billing.h and marks what it billed (time entries, part and
//   service usages as invoiced, block purchases with their line). The
//   savepoint is released only when the draft is complete, and a failing
//   client is rolled back to it alone. A crash rolls back the whole open
//   batch: each client's draft is whole or absent, and a second run finds
//   the committed ones unchanged. Items already on another invoice (an issued one, or a draft of
//   another period) are skipped: their item keys are looked up, and the
//   UNIQUE line_key index is the backstop. A draft of the period is first
//   rebuilt in memory as if released (app/work_rating.h
//   charge_open_work_as_if_released); when that gives exactly its lines,
//   nothing is written ("unchanged").
// * A dry run does all of that and rolls back.
// * Issuing assigns the next gapless number of the issue year in the same
//   transaction. An issued invoice is immutable: every attempt to change or
//   delete it, or to issue it again, is refused with a conflict and written
//   to the audit trail ("invoice.change_refused").
// * Portal users read only their own client's issued invoices and
//   statement; anything else is not_found for them. Staff roles are
//   declared on the routes.
//
// Thread-safe (stateless besides the context).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/accounting_export.h"
#include "core/billing.h"
#include "core/paging.h"
#include "core/receivables.h"
#include "core/users.h"
#include "store/store.h"

namespace tend {

// What to bill.
struct BillingRunRequest {
  std::string period;  // "2026-11" or "2026-11-01..2026-11-15"
  ClientId client;     // invalid: every client that is not archived (or `clients`)
  bool dry_run = false;
  // The day devices are counted for per-device fees; default: today in the
  // provider's time zone, moved into the period when outside it.
  std::optional<CivilDate> billing_date;
  // When not empty (and `client` is invalid): exactly these clients, in id
  // order; the CLI bills in slices of these to show progress.
  std::vector<ClientId> clients;
};

// What the run did for one client.
struct BillingRunClient {
  ClientId client_id;
  std::string client_name;
  // created, replaced (a draft of the period was regenerated), unchanged,
  // nothing_to_bill, failed.
  std::string outcome;
  std::optional<store::InvoiceRecord> invoice;  // the draft (or what it would be)
  std::vector<InvoiceId> replaced;              // drafts deleted (replaced)
  std::optional<Error> error;                   // failed: why (nothing was written)
};

struct BillingRunResult {
  BillingPeriod period;
  std::string period_text;
  CivilDate billing_date{};
  bool dry_run = false;
  std::vector<BillingRunClient> clients;  // every client looked at (nothing_to_bill included)
};

// An invoice with what has happened to it since it was issued.
struct InvoiceView {
  store::InvoiceRecord invoice;
  Money paid = Money::zero(Currency::eur());      // allocated payments
  Money credited = Money::zero(Currency::eur());  // issued credit notes (<= 0)
  Money open = Money::zero(Currency::eur());      // total - paid + credited (0 for drafts and credit notes)
  std::vector<store::InvoicePayment> payments;
  std::vector<store::InvoiceRecord> credit_notes;  // headers
};

// An invoice or credit note as a PDF file to download.
struct InvoicePdf {
  std::string filename;  // "invoice-2026-000123.pdf" (app/invoice_pdf.h invoice_pdf_filename)
  std::string bytes;     // the PDF
};

// AR ageing as of a day, with the clients' names.
struct AgeingReport {
  CivilDate as_of{};
  std::vector<ClientAgeing> clients;
  std::vector<std::string> client_names;  // parallel to clients
  std::vector<ClientAgeing> totals;       // per currency (client_id invalid)
};

// One client's account: every issued invoice and credit note with what is
// open, every payment, and the balance.
struct ClientStatement {
  ClientId client_id;
  std::string client_name;
  Currency currency = Currency::eur();
  CivilDate as_of{};
  struct Entry {
    CivilDate on{};
    std::string kind;  // invoice, credit_note, payment
    int64_t id = 0;
    std::string reference;  // the number, or the payment's reference
    std::optional<CivilDate> due_on;
    Money amount = Money::zero(Currency::eur());   // + invoices, - credit notes and payments
    Money balance = Money::zero(Currency::eur());  // running
    Money open = Money::zero(Currency::eur());     // invoices: still open
  };
  std::vector<Entry> entries;                        // by date, invoices before payments on a day
  Money balance = Money::zero(Currency::eur());      // what the client owes (negative: credit)
  Money unallocated = Money::zero(Currency::eur());  // payments not allocated to an invoice
  ClientAgeing ageing;
};

class BillingService {
 public:
  explicit BillingService(AppContext context) : context_(context) {}

  // The billing run (see file comment). invalid_input for a bad period;
  // not_found for an unknown client. A client whose items cannot be billed
  // (unpriced work) is reported as failed and the others go on; when a
  // batch cannot commit, its clients are reported as failed. An error of
  // the database itself (a savepoint that cannot be rolled back) ends the
  // run with that error; the batches committed before stay.
  Result<BillingRunResult> run(const Principal& caller, const BillingRunRequest& request);

  Result<Page<store::InvoiceRecord>> list(const Principal& caller, store::InvoiceFilter filter,
                                          const PageRequest& page);
  Result<InvoiceView> get(const Principal& caller, InvoiceId id);
  // The invoice as a PDF (app/invoice_pdf.h): the invoice, the provider and
  // the client are read in one read transaction and rendered after it.
  // Visible as for get(): portal users only their own client's issued
  // invoices (not_found for anything else, drafts included); internal when
  // rendering fails.
  Result<InvoicePdf> pdf(const Principal& caller, InvoiceId id);
  // Changes a draft: {"notes"}. An issued invoice: conflict, audited.
  Result<InvoiceView> update(const Principal& caller, InvoiceId id, const nlohmann::json& body);
  // Adds a line by hand to a draft invoice (not a credit note): {"description",
  // "quantity"? (decimal > 0, default 1), "unit"? (default "pcs"),
  // "unit_price" (negative for a discount), "tax_category_id"?}; taxed by
  // the category and the client's treatment. Such lines survive
  // regeneration by a later run. An issued invoice: conflict, audited;
  // invalid_input for bad fields or a negative total.
  Result<InvoiceView> add_line(const Principal& caller, InvoiceId id, const nlohmann::json& body);
  // Removes a line added by hand (position 1..n) from a draft; the later
  // lines move up. conflict for a billed line (delete the draft instead) or
  // an issued invoice (audited); not_found for no such position.
  Result<InvoiceView> remove_line(const Principal& caller, InvoiceId id, int64_t position);
  // Deletes a draft and releases what it billed. An issued invoice:
  // conflict, audited.
  Status remove(const Principal& caller, InvoiceId id);
  // Issues a draft on `issued_on` (default: today in the provider's time
  // zone) with the next number of that day's year and the client's payment
  // terms. Issuing a credit note re-checks what is left to credit and
  // settles the original. conflict when not a draft (audited);
  // invalid_input (field issued_on) for a day after today, before the last
  // issue date numbered in its year (numbers follow dates) or, for a credit
  // note, before the invoice it credits; invalid_input from core/invoice.h
  // issue_invoice.
  Result<InvoiceView> issue(const Principal& caller, InvoiceId id, std::optional<CivilDate> issued_on = {});
  // Records that an issued invoice was sent (issued -> sent; a paid or
  // partly paid one keeps its status). conflict for a draft.
  Result<InvoiceView> mark_sent(const Principal& caller, InvoiceId id);
  // A draft credit note for an issued invoice: {"lines": [{"position": 1,
  // "quantity": "2"}]?, "notes"?}; without lines the whole invoice.
  Result<InvoiceView> credit_note(const Principal& caller, InvoiceId id, const nlohmann::json& body);

  // Records a payment: {"client_id", "amount", "received_on", "method",
  // "reference"?, "notes"?, "allocations"?: [{"invoice_id", "amount"}]};
  // without allocations, oldest first. Settles the invoices it pays.
  Result<store::PaymentRecord> add_payment(const Principal& caller, const nlohmann::json& body);
  Result<store::PaymentRecord> get_payment(const Principal& caller, PaymentId id);
  Result<Page<store::PaymentRecord>> list_payments(const Principal& caller, store::PaymentFilter filter,
                                                   const PageRequest& page);

  // AR ageing of every client as of `as_of` (default today).
  Result<AgeingReport> ageing(const Principal& caller, std::optional<CivilDate> as_of);
  // A client's statement as of `as_of` (default today).
  Result<ClientStatement> statement(const Principal& caller, ClientId client, std::optional<CivilDate> as_of);

  // The accounting export of a period ("2026-11" or a range, like a run):
  // every issued invoice and credit note whose issue date is in it, one CSV
  // row per line, as core/accounting_export.h builds it with the
  // [export] options of the configuration. Staff only (portal users get
  // forbidden); invalid_input (field "period") for a bad period.
  Result<std::string> export_csv(const Principal& caller, ExportFormat format, const std::string& period);

  // The provider's billing settings: {"fee_tax_category_id"}.
  Result<store::BillingSettings> settings(const Principal& caller);
  Result<store::BillingSettings> update_settings(const Principal& caller, const nlohmann::json& body);
  // A client's billing settings: {"tax_treatment", "payment_terms_days"}.
  Result<store::ClientBilling> client_billing(const Principal& caller, ClientId client);
  Result<store::ClientBilling> update_client_billing(const Principal& caller, ClientId client,
                                                     const nlohmann::json& body);

 private:
  struct RunShared;
  // Builds one client's draft inside the batch's transaction (the caller
  // holds a savepoint around it). `keep`: whether what it wrote is to be
  // kept (false for unchanged, dry runs and nothing written).
  Result<BillingRunClient> bill_client(store::Transaction& tx, const RunShared& shared, const Principal& caller,
                                       ClientId client, const BillingPeriod& period, const std::string& period_text,
                                       bool dry_run, bool& keep);
  // Runs `change(tx, invoice)` on the draft `id` the caller sees, in one
  // write transaction. When the invoice is not a draft nothing is written
  // and the attempt is refused and audited (refuse_change) as `attempt`.
  template <class T, class Change>
  Result<T> change_draft(const Principal& caller, InvoiceId id, std::string_view attempt, Change change);
  // Writes the refused attempt to the audit trail and returns the conflict.
  Error refuse_change(const Principal& caller, const store::InvoiceRecord& invoice, std::string_view attempt);
  AppContext context_;
};

// Applies a client's billing settings {"tax_treatment"?: "standard" |
// "reverse_charge" | "exempt", "payment_terms_days"?: 0-365 or null (the
// provider's)} to `billing` (the API's body and the import's "billing" of a
// client). invalid_input with field errors; unknown fields are errors.
Status apply_client_billing(store::ClientBilling& billing, const nlohmann::json& body);

// JSON of billing (API, CLI, audit). Money as decimal strings next to
// "currency", like app/work_codec.h.
nlohmann::json to_json(const store::InvoiceRecord& invoice, bool with_lines);
nlohmann::json to_json(const InvoiceView& view);
nlohmann::json to_json(const BillingRunResult& result);
nlohmann::json to_json(const store::PaymentRecord& payment);
nlohmann::json to_json(const AgeingReport& report);
nlohmann::json to_json(const ClientStatement& statement);
nlohmann::json to_json(const store::BillingSettings& settings);
nlohmann::json to_json(const store::ClientBilling& billing);

}  // namespace tend
