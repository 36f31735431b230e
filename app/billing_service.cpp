#include "app/billing_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "app/audit.h"
#include "app/invoice_pdf.h"
#include "app/json_codec.h"
#include "app/work_codec.h"
#include "app/work_rating.h"

namespace tend {
namespace {

using nlohmann::json;
using store::InvoiceRecord;
using store::Transaction;

const CivilDate kEarliest = CivilDate(std::chrono::year(1900) / 1 / 1);

std::string provider_zone(Transaction& tx) {
  auto provider = tx.provider().get();
  return provider ? provider->time_zone : "Europe/Amsterdam";
}

Result<CivilDate> today(Transaction& tx, Instant now) { return local_date(now, provider_zone(tx)); }

int year_of(CivilDate day) { return static_cast<int>(std::chrono::year_month_day(day).year()); }

std::string actor_name(const Principal& p) { return p.email.empty() ? "cli" : p.email; }

// The payment terms of a client: its own, else the provider's.
Result<int> payment_terms(Transaction& tx, ClientId client) {
  auto billing = TEND_TRY(tx.billing_settings().client(client));
  if (billing.payment_terms_days) return *billing.payment_terms_days;
  auto provider = tx.provider().get();
  return provider ? provider->payment_terms_days : 14;
}

// An invoice the caller may see: portal users only their own client's
// issued ones.
Result<InvoiceRecord> visible_invoice(Transaction& tx, const Principal& caller, InvoiceId id) {
  auto invoice = tx.invoices().get(id);
  if (!invoice) return std::unexpected(invoice.error());
  if (!caller.can_see_client(invoice->client_id) ||
      (caller.is_portal() && invoice->status == InvoiceStatus::draft)) {
    return std::unexpected(Error::not_found("invoice not found"));
  }
  return invoice;
}

Result<InvoiceView> view_of(Transaction& tx, InvoiceRecord invoice) {
  InvoiceView v;
  const Currency currency = invoice.currency;
  v.paid = TEND_TRY(tx.invoices().allocated(invoice.id, currency));
  v.credited = TEND_TRY(tx.invoices().credited(invoice.id, currency));
  v.open = Money::zero(currency);
  if (invoice.kind == InvoiceKind::invoice && invoice.status != InvoiceStatus::draft) {
    v.open = invoice.totals.total - v.paid + v.credited;
  }
  v.payments = TEND_TRY(tx.payments().for_invoice(invoice.id));
  if (invoice.kind == InvoiceKind::invoice) {
    store::InvoiceFilter filter;
    filter.client = invoice.client_id;
    filter.kind = InvoiceKind::credit_note;
    auto page = TEND_TRY(make_page_request(200, "id", "", {"id"}, "id"));
    for (auto& note : TEND_TRY(tx.invoices().list(filter, page)).items) {
      if (note.credited_invoice_id == invoice.id) v.credit_notes.push_back(std::move(note));
    }
  }
  v.invoice = std::move(invoice);
  return v;
}

// Brings an issued invoice's status in line with what is open.
Status settle(Transaction& tx, InvoiceId id, Instant now) {
  InvoiceRecord invoice = TEND_TRY(tx.invoices().get(id));
  if (invoice.kind != InvoiceKind::invoice || invoice.status == InvoiceStatus::draft) return {};
  Money open = invoice.totals.total - TEND_TRY(tx.invoices().allocated(id, invoice.currency)) +
               TEND_TRY(tx.invoices().credited(id, invoice.currency));
  InvoiceStatus next = status_after_settlement(invoice.status, invoice.totals.total, open);
  if (next == invoice.status) return {};
  invoice.status = next;
  invoice.updated_at = now;
  return tx.invoices().update_header(invoice);
}

// The tax of a line from a category, for the client's treatment.
class TaxLookup {
 public:
  static Result<TaxLookup> load(Transaction& tx, TaxTreatment treatment) {
    TaxLookup out;
    out.treatment_ = treatment;
    for (auto& c : TEND_TRY(tx.tax_categories().list())) out.categories_.emplace(c.id, std::move(c));
    return out;
  }
  // The same categories for another treatment.
  TaxLookup for_treatment(TaxTreatment treatment) const {
    TaxLookup out = *this;
    out.treatment_ = treatment;
    return out;
  }
  bool known(TaxCategoryId id) const { return categories_.count(id) > 0; }
  LineTax of(TaxCategoryId id) const {
    LineTax tax;
    auto found = categories_.find(id);
    if (found != categories_.end()) tax = {id, found->second.code, found->second.rate_percent};
    return effective_tax(tax, treatment_);
  }

