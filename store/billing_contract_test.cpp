// Contract cases of the billing repositories (invoices with lines, numbers,
// drafts that release what they billed, open amounts, payments with
// allocations, billing settings). Part of the StoreContract suite: every
// backend runs them (sqlite/sqlite_contract_test.cpp).
#include "core/billing.h"
#include "store/store_contract_test.h"

namespace tend::store {
namespace {

Instant at(int64_t minutes) { return from_unix_ms(1'790'000'000'000 + minutes * 60'000); }

struct Fixture {
  ClientId client;
  TimeEntryId entry;
};

Fixture add_fixture(Transaction& tx) {
  Fixture f;
  Client c;
  c.name = "Bakkerij Jansen";
  c.created_at = c.updated_at = at(0);
  f.client = ok(tx.clients().insert(c));
  User u;
  u.email = "sanne@vos-it.nl";
  u.name = "Sanne";
  u.role = Role::technician;
  u.created_at = u.updated_at = at(0);
  UserId technician = ok(tx.users().insert(u));
  Ticket t;
  t.subject = "Laptop slow";
  t.client_id = f.client;
  t.status_id = ok(tx.ticket_statuses().default_status()).id;
  t.created_at = t.updated_at = at(0);
  TicketId ticket = ok(tx.tickets().insert(t));
  WorkType w;
  w.code = "remote";
  w.name = "Remote support";
  w.hourly_rate = eur(9500);
  w.created_at = w.updated_at = at(0);
  WorkTypeId remote = ok(tx.work_types().insert(w));
  TimeEntry e;
  e.ticket_id = ticket;
  e.client_id = f.client;
  e.user_id = technician;
  e.work_type_id = remote;
  e.work_date = day(2026, 11, 2);
  e.actual_minutes = 60;
  e.billable_minutes = 60;
  e.cost_rate = eur(4000);
  e.status = WorkStatus::approved;
  e.created_at = e.updated_at = at(1);
  f.entry = ok(tx.time_entries().insert(e));
  return f;
}

InvoiceRecord draft(ClientId client, std::vector<InvoiceLine> lines) {
  InvoiceRecord i;
  i.client_id = client;
  i.currency = Currency::eur();
  i.period = "2026-11";
  i.period_from = day(2026, 11, 1);
  i.period_to = day(2026, 11, 30);
  i.created_by = "billing run";
  i.created_at = i.updated_at = at(2);
  i.lines = std::move(lines);
  i.totals = ok(price_invoice(i.currency, i.lines));
  return i;
}

InvoiceLine time_line_for(TimeEntryId entry) {
  InvoiceLine l;
  l.kind = LineKind::time;
  l.description = "Remote support 2026-11-02";
  l.quantity = {1, 1};
  l.unit = "h";
  l.unit_price = eur(9500);
  l.factor = {3, 2};
  l.tax = {TaxCategoryId(), "NL21", {21, 1}};
  l.item_key = l.line_key = billable_key(entry);
  return l;
}

InvoiceLine fee_line(int64_t contract) {
  InvoiceLine l;
  l.kind = LineKind::recurring_fee;
  l.description = "Managed Gold: flat fee";
  l.quantity = {1, 1};
  l.unit = "month";
  l.unit_price = eur(64000);
  l.factor = {15, 30};
  l.tax = {TaxCategoryId(), "NL21", {21, 1}};
  l.item_key = contract_fee_key(ContractId(contract), std::chrono::year(2026) / 11);
  l.line_key = l.item_key + "/flat@2026-11-16";
  l.service_from = day(2026, 11, 16);
  l.service_to = day(2026, 11, 30);
  return l;
}

}  // namespace

TEST_P(StoreContract, InvoicesRoundTripWithLinesAndTotals) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  Contract gold;
  gold.client_id = f.client;
  gold.kind = ContractKind::managed;
  gold.name = "Managed Gold";
  gold.starts_on = day(2026, 11, 16);
  gold.term_months = 12;
  gold.created_at = gold.updated_at = at(0);
  ContractId contract = ok(tx.contracts().insert(gold));
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry), fee_line(contract.value())});
  ok(tx.invoices().insert(i));
  ASSERT_EQ(i.line_ids.size(), 2u);
  InvoiceRecord back = ok(tx.invoices().get(i.id));
  EXPECT_EQ(back.status, InvoiceStatus::draft);
  EXPECT_EQ(back.number, "");
  EXPECT_EQ(back.period, "2026-11");
  EXPECT_EQ(back.period_to, day(2026, 11, 30));
  EXPECT_EQ(back.client_name, "Bakkerij Jansen");
  ASSERT_EQ(back.lines.size(), 2u);
  EXPECT_EQ(back.lines, i.lines);
  EXPECT_EQ(back.lines[0].amount, eur(14250));  // 1 h x 95 x 1.5
  EXPECT_EQ(back.lines[0].tax_amount, eur(2993));
  EXPECT_EQ(back.lines[1].amount, eur(32000));  // 640 x 15/30
  EXPECT_EQ(back.lines[1].service_from, day(2026, 11, 16));
  EXPECT_EQ(back.totals.total, eur(17243 + 38720));
  ASSERT_EQ(back.totals.tax_summary.size(), 1u);
  EXPECT_EQ(back.totals.tax_summary[0].code, "NL21");
  const std::string fee = contract_fee_key(contract, std::chrono::year(2026) / 11);
  const std::vector<std::string> fees = {fee, contract_fee_key(contract, std::chrono::year(2026) / 12)};
  EXPECT_EQ(ok(tx.invoices().billed_fee_keys(fees)), std::set<std::string>{fee});  // November's, not December's
  EXPECT_TRUE(ok(tx.invoices().billed_fee_keys(fees, i.id)).empty());               // but for this invoice
  // Work is guarded by its status, not looked up by key.
  const std::vector<std::string> work = {billable_key(f.entry)};
  EXPECT_EQ(tx.invoices().billed_fee_keys(work).error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(ok(tx.invoices().drafts_for_period(f.client, "2026-11")).size(), 1u);
  EXPECT_TRUE(ok(tx.invoices().drafts_for_period(f.client, "2026-12")).empty());
  // The line's link column comes from its item key.
  auto linked = ok(tx.connection().query("SELECT time_entry_id FROM invoice_lines WHERE id = ?",
                                         std::vector<SqlValue>{i.line_ids[0]}));
  ASSERT_TRUE(ok(linked->next()));
  EXPECT_EQ(linked->i64(0), f.entry.value());
  ok(tx.commit());
}

