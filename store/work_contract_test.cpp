// Contract cases of the work and contract repositories (tax categories, work
// types, rates, time entries, timers, catalogue and stock ledger, part and
// service usages, contracts with terms, blocks and the balance ledger). Part
// of the StoreContract suite: every backend runs them
// (sqlite/sqlite_contract_test.cpp).
#include "store/store_contract_test.h"

namespace tend::store {
namespace {

using std::chrono::days;

Instant at(int64_t minutes) { return from_unix_ms(1'790'000'000'000 + minutes * 60'000); }

// A client with a ticket and a technician: what time entries hang off.
struct Fixture {
  ClientId client;
  TicketId ticket;
  UserId technician;
  WorkTypeId remote;
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
  f.technician = ok(tx.users().insert(u));
  Ticket t;
  t.subject = "Laptop slow";
  t.client_id = f.client;
  t.status_id = ok(tx.ticket_statuses().default_status()).id;
  t.created_at = t.updated_at = at(0);
  f.ticket = ok(tx.tickets().insert(t));
  WorkType w;
  w.code = "remote";
  w.name = "Remote support";
  w.hourly_rate = eur(9500);
  w.minimum_minutes = 60;
  w.rounding_increment_minutes = 15;
  w.after_hours_multiplier = {3, 2};
  w.created_at = w.updated_at = at(0);
  f.remote = ok(tx.work_types().insert(w));
  return f;
}

TimeEntry make_entry(const Fixture& f, CivilDate date, int64_t minutes) {
  TimeEntry e;
  e.ticket_id = f.ticket;
  e.client_id = f.client;
  e.user_id = f.technician;
  e.work_type_id = f.remote;
  e.work_date = date;
  e.actual_minutes = minutes;
  e.cost_rate = eur(4000);
  e.created_at = e.updated_at = at(1);
  return e;
}

}  // namespace

TEST_P(StoreContract, TaxCategoriesAndWorkTypesRoundTripWithUniqueCodes) {
  auto tx = ok(store_->write());
  TaxCategory vat;
  vat.code = "NL21";
  vat.name = "BTW hoog";
  vat.rate_percent = {21, 1};
  vat.created_at = vat.updated_at = at(0);
  vat.id = ok(tx.tax_categories().insert(vat));
  EXPECT_EQ(ok(tx.tax_categories().find_by_code("NL21")).rate_percent, (Rational{21, 1}));
  EXPECT_EQ(tx.tax_categories().insert(vat).error().kind, ErrorKind::conflict);

  WorkType w;
  w.code = "onsite";
  w.name = "On-site";
  w.hourly_rate = eur(11000);
  w.minimum_minutes = 60;
  w.rounding_increment_minutes = 30;
  w.after_hours_multiplier = {3, 2};
  w.tax_category_id = vat.id;
  w.created_at = w.updated_at = at(0);
  w.id = ok(tx.work_types().insert(w));
  WorkType back = ok(tx.work_types().get(w.id));
  EXPECT_EQ(back.hourly_rate, eur(11000));
  EXPECT_EQ(back.after_hours_multiplier, (Rational{3, 2}));
  EXPECT_EQ(back.tax_category_id, vat.id);
  EXPECT_EQ(back.rounding_increment_minutes, 30);
  EXPECT_EQ(tx.work_types().insert(w).error().kind, ErrorKind::conflict);
  back.active = false;
  back.updated_at = at(5);
  ok(tx.work_types().update(back));
  EXPECT_FALSE(ok(tx.work_types().find_by_code("onsite")).active);
  EXPECT_EQ(ok(tx.work_types().list()).size(), 1u);
  ok(tx.commit());
}

TEST_P(StoreContract, RatesAreSetReplacedAndRemoved) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  ok(tx.rates().set_technician({f.technician, eur(4000), at(0)}));
  ok(tx.rates().set_technician({f.technician, eur(4500), at(1)}));
  EXPECT_EQ(ok(tx.rates().technician(f.technician))->cost_rate, eur(4500));
  ok(tx.rates().set_client_rate({f.client, f.remote, eur(8500), at(0)}));
  EXPECT_EQ(ok(tx.rates().client_rates(f.client)).at(0).hourly_rate, eur(8500));
  ok(tx.rates().remove_client_rate(f.client, f.remote));
  EXPECT_TRUE(ok(tx.rates().client_rates(f.client)).empty());
  EXPECT_EQ(tx.rates().remove_client_rate(f.client, f.remote).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, TimeEntriesRoundTripFilterAndLockWhenInvoiced) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  TimeEntry e = make_entry(f, day(2026, 11, 2), 45);
  e.started_at = at(10);
  e.ended_at = at(55);
  e.after_hours = true;
  e.billable_override = 30;
  e.override_reason = "goodwill";
  e.notes = "Removed adware";
  e.id = ok(tx.time_entries().insert(e));
  TimeEntry back = ok(tx.time_entries().get(e.id));
  EXPECT_EQ(back.work_date, day(2026, 11, 2));
  EXPECT_EQ(back.started_at, at(10));
  EXPECT_EQ(back.billable_override, 30);
  EXPECT_EQ(back.override_reason, "goodwill");
  EXPECT_TRUE(back.after_hours);
  EXPECT_EQ(back.cost_rate, eur(4000));
  EXPECT_EQ(back.status, WorkStatus::draft);

  TimeEntry second = make_entry(f, day(2026, 11, 5), 5);
  second.id = ok(tx.time_entries().insert(second));
  TimeEntry removed = make_entry(f, day(2026, 11, 6), 5);
  removed.removed_at = at(20);
  removed.id = ok(tx.time_entries().insert(removed));
  EXPECT_EQ(ok(tx.time_entries().for_ticket(f.ticket)).size(), 2u);
  EXPECT_EQ(ok(tx.time_entries().for_client(f.client, day(2026, 11, 3), day(2026, 11, 30))).size(), 1u);

  auto page = ok(make_page_request(1, "work_date", "", {std::begin(kTimeEntrySorts), std::end(kTimeEntrySorts)}, "work_date"));
  TimeEntryFilter filter;
  filter.client = f.client;
  auto first_page = ok(tx.time_entries().list(filter, page));
  ASSERT_EQ(first_page.items.size(), 1u);
  EXPECT_EQ(first_page.items[0].id, e.id);
  auto next = ok(make_page_request(1, "work_date", first_page.next_cursor,
                                   {std::begin(kTimeEntrySorts), std::end(kTimeEntrySorts)}, "work_date"));
  auto second_page = ok(tx.time_entries().list(filter, next));
  ASSERT_EQ(second_page.items.size(), 1u);
  EXPECT_EQ(second_page.items[0].id, second.id);
  EXPECT_TRUE(second_page.next_cursor.empty());

  // Only approved entries can be invoiced; invoicing locks them.
  const TimeEntryId ids[] = {e.id};
  EXPECT_EQ(tx.time_entries().mark_invoiced(ids, 77, at(30)).error().kind, ErrorKind::conflict);
  back.status = WorkStatus::approved;
  back.approved_at = at(25);
  back.approved_by_id = f.technician;
  ok(tx.time_entries().update(back));
  ok(tx.time_entries().mark_invoiced(ids, 77, at(30)));
  TimeEntry invoiced = ok(tx.time_entries().get(e.id));
  EXPECT_EQ(invoiced.status, WorkStatus::invoiced);
  EXPECT_EQ(invoiced.invoice_line_id, 77);
  EXPECT_TRUE(invoiced.locked());
  ok(tx.time_entries().set_billable_minutes(e.id, 999));  // ignored: locked
  EXPECT_EQ(ok(tx.time_entries().get(e.id)).billable_minutes, 0);
  ok(tx.commit());
}

TEST_P(StoreContract, OneRunningTimerPerTechnician) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  RunningTimer t{f.technician, f.ticket, f.remote, at(3), Billing::billable, false, "on the phone"};
  ok(tx.timers().start(t));
  EXPECT_EQ(tx.timers().start(t).error().kind, ErrorKind::conflict);
  auto running = ok(tx.timers().running(f.technician));
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->started_at, at(3));
  EXPECT_EQ(running->notes, "on the phone");
  ok(tx.timers().stop(f.technician));
  EXPECT_FALSE(ok(tx.timers().running(f.technician)).has_value());
  EXPECT_EQ(tx.timers().stop(f.technician).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, StockIsALedgerThatMayGoBelowZero) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  CatalogueItem ssd;
  ssd.sku = "SSD-500";
  ssd.name = "SSD 500 GB";
  ssd.unit_cost = eur(4500);
  ssd.markup_percent = Rational{40, 1};
  ssd.reorder_level = 2;
  ssd.created_at = ssd.updated_at = at(0);
  ssd.id = ok(tx.catalogue().insert(ssd));
  EXPECT_EQ(tx.catalogue().insert(ssd).error().kind, ErrorKind::conflict);
  ok(tx.catalogue().add_movement({StockMovementId(), ssd.id, StockMovementKind::receipt, 3, PartUsageId(), "", at(1), f.technician, "sanne"}));
  PartUsage use;
  use.ticket_id = f.ticket;
  use.client_id = f.client;
  use.item_id = ssd.id;
  use.quantity = 4;
  use.unit_price = eur(6300);
  use.unit_cost = eur(4500);
  use.serial_numbers = {"S1", "S2"};
  use.used_on = day(2026, 11, 2);
  use.created_at = use.updated_at = at(2);
  use.id = ok(tx.part_usages().insert(use));
  ok(tx.catalogue().add_movement({StockMovementId(), ssd.id, StockMovementKind::usage, -4, use.id, "", at(2), f.technician, "sanne"}));
  CatalogueItem back = ok(tx.catalogue().get(ssd.id));
  EXPECT_EQ(back.stock_on_hand, -1);
  EXPECT_TRUE(back.below_reorder_level());
  EXPECT_EQ(back.price(), eur(6300));
  auto moves = ok(tx.catalogue().movements(ssd.id, 0, 10));
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].balance_after, -1);  // newest first
  EXPECT_EQ(moves[1].balance_after, 3);
  PartUsage stored = ok(tx.part_usages().get(use.id));
  EXPECT_EQ(stored.serial_numbers, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(stored.used_on, day(2026, 11, 2));

  CatalogueFilter low;
  low.below_reorder_level = true;
  auto page = ok(make_page_request(10, "name", "", {std::begin(kCatalogueSorts), std::end(kCatalogueSorts)}, "name"));
  EXPECT_EQ(ok(tx.catalogue().list(low, page)).items.size(), 1u);
  CatalogueFilter text;
  text.text = "ssd-5";
  EXPECT_EQ(ok(tx.catalogue().list(text, page)).items.size(), 1u);
}