 private:
  TaxTreatment treatment_ = TaxTreatment::standard;
  std::map<TaxCategoryId, TaxCategory> categories_;
};

std::string describe(const Error& e) {
  std::string out = e.message;
  for (const auto& f : e.fields) out += "; " + f.field + ": " + f.message;
  return out;
}

Result<Money> money_of(const json& value, Currency currency, const std::string& field, FieldErrors& errors) {
  if (value.is_number_integer()) return Money(currency, value.get<int64_t>() * currency.minor_per_major());
  if (!value.is_string()) {
    errors.add(field, "must be an amount as a string, e.g. \"95.00\"");
    return Money::zero(currency);
  }
  auto parsed = Money::parse(currency, value.get<std::string>());
  if (!parsed) errors.add(field, parsed.error().message);
  return parsed.value_or(Money::zero(currency));
}

}  // namespace

// ---- the billing run ----------------------------------------------------------------------------------

namespace {

// A batch of clients shares one write transaction: it commits after this
// many clients or once it has been open this long, whichever comes first
// (bounded so that other writers never wait long for the single writer).
constexpr size_t kBatchClients = 256;
constexpr auto kBatchTime = std::chrono::milliseconds(200);

}  // namespace

// What every client of a batch uses, read once in the batch's transaction.
struct BillingService::RunShared {
  std::string zone;
  int provider_terms = 14;
  TaxLookup taxes;
  TaxCategoryId fee_tax_category;
  Instant devices_counted_before{};  // the end of the billing date in the provider's zone
};

Result<BillingRunResult> BillingService::run(const Principal& caller, const BillingRunRequest& request) {
  BillingRunResult result;
  result.period = TEND_TRY(BillingPeriod::parse(request.period));
  result.period_text = result.period.to_string();
  result.dry_run = request.dry_run;
  const Instant now = context_.clock.now();
  std::vector<ClientId> clients;
  TEND_CHECK(store::in_read_transaction(context_.store, [&](Transaction& tx) -> Status {
    CivilDate day = request.billing_date ? *request.billing_date : TEND_TRY(today(tx, now));
    result.billing_date = std::clamp(day, result.period.first_day, result.period.last_day);
    if (request.client.valid()) {
      auto client = tx.clients().get(request.client);
      if (!client) return std::unexpected(Error::invalid_field("client_id", "no such client"));
      clients.push_back(request.client);
      return {};
    }
    if (!request.clients.empty()) {
      FieldErrors unknown;
      for (size_t i = 0; i < request.clients.size(); ++i) {
        if (!request.clients[i].valid() || !tx.clients().get(request.clients[i])) {
          unknown.add("client_ids[" + std::to_string(i) + "]", "no such client");
        }
      }
      TEND_CHECK(std::move(unknown).status());
      clients = request.clients;
      std::sort(clients.begin(), clients.end());
      clients.erase(std::unique(clients.begin(), clients.end()), clients.end());
      return {};
    }
    store::ClientFilter filter;
    filter.archived = store::ArchiveFilter::active;
    std::string cursor;
    do {
      auto page = TEND_TRY(make_page_request(200, "created_at", cursor, {"created_at"}, "created_at"));
      auto listed = TEND_TRY(tx.clients().list(filter, page));
      for (const auto& c : listed.items) clients.push_back(c.id);
      cursor = listed.next_cursor;
    } while (!cursor.empty());
    std::sort(clients.begin(), clients.end());
    return {};
  }));

  size_t next = 0;
  while (next < clients.size()) {
    Transaction tx = TEND_TRY(context_.store.write());
    store::Sql sql(tx.connection());
    RunShared shared;
    shared.zone = provider_zone(tx);
    if (auto provider = tx.provider().get()) shared.provider_terms = provider->payment_terms_days;
    shared.taxes = TEND_TRY(TaxLookup::load(tx, TaxTreatment::standard));
    shared.fee_tax_category = TEND_TRY(tx.billing_settings().get()).fee_tax_category_id;
    shared.devices_counted_before =
        TEND_TRY(start_of_day(result.billing_date + std::chrono::days(1), shared.zone));
    const auto opened = std::chrono::steady_clock::now();
    const size_t first = result.clients.size();
    while (next < clients.size() && result.clients.size() - first < kBatchClients &&
           (result.clients.size() == first || std::chrono::steady_clock::now() - opened < kBatchTime)) {
      const ClientId client = clients[next++];
      // Each client is whole or absent: its savepoint is released only when
      // its draft was built completely (and something is to be kept).
      TEND_CHECK(sql.execute("SAVEPOINT billing_client"));
      bool keep = false;
      auto done = bill_client(tx, shared, caller, client, result.period, result.period_text, request.dry_run, keep);
      if (!done || !keep) TEND_CHECK(sql.execute("ROLLBACK TO billing_client"));
      TEND_CHECK(sql.execute("RELEASE billing_client"));
      if (done) {
        result.clients.push_back(std::move(*done));
        continue;
      }
      BillingRunClient failed;
      failed.client_id = client;
      failed.outcome = "failed";
      failed.error = done.error();
      if (auto c = tx.clients().get(client)) failed.client_name = c->name;
      result.clients.push_back(std::move(failed));
    }
    if (request.dry_run) continue;  // the transaction rolls back
    auto committed = tx.commit();
    if (!committed) {
      // Nothing of this batch was written: its clients failed.
      for (size_t i = first; i < result.clients.size(); ++i) {
        BillingRunClient& c = result.clients[i];
        if (c.outcome == "unchanged" || c.outcome == "failed" ||
            (c.outcome == "nothing_to_bill" && c.replaced.empty())) {
          continue;
        }
        c.outcome = "failed";
        c.invoice.reset();
        c.replaced.clear();
        c.error = committed.error();
      }
    }
  }
  return result;
}

namespace {

// What a client's draft is built from (besides its work's charges).
struct DraftInputs {
  ClientId client_id;
  Currency currency = Currency::eur();
  const BillingPeriod* period = nullptr;
  const std::vector<Contract>* contracts = nullptr;
  const std::set<std::string>* billed = nullptr;  // fee and block keys on another invoice (fee_keys_of)
  const TaxLookup* taxes = nullptr;              // with the client's treatment
  LineTax fee_tax;
  Instant devices_counted_before{};
  std::vector<InvoiceLine> manual;  // lines added by hand to the draft being regenerated
};

// The lines of a client's draft: in advance, managed fees per calendar month
// and block purchases; in arrears, approved work up to the period's last
// day as rated (`charges`); then the lines added by hand.
Result<std::vector<InvoiceLine>> draft_lines(Transaction& tx, const DraftInputs& in, const WorkCharges& charges) {
  std::vector<InvoiceLine> lines;
  const std::set<std::string>& billed = *in.billed;
  std::optional<DeviceCounts> devices;
  for (const Contract& contract : *in.contracts) {
    if (contract.kind == ContractKind::managed) {
      for (auto month : in.period->months()) {
        if (billed.count(contract_fee_key(contract.id, month))) continue;
        if (!devices) devices = TEND_TRY(tx.contracts().device_counts(in.client_id, in.devices_counted_before));
        for (auto& line : TEND_TRY(recurring_fee_lines(contract, month, *devices, in.fee_tax))) {
          lines.push_back(std::move(line));
        }
      }
    } else if (contract.kind == ContractKind::block_hours) {
      for (const HourBlock& block : blocks_to_bill(contract, *in.period)) {
        if (billed.count(billable_key(block.id))) continue;
        lines.push_back(TEND_TRY(block_purchase_line(contract, block, in.fee_tax)));
      }
    }
  }
  std::map<TicketId, std::string> labels;
  auto label_of = [&](TicketId id) -> Result<std::string> {
    auto found = labels.find(id);
    if (found != labels.end()) return found->second;
    auto [number, subject] = TEND_TRY(tx.tickets().number_and_subject(id));
    return labels.emplace(id, "#" + std::to_string(number) + " " + subject).first->second;
  };
  // Work is billed while approved: mark_billed moves it to invoiced, and
  // only deleting a draft moves it back.
  for (const auto& c : charges.time) {
    if (c.entry.status != WorkStatus::approved) continue;
    TimeToBill time{rating_entry(c.entry), c.charge,
                    c.work_type_name,         TEND_TRY(label_of(c.entry.ticket_id)),
                    c.contract_name,          in.taxes->of(c.tax_category_id)};
    auto line = time_line(time, in.currency);
    if (!line) {
      Error e = line.error();
      e.message = "time entry " + std::to_string(c.entry.id.value()) + ": " + describe(e);
      return std::unexpected(std::move(e));
    }
    if (*line) lines.push_back(std::move(**line));
  }
  for (const auto* uses : {&charges.parts, &charges.services}) {
    for (const auto& c : *uses) {
      if (c.status != WorkStatus::approved) continue;
      ItemToBill item{ItemUse{c.usage_id, c.item_id, c.name, c.kind, c.on, c.quantity, c.unit_price},
                      c.charge, TEND_TRY(label_of(c.ticket_id)), c.contract_name,
                      in.taxes->of(c.tax_category_id)};
      auto line = item_line(item, in.currency);
      if (!line) {
        Error e = line.error();
        e.message = std::string(c.kind == CatalogueKind::part ? "part usage " : "service usage ") +
                    std::to_string(c.usage_id) + ": " + describe(e);
        return std::unexpected(std::move(e));
      }
      if (*line) lines.push_back(std::move(**line));
    }
  }
  for (const InvoiceLine& line : in.manual) lines.push_back(line);
  return lines;
}

// The keys draft_lines looks up in its `billed` set: the period's monthly fee
// of each managed agreement and the blocks the period would bill.
std::vector<std::string> fee_keys_of(const std::vector<Contract>& contracts, const BillingPeriod& period) {
  std::vector<std::string> keys;
  for (const Contract& contract : contracts) {
    if (contract.kind == ContractKind::managed) {
      for (auto month : period.months()) keys.push_back(contract_fee_key(contract.id, month));
    }
    for (const HourBlock& block : blocks_to_bill(contract, period)) keys.push_back(billable_key(block.id));
  }
  return keys;
}

// The lines added by hand to `draft`.
std::vector<InvoiceLine> manual_lines(const InvoiceRecord& draft) {
  std::vector<InvoiceLine> out;
  for (const InvoiceLine& line : draft.lines) {
    if (line.kind == LineKind::manual) out.push_back(line);
  }
  return out;
}

}  // namespace

Result<BillingRunClient> BillingService::bill_client(Transaction& tx, const RunShared& shared,
                                                     const Principal& caller, ClientId client_id,
                                                     const BillingPeriod& period, const std::string& period_text,
                                                     bool dry_run, bool& keep) {
  const Instant now = context_.clock.now();
  BillingRunClient out;
  out.client_id = client_id;
  const Client client = TEND_TRY(tx.clients().get(client_id));
  out.client_name = client.name;
  const Currency currency = client.currency;
  const store::ClientBilling client_billing = TEND_TRY(tx.billing_settings().client(client_id));
  const TaxLookup taxes = shared.taxes.for_treatment(client_billing.tax_treatment);
  DraftInputs inputs;
  inputs.client_id = client_id;
  inputs.currency = currency;
  inputs.period = &period;
  inputs.taxes = &taxes;
  inputs.fee_tax = taxes.of(shared.fee_tax_category);
  inputs.devices_counted_before = shared.devices_counted_before;

  const std::vector<InvoiceId> drafts = TEND_TRY(tx.invoices().drafts_for_period(client_id, period_text));
  std::vector<InvoiceRecord> old;
  for (InvoiceId id : drafts) old.push_back(TEND_TRY(tx.invoices().get(id)));
  if (old.size() == 1) {
    // A draft of this period: first what it would become once released,
    // worked out without writing; the same lines leave it as it is.
    const ReleasedDraft released = ReleasedDraft::of(old[0]);
    std::vector<Contract> contracts = TEND_TRY(tx.contracts().for_client(client_id));
    release_blocks(contracts, released);
    const WorkCharges charges =
        TEND_TRY(charge_open_work_as_if_released(tx, client_id, contracts, released, period.last_day));
    const std::set<std::string> billed =
        TEND_TRY(tx.invoices().billed_fee_keys(fee_keys_of(contracts, period), old[0].id));
    inputs.contracts = &contracts;
    inputs.billed = &billed;
    inputs.manual = manual_lines(old[0]);
    std::vector<InvoiceLine> lines = TEND_TRY(draft_lines(tx, inputs, charges));
    // (No lines: the regeneration below deletes the draft.) Equal lines
    // add up to equal totals.
    if (!lines.empty() && lines == old[0].lines) {
      out.outcome = "unchanged";
      out.invoice = std::move(old[0]);
      return out;
    }
  }

  // Regenerating: the drafts of this period go first, freeing their items.
  inputs.manual.clear();
  for (const InvoiceRecord& draft : old) {
    TEND_CHECK(tx.invoices().delete_draft(draft.id));
    out.replaced.push_back(draft.id);
    for (InvoiceLine& line : manual_lines(draft)) inputs.manual.push_back(std::move(line));
  }
  std::vector<Contract> contracts = TEND_TRY(tx.contracts().for_client(client_id));
  // In arrears: the client's open work rated once (this also refreshes the
  // stored rating, as every change to work does).
  const WorkCharges charges =
      TEND_TRY(refresh_and_charge_open_work(tx, client_id, contracts, caller, now, period.last_day));
  const std::set<std::string> billed = TEND_TRY(tx.invoices().billed_fee_keys(fee_keys_of(contracts, period)));
  inputs.contracts = &contracts;
  inputs.billed = &billed;
  std::vector<InvoiceLine> lines = TEND_TRY(draft_lines(tx, inputs, charges));

  if (lines.empty()) {
    out.outcome = "nothing_to_bill";
    keep = !dry_run && !old.empty();
    return out;
  }
  InvoiceRecord invoice;
  invoice.client_id = client_id;
  invoice.client_name = client.name;
  invoice.currency = currency;
  invoice.payment_terms_days = client_billing.payment_terms_days.value_or(shared.provider_terms);
  invoice.period = period_text;
  invoice.period_from = period.first_day;
  invoice.period_to = period.last_day;
  invoice.created_by = actor_name(caller);
  invoice.created_at = invoice.updated_at = now;
  invoice.lines = std::move(lines);
  // The builders of core/billing.h priced each line; manual lines were
  // priced when added.
  invoice.totals = TEND_TRY(add_up_priced_lines(currency, invoice.lines));

  if (old.size() == 1 && old[0].lines == invoice.lines) {
    // Nothing changed after all: keep the draft as it is (the savepoint
    // rolls back).
    out.outcome = "unchanged";
    out.replaced.clear();
    out.invoice = std::move(old[0]);
    return out;
  }
  TEND_CHECK(tx.invoices().insert(invoice));
  // Time entries, part and service usages invoiced, blocks with their line.
  TEND_CHECK(tx.invoices().mark_billed(invoice.id, now));
  json replaced = json::array();
  for (InvoiceId id : out.replaced) replaced.push_back(id.value());
  TEND_CHECK(
      tx.audit().append(audit_event(caller, now, "invoice.drafted", "invoice", invoice.id.value(), client_id,
                                    {{"period", period_text},
                                     {"lines", static_cast<int64_t>(invoice.lines.size())},
                                     {"total", money_text(invoice.totals.total)},
                                     {"currency", std::string(currency.code())},
                                     {"replaced", replaced}})));
  out.outcome = old.empty() ? "created" : "replaced";
  if (dry_run) {
    invoice.id = InvoiceId();
    invoice.line_ids.clear();
  } else {
    keep = true;
  }
  out.invoice = std::move(invoice);
  return out;
}

// ---- invoices ---------------------------------------------------------------------------------------------

Result<Page<InvoiceRecord>> BillingService::list(const Principal& caller, store::InvoiceFilter filter,
                                                 const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<InvoiceRecord>{};
    filter.client = caller.client_id;
    filter.issued_only = true;
  }
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.invoices().list(filter, page); });
}

