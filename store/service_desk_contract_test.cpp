// Contract cases of the service desk repositories (statuses, queues, SLA
// calendars and policies, tickets, notes, timeline, schedules). Part of the
// StoreContract suite: every backend runs them (sqlite/sqlite_contract_test.cpp).
#include <set>

#include "store/store_contract_test.h"

namespace tend::store {
namespace {

Instant at(int64_t minutes) { return from_unix_ms(1'790'000'000'000 + minutes * 60'000); }

PageRequest ticket_page(int limit, std::string_view sort, std::string_view cursor = "") {
  return ok(make_page_request(limit, sort, cursor, {std::begin(kTicketSorts), std::end(kTicketSorts)}, "number"));
}

ClientId add_client(Transaction& tx, const std::string& name) {
  Client c;
  c.name = name;
  c.created_at = c.updated_at = at(0);
  return ok(tx.clients().insert(c));
}

CalendarSpec office_spec() {
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) spec.hours[day] = {{"08:30", "12:00"}, {"13:00", "17:00"}};
  spec.holidays = {"2026-12-25", "2026-12-26"};
  return spec;
}

Ticket make_ticket(ClientId client, TicketStatusId status, std::string subject, int64_t minute) {
  Ticket t;
  t.subject = std::move(subject);
  t.client_id = client;
  t.status_id = status;
  t.status_category = StatusCategory::new_;
  t.created_at = t.updated_at = at(minute);
  return t;
}

std::vector<int64_t> numbers(const Page<Ticket>& page) {
  std::vector<int64_t> out;
  for (const auto& t : page.items) out.push_back(t.number);
  return out;
}

}  // namespace

TEST_P(StoreContract, ServiceDeskStartsWithStatusesAndAQueue) {
  auto tx = ok(store_->read());
  auto statuses = ok(tx.ticket_statuses().list());
  ASSERT_EQ(statuses.size(), 6u);
  std::set<StatusCategory> categories;
  for (const auto& s : statuses) categories.insert(s.category);
  EXPECT_EQ(categories.size(), 6u);
  auto initial = ok(tx.ticket_statuses().default_status());
  EXPECT_EQ(initial.category, StatusCategory::new_);
  EXPECT_EQ(ok(tx.ticket_statuses().first_of(StatusCategory::waiting_on_client)).pauses_sla, true);
  EXPECT_EQ(ok(tx.queues().list()).size(), 1u);
}

TEST_P(StoreContract, StatusAndQueueNamesAreUniqueAndThereIsOneDefault) {
  auto tx = ok(store_->write());
  TicketStatus s{.name = "On hold", .category = StatusCategory::open, .pauses_sla = true, .position = 35};
  s.created_at = s.updated_at = at(0);
  s.id = ok(tx.ticket_statuses().insert(s));
  EXPECT_EQ(ok(tx.ticket_statuses().get(s.id)).name, "On hold");
  TicketStatus same = s;
  same.name = "ON HOLD";
  EXPECT_EQ(tx.ticket_statuses().insert(same).error().kind, ErrorKind::conflict);
  TicketStatus second_default = s;
  second_default.name = "Fresh";
  second_default.is_default = true;
  EXPECT_EQ(tx.ticket_statuses().insert(second_default).error().kind, ErrorKind::conflict);
  ok(tx.ticket_statuses().clear_default(at(1)));
  TicketStatusId fresh = ok(tx.ticket_statuses().insert(second_default));
  EXPECT_EQ(ok(tx.ticket_statuses().default_status()).id, fresh);

  Queue q{.name = "Projects", .description = "Planned work"};
  q.id = ok(tx.queues().insert(q));
  q.active = false;
  ok(tx.queues().update(q));
  EXPECT_FALSE(ok(tx.queues().get(q.id)).active);
  EXPECT_EQ(tx.queues().insert(Queue{.name = "projects"}).error().kind, ErrorKind::conflict);
  EXPECT_EQ(tx.queues().get(QueueId(999)).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, SlaCalendarsAndPoliciesRoundTrip) {
  SlaCalendarId calendar_id;
  SlaPolicyId policy_id;
  ClientId client;
  {
    auto tx = ok(store_->write());
    SlaCalendarRecord c{.name = "NL office", .spec = office_spec()};
    c.created_at = c.updated_at = at(0);
    calendar_id = ok(tx.sla_calendars().insert(c));
    SlaPolicyRecord p;
    p.name = "Standard";
    p.calendar_id = calendar_id;
    p.targets = {SlaTarget{60, 240, true}, SlaTarget{60, 480, false}, SlaTarget{240, 1350, false},
                 SlaTarget{480, 2250, false}};
    p.warning_per_mille = 800;
    p.is_default = true;
    p.created_at = p.updated_at = at(0);
    policy_id = ok(tx.sla_policies().insert(p));
    SlaPolicyRecord other = p;
    other.name = "Premium";
    EXPECT_EQ(tx.sla_policies().insert(other).error().kind, ErrorKind::conflict);  // second default
    client = add_client(tx, "Bakkerij");
    ok(tx.sla_policies().set_client_default(client, policy_id, at(1)));
    ok(tx.commit());
  }
  reopen();
  auto tx = ok(store_->write());
  auto calendar = ok(tx.sla_calendars().get(calendar_id));
  EXPECT_EQ(calendar.spec.time_zone, "Europe/Amsterdam");
  EXPECT_EQ(calendar.spec.hours, office_spec().hours);
  EXPECT_EQ(calendar.spec.holidays, office_spec().holidays);
  EXPECT_TRUE(BusinessCalendar::create(calendar.spec).has_value());
  auto policy = ok(tx.sla_policies().get(policy_id));
  EXPECT_EQ(policy.calendar_id, calendar_id);
  EXPECT_EQ(policy.targets[0].around_the_clock, true);
  EXPECT_EQ(policy.targets[2].resolution_minutes, 1350);
  EXPECT_EQ(policy.warning_per_mille, 800);
  EXPECT_EQ(ok(tx.sla_policies().global_default())->id, policy_id);
  EXPECT_EQ(ok(tx.sla_policies().client_default(client)), policy_id);
  ok(tx.sla_policies().set_client_default(client, SlaPolicyId(), at(2)));
  EXPECT_FALSE(ok(tx.sla_policies().client_default(client)).valid());
  ok(tx.sla_policies().clear_global_default(at(3)));
  EXPECT_FALSE(ok(tx.sla_policies().global_default()).has_value());
  EXPECT_EQ(tx.sla_calendars().get(SlaCalendarId(77)).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, TicketsGetSequentialNumbersAndRoundTripEveryField) {
  TicketId id;
  ClientId client;
  TicketStatusId status;
  {
    auto tx = ok(store_->write());
    client = add_client(tx, "Tandarts");
    status = ok(tx.ticket_statuses().default_status()).id;
    Ticket first = make_ticket(client, status, "Printer offline", 0);
    ok(tx.tickets().insert(first));
    EXPECT_EQ(first.number, 1);
    Ticket t = make_ticket(client, status, "Server disk 90% full", 5);
    t.description = "Alert from SRV01";
    t.source = TicketSource::alert;
    t.type = TicketType::alert;
    t.priority = Priority::p2;
    t.queue_id = ok(tx.queues().list()).front().id;
    t.device_ids = {DeviceId(42), DeviceId(7)};
    t.checklist = {{ChecklistItemId(), "Check disk", std::nullopt, UserId()},
                   {ChecklistItemId(), "Clean temp", at(6), UserId()}};
    t.first_response_at = at(7);
    t.sla.state = SlaState::warning;
    t.sla.response_due_at = at(65);
    t.sla.resolution_due_at = at(485);
    t.sla.response_breached_at = at(66);
    t.sla.response_business_ms = 120'000;
    t.sla.next_event_at = at(400);
    id = ok(tx.tickets().insert(t));
    EXPECT_EQ(t.number, 2);
    EXPECT_TRUE(t.checklist[0].id.valid());
    SlaPolicyRecord policy{.name = "24x7"};
    policy.targets.fill(SlaTarget{60, 480, false});
    SlaPolicyId policy_id = ok(tx.sla_policies().insert(policy));
    ok(tx.tickets().add_terms(id, {at(5), Priority::p2, policy_id, SlaCalendarId(), {60, 480, false}, 750}));
    ok(tx.tickets().add_status_change(id, {at(5), status, StatusCategory::new_, false}));
    ok(tx.commit());
  }
  reopen();
  auto tx = ok(store_->write());
  Ticket got = ok(tx.tickets().get(id));
  EXPECT_EQ(got.number, 2);
  EXPECT_EQ(got.subject, "Server disk 90% full");
  EXPECT_EQ(got.description, "Alert from SRV01");
  EXPECT_EQ(got.source, TicketSource::alert);
  EXPECT_EQ(got.type, TicketType::alert);
  EXPECT_EQ(got.priority, Priority::p2);
  EXPECT_EQ(got.device_ids, (std::vector<DeviceId>{DeviceId(7), DeviceId(42)}));
  ASSERT_EQ(got.checklist.size(), 2u);
  EXPECT_EQ(got.checklist[0].text, "Check disk");
  EXPECT_EQ(got.checklist[1].done_at, at(6));
  EXPECT_EQ(got.first_response_at, at(7));
  EXPECT_EQ(got.sla.state, SlaState::warning);
  EXPECT_EQ(got.sla.response_due_at, at(65));
  EXPECT_EQ(got.sla.response_breached_at, at(66));
  EXPECT_EQ(got.sla.response_business_ms, 120'000);
  EXPECT_EQ(got.sla.resolution_due_at, at(485));
  EXPECT_EQ(got.sla.next_event_at, at(400));
  auto terms = ok(tx.tickets().terms(id));
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].target.resolution_minutes, 480);
  EXPECT_EQ(ok(tx.tickets().status_changes(id)).size(), 1u);

  got.priority = Priority::p1;
  got.device_ids = {DeviceId(9)};
  got.updated_at = at(10);
  ok(tx.tickets().update(got));
  ChecklistItem item = got.checklist[0];
  item.done_at = at(11);
  ok(tx.tickets().update_checklist_item(id, item));
  EXPECT_EQ(tx.tickets().update_checklist_item(TicketId(999), item).error().kind, ErrorKind::not_found);
  Ticket again = ok(tx.tickets().get(id));
  EXPECT_EQ(again.priority, Priority::p1);
  EXPECT_EQ(again.device_ids, std::vector<DeviceId>{DeviceId(9)});
  EXPECT_EQ(again.checklist[0].done_at, at(11));
  EXPECT_EQ(tx.tickets().get(TicketId(999)).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, TicketListsFilterSortAndPage) {
  auto tx = ok(store_->write());
  ClientId a = add_client(tx, "A");
  ClientId b = add_client(tx, "B");
  TicketStatusId status = ok(tx.ticket_statuses().default_status()).id;
  QueueId queue = ok(tx.queues().list()).front().id;
  // Twelve tickets: client a for even i; resolution due at 100 - i minutes for
  // i < 8, none for the rest; priority P1..P4 cycling.
  for (int i = 0; i < 12; ++i) {
    Ticket t = make_ticket(i % 2 == 0 ? a : b, status, "Ticket " + std::to_string(i), i);
    t.priority = static_cast<Priority>(i % 4);
    if (i < 8) t.sla.resolution_due_at = at(100 - i);
    if (i < 8) t.sla.state = i == 3 ? SlaState::breached : SlaState::ok;
    if (i >= 6) t.status_category = StatusCategory::resolved;
    if (i % 3 == 0) t.queue_id = queue;
    ok(tx.tickets().insert(t));
  }
  TicketFilter only_a;
  only_a.client = a;
  EXPECT_EQ(numbers(ok(tx.tickets().list(only_a, ticket_page(50, "number")))),
            (std::vector<int64_t>{1, 3, 5, 7, 9, 11}));

  TicketFilter open_urgent;
  open_urgent.categories = {StatusCategory::new_, StatusCategory::open};
  open_urgent.priorities = {Priority::p1, Priority::p2};
  EXPECT_EQ(numbers(ok(tx.tickets().list(open_urgent, ticket_page(50, "resolution_due_at")))),
            (std::vector<int64_t>{6, 5, 2, 1}));

  TicketFilter in_queue;
  in_queue.queue = queue;
  EXPECT_EQ(numbers(ok(tx.tickets().list(in_queue, ticket_page(50, "-number")))),
            (std::vector<int64_t>{10, 7, 4, 1}));

  TicketFilter breached;
  breached.sla_states = {SlaState::breached};
  EXPECT_EQ(numbers(ok(tx.tickets().list(breached, ticket_page(50, "number")))), std::vector<int64_t>{4});

  TicketFilter due_window;
  due_window.due_after = at(95);
  due_window.due_before = at(99);
  EXPECT_EQ(numbers(ok(tx.tickets().list(due_window, ticket_page(50, "number")))),
            (std::vector<int64_t>{3, 4, 5, 6}));

  // Sorting by due puts tickets without one last, and pages never repeat
  // or skip a ticket.
  std::vector<int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = ok(tx.tickets().list({}, ticket_page(5, "resolution_due_at", cursor)));
    for (auto n : numbers(page)) seen.push_back(n);
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<int64_t>{8, 7, 6, 5, 4, 3, 2, 1, 9, 10, 11, 12}));
  auto descending = ok(tx.tickets().list({}, ticket_page(3, "-resolution_due_at")));
  EXPECT_EQ(numbers(descending), (std::vector<int64_t>{12, 11, 10}));
}

TEST_P(StoreContract, FullTextSearchCoversSubjectDescriptionAndNotes) {
  auto tx = ok(store_->write());
  ClientId client = add_client(tx, "C");
  TicketStatusId status = ok(tx.ticket_statuses().default_status()).id;
  Ticket printer = make_ticket(client, status, "Printer jams on the second floor", 0);
  Ticket mail = make_ticket(client, status, "Mailbox full", 1);
  mail.description = "Outlook zegt dat de mailbox vol is; café wifi";
  Ticket vpn = make_ticket(client, status, "VPN drops", 2);
  TicketId printer_id = ok(tx.tickets().insert(printer));
  ok(tx.tickets().insert(mail));
  TicketId vpn_id = ok(tx.tickets().insert(vpn));
  TicketNote internal{.ticket_id = vpn_id, .visibility = NoteVisibility::internal, .body = "Firmware bug in fortigate"};
  TicketNote visible{.ticket_id = vpn_id, .visibility = NoteVisibility::public_, .body = "We replaced the router"};
  ok(tx.ticket_notes().insert(internal));
  ok(tx.tickets().index_note(vpn_id, internal));
  ok(tx.ticket_notes().insert(visible));
  ok(tx.tickets().index_note(vpn_id, visible));

  auto search = [&](std::string text, bool public_only = false) {
    TicketFilter f;
    f.text = std::move(text);
    f.text_public_only = public_only;
    return numbers(ok(tx.tickets().list(f, ticket_page(50, "number"))));
  };
  EXPECT_EQ(search("printer"), std::vector<int64_t>{1});
  EXPECT_EQ(search("PRINT"), std::vector<int64_t>{1});          // last word matches as a prefix
  EXPECT_EQ(search("outlook mailbox"), std::vector<int64_t>{2});
  EXPECT_EQ(search("cafe"), std::vector<int64_t>{2});           // diacritics folded
  EXPECT_EQ(search("fortigate"), std::vector<int64_t>{3});
  EXPECT_EQ(search("fortigate", true), std::vector<int64_t>{});  // internal notes are not public
  EXPECT_EQ(search("router", true), std::vector<int64_t>{3});
  EXPECT_EQ(search("\"\"*(NEAR) -- OR"), std::vector<int64_t>{});  // operators are words, not syntax
  EXPECT_EQ(search("   "), (std::vector<int64_t>{1, 2, 3}));

  Ticket renamed = ok(tx.tickets().get(printer_id));
  renamed.subject = "Scanner jams";
  ok(tx.tickets().update(renamed));
  EXPECT_EQ(search("printer"), std::vector<int64_t>{});
  EXPECT_EQ(search("scanner"), std::vector<int64_t>{1});
  EXPECT_EQ(ticket_search_query("Printer ab", false), "\"Printer\" \"ab\"");
  EXPECT_EQ(ticket_search_query("wifi", true), "{subject description public_notes} : (\"wifi\"*)");
}

TEST_P(StoreContract, SearchResultsPageInNumberOrderWithAndWithoutNarrowFilters) {
  auto tx = ok(store_->write());
  ClientId a = add_client(tx, "A");
  ClientId b = add_client(tx, "B");
  TicketStatusId status = ok(tx.ticket_statuses().default_status()).id;
  for (int i = 0; i < 9; ++i) {
    Ticket t = make_ticket(i % 3 == 0 ? b : a, status, i % 2 == 0 ? "Router reboots" : "Mailbox full", i);
    ok(tx.tickets().insert(t));
  }
  // Routers: numbers 1, 3, 5, 7, 9 (clients b, a, a, b, a).
  for (std::string sort : {"-number", "number"}) {
    std::vector<int64_t> seen;
    std::string cursor;
    do {
      TicketFilter f;
      f.text = "router";
      auto page = ok(tx.tickets().list(f, ticket_page(2, sort, cursor)));
      for (auto n : numbers(page)) seen.push_back(n);
      cursor = page.next_cursor;
    } while (!cursor.empty());
    EXPECT_EQ(seen, sort == "number" ? (std::vector<int64_t>{1, 3, 5, 7, 9}) : (std::vector<int64_t>{9, 7, 5, 3, 1}));
  }
  TicketFilter narrow;
  narrow.text = "router";
  narrow.client = a;
  auto first = ok(tx.tickets().list(narrow, ticket_page(2, "-number")));
  EXPECT_EQ(numbers(first), (std::vector<int64_t>{9, 5}));
  EXPECT_EQ(numbers(ok(tx.tickets().list(narrow, ticket_page(2, "-number", first.next_cursor)))),
            std::vector<int64_t>{3});
  narrow.client = ClientId();
  narrow.categories = {StatusCategory::new_};
  narrow.priorities = {Priority::p3};
  EXPECT_EQ(numbers(ok(tx.tickets().list(narrow, ticket_page(10, "created_at")))),
            (std::vector<int64_t>{1, 3, 5, 7, 9}));
}

TEST_P(StoreContract, SlaWakeupsComeFromTheIndexInOrder) {
  auto tx = ok(store_->write());
  ClientId client = add_client(tx, "D");
  TicketStatusId status = ok(tx.ticket_statuses().default_status()).id;
  EXPECT_EQ(ok(tx.tickets().next_sla_event()), std::nullopt);
  std::vector<TicketId> ids;
  for (int i = 0; i < 5; ++i) {
    Ticket t = make_ticket(client, status, "T" + std::to_string(i), i);
    if (i != 2) t.sla.next_event_at = at(50 - i * 10);
    ids.push_back(ok(tx.tickets().insert(t)));
  }
  EXPECT_EQ(ok(tx.tickets().next_sla_event()), at(10));
  // Events at 50, 40, (none), 20, 10 minutes.
  EXPECT_EQ(ok(tx.tickets().sla_events_due(at(40), 10)), (std::vector<TicketId>{ids[4], ids[3], ids[1]}));
  EXPECT_EQ(ok(tx.tickets().sla_events_due(at(40), 2)), (std::vector<TicketId>{ids[4], ids[3]}));
  TicketSla cleared;
  cleared.state = SlaState::breached;
  ok(tx.tickets().update_sla(ids[4], cleared));
  EXPECT_EQ(ok(tx.tickets().next_sla_event()), at(20));
  EXPECT_EQ(ok(tx.tickets().get(ids[4])).sla.state, SlaState::breached);
}

TEST_P(StoreContract, NotesAndTimelineKeepOrderAndVisibility) {
  auto tx = ok(store_->write());
  ClientId client = add_client(tx, "E");
  Ticket t = make_ticket(client, ok(tx.ticket_statuses().default_status()).id, "Laptop slow", 0);
  TicketId id = ok(tx.tickets().insert(t));
  for (int i = 0; i < 4; ++i) {
    TicketNote n{.ticket_id = id, .author = "sanne@vos-it.nl", .by_staff = i != 3,
                 .visibility = i % 2 == 0 ? NoteVisibility::public_ : NoteVisibility::internal,
                 .body = "note " + std::to_string(i), .created_at = at(i)};
    ok(tx.ticket_notes().insert(n));
    ok(tx.ticket_timeline().append({0, id, at(i), UserId(), "sanne@vos-it.nl", "note.added", i % 2 == 0,
                                    "{\"n\":" + std::to_string(i) + "}"}));
  }
  auto all = ok(tx.ticket_notes().list(id, false, 0, 100));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3].by_staff, false);
  EXPECT_EQ(all[1].visibility, NoteVisibility::internal);
  auto visible = ok(tx.ticket_notes().list(id, true, 0, 100));
  ASSERT_EQ(visible.size(), 2u);
  EXPECT_EQ(visible[1].body, "note 2");
  auto after_first = ok(tx.ticket_notes().list(id, false, all[0].id.value(), 2));
  EXPECT_EQ(after_first.size(), 2u);
  EXPECT_EQ(after_first[0].body, "note 1");
  auto events = ok(tx.ticket_timeline().list(id, false, 0, 100));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].details, "{\"n\":2}");
  EXPECT_EQ(ok(tx.ticket_timeline().list(id, true, 0, 100)).size(), 2u);
}