TEST_P(StoreContract, LinesAreAppendedAndRemovedWithoutGapsInPositions) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry)});
  ok(tx.invoices().insert(i));
  auto manual = [](std::string text, int64_t cents) {
    InvoiceLine l;
    l.kind = LineKind::manual;
    l.description = std::move(text);
    l.unit = "pcs";
    l.unit_price = eur(cents);
    l.amount = eur(cents);
    return l;
  };
  ok(tx.invoices().append_line(i.id, manual("Reiskosten", 2500)));
  ok(tx.invoices().append_line(i.id, manual("Kabel", 795)));
  ok(tx.invoices().append_line(i.id, manual("Adapter", 1200)));
  InvoiceRecord back = ok(tx.invoices().get(i.id));
  ASSERT_EQ(back.lines.size(), 4u);
  EXPECT_EQ(back.lines[3].description, "Adapter");
  ok(tx.invoices().remove_line(i.id, 2));
  back = ok(tx.invoices().get(i.id));
  ASSERT_EQ(back.lines.size(), 3u);
  EXPECT_EQ(back.lines[0].kind, LineKind::time);
  EXPECT_EQ(back.lines[1].description, "Kabel");
  EXPECT_EQ(back.lines[2].description, "Adapter");
  auto positions = ok(tx.connection().query(
      "SELECT group_concat(position) FROM (SELECT position FROM invoice_lines WHERE invoice_id = ? ORDER BY position)",
      std::vector<SqlValue>{i.id.value()}));
  ASSERT_TRUE(ok(positions->next()));
  EXPECT_EQ(positions->text(0), "1,2,3");
  auto missing = tx.invoices().remove_line(i.id, 9);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, ALineKeyIsOnOneLineOnly) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  InvoiceRecord first = draft(f.client, {time_line_for(f.entry)});
  ok(tx.invoices().insert(first));
  InvoiceRecord second = draft(f.client, {time_line_for(f.entry)});
  second.period = "2026-11-01..2026-11-30";
  auto again = tx.invoices().insert(second);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, ErrorKind::conflict);
}