Result<InvoiceView> BillingService::get(const Principal& caller, InvoiceId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<InvoiceView> {
    return view_of(tx, TEND_TRY(visible_invoice(tx, caller, id)));
  });
}

Result<InvoicePdf> BillingService::pdf(const Principal& caller, InvoiceId id) {
  auto document = store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<InvoiceDocument> {
    InvoiceRecord record = TEND_TRY(visible_invoice(tx, caller, id));
    InvoiceDocument d;
    d.provider = TEND_TRY(tx.provider().get());
    if (auto logo = TEND_TRY(tx.provider().logo())) d.logo_png = std::move(logo->png);
    d.client = TEND_TRY(tx.clients().get(record.client_id));
    d.period_from = record.period_from;
    d.period_to = record.period_to;
    d.notes = record.notes;
    d.invoice = static_cast<Invoice&&>(std::move(record));
    return d;
  });
  if (!document) return std::unexpected(document.error());
  InvoicePdf file;
  file.filename = invoice_pdf_filename(document->invoice);
  file.bytes = TEND_TRY(render_invoice_pdf(*document));
  return file;
}

Error BillingService::refuse_change(const Principal& caller, const InvoiceRecord& invoice,
                                    std::string_view attempt) {
  const Instant now = context_.clock.now();
  auto logged = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
    return tx.audit().append(audit_event(caller, now, "invoice.change_refused", "invoice", invoice.id.value(),
                                         invoice.client_id,
                                         {{"attempt", std::string(attempt)},
                                          {"number", invoice.number},
                                          {"status", to_string(invoice.status)}}));
  });
  Status refused = check_editable(invoice.status, invoice.number);
  Error error = refused ? Error::conflict("invoice cannot be changed") : refused.error();
  if (!logged) error.message += " (and the attempt could not be recorded: " + logged.error().message + ")";
  return error;
}