TEST_P(StoreContract, SchedulesRoundTripAndComeDueInOrder) {
  ScheduleId id;
  {
    auto tx = ok(store_->write());
    MaintenanceSchedule s;
    s.name = "Monthly server check";
    s.client_id = add_client(tx, "F");
    s.priority = Priority::p3;
    s.subject = "Check the server";
    s.checklist = {"Event log", "Backups", "Disk space"};
    s.recurrence.frequency = "weekly";
    s.recurrence.days = {"mon", "thu"};
    s.recurrence.time = "07:00";
    s.recurrence.time_zone = "Europe/Amsterdam";
    s.recurrence.starts_on = "2026-11-01";
    s.next_run_at = at(30);
    s.created_at = s.updated_at = at(0);
    id = ok(tx.schedules().insert(s));
    MaintenanceSchedule later = s;
    later.name = "Later";
    later.next_run_at = at(90);
    ok(tx.schedules().insert(later));
    MaintenanceSchedule paused = s;
    paused.name = "Paused";
    paused.active = false;
    paused.next_run_at = at(1);
    ok(tx.schedules().insert(paused));
    ok(tx.commit());
  }
  reopen();
  auto tx = ok(store_->write());
  auto s = ok(tx.schedules().get(id));
  EXPECT_EQ(s.checklist, (std::vector<std::string>{"Event log", "Backups", "Disk space"}));
  EXPECT_EQ(s.recurrence.days, (std::vector<std::string>{"mon", "thu"}));
  EXPECT_EQ(s.priority, Priority::p3);
  EXPECT_EQ(ok(tx.schedules().next_run()), at(30));
  EXPECT_EQ(ok(tx.schedules().due(at(60), 10)), std::vector<ScheduleId>{id});
  s.checklist = {"Only this"};
  s.next_run_at = at(200);
  ok(tx.schedules().update(s));
  EXPECT_EQ(ok(tx.schedules().get(id)).checklist, std::vector<std::string>{"Only this"});
  EXPECT_EQ(ok(tx.schedules().next_run()), at(90));
  auto page = ok(tx.schedules().list({}, ok(make_page_request(50, "next_run_at", "",
                                                              {std::begin(kScheduleSorts), std::end(kScheduleSorts)},
                                                              "name"))));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].name, "Paused");
  EXPECT_EQ(page.items[2].name, "Monthly server check");
}

TEST_P(StoreContract, SlaReportRowsSkipTicketsWithoutSlaAndMergedOnes) {
  auto tx = ok(store_->write());
  ClientId client = add_client(tx, "G");
  TicketStatusId status = ok(tx.ticket_statuses().default_status()).id;
  Ticket with_sla = make_ticket(client, status, "with", 10);
  with_sla.sla.state = SlaState::ok;
  with_sla.sla.response_business_ms = 60'000;
  TicketId kept = ok(tx.tickets().insert(with_sla));
  Ticket without = make_ticket(client, status, "without", 11);
  ok(tx.tickets().insert(without));
  Ticket merged = make_ticket(client, status, "merged", 12);
  merged.sla.state = SlaState::ok;
  merged.merged_into_id = kept;
  ok(tx.tickets().insert(merged));
  Ticket outside = with_sla;
  outside.created_at = at(500);
  ok(tx.tickets().insert(outside));
  auto rows = ok(tx.tickets().sla_rows(at(0), at(100), ClientId()));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, kept);
  EXPECT_EQ(rows[0].sla.response_business_ms, 60'000);
  EXPECT_EQ(ok(tx.tickets().sla_rows(at(0), at(100), ClientId(999))).size(), 0u);
}

}  // namespace tend::store