TEST_P(StoreContract, StatusesAndLineKindsOutsideTheirListsAreRefused) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  auto bad_status = tx.connection().execute("UPDATE time_entries SET status = 'paid' WHERE id = ?",
                                            std::vector<SqlValue>{f.entry.value()});
  ASSERT_FALSE(bad_status.has_value());
  ok(tx.connection().execute("UPDATE time_entries SET status = 'approved' WHERE id = ?",
                             std::vector<SqlValue>{f.entry.value()}));
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry)});
  ok(tx.invoices().insert(i));
  auto bad_kind = tx.connection().execute("UPDATE invoice_lines SET kind = 'discount' WHERE invoice_id = ?",
                                          std::vector<SqlValue>{i.id.value()});
  ASSERT_FALSE(bad_kind.has_value());
}

TEST_P(StoreContract, NumbersAreUniquePerYearAndTheLastIsFound) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  EXPECT_FALSE(ok(tx.invoices().last_number(2026)).has_value());
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry)});
  ok(tx.invoices().insert(i));
  i.status = InvoiceStatus::issued;
  i.number = "2026-000041";
  i.issued_on = day(2026, 12, 1);
  i.due_on = day(2026, 12, 15);
  i.issued_at = at(5);
  i.updated_at = at(5);
  ok(tx.invoices().update_header(i));
  EXPECT_EQ(ok(tx.invoices().last_number(2026)), (InvoiceNumber{2026, 41}));
  EXPECT_FALSE(ok(tx.invoices().last_number(2027)).has_value());
  InvoiceRecord other = draft(f.client, {});
  other.status = InvoiceStatus::issued;
  other.number = "2026-000041";
  other.issued_on = day(2026, 12, 1);
  other.due_on = day(2026, 12, 15);
  auto taken = tx.invoices().insert(other);
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().kind, ErrorKind::conflict);
  InvoiceRecord back = ok(tx.invoices().get(i.id));
  EXPECT_EQ(back.status, InvoiceStatus::issued);
  EXPECT_EQ(back.due_on, day(2026, 12, 15));
  // An issued invoice is no draft: it cannot be deleted.
  auto deleted = tx.invoices().delete_draft(i.id);
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().kind, ErrorKind::conflict);
}

TEST_P(StoreContract, DeletingADraftReleasesWhatItBilled) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  Contract gold;
  gold.client_id = f.client;
  gold.kind = ContractKind::managed;
  gold.name = "Managed Gold";
  gold.starts_on = day(2026, 11, 16);
  gold.created_at = gold.updated_at = at(0);
  const ContractId contract = ok(tx.contracts().insert(gold));
  const std::vector<std::string> fee = {contract_fee_key(contract, std::chrono::year(2026) / 11)};
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry), fee_line(contract.value())});
  ok(tx.invoices().insert(i));
  const TimeEntryId ids[] = {f.entry};
  ok(tx.time_entries().mark_invoiced(ids, i.line_ids[0], at(3)));
  EXPECT_EQ(ok(tx.time_entries().get(f.entry)).status, WorkStatus::invoiced);
  // On the draft: not open, billed on it.
  EXPECT_TRUE(ok(tx.time_entries().open_for_client(f.client)).empty());
  auto billed = ok(tx.time_entries().billed_on(i.id));
  ASSERT_EQ(billed.size(), 1u);
  EXPECT_EQ(billed[0].id, f.entry);
  ok(tx.invoices().delete_draft(i.id));
  TimeEntry back = ok(tx.time_entries().get(f.entry));
  EXPECT_EQ(back.status, WorkStatus::approved);
  auto open = ok(tx.time_entries().open_for_client(f.client));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].id, f.entry);
  EXPECT_TRUE(ok(tx.time_entries().open_for_client(ClientId(f.client.value() + 1))).empty());
  EXPECT_TRUE(ok(tx.time_entries().billed_on(i.id)).empty());
  EXPECT_EQ(back.invoice_line_id, 0);
  EXPECT_FALSE(back.invoiced_at.has_value());
  auto gone = tx.invoices().get(i.id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  EXPECT_EQ(ok(tx.invoices().billed_fee_keys(fee)).size(), 0u);
  // The keys are free again.
  InvoiceRecord again = draft(f.client, {time_line_for(f.entry), fee_line(contract.value())});
  ok(tx.invoices().insert(again));
  EXPECT_EQ(ok(tx.invoices().billed_fee_keys(fee)), std::set<std::string>(fee.begin(), fee.end()));
}