template <class T, class Change>
Result<T> BillingService::change_draft(const Principal& caller, InvoiceId id, std::string_view attempt,
                                       Change change) {
  std::optional<InvoiceRecord> refused;
  auto result = store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<T> {
    InvoiceRecord invoice = TEND_TRY(visible_invoice(tx, caller, id));
    if (invoice.status != InvoiceStatus::draft) {
      refused = invoice;
      return std::unexpected(Error::conflict("issued"));
    }
    return change(tx, invoice);
  });
  if (refused) return std::unexpected(refuse_change(caller, *refused, attempt));
  return result;
}

Result<InvoiceView> BillingService::update(const Principal& caller, InvoiceId id, const json& body) {
  const Instant now = context_.clock.now();
  return change_draft<InvoiceView>(caller, id, "update",
                                   [&](Transaction& tx, InvoiceRecord& invoice) -> Result<InvoiceView> {
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"notes"});
    const std::string before = invoice.notes;
    reader.text("notes", invoice.notes);
    if (invoice.notes.size() > 2000) errors.add("notes", "must be at most 2000 characters");
    TEND_CHECK(std::move(errors).status());
    invoice.updated_at = now;
    TEND_CHECK(tx.invoices().update_header(invoice));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "invoice.updated", "invoice", id.value(),
                                             invoice.client_id, {{"notes", {before, invoice.notes}}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(id)));
  });
}

Status BillingService::remove(const Principal& caller, InvoiceId id) {
  const Instant now = context_.clock.now();
  return change_draft<void>(caller, id, "delete",
                                   [&](Transaction& tx, InvoiceRecord& invoice) -> Status {
    TEND_CHECK(tx.invoices().delete_draft(id));
    TEND_CHECK(refresh_client_rating(tx, invoice.client_id, caller, now));
    return tx.audit().append(
        audit_event(caller, now, "invoice.draft_deleted", "invoice", id.value(), invoice.client_id,
                    {{"period", invoice.period}, {"total", money_text(invoice.totals.total)}}));
  });
}

Result<InvoiceView> BillingService::add_line(const Principal& caller, InvoiceId id, const json& body) {
  const Instant now = context_.clock.now();
  return change_draft<InvoiceView>(caller, id, "add a line",
                                   [&](Transaction& tx, InvoiceRecord& invoice) -> Result<InvoiceView> {
    if (invoice.kind != InvoiceKind::invoice) {
      return std::unexpected(Error::conflict("lines are added to draft invoices only"));
    }
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"description", "quantity", "unit", "unit_price", "tax_category_id"});
    InvoiceLine line;
    line.kind = LineKind::manual;
    reader.text("description", line.description);
    if (!body.contains("description")) errors.add("description", "is required");
    line.unit = "pcs";
    reader.text("unit", line.unit);
    if (body.contains("quantity")) {
      const json& q = body["quantity"];
      auto parsed = q.is_string() ? Rational::parse_decimal(q.get<std::string>())
                                  : q.is_number_integer() ? Result<Rational>(Rational{q.get<int64_t>(), 1})
                                                          : std::unexpected(Error::invalid("must be a number"));
      if (!parsed)
        errors.add("quantity", parsed.error().message);
      else if (parsed->numerator <= 0)
        errors.add("quantity", "must be more than 0");
      else
        line.quantity = *parsed;
    }
    if (body.contains("unit_price"))
      line.unit_price = TEND_TRY(money_of(body["unit_price"], invoice.currency, "unit_price", errors));
    else
      errors.add("unit_price", "is required, e.g. \"49.95\" (negative for a discount)");
    TaxCategoryId category;
    reader.id("tax_category_id", category);
    const store::ClientBilling client_billing = TEND_TRY(tx.billing_settings().client(invoice.client_id));
    const TaxLookup taxes = TEND_TRY(TaxLookup::load(tx, client_billing.tax_treatment));
    if (category.valid() && !taxes.known(category)) errors.add("tax_category_id", "no such tax category");
    line.tax = taxes.of(category);
    TEND_CHECK(std::move(errors).status());
    InvoiceLine priced = TEND_TRY(price_line(std::move(line), "line"));
    std::vector<InvoiceLine> lines = invoice.lines;
    lines.push_back(priced);
    invoice.totals = TEND_TRY(price_invoice(invoice.currency, lines));
    if (invoice.totals.total.is_negative()) {
      return std::unexpected(Error::invalid_field("unit_price", "would make the invoice's total negative"));
    }
    TEND_CHECK(tx.invoices().append_line(id, priced));
    invoice.updated_at = now;
    TEND_CHECK(tx.invoices().update_header(invoice));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "invoice.line_added", "invoice", id.value(),
                                             invoice.client_id,
                                             {{"position", lines.size()},
                                              {"description", priced.description},
                                              {"amount", money_text(priced.amount)}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(id)));
  });
}

Result<InvoiceView> BillingService::remove_line(const Principal& caller, InvoiceId id, int64_t position) {
  const Instant now = context_.clock.now();
  return change_draft<InvoiceView>(caller, id, "remove a line",
                                   [&](Transaction& tx, InvoiceRecord& invoice) -> Result<InvoiceView> {
    if (position < 1 || position > static_cast<int64_t>(invoice.lines.size())) {
      return std::unexpected(Error::not_found("invoice line"));
    }
    const InvoiceLine& line = invoice.lines[static_cast<size_t>(position - 1)];
    if (line.kind != LineKind::manual) {
      return std::unexpected(
          Error::conflict("only lines added by hand are removed; billed work leaves a draft when the draft is "
                          "deleted (and the work changed)"));
    }
    const InvoiceLine removed = line;
    invoice.lines.erase(invoice.lines.begin() + (position - 1));
    invoice.totals = TEND_TRY(price_invoice(invoice.currency, invoice.lines));
    TEND_CHECK(tx.invoices().remove_line(id, position));
    invoice.updated_at = now;
    TEND_CHECK(tx.invoices().update_header(invoice));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "invoice.line_removed", "invoice", id.value(),
                                             invoice.client_id,
                                             {{"position", position},
                                              {"description", removed.description},
                                              {"amount", money_text(removed.amount)}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(id)));
  });
}