TEST_P(StoreContract, ServiceUsagesAndRemovalKeepHistory) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  const CatalogueItem virus = add_virus_removal(tx, at(0));
  ServiceUsage s;
  s.ticket_id = f.ticket;
  s.client_id = f.client;
  s.item_id = virus.id;
  s.unit_price = eur(7900);
  s.unit_cost = eur(0);
  s.performed_on = day(2026, 11, 2);
  s.created_at = s.updated_at = at(1);
  s.id = ok(tx.service_usages().insert(s));
  EXPECT_EQ(ok(tx.service_usages().for_ticket(f.ticket)).size(), 1u);
  s.removed_at = at(3);
  s.updated_at = at(3);
  ok(tx.service_usages().update(s));
  EXPECT_TRUE(ok(tx.service_usages().for_ticket(f.ticket)).empty());
  EXPECT_TRUE(ok(tx.service_usages().get(s.id)).removed());
}

TEST_P(StoreContract, ContractsRoundTripWithTermsBlocksAndLedger) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  Contract m;
  m.client_id = f.client;
  m.kind = ContractKind::managed;
  m.name = "Managed Gold";
  m.reference = "MG-1";
  m.starts_on = day(2026, 1, 16);
  m.term_months = 12;
  m.auto_renew = true;
  m.notice_days = 90;
  m.covered_work_types = {f.remote};
  m.rates = {{f.remote, eur(8000)}};
  ManagedTerms t;
  t.effective_from = m.starts_on;
  t.flat_fee = eur(15000);
  t.per_workstation = eur(2500);
  t.user_count = 4;
  t.recorded_at = at(0);
  t.recorded_by = "admin";
  m.terms = {t};
  m.created_at = m.updated_at = at(0);
  ok(tx.contracts().insert(m));
  ManagedTerms raise = t;
  raise.effective_from = day(2027, 1, 16);
  raise.per_workstation = eur(2800);
  raise.note = "yearly indexation";
  ok(tx.contracts().add_terms(m.id, raise));
  EXPECT_EQ(tx.contracts().add_terms(m.id, raise).error().kind, ErrorKind::conflict);
  Contract back = ok(tx.contracts().get(m.id));
  EXPECT_EQ(back.reference, "MG-1");
  EXPECT_EQ(back.covered_work_types, (std::vector<WorkTypeId>{f.remote}));
  ASSERT_EQ(back.terms.size(), 2u);
  EXPECT_EQ(back.terms[1].note, "yearly indexation");
  EXPECT_EQ(back.terms[1].per_workstation, eur(2800));
  back.cancellation_effective_on = day(2028, 1, 16);
  back.cancelled_at = at(9);
  back.cancellation_reason = "moving to another provider";
  back.covered_work_types.clear();
  back.updated_at = at(9);
  ok(tx.contracts().update(back));
  Contract cancelled = ok(tx.contracts().get(m.id));
  EXPECT_EQ(cancelled.cancellation_effective_on, day(2028, 1, 16));
  EXPECT_TRUE(cancelled.covered_work_types.empty());
  EXPECT_EQ(cancelled.terms.size(), 2u);  // price history stays

  Contract b;
  b.client_id = f.client;
  b.kind = ContractKind::block_hours;
  b.name = "Prepaid";
  b.starts_on = day(2026, 7, 1);
  b.overage_rate = eur(9500);
  b.rollover = true;
  b.blocks = {{HourBlockId(), ContractId(), "2026-Q3", 600, eur(85000), day(2026, 7, 1), day(2026, 9, 30)}};
  b.created_at = b.updated_at = at(0);
  ok(tx.contracts().insert(b));
  ASSERT_TRUE(b.blocks[0].id.valid());
  HourBlock q4{HourBlockId(), b.id, "2026-Q4", 600, eur(85000), day(2026, 10, 1), day(2026, 12, 31)};
  q4.created_at = at(1);
  q4.id = ok(tx.contracts().add_block(q4));
  ok(tx.contracts().set_block_warned(q4.id, 80, at(4)));
  EXPECT_EQ(ok(tx.contracts().get(b.id)).blocks[1].warned_80_at, at(4));

  TimeEntry e = make_entry(f, day(2026, 8, 1), 90);
  e.id = ok(tx.time_entries().insert(e));
  std::vector<BlockLedgerRow> rows = {
      {BlockLedgerKind::consumption, b.blocks[0].id, e.id, HourBlockId(), day(2026, 8, 1), 90},
      {BlockLedgerKind::rollover_out, b.blocks[0].id, TimeEntryId(), q4.id, day(2026, 10, 1), 510},
      {BlockLedgerKind::rollover_in, q4.id, TimeEntryId(), b.blocks[0].id, day(2026, 10, 1), 510}};
  ok(tx.contracts().replace_ledger(b.id, rows));
  ok(tx.contracts().replace_ledger(b.id, rows));  // replacing twice leaves one copy
  EXPECT_EQ(ok(tx.contracts().ledger(b.id)).size(), 3u);
  // Invoicing the entry locks its consumption row: it survives a replace.
  e.status = WorkStatus::approved;
  ok(tx.time_entries().update(e));
  const TimeEntryId ids[] = {e.id};
  ok(tx.time_entries().mark_invoiced(ids, 5, at(40)));
  ok(tx.contracts().replace_ledger(b.id, {}));
  auto left = ok(tx.contracts().ledger(b.id));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_TRUE(left[0].locked);
  EXPECT_EQ(left[0].time_entry_id, e.id);
  // Rating open work reads every row but the locked overage rows: invoiced
  // work beyond the blocks never changes a balance again.
  TimeEntry late = make_entry(f, day(2026, 12, 30), 30);
  late.status = WorkStatus::approved;
  late.id = ok(tx.time_entries().insert(late));
  TimeEntry later = make_entry(f, day(2026, 12, 31), 45);
  later.status = WorkStatus::approved;
  later.id = ok(tx.time_entries().insert(later));
  const std::vector<BlockLedgerRow> overage = {
      {BlockLedgerKind::overage, HourBlockId(), late.id, HourBlockId(), day(2026, 12, 30), 30},
      {BlockLedgerKind::overage, HourBlockId(), later.id, HourBlockId(), day(2026, 12, 31), 45}};
  ok(tx.contracts().replace_ledger(b.id, overage));
  const TimeEntryId invoiced_late[] = {late.id};
  ok(tx.time_entries().mark_invoiced(invoiced_late, 6, at(41)));
  EXPECT_EQ(ok(tx.contracts().ledger(b.id)).size(), 3u);
  auto open_work = ok(tx.contracts().ledger(b.id, ContractRepository::LedgerRows::for_open_work));
  ASSERT_EQ(open_work.size(), 2u);
  EXPECT_EQ(open_work[0].time_entry_id, e.id);  // locked consumption: kept
  EXPECT_TRUE(open_work[0].locked);
  EXPECT_EQ(open_work[1].time_entry_id, later.id);  // open overage: kept
  EXPECT_FALSE(open_work[1].locked);

  EXPECT_EQ(ok(tx.contracts().for_client(f.client)).size(), 2u);
  ContractFilter active;
  active.client = f.client;
  active.active_on = day(2026, 3, 1);
  auto page = ok(make_page_request(10, "name", "", {std::begin(kContractSorts), std::end(kContractSorts)}, "name"));
  auto listed = ok(tx.contracts().list(active, page));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].name, "Managed Gold");
  ok(tx.commit());
}