TEST_P(StoreContract, OpenUsagesLeaveOutInvoicedRemovedAndLaterOnes) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  const TicketId ticket = ok(tx.time_entries().get(f.entry)).ticket_id;
  CatalogueItem ssd;
  ssd.sku = "SSD-500";
  ssd.name = "SSD 500 GB";
  ssd.unit_cost = eur(4500);
  ssd.unit_price = eur(6300);
  ssd.created_at = ssd.updated_at = at(0);
  ssd.id = ok(tx.catalogue().insert(ssd));
  const CatalogueItem virus = add_virus_removal(tx, at(0));
  auto part_on = [&](CivilDate used_on) {
    PartUsage use;
    use.ticket_id = ticket;
    use.client_id = f.client;
    use.item_id = ssd.id;
    use.quantity = 1;
    use.unit_price = eur(6300);
    use.unit_cost = eur(4500);
    use.used_on = used_on;
    use.status = WorkStatus::approved;
    use.created_at = use.updated_at = at(1);
    return ok(tx.part_usages().insert(use));
  };
  const PartUsageId billed = part_on(day(2026, 11, 2)), open = part_on(day(2026, 11, 20)),
                    december = part_on(day(2026, 12, 3));
  ServiceUsage s;
  s.ticket_id = ticket;
  s.client_id = f.client;
  s.item_id = virus.id;
  s.unit_price = eur(7900);
  s.unit_cost = eur(0);
  s.performed_on = day(2026, 11, 2);
  s.status = WorkStatus::approved;
  s.created_at = s.updated_at = at(1);
  const ServiceUsageId service = ok(tx.service_usages().insert(s));

  InvoiceLine part_line = time_line_for(f.entry);
  part_line.kind = LineKind::part;
  part_line.item_key = part_line.line_key = billable_key(billed);
  InvoiceLine service_line = time_line_for(f.entry);
  service_line.kind = LineKind::service;
  service_line.item_key = service_line.line_key = billable_key(service);
  InvoiceRecord i = draft(f.client, {part_line, service_line});
  ok(tx.invoices().insert(i));
  ok(tx.invoices().mark_billed(i.id, at(3)));

  auto ids = [](const auto& usages) {
    std::vector<int64_t> out;
    for (const auto& u : usages) out.push_back(u.id.value());
    return out;
  };
  // Up to the end of November: the open one only (not the invoiced one,
  // not December's); December's from its date on.
  EXPECT_EQ(ids(ok(tx.part_usages().open_for_client(f.client, day(2026, 11, 30)))),
            std::vector<int64_t>{open.value()});
  EXPECT_EQ(ids(ok(tx.part_usages().open_for_client(f.client, day(2026, 12, 31)))),
            (std::vector<int64_t>{open.value(), december.value()}));
  EXPECT_TRUE(ok(tx.part_usages().open_for_client(ClientId(f.client.value() + 1), day(2026, 12, 31))).empty());
  EXPECT_TRUE(ok(tx.service_usages().open_for_client(f.client, day(2026, 12, 31))).empty());

  // Deleting the draft opens them again.
  ok(tx.invoices().delete_draft(i.id));
  EXPECT_EQ(ids(ok(tx.part_usages().open_for_client(f.client, day(2026, 11, 30)))),
            (std::vector<int64_t>{billed.value(), open.value()}));
  EXPECT_EQ(ids(ok(tx.service_usages().open_for_client(f.client, day(2026, 11, 30)))),
            std::vector<int64_t>{service.value()});
  // A removed usage is not open.
  PartUsage removed = ok(tx.part_usages().get(open));
  removed.removed_at = removed.updated_at = at(5);
  ok(tx.part_usages().update(removed));
  EXPECT_EQ(ids(ok(tx.part_usages().open_for_client(f.client, day(2026, 11, 30)))),
            std::vector<int64_t>{billed.value()});
}