Result<InvoiceView> BillingService::issue(const Principal& caller, InvoiceId id,
                                          std::optional<CivilDate> issued_on) {
  const Instant now = context_.clock.now();
  return change_draft<InvoiceView>(caller, id, "issue",
                                   [&](Transaction& tx, InvoiceRecord& invoice) -> Result<InvoiceView> {
    const CivilDate this_day = TEND_TRY(today(tx, now));
    const CivilDate issue_date = issued_on.value_or(this_day);
    if (issue_date > this_day) {
      return std::unexpected(Error::invalid_field("issued_on", "is after today (" + format_civil_date(this_day) + ")"));
    }
    // Numbers follow dates: a back-dated invoice may not come before the
    // last one numbered in its year.
    if (auto last_day = TEND_TRY(tx.invoices().last_issue_date(year_of(issue_date)));
        last_day && issue_date < *last_day) {
      return std::unexpected(Error::invalid_field(
          "issued_on", "is before " + format_civil_date(*last_day) +
                           ", the issue date of the last number of its year (numbers follow dates)"));
    }
    if (invoice.kind == InvoiceKind::credit_note) {
      InvoiceRecord original = TEND_TRY(tx.invoices().get(invoice.credited_invoice_id));
      if (original.issued_on && issue_date < *original.issued_on) {
        return std::unexpected(Error::invalid_field(
            "issued_on",
            "is before " + format_civil_date(*original.issued_on) + ", the issue date of the invoice it credits"));
      }
      Money already = TEND_TRY(tx.invoices().credited(original.id, original.currency));
      TEND_TRY(make_credit_note(original, invoice.lines, already));  // still within what is left
    } else {
      invoice.payment_terms_days = TEND_TRY(payment_terms(tx, invoice.client_id));
    }
    auto last = TEND_TRY(tx.invoices().last_number(year_of(issue_date)));
    IssuedInvoice issued = TEND_TRY(issue_invoice(invoice, issue_date, last));
    invoice.status = issued.status;
    invoice.number = issued.number_text;
    invoice.issued_on = issued.issued_on;
    invoice.due_on = issued.due_on;
    invoice.totals = issued.totals;
    invoice.issued_at = now;
    invoice.updated_at = now;
    TEND_CHECK(tx.invoices().update_header(invoice));
    if (invoice.kind == InvoiceKind::credit_note) TEND_CHECK(settle(tx, invoice.credited_invoice_id, now));
    TEND_CHECK(
        tx.audit().append(audit_event(caller, now, "invoice.issued", "invoice", id.value(), invoice.client_id,
                                      {{"number", invoice.number},
                                       {"kind", to_string(invoice.kind)},
                                       {"issued_on", format_civil_date(issue_date)},
                                       {"total", money_text(invoice.totals.total)},
                                       {"currency", std::string(invoice.currency.code())}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(id)));
  });
}

Result<InvoiceView> BillingService::mark_sent(const Principal& caller, InvoiceId id) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<InvoiceView> {
    InvoiceRecord invoice = TEND_TRY(visible_invoice(tx, caller, id));
    if (invoice.status == InvoiceStatus::draft) {
      return std::unexpected(Error::conflict("the invoice is a draft: issue it before sending it"));
    }
    if (invoice.status == InvoiceStatus::issued || invoice.status == InvoiceStatus::sent) {
      TEND_CHECK(check_transition(invoice.status, InvoiceStatus::sent));
      invoice.status = InvoiceStatus::sent;
    }
    invoice.sent_at = now;
    invoice.updated_at = now;
    TEND_CHECK(tx.invoices().update_header(invoice));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "invoice.sent", "invoice", id.value(),
                                             invoice.client_id, {{"number", invoice.number}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(id)));
  });
}

Result<InvoiceView> BillingService::credit_note(const Principal& caller, InvoiceId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<InvoiceView> {
    InvoiceRecord original = TEND_TRY(visible_invoice(tx, caller, id));
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"lines", "notes"});
    std::string notes;
    reader.text("notes", notes);
    std::vector<InvoiceLine> full = full_credit_lines(original);
    std::vector<InvoiceLine> lines;
    if (body.contains("lines")) {
      const json& wanted = body["lines"];
      if (!wanted.is_array() || wanted.empty()) {
        errors.add("lines", "must be a non-empty array of {\"position\", \"quantity\"?}");
      } else {
        for (size_t i = 0; i < wanted.size(); ++i) {
          const std::string field = "lines[" + std::to_string(i) + "]";
          const json& w = wanted[i];
          if (!w.is_object() || !w.contains("position") || !w["position"].is_number_integer()) {
            errors.add(field + ".position", "is required: the position of the line to credit (1 = first)");
            continue;
          }
          const int64_t position = w["position"].get<int64_t>();
          if (position < 1 || position > static_cast<int64_t>(full.size())) {
            errors.add(field + ".position", "the invoice has no line " + std::to_string(position));
            continue;
          }
          InvoiceLine line = full[static_cast<size_t>(position - 1)];
          if (w.contains("quantity")) {
            auto q = w["quantity"].is_string() ? Rational::parse_decimal(w["quantity"].get<std::string>())
                                               : Result<Rational>(std::unexpected(Error::invalid("")));
            const Rational invoiced = original.lines[static_cast<size_t>(position - 1)].quantity;
            const Rational magnitude =
                invoiced < Rational{0, 1} ? Rational{-invoiced.numerator, invoiced.denominator} : invoiced;
            if (!q || *q <= Rational{0, 1} || magnitude < *q) {
              errors.add(field + ".quantity",
                         "must be a decimal string above 0 and at most " + magnitude.to_string());
              continue;
            }
            line.quantity = invoiced < Rational{0, 1} ? *q : Rational{-q->numerator, q->denominator};
          }
          lines.push_back(std::move(line));
        }
      }
    } else {
      lines = std::move(full);
    }
    TEND_CHECK(std::move(errors).status());
    Money already = TEND_TRY(tx.invoices().credited(original.id, original.currency));
    Invoice note = TEND_TRY(make_credit_note(original, std::move(lines), already));
    InvoiceRecord record;
    static_cast<Invoice&>(record) = std::move(note);
    record.kind = InvoiceKind::credit_note;
    record.status = InvoiceStatus::draft;
    record.client_id = original.client_id;
    record.currency = original.currency;
    record.credited_invoice_id = original.id;
    record.payment_terms_days = 0;
    record.notes = notes;
    record.created_by = actor_name(caller);
    record.created_at = record.updated_at = now;
    TEND_CHECK(tx.invoices().insert(record));
    TEND_CHECK(tx.audit().append(audit_event(
        caller, now, "invoice.credit_note_drafted", "invoice", record.id.value(), record.client_id,
        {{"credits", original.number}, {"total", money_text(record.totals.total)}})));
    return view_of(tx, TEND_TRY(tx.invoices().get(record.id)));
  });
}

// ---- payments ---------------------------------------------------------------------------------------------