TEST_P(StoreContract, ManagedDeviceCountsComeFromTheRegistryAtADate) {
  auto tx = ok(store_->write());
  Fixture f = add_fixture(tx);
  Site s;
  s.client_id = f.client;
  s.name = "Winkel";
  s.created_at = s.updated_at = at(0);
  SiteId site = ok(tx.sites().insert(s));
  Sql sql(tx.connection());
  auto add_device = [&](const char* cls, int64_t enrolled_minute, std::optional<int64_t> revoked_minute) {
    ok(sql.execute("INSERT INTO devices (client_id, site_id, name, name_key, hostname, class, enrolled_at, revoked_at, "
                   "created_at, updated_at) VALUES (?, ?, 'pc', 'pc', 'pc', ?, ?, ?, 0, 0)",
                   f.client.value(), site.value(), cls, to_unix_ms(at(enrolled_minute)),
                   revoked_minute ? std::optional<int64_t>(to_unix_ms(at(*revoked_minute))) : std::nullopt));
  };
  add_device("workstation", 0, std::nullopt);
  add_device("workstation", 0, 50);     // revoked before the date
  add_device("server", 10, std::nullopt);
  add_device("workstation", 500, std::nullopt);  // enrolled after the date
  DeviceCounts counts = ok(tx.contracts().device_counts(f.client, at(100)));
  EXPECT_EQ(counts.workstations, 1);
  EXPECT_EQ(counts.servers, 1);
}

}  // namespace tend::store