TEST_P(StoreContract, OpenAmountsFollowPaymentsAndCreditNotes) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  InvoiceRecord i = draft(f.client, {time_line_for(f.entry)});
  i.status = InvoiceStatus::issued;
  i.number = "2026-000001";
  i.issued_on = day(2026, 12, 1);
  i.due_on = day(2026, 12, 15);
  ok(tx.invoices().insert(i));
  ASSERT_EQ(ok(tx.invoices().open_invoices(f.client)).size(), 1u);
  EXPECT_EQ(ok(tx.invoices().open_invoices(ClientId()))[0].open, eur(17243));

  PaymentRecord p;
  p.client_id = f.client;
  p.amount = eur(10000);
  p.received_on = day(2026, 12, 10);
  p.method = PaymentMethod::bank_transfer;
  p.reference = "NL12BANK 2026-000001";
  p.created_by = "joost@vos-it.nl";
  p.created_at = at(10);
  p.allocations = {{i.id, eur(10000)}};
  ok(tx.payments().insert(p));
  EXPECT_EQ(ok(tx.invoices().allocated(i.id, Currency::eur())), eur(10000));
  EXPECT_EQ(ok(tx.invoices().open_invoices(f.client))[0].open, eur(7243));
  PaymentRecord back = ok(tx.payments().get(p.id));
  EXPECT_EQ(back.amount, eur(10000));
  EXPECT_EQ(back.reference, "NL12BANK 2026-000001");
  ASSERT_EQ(back.allocations.size(), 1u);
  EXPECT_EQ(back.unallocated, eur(0));
  EXPECT_EQ(ok(tx.payments().for_invoice(i.id)).size(), 1u);
  EXPECT_EQ(ok(tx.payments().for_client(f.client)).size(), 1u);

  InvoiceRecord credit = draft(f.client, full_credit_lines(i));
  credit.kind = InvoiceKind::credit_note;
  credit.credited_invoice_id = i.id;
  credit.period = "";
  ok(tx.invoices().insert(credit));
  // A draft credit note does not count yet.
  EXPECT_EQ(ok(tx.invoices().credited(i.id, Currency::eur())), eur(0));
  credit.status = InvoiceStatus::issued;
  credit.number = "2026-000002";
  credit.issued_on = day(2026, 12, 11);
  credit.due_on = day(2026, 12, 11);
  ok(tx.invoices().update_header(credit));
  EXPECT_EQ(ok(tx.invoices().credited(i.id, Currency::eur())), eur(-17243));
  EXPECT_EQ(ok(tx.invoices().get(credit.id)).credited_number, "2026-000001");
  // Credited in full after a part payment: 10.00 is owed back.
  auto open = ok(tx.invoices().open_invoices(f.client));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].open, eur(-10000));

  auto page =
      ok(make_page_request(10, "-id", "", {std::begin(kInvoiceSorts), std::end(kInvoiceSorts)}, "id"));
  InvoiceFilter filter;
  filter.client = f.client;
  filter.kind = InvoiceKind::credit_note;
  auto listed = ok(tx.invoices().list(filter, page));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].number, "2026-000002");
  EXPECT_TRUE(listed.items[0].lines.empty());
}

TEST_P(StoreContract, BillingSettingsHaveDefaultsAndAreReplaced) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  EXPECT_FALSE(ok(tx.billing_settings().get()).fee_tax_category_id.valid());
  TaxCategory nl21;
  nl21.code = "NL21";
  nl21.name = "BTW hoog";
  nl21.rate_percent = {21, 1};
  nl21.created_at = nl21.updated_at = at(0);
  TaxCategoryId id = ok(tx.tax_categories().insert(nl21));
  ok(tx.billing_settings().put({id, at(3)}));
  EXPECT_EQ(ok(tx.billing_settings().get()).fee_tax_category_id, id);
  ClientBilling b = ok(tx.billing_settings().client(f.client));
  EXPECT_EQ(b.tax_treatment, TaxTreatment::standard);
  EXPECT_FALSE(b.payment_terms_days.has_value());
  b.tax_treatment = TaxTreatment::reverse_charge;
  b.payment_terms_days = 30;
  b.updated_at = at(4);
  ok(tx.billing_settings().put_client(b));
  ClientBilling back = ok(tx.billing_settings().client(f.client));
  EXPECT_EQ(back.tax_treatment, TaxTreatment::reverse_charge);
  EXPECT_EQ(back.payment_terms_days, 30);
}

}  // namespace tend::store