Result<store::PaymentRecord> BillingService::add_payment(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<store::PaymentRecord> {
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"client_id", "amount", "received_on", "method", "reference", "notes", "allocations"});
    store::PaymentRecord p;
    reader.id("client_id", p.client_id);
    if (!p.client_id.valid()) return std::unexpected(Error::invalid_field("client_id", "is required"));
    auto client = tx.clients().get(p.client_id);
    if (!client) return std::unexpected(Error::invalid_field("client_id", "no such client"));
    const Currency currency = client->currency;
    p.amount = Money::zero(currency);
    if (body.contains("amount"))
      p.amount = TEND_TRY(money_of(body["amount"], currency, "amount", errors));
    else
      errors.add("amount", "is required");
    if (body.contains("received_on") && body["received_on"].is_string()) {
      auto day = parse_civil_date(body["received_on"].get<std::string>());
      if (day)
        p.received_on = *day;
      else
        errors.add("received_on", day.error().message);
    } else if (body.contains("received_on")) {
      errors.add("received_on", "must be a date, e.g. \"2026-12-01\"");
    } else {
      p.received_on = TEND_TRY(today(tx, now));
    }
    std::string method = "bank_transfer";
    reader.text("method", method);
    if (auto parsed = parse_payment_method(method))
      p.method = *parsed;
    else
      errors.add("method", parsed.error().message);
    reader.text("reference", p.reference);
    reader.text("notes", p.notes);
    std::vector<Allocation> requested;
    if (body.contains("allocations")) {
      const json& list = body["allocations"];
      if (!list.is_array()) {
        errors.add("allocations", "must be an array of {\"invoice_id\", \"amount\"}");
      } else {
        for (size_t i = 0; i < list.size(); ++i) {
          const std::string field = "allocations[" + std::to_string(i) + "]";
          if (!list[i].is_object() || !list[i].contains("invoice_id") ||
              !list[i]["invoice_id"].is_number_integer()) {
            errors.add(field + ".invoice_id", "is required");
            continue;
          }
          if (!list[i].contains("amount")) {
            errors.add(field + ".amount", "is required");
            continue;
          }
          requested.push_back({InvoiceId(list[i]["invoice_id"].get<int64_t>()),
                               TEND_TRY(money_of(list[i]["amount"], currency, field + ".amount", errors))});
        }
      }
    }
    TEND_CHECK(std::move(errors).status());
    TEND_CHECK(validate(p, currency));
    std::vector<OpenInvoice> open;
    for (auto& o : TEND_TRY(tx.invoices().open_invoices(p.client_id))) {
      if (o.open.currency() == currency) open.push_back(std::move(o));
    }
    PaymentAllocation allocation = body.contains("allocations")
                                       ? TEND_TRY(allocate_explicitly(p.amount, open, requested))
                                       : TEND_TRY(allocate_oldest_first(p.amount, open));
    p.allocations = allocation.allocations;
    p.unallocated = allocation.unallocated;
    p.created_by = actor_name(caller);
    p.created_at = now;
    TEND_CHECK(tx.payments().insert(p));
    json allocated = json::array();
    for (const auto& a : p.allocations) {
      TEND_CHECK(settle(tx, a.invoice, now));
      allocated.push_back({{"invoice_id", a.invoice.value()}, {"amount", money_text(a.amount)}});
    }
    TEND_CHECK(
        tx.audit().append(audit_event(caller, now, "payment.recorded", "payment", p.id.value(), p.client_id,
                                      {{"amount", money_text(p.amount)},
                                       {"currency", std::string(currency.code())},
                                       {"received_on", format_civil_date(p.received_on)},
                                       {"method", to_string(p.method)},
                                       {"reference", p.reference},
                                       {"allocations", allocated},
                                       {"unallocated", money_text(p.unallocated)}})));
    return tx.payments().get(p.id);
  });
}

Result<store::PaymentRecord> BillingService::get_payment(const Principal& caller, PaymentId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<store::PaymentRecord> {
    auto p = TEND_TRY(tx.payments().get(id));
    if (!caller.can_see_client(p.client_id)) return std::unexpected(Error::not_found("payment not found"));
    return p;
  });
}

Result<std::string> BillingService::export_csv(const Principal& caller, ExportFormat format,
                                              const std::string& period_text) {
  if (caller.is_portal()) return std::unexpected(Error::forbidden("accounting exports are for staff"));
  const BillingPeriod period = TEND_TRY(BillingPeriod::parse(period_text));
  std::vector<ExportInvoice> rows;
  TEND_CHECK(store::in_read_transaction(context_.store, [&](Transaction& tx) -> Status {
    std::map<ClientId, Client> clients;
    for (InvoiceId id : TEND_TRY(tx.invoices().issued_between(period.first_day, period.last_day))) {
      InvoiceRecord invoice = TEND_TRY(tx.invoices().get(id));
      auto known = clients.find(invoice.client_id);
      if (known == clients.end()) {
        known = clients.emplace(invoice.client_id, TEND_TRY(tx.clients().get(invoice.client_id))).first;
      }
      ExportInvoice row;
      row.contact_name = known->second.name;
      row.email = known->second.email;
      row.address = known->second.address;
      row.credited_number = invoice.credited_number;
      row.invoice = std::move(static_cast<Invoice&>(invoice));
      rows.push_back(std::move(row));
    }
    return {};
  }));
  return export_file(format, rows, context_.config.exports);
}

Result<Page<store::PaymentRecord>> BillingService::list_payments(const Principal& caller,
                                                                 store::PaymentFilter filter,
                                                                 const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<store::PaymentRecord>{};
    filter.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.payments().list(filter, page); });
}

// ---- receivables ------------------------------------------------------------------------------------------

Result<AgeingReport> BillingService::ageing(const Principal& caller, std::optional<CivilDate> as_of) {
  const Instant now = context_.clock.now();
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<AgeingReport> {
    AgeingReport report;
    report.as_of = as_of ? *as_of : TEND_TRY(today(tx, now));
    auto open = TEND_TRY(tx.invoices().open_invoices(caller.is_portal() ? caller.client_id : ClientId()));
    report.clients = age_receivables(open, report.as_of);
    std::map<std::string, ClientAgeing> totals;
    for (const auto& c : report.clients) {
      auto client = tx.clients().get(c.client_id);
      report.client_names.push_back(client ? client->name : "");
      const std::string code(c.currency.code());
      auto found = totals.find(code);
      if (found == totals.end()) {
        ClientAgeing zero;
        zero.currency = c.currency;
        zero.total = Money::zero(c.currency);
        for (auto& b : zero.buckets) b = Money::zero(c.currency);
        found = totals.emplace(code, zero).first;
      }
      for (size_t i = 0; i < kAgeingBuckets; ++i) found->second.buckets[i] += c.buckets[i];
      found->second.total += c.total;
      found->second.invoices += c.invoices;
      found->second.oldest_days_overdue = std::max(found->second.oldest_days_overdue, c.oldest_days_overdue);
    }
    for (auto& [code, total] : totals) report.totals.push_back(total);
    return report;
  });
}

Result<ClientStatement> BillingService::statement(const Principal& caller, ClientId client_id,
                                                  std::optional<CivilDate> as_of) {
  const Instant now = context_.clock.now();
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<ClientStatement> {
    if (!caller.can_see_client(client_id)) return std::unexpected(Error::not_found("client not found"));
    const Client client = TEND_TRY(tx.clients().get(client_id));
    ClientStatement s;
    s.client_id = client_id;
    s.client_name = client.name;
    s.currency = client.currency;
    s.as_of = as_of ? *as_of : TEND_TRY(today(tx, now));
    s.balance = s.unallocated = Money::zero(client.currency);
    std::map<InvoiceId, Money> open;
    std::vector<OpenInvoice> open_list = TEND_TRY(tx.invoices().open_invoices(client_id));
    for (const auto& o : open_list) open.emplace(o.id, o.open);
    store::InvoiceFilter filter;
    filter.client = client_id;
    filter.issued_only = true;
    std::string cursor;
    do {
      auto page = TEND_TRY(make_page_request(200, "id", cursor, {"id"}, "id"));
      auto listed = TEND_TRY(tx.invoices().list(filter, page));
      for (const auto& i : listed.items) {
        if (!i.issued_on || *i.issued_on > s.as_of || i.currency != client.currency) continue;
        ClientStatement::Entry e;
        e.on = *i.issued_on;
        e.kind = to_string(i.kind);
        e.id = i.id.value();
        e.reference = i.number;
        e.due_on = i.due_on;
        e.amount = i.totals.total;
        auto found = open.find(i.id);
        e.open = found == open.end() ? Money::zero(client.currency) : found->second;
        s.entries.push_back(std::move(e));
      }
      cursor = listed.next_cursor;
    } while (!cursor.empty());
    for (const auto& p : TEND_TRY(tx.payments().for_client(client_id))) {
      if (p.received_on > s.as_of || p.amount.currency() != client.currency) continue;
      ClientStatement::Entry e;
      e.on = p.received_on;
      e.kind = "payment";
      e.id = p.id.value();
      e.reference = p.reference;
      e.amount = -p.amount;
      e.open = Money::zero(client.currency);
      s.unallocated += p.unallocated;
      s.entries.push_back(std::move(e));
    }
    auto rank = [](const std::string& kind) { return kind == "invoice" ? 0 : kind == "credit_note" ? 1 : 2; };
    std::stable_sort(s.entries.begin(), s.entries.end(), [&](const auto& a, const auto& b) {
      if (a.on != b.on) return a.on < b.on;
      if (rank(a.kind) != rank(b.kind)) return rank(a.kind) < rank(b.kind);
      return a.id < b.id;
    });
    for (auto& e : s.entries) {
      s.balance += e.amount;
      e.balance = s.balance;
    }
    auto aged = age_receivables(open_list, s.as_of);
    s.ageing.client_id = client_id;
    s.ageing.currency = client.currency;
    s.ageing.total = Money::zero(client.currency);
    for (auto& b : s.ageing.buckets) b = Money::zero(client.currency);
    for (const auto& a : aged) {
      if (a.currency == client.currency) s.ageing = a;
    }
    return s;
  });
}

// ---- settings ---------------------------------------------------------------------------------------------

Result<store::BillingSettings> BillingService::settings(const Principal&) {
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.billing_settings().get(); });
}

Result<store::BillingSettings> BillingService::update_settings(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<store::BillingSettings> {
    store::BillingSettings s = TEND_TRY(tx.billing_settings().get());
    const TaxCategoryId before = s.fee_tax_category_id;
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"fee_tax_category_id"});
    reader.id("fee_tax_category_id", s.fee_tax_category_id);
    TEND_CHECK(std::move(errors).status());
    if (s.fee_tax_category_id.valid() && !tx.tax_categories().get(s.fee_tax_category_id)) {
      return std::unexpected(Error::invalid_field("fee_tax_category_id", "no such tax category"));
    }
    s.updated_at = now;
    TEND_CHECK(tx.billing_settings().put(s));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "billing.settings_updated", "billing_settings", 1, ClientId(),
                    {{"fee_tax_category_id", {before.value(), s.fee_tax_category_id.value()}}})));
    return s;
  });
}

Result<store::ClientBilling> BillingService::client_billing(const Principal& caller, ClientId client) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<store::ClientBilling> {
    if (!caller.can_see_client(client)) return std::unexpected(Error::not_found("client not found"));
    TEND_CHECK(tx.clients().get(client));
    return tx.billing_settings().client(client);
  });
}

Status apply_client_billing(store::ClientBilling& billing, const json& body) {
  FieldErrors errors;
  JsonReader reader(body, errors);
  reader.only({"tax_treatment", "payment_terms_days"});
  if (body.contains("tax_treatment")) {
    std::string text;
    reader.text("tax_treatment", text);
    if (auto parsed = parse_tax_treatment(text))
      billing.tax_treatment = *parsed;
    else
      errors.add("tax_treatment", parsed.error().message);
  }
  if (body.contains("payment_terms_days")) {
    if (body["payment_terms_days"].is_null()) {
      billing.payment_terms_days.reset();
    } else {
      int days = 0;
      reader.integer("payment_terms_days", days);
      if (days < 0 || days > 365) errors.add("payment_terms_days", "must be between 0 and 365");
      billing.payment_terms_days = days;
    }
  }
  return std::move(errors).status();
}

Result<store::ClientBilling> BillingService::update_client_billing(const Principal& caller, ClientId client,
                                                                   const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<store::ClientBilling> {
    TEND_CHECK(tx.clients().get(client));
    store::ClientBilling b = TEND_TRY(tx.billing_settings().client(client));
    const json before = to_json(b);
    TEND_CHECK(apply_client_billing(b, body));
    b.updated_at = now;
    TEND_CHECK(tx.billing_settings().put_client(b));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.billing_updated", "client", client.value(),
                                             client, changed_fields(before, to_json(b)))));
    return b;
  });
}

// ---- JSON
// ---------------------------------------------------------------------------------------------------

namespace {

json opt_date_json(const std::optional<CivilDate>& d) {
  return d ? json(format_civil_date(*d)) : json(nullptr);
}

json line_json(const InvoiceLine& l, int64_t position, int64_t id) {
  json j = {{"position", position},
            {"kind", to_string(l.kind)},
            {"description", l.description},
            {"quantity", l.quantity.to_string()},
            {"unit", l.unit},
            {"unit_price", money_text(l.unit_price)},
            {"factor", l.factor.to_string()},
            {"amount", money_text(l.amount)},
            {"tax_code", l.tax.code},
            {"tax_rate", l.tax.rate_percent.to_string()},
            {"tax_amount", money_text(l.tax_amount)},
            {"item_key", l.item_key.empty() ? json(nullptr) : json(l.item_key)},
            {"line_key", l.line_key.empty() ? json(nullptr) : json(l.line_key)},
            {"service_from", opt_date_json(l.service_from)},
            {"service_to", opt_date_json(l.service_to)}};
  j["tax_category_id"] = l.tax.category.valid() ? json(l.tax.category.value()) : json(nullptr);
  j["id"] = id > 0 ? json(id) : json(nullptr);
  return j;
}

json ageing_json(const ClientAgeing& a) {
  json buckets = json::object();
  for (size_t i = 0; i < kAgeingBuckets; ++i) {
    buckets[to_string(static_cast<AgeingBucket>(i))] = money_text(a.buckets[i]);
  }
  return {{"currency", std::string(a.currency.code())},
          {"buckets", buckets},
          {"total", money_text(a.total)},
          {"invoices", a.invoices},
          {"oldest_days_overdue", a.oldest_days_overdue}};
}

}  // namespace

json to_json(const InvoiceRecord& i, bool with_lines) {
  json j = {{"id", i.id.valid() ? json(i.id.value()) : json(nullptr)},
            {"client_id", i.client_id.value()},
            {"client_name", i.client_name},
            {"kind", to_string(i.kind)},
            {"status", to_string(i.status)},
            {"currency", std::string(i.currency.code())},
            {"number", i.number.empty() ? json(nullptr) : json(i.number)},
            {"issued_on", opt_date_json(i.issued_on)},
            {"due_on", opt_date_json(i.due_on)},
            {"payment_terms_days", i.payment_terms_days},
            {"credited_invoice_id",
             i.credited_invoice_id.valid() ? json(i.credited_invoice_id.value()) : json(nullptr)},
            {"credited_number", i.credited_number.empty() ? json(nullptr) : json(i.credited_number)},
            {"period", i.period.empty() ? json(nullptr) : json(i.period)},
            {"period_from", opt_date_json(i.period_from)},
            {"period_to", opt_date_json(i.period_to)},
            {"net", money_text(i.totals.net)},
            {"tax", money_text(i.totals.tax)},
            {"total", money_text(i.totals.total)},
            {"notes", i.notes},
            {"issued_at", i.issued_at ? json(format_rfc3339(*i.issued_at)) : json(nullptr)},
            {"sent_at", i.sent_at ? json(format_rfc3339(*i.sent_at)) : json(nullptr)},
            {"created_by", i.created_by},
            {"created_at", format_rfc3339(i.created_at)},
            {"updated_at", format_rfc3339(i.updated_at)}};
  if (with_lines) {
    json lines = json::array();
    for (size_t k = 0; k < i.lines.size(); ++k) {
      lines.push_back(
          line_json(i.lines[k], static_cast<int64_t>(k + 1), k < i.line_ids.size() ? i.line_ids[k] : 0));
    }
    j["lines"] = std::move(lines);
    json summary = json::array();
    for (const auto& row : i.totals.tax_summary) {
      summary.push_back({{"tax_code", row.code},
                         {"tax_rate", row.rate_percent.to_string()},
                         {"base", money_text(row.base)},
                         {"tax", money_text(row.tax)},
                         {"lines", row.lines}});
    }
    j["tax_summary"] = std::move(summary);
  }
  return j;
}

json to_json(const InvoiceView& v) {
  json j = to_json(v.invoice, true);
  j["paid"] = money_text(v.paid);
  j["credited"] = money_text(v.credited);
  j["open"] = money_text(v.open);
  json payments = json::array();
  for (const auto& p : v.payments) {
    payments.push_back({{"payment_id", p.payment_id.value()},
                        {"received_on", format_civil_date(p.received_on)},
                        {"method", to_string(p.method)},
                        {"reference", p.reference},
                        {"amount", money_text(p.amount)}});
  }
  j["payments"] = std::move(payments);
  json notes = json::array();
  for (const auto& n : v.credit_notes) {
    notes.push_back({{"id", n.id.value()},
                     {"number", n.number.empty() ? json(nullptr) : json(n.number)},
                     {"status", to_string(n.status)},
                     {"total", money_text(n.totals.total)}});
  }
  j["credit_notes"] = std::move(notes);
  return j;
}

json to_json(const BillingRunResult& r) {
  json clients = json::array();
  std::map<std::string, Money> totals;
  int64_t drafts = 0, failed = 0;
  for (const auto& c : r.clients) {
    json replaced = json::array();
    for (InvoiceId id : c.replaced) replaced.push_back(id.value());
    json entry = {{"client_id", c.client_id.value()},
                  {"client_name", c.client_name},
                  {"outcome", c.outcome},
                  {"replaced", replaced},
                  {"invoice", c.invoice ? to_json(*c.invoice, true) : json(nullptr)},
                  {"error", c.error ? json(describe(*c.error)) : json(nullptr)}};
    if (c.invoice) {
      ++drafts;
      const std::string code(c.invoice->currency.code());
      auto found = totals.find(code);
      if (found == totals.end())
        totals.emplace(code, c.invoice->totals.total);
      else
        found->second += c.invoice->totals.total;
    }
    if (c.outcome == "failed") ++failed;
    clients.push_back(std::move(entry));
  }
  json total_list = json::array();
  for (const auto& [code, total] : totals)
    total_list.push_back({{"currency", code}, {"total", money_text(total)}});
  return {{"period", r.period_text},
          {"first_day", format_civil_date(r.period.first_day)},
          {"last_day", format_civil_date(r.period.last_day)},
          {"billing_date", format_civil_date(r.billing_date)},
          {"dry_run", r.dry_run},
          {"drafts", drafts},
          {"failed", failed},
          {"totals", total_list},
          {"clients", clients}};
}

json to_json(const store::PaymentRecord& p) {
  json allocations = json::array();
  for (const auto& a : p.allocations) {
    allocations.push_back({{"invoice_id", a.invoice.value()}, {"amount", money_text(a.amount)}});
  }
  return {{"id", p.id.value()},
          {"client_id", p.client_id.value()},
          {"amount", money_text(p.amount)},
          {"currency", std::string(p.amount.currency().code())},
          {"received_on", format_civil_date(p.received_on)},
          {"method", to_string(p.method)},
          {"reference", p.reference},
          {"notes", p.notes},
          {"allocations", allocations},
          {"unallocated", money_text(p.unallocated)},
          {"created_by", p.created_by},
          {"created_at", format_rfc3339(p.created_at)}};
}

json to_json(const AgeingReport& r) {
  json clients = json::array();
  for (size_t i = 0; i < r.clients.size(); ++i) {
    json c = ageing_json(r.clients[i]);
    c["client_id"] = r.clients[i].client_id.value();
    c["client_name"] = r.client_names[i];
    clients.push_back(std::move(c));
  }
  json totals = json::array();
  for (const auto& t : r.totals) totals.push_back(ageing_json(t));
  return {{"as_of", format_civil_date(r.as_of)},
          {"buckets", {"current", "1-30", "31-60", "61-90", "90+"}},
          {"clients", clients},
          {"totals", totals}};
}

json to_json(const ClientStatement& s) {
  json entries = json::array();
  for (const auto& e : s.entries) {
    entries.push_back({{"on", format_civil_date(e.on)},
                       {"kind", e.kind},
                       {"id", e.id},
                       {"reference", e.reference},
                       {"due_on", opt_date_json(e.due_on)},
                       {"amount", money_text(e.amount)},
                       {"balance", money_text(e.balance)},
                       {"open", money_text(e.open)}});
  }
  return {{"client_id", s.client_id.value()},
          {"client_name", s.client_name},
          {"currency", std::string(s.currency.code())},
          {"as_of", format_civil_date(s.as_of)},
          {"entries", entries},
          {"balance", money_text(s.balance)},
          {"unallocated", money_text(s.unallocated)},
          {"ageing", ageing_json(s.ageing)}};
}

json to_json(const store::BillingSettings& s) {
  return {{"fee_tax_category_id",
           s.fee_tax_category_id.valid() ? json(s.fee_tax_category_id.value()) : json(nullptr)}};
}

json to_json(const store::ClientBilling& b) {
  return {{"client_id", b.client_id.value()},
          {"tax_treatment", to_string(b.tax_treatment)},
          {"payment_terms_days", b.payment_terms_days ? json(*b.payment_terms_days) : json(nullptr)}};
}

}  // namespace tend
