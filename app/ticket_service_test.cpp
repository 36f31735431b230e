// Use-case tests of the service desk over a real SQLite store and a manual
// clock: SLA clocks through the ticket's life, portal scoping, bad input,
// merging, bulk changes, schedules, the watcher and the report.
#include "app/ticket_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "app/app_test_support.h"
#include "app/desk_settings_service.h"
#include "app/schedule_service.h"
#include "app/service_desk_codec.h"
#include "app/sla_report_service.h"
#include "app/sla_watcher.h"
#include "app/user_service.h"
#include "store/sqlite/sqlite_store.h"

namespace tend {
namespace {

using nlohmann::json;

Instant at(std::string_view text) { return *parse_rfc3339(text); }

std::vector<std::string> error_fields(const Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields) out.push_back(f.field);
  return out;
}

// Amsterdam office calendar, Mon-Fri 08:30-12:00 + 13:00-17:00; in November
// 2026 that is 07:30-11:00Z + 12:00-16:00Z. 2026-11-23 is a Monday.
json office_calendar() {
  json hours = json::object();
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) hours[day] = json::array({json::array({"08:30", "12:00"}), json::array({"13:00", "17:00"})});
  return {{"name", "NL office"}, {"time_zone", "Europe/Amsterdam"}, {"hours", hours},
          {"holidays", {"2026-12-25", "2026-12-26"}}};
}

class ServiceDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tend-desk-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = ok(store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now()));
    AppContext context{*store_, clock_, config_};
    settings_ = std::make_unique<DeskSettingsService>(context);
    tickets_ = std::make_unique<TicketService>(context);
    schedules_ = std::make_unique<ScheduleService>(context, *tickets_);
    reports_ = std::make_unique<SlaReportService>(context);

    calendar_ = ok(settings_->create_calendar(admin_, office_calendar())).id;
    json targets = {{"P1", {{"first_response_minutes", 60}, {"resolution_minutes", 240}, {"around_the_clock", true}}},
                    {"P2", {{"first_response_minutes", 60}, {"resolution_minutes", 480}}},
                    {"P3", {{"first_response_minutes", 240}, {"resolution_minutes", 1350}}},
                    {"P4", {{"first_response_minutes", 480}, {"resolution_minutes", 2250}}}};
    standard_ = ok(settings_->create_policy(
                       admin_, {{"name", "Standard"}, {"calendar_id", calendar_.value()}, {"targets", targets},
                                {"is_default", true}}))
                    .id;
    auto tx = ok(store_->write());
    client_a_ = add_client(tx, "Bakkerij Jansen");
    client_b_ = add_client(tx, "Garage Peters");
    site_a_ = add_site(tx, client_a_);
    site_b_ = add_site(tx, client_b_);
    Contact contact;
    contact.client_id = client_a_;
    contact.name = "Anna Jansen";
    contact.created_at = contact.updated_at = clock_.now();
    contact_a_ = ok(tx.contacts().insert(contact));
    technician_.user_id = add_user(tx, "sanne@vos-it.nl", Role::technician, ClientId(), ContactId());
    technician_.role = Role::technician;
    technician_.email = "sanne@vos-it.nl";
    portal_.user_id = add_user(tx, "anna@bakkerij.nl", Role::portal, client_a_, contact_a_);
    portal_.role = Role::portal;
    portal_.client_id = client_a_;
    portal_.email = "anna@bakkerij.nl";
    ok(tx.commit());
    auto statuses = ok(settings_->list_statuses());
    for (const auto& s : statuses) status_[s.name] = s.id;
  }

  void TearDown() override {
    reports_.reset();
    schedules_.reset();
    tickets_.reset();
    settings_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ClientId add_client(store::Transaction& tx, const std::string& name) {
    Client c;
    c.name = name;
    c.created_at = c.updated_at = clock_.now();
    return ok(tx.clients().insert(c));
  }
  SiteId add_site(store::Transaction& tx, ClientId client) {
    Site s;
    s.client_id = client;
    s.name = "Main";
    s.created_at = s.updated_at = clock_.now();
    return ok(tx.sites().insert(s));
  }
  UserId add_user(store::Transaction& tx, const std::string& email, Role role, ClientId client, ContactId contact) {
    User u;
    u.email = email;
    u.name = email;
    u.role = role;
    u.client_id = client;
    u.contact_id = contact;
    u.created_at = u.updated_at = clock_.now();
    return ok(tx.users().insert(u));
  }

  Ticket create(json body, const Principal& caller) { return ok(tickets_->create(caller, body)); }
  Ticket create(json body) { return create(std::move(body), admin_); }
  json ticket_body(const std::string& priority = "P3") {
    return {{"subject", "Laptop slow, pop-ups"}, {"client_id", client_a_.value()}, {"priority", priority}};
  }
  Ticket get(TicketId id) { return ok(tickets_->get(admin_, id)); }
  std::vector<std::string> kinds(TicketId id, const Principal& caller) {
    std::vector<std::string> out;
    for (const auto& e : ok(tickets_->timeline(caller, id, 0, 500))) out.push_back(e.kind);
    return out;
  }
  int64_t ticket_count() {
    auto tx = ok(store_->read());
    return ok(tx.tickets().count());
  }

  std::filesystem::path dir_;
  ManualClock clock_{at("2026-11-23T08:00:00Z")};
  Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<DeskSettingsService> settings_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<ScheduleService> schedules_;
  std::unique_ptr<SlaReportService> reports_;
  Principal admin_ = Principal::local_admin();
  Principal technician_;
  Principal portal_;
  SlaCalendarId calendar_;
  SlaPolicyId standard_;
  ClientId client_a_, client_b_;
  SiteId site_a_, site_b_;
  ContactId contact_a_;
  std::map<std::string, TicketStatusId> status_;
};

// P3 created Mon 09:00 local: response 240 -> 14:00 local (13:00Z), warning
// at 180 -> 11:00Z; resolution 1350 -> Thu 09:00 local (08:00Z).
TEST_F(ServiceDeskTest, CreationComputesAndStoresDueTimesUnderTheGlobalDefault) {
  Ticket t = create(ticket_body("P3"));
  EXPECT_EQ(t.number, 1);
  EXPECT_EQ(t.sla_policy_id, standard_);
  EXPECT_EQ(t.status_id, status_["New"]);
  EXPECT_EQ(t.source, TicketSource::api);
  EXPECT_EQ(t.sla.state, SlaState::ok);
  EXPECT_EQ(t.sla.response_due_at, at("2026-11-23T13:00:00Z"));
  EXPECT_EQ(t.sla.response_warning_at, at("2026-11-23T11:00:00Z"));
  EXPECT_EQ(t.sla.resolution_due_at, at("2026-11-26T08:00:00Z"));
  EXPECT_EQ(t.sla.next_event_at, at("2026-11-23T11:00:00Z"));
  Ticket stored = get(t.id);
  EXPECT_EQ(stored.sla.resolution_due_at, t.sla.resolution_due_at);
  EXPECT_EQ(kinds(t.id, admin_), std::vector<std::string>{"ticket.created"});
  EXPECT_EQ(create(ticket_body()).number, 2);
}

TEST_F(ServiceDeskTest, TheClientDefaultPolicyWinsOverTheGlobalDefault) {
  json targets = json::object();
  for (const char* p : {"P1", "P2", "P3", "P4"}) targets[p] = {{"first_response_minutes", 30}, {"resolution_minutes", 120}};
  SlaPolicyId premium = ok(settings_->create_policy(admin_, {{"name", "Premium 24x7"}, {"targets", targets}})).id;
  ok(settings_->set_client_policy(admin_, client_a_, {{"sla_policy_id", premium.value()}}));
  Ticket t = create(ticket_body("P3"));
  EXPECT_EQ(t.sla_policy_id, premium);
  EXPECT_EQ(t.sla.response_due_at, at("2026-11-23T08:30:00Z"));  // 24x7
  json other = ticket_body();
  other["client_id"] = client_b_.value();
  EXPECT_EQ(create(other).sla_policy_id, standard_);
}

TEST_F(ServiceDeskTest, BadInputIsRejectedWithNothingStored) {
  json body = ticket_body();
  body["status_id"] = 999;
  body["priority"] = "P9";
  auto bad = tickets_->create(admin_, body);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(error_fields(bad.error()), std::vector<std::string>{"priority"});  // types before references
  body["priority"] = "P2";
  body["site_id"] = site_b_.value();  // another client's site
  bad = tickets_->create(admin_, body);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(error_fields(bad.error()), (std::vector<std::string>{"site_id", "status_id"}));
  EXPECT_EQ(bad.error().kind, ErrorKind::invalid_input);
  body = ticket_body();
  body["colour"] = "red";
  body["subject"] = "";
  bad = tickets_->create(admin_, body);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(error_fields(bad.error()), (std::vector<std::string>{"colour"}));
  EXPECT_EQ(ticket_count(), 0);
  auto tx = ok(store_->read());
  EXPECT_EQ(ok(tx.tickets().next_sla_event()), std::nullopt);
}

// Paused Mon 11:00-Wed 09:00 local after 120 minutes: 1230 remain from Wed
// 09:00: Wed 420, Thu 450, Fri 210 + 150 -> Fri 15:30 local = 14:30Z.
TEST_F(ServiceDeskTest, WaitingOnTheClientPausesTheResolutionClockAndResumingKeepsTheRest) {
  Ticket t = create(ticket_body("P3"));
  clock_.set(at("2026-11-23T10:00:00Z"));
  Ticket waiting = ok(tickets_->update(technician_, t.id, {{"status_id", status_["Waiting on client"].value()}}));
  EXPECT_EQ(waiting.status_category, StatusCategory::waiting_on_client);
  EXPECT_EQ(waiting.sla.resolution_due_at, std::nullopt);
  EXPECT_EQ(waiting.sla.state, SlaState::paused);
  // The response clock never pauses: its warning is still the next event.
  EXPECT_EQ(waiting.sla.next_event_at, at("2026-11-23T11:00:00Z"));

  clock_.set(at("2026-11-25T08:00:00Z"));
  Ticket resumed = ok(tickets_->update(technician_, t.id, {{"status_id", status_["In progress"].value()}}));
  EXPECT_EQ(resumed.sla.resolution_due_at, at("2026-11-27T14:30:00Z"));
  // The unanswered response clock breached on Monday at its due instant.
  EXPECT_EQ(resumed.sla.response_breached_at, at("2026-11-23T13:00:00Z"));
  EXPECT_EQ(resumed.sla.state, SlaState::breached);
  auto k = kinds(t.id, admin_);
  EXPECT_EQ(std::count(k.begin(), k.end(), "ticket.status_changed"), 2);
  EXPECT_EQ(std::count(k.begin(), k.end(), "sla.breached"), 1);
}

TEST_F(ServiceDeskTest, OnlyThePublicNoteOfStaffIsTheFirstResponse) {
  Ticket t = create(ticket_body("P3"));
  clock_.set(at("2026-11-23T08:30:00Z"));
  ok(tickets_->add_note(technician_, t.id, {{"body", "Checked the logs"}}));  // internal by default
  ok(tickets_->add_note(portal_, t.id, {{"body", "It is getting worse"}}));
  EXPECT_EQ(get(t.id).first_response_at, std::nullopt);
  clock_.set(at("2026-11-23T09:15:00Z"));
  auto reply = ok(tickets_->add_note(technician_, t.id, {{"body", "We are on it"}, {"visibility", "public"}}));
  EXPECT_TRUE(reply.counts_as_response());
  Ticket answered = get(t.id);
  EXPECT_EQ(answered.first_response_at, at("2026-11-23T09:15:00Z"));
  EXPECT_EQ(answered.sla.response_business_ms, 75 * 60'000);  // 09:00-10:15 local
  EXPECT_EQ(answered.sla.next_event_at, answered.sla.resolution_warning_at);
  auto portal_note = tickets_->add_note(portal_, t.id, {{"body", "secret"}, {"visibility", "internal"}});
  ASSERT_FALSE(portal_note.has_value());
  EXPECT_EQ(error_fields(portal_note.error()), std::vector<std::string>{"visibility"});
}

// P3 -> P2 at Mon 10:00Z: P2's response (60 from creation) was due 09:00Z,
// so it breaches at the change; resolution 480 -> Tue 09:30 local (08:30Z).
TEST_F(ServiceDeskTest, APriorityChangeRecomputesFromCreationAndBreachesAtTheChange) {
  Ticket t = create(ticket_body("P3"));
  clock_.set(at("2026-11-23T10:00:00Z"));
  Ticket raised = ok(tickets_->update(technician_, t.id, {{"priority", "P2"}}));
  EXPECT_EQ(raised.sla.response_due_at, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(raised.sla.response_breached_at, at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(raised.sla.resolution_due_at, at("2026-11-24T08:30:00Z"));
  // Lowering it again never removes the breach.
  clock_.set(at("2026-11-23T10:05:00Z"));
  Ticket lowered = ok(tickets_->update(technician_, t.id, {{"priority", "P4"}}));
  EXPECT_EQ(lowered.sla.response_breached_at, at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(lowered.sla.state, SlaState::breached);
  auto k = kinds(t.id, admin_);
  EXPECT_EQ(std::count(k.begin(), k.end(), "sla.breached"), 1);
  EXPECT_EQ(std::count(k.begin(), k.end(), "ticket.updated"), 2);
}

TEST_F(ServiceDeskTest, TheWatcherRecordsAWarningAndABreachOnce) {
  Ticket t = create(ticket_body("P3"));
  EXPECT_EQ(ok(tickets_->process_sla_events(at("2026-11-23T10:59:59Z"))), 0);
  EXPECT_EQ(ok(tickets_->process_sla_events(at("2026-11-23T11:00:00Z"))), 1);
  Ticket warned = get(t.id);
  EXPECT_EQ(warned.sla.state, SlaState::warning);
  EXPECT_EQ(warned.sla.next_event_at, at("2026-11-23T13:00:00Z"));
  EXPECT_EQ(ok(tickets_->process_sla_events(at("2026-11-23T12:00:00Z"))), 0);
  EXPECT_EQ(ok(tickets_->process_sla_events(at("2026-11-23T13:00:00Z"))), 1);
  Ticket breached = get(t.id);
  EXPECT_EQ(breached.sla.state, SlaState::breached);
  EXPECT_EQ(breached.sla.response_breached_at, at("2026-11-23T13:00:00Z"));
  // Next: the resolution warning (1012.5 of 1350 min) on Wed 10:52:30 local.
  EXPECT_EQ(breached.sla.next_event_at, at("2026-11-25T09:52:30Z"));
  EXPECT_EQ(kinds(t.id, admin_), (std::vector<std::string>{"ticket.created", "sla.warning", "sla.breached"}));
  // SLA events are internal: the portal does not see them.
  EXPECT_EQ(kinds(t.id, portal_), std::vector<std::string>{"ticket.created"});
  EXPECT_EQ(ok(tickets_->process_sla_events(at("2026-11-23T14:00:00Z"))), 0);
}

TEST_F(ServiceDeskTest, PortalUsersSeeOnlyTheirClientAndPublicNotes) {
  Ticket mine = create(ticket_body());
  json other = ticket_body();
  other["client_id"] = client_b_.value();
  Ticket theirs = create(other);
  ok(tickets_->add_note(technician_, mine.id, {{"body", "internal remark"}}));
  ok(tickets_->add_note(technician_, mine.id, {{"body", "public answer"}, {"visibility", "public"}}));

  auto page = ok(tickets_->list(portal_, {}, ok(make_page_request(50, "", "", {"number"}, "number"))));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, mine.id);
  store::TicketFilter sneaky;
  sneaky.client = client_b_;
  EXPECT_TRUE(ok(tickets_->list(portal_, sneaky, ok(make_page_request(50, "", "", {"number"}, "number")))).items.empty());
  EXPECT_EQ(tickets_->get(portal_, theirs.id).error().kind, ErrorKind::not_found);
  EXPECT_EQ(tickets_->notes(portal_, theirs.id, 0, 100).error().kind, ErrorKind::not_found);
  EXPECT_EQ(tickets_->add_note(portal_, theirs.id, {{"body", "hi"}}).error().kind, ErrorKind::not_found);
  auto notes = ok(tickets_->notes(portal_, mine.id, 0, 100));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].body, "public answer");
  EXPECT_EQ(ok(tickets_->notes(technician_, mine.id, 0, 100)).size(), 2u);

  // Searching internal notes from the portal finds nothing.
  store::TicketFilter search;
  search.text = "remark";
  EXPECT_TRUE(ok(tickets_->list(portal_, search, ok(make_page_request(50, "", "", {"number"}, "number")))).items.empty());
  EXPECT_EQ(ok(tickets_->list(technician_, search, ok(make_page_request(50, "", "", {"number"}, "number")))).items.size(),
            1u);
}

TEST_F(ServiceDeskTest, PortalUsersCreateTicketsOnlyForTheirOwnClient) {
  Ticket t = create({{"subject", "Printer offline"}, {"priority", "P2"}}, portal_);
  EXPECT_EQ(t.client_id, client_a_);
  EXPECT_EQ(t.source, TicketSource::portal);
  EXPECT_EQ(t.contact_id, contact_a_);
  EXPECT_EQ(t.created_by_id, portal_.user_id);
  auto other_client = tickets_->create(portal_, {{"subject", "x"}, {"client_id", client_b_.value()}});
  ASSERT_FALSE(other_client.has_value());
  EXPECT_EQ(error_fields(other_client.error()), std::vector<std::string>{"client_id"});
  auto other_site = tickets_->create(portal_, {{"subject", "x"}, {"site_id", site_b_.value()}});
  ASSERT_FALSE(other_site.has_value());
  EXPECT_EQ(error_fields(other_site.error()), std::vector<std::string>{"site_id"});
  auto staff_fields = tickets_->create(portal_, {{"subject", "x"}, {"assignee_id", technician_.user_id.value()},
                                                 {"status_id", status_["Resolved"].value()}});
  ASSERT_FALSE(staff_fields.has_value());
  EXPECT_EQ(error_fields(staff_fields.error()), (std::vector<std::string>{"assignee_id", "status_id"}));
  EXPECT_EQ(ticket_count(), 1);
}

TEST_F(ServiceDeskTest, AClientReplyMovesAWaitingTicketBackToOpen) {
  Ticket t = create(ticket_body());
  ok(tickets_->update(technician_, t.id, {{"status_id", status_["Waiting on client"].value()}}));
  clock_.advance(std::chrono::minutes(30));
  ok(tickets_->add_note(portal_, t.id, {{"body", "Here is the screenshot"}}));
  Ticket after = get(t.id);
  EXPECT_EQ(after.status_id, status_["In progress"]);
  EXPECT_NE(after.sla.resolution_due_at, std::nullopt);
  EXPECT_EQ(kinds(t.id, portal_),
            (std::vector<std::string>{"ticket.created", "ticket.status_changed", "note.added", "ticket.status_changed"}));
}

TEST_F(ServiceDeskTest, ResolvingStopsBothClocksAndReopeningResumesResolution) {
  Ticket t = create(ticket_body("P3"));
  clock_.set(at("2026-11-23T09:00:00Z"));  // 60 business minutes in
  Ticket resolved = ok(tickets_->update(technician_, t.id, {{"status_id", status_["Resolved"].value()}}));
  EXPECT_EQ(resolved.resolved_at, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(resolved.first_response_at, at("2026-11-23T09:00:00Z"));  // resolving answers it
  EXPECT_EQ(resolved.sla.resolution_business_ms, 60 * 60'000);
  EXPECT_EQ(resolved.sla.state, SlaState::ok);
  EXPECT_EQ(resolved.sla.next_event_at, std::nullopt);
  // Reopened Tuesday 09:00 local: 1290 minutes remain, the resolved night
  // does not count: Tue 420 + Wed 450 + Thu 420 -> Thu 16:30 local (15:30Z).
  clock_.set(at("2026-11-24T08:00:00Z"));
  Ticket reopened = ok(tickets_->update(technician_, t.id, {{"status_id", status_["In progress"].value()}}));
  EXPECT_EQ(reopened.resolved_at, std::nullopt);
  EXPECT_EQ(reopened.sla.resolution_due_at, at("2026-11-26T15:30:00Z"));
  EXPECT_EQ(reopened.sla.resolution_business_ms, std::nullopt);
}

TEST_F(ServiceDeskTest, MergingCopiesNotesLinksDevicesAndClosesTheDuplicate) {
  json first = ticket_body();
  first["device_ids"] = {1, 2};
  Ticket keep = create(first);
  json second = ticket_body();
  second["device_ids"] = {2, 3};
  Ticket duplicate = create(second);
  ok(tickets_->add_note(technician_, duplicate.id, {{"body", "Same problem, second call"}, {"visibility", "public"}}));
  json other = ticket_body();
  other["client_id"] = client_b_.value();
  Ticket foreign = create(other);

  EXPECT_EQ(error_fields(tickets_->merge(technician_, duplicate.id, {{"into_ticket_id", foreign.id.value()}}).error()),
            std::vector<std::string>{"into_ticket_id"});
  EXPECT_EQ(error_fields(tickets_->merge(technician_, duplicate.id, {{"into_ticket_id", duplicate.id.value()}}).error()),
            std::vector<std::string>{"into_ticket_id"});

  Ticket merged = ok(tickets_->merge(technician_, duplicate.id, {{"into_ticket_id", keep.id.value()}}));
  EXPECT_EQ(merged.id, keep.id);
  EXPECT_EQ(merged.device_ids, (std::vector<DeviceId>{DeviceId(1), DeviceId(2), DeviceId(3)}));
  auto notes = ok(tickets_->notes(technician_, keep.id, 0, 100));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].body, "Same problem, second call");
  Ticket closed = get(duplicate.id);
  EXPECT_EQ(closed.merged_into_id, keep.id);
  EXPECT_EQ(closed.status_category, StatusCategory::closed);
  EXPECT_EQ(closed.sla.next_event_at, std::nullopt);
  EXPECT_EQ(tickets_->merge(technician_, duplicate.id, {{"into_ticket_id", keep.id.value()}}).error().kind,
            ErrorKind::conflict);
  EXPECT_EQ(tickets_->update(technician_, duplicate.id, {{"priority", "P1"}}).error().kind, ErrorKind::conflict);
  auto k = kinds(keep.id, portal_);
  EXPECT_NE(std::find(k.begin(), k.end(), "ticket.merged"), k.end());
  // The copied note is searchable on the kept ticket.
  store::TicketFilter search;
  search.text = "second call";
  auto found = ok(tickets_->list(technician_, search, ok(make_page_request(50, "", "", {"number"}, "number"))));
  EXPECT_EQ(found.items.size(), 2u);
}

TEST_F(ServiceDeskTest, BulkChangesAreAllOrNothing) {
  Ticket a = create(ticket_body());
  Ticket b = create(ticket_body());
  auto bad = tickets_->bulk_update(technician_, {{"ticket_ids", {a.id.value(), 999}},
                                                 {"assignee_id", technician_.user_id.value()}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(error_fields(bad.error()), std::vector<std::string>{"ticket_ids[1]"});
  EXPECT_FALSE(get(a.id).assignee_id.valid());
  auto changed = ok(tickets_->bulk_update(
      technician_, {{"ticket_ids", {a.id.value(), b.id.value()}}, {"assignee_id", technician_.user_id.value()},
                    {"status_id", status_["In progress"].value()}}));
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(get(b.id).assignee_id, technician_.user_id);
  EXPECT_EQ(get(b.id).status_category, StatusCategory::open);
  EXPECT_EQ(tickets_->bulk_update(technician_, {{"ticket_ids", {a.id.value()}}}).error().kind,
            ErrorKind::invalid_input);
  auto portal_assignee = tickets_->bulk_update(
      technician_, {{"ticket_ids", {a.id.value()}}, {"assignee_id", portal_.user_id.value()}});
  EXPECT_EQ(error_fields(portal_assignee.error()), std::vector<std::string>{"assignee_id"});
}

TEST_F(ServiceDeskTest, ChecklistsAreTickedOffOnTheTimeline) {
  json body = ticket_body();
  body["checklist"] = {"Check backups", "Install updates"};
  Ticket t = create(body);
  ASSERT_EQ(t.checklist.size(), 2u);
  Ticket ticked = ok(tickets_->set_checklist_item(technician_, t.id, t.checklist[1].id, {{"done", true}}));
  EXPECT_TRUE(ticked.checklist[1].done());
  EXPECT_EQ(ticked.checklist[1].done_by_id, technician_.user_id);
  Ticket added = ok(tickets_->add_checklist_item(technician_, t.id, {{"text", "Reboot"}}));
  EXPECT_EQ(added.checklist.size(), 3u);
  EXPECT_EQ(get(t.id).checklist[2].text, "Reboot");
  EXPECT_EQ(tickets_->set_checklist_item(technician_, t.id, ChecklistItemId(999), {{"done", true}}).error().kind,
            ErrorKind::not_found);
}

TEST_F(ServiceDeskTest, SchedulesCreateMaintenanceTicketsAndSkipMissedRuns) {
  json body = {{"name", "Weekly check"},   {"client_id", client_a_.value()}, {"site_id", site_a_.value()},
               {"subject", "Weekly server check"}, {"priority", "P4"},   {"checklist", {"Backups", "Disk space"}},
               {"frequency", "weekly"},     {"days", {"mon", "thu"}},    {"time", "07:00"},
               {"starts_on", "2026-11-01"}};
  MaintenanceSchedule s = ok(schedules_->create(technician_, body));
  EXPECT_EQ(s.recurrence.time_zone, "Europe/Amsterdam");  // the provider's
  EXPECT_EQ(s.next_run_at, at("2026-11-26T06:00:00Z"));    // Thu 07:00 local (Mon 07:00 has passed)
  EXPECT_EQ(ok(schedules_->next_runs(technician_, s.id, 3)),
            (std::vector<Instant>{at("2026-11-26T06:00:00Z"), at("2026-11-30T06:00:00Z"), at("2026-12-03T06:00:00Z")}));
  EXPECT_EQ(ok(schedules_->run_due(at("2026-11-26T05:59:00Z"))), 0);
  EXPECT_EQ(ok(schedules_->run_due(at("2026-11-26T06:00:00Z"))), 1);
  auto page = ok(tickets_->list(admin_, {}, ok(make_page_request(50, "", "", {"number"}, "number"))));
  ASSERT_EQ(page.items.size(), 1u);
  Ticket made = get(page.items[0].id);
  EXPECT_EQ(made.type, TicketType::maintenance);
  EXPECT_EQ(made.source, TicketSource::schedule);
  EXPECT_EQ(made.schedule_id, s.id);
  EXPECT_EQ(made.site_id, site_a_);
  ASSERT_EQ(made.checklist.size(), 2u);
  EXPECT_EQ(made.checklist[0].text, "Backups");
  // Down for two weeks: one ticket for the latest missed run, then onwards.
  EXPECT_EQ(ok(schedules_->run_due(at("2026-12-11T12:00:00Z"))), 1);
  MaintenanceSchedule after = ok(schedules_->get(technician_, s.id));
  EXPECT_EQ(after.last_run_at, at("2026-11-30T06:00:00Z"));
  EXPECT_EQ(after.next_run_at, at("2026-12-14T06:00:00Z"));
  EXPECT_EQ(ticket_count(), 2);
  auto invalid = schedules_->create(technician_, {{"name", "x"}, {"client_id", client_a_.value()}, {"subject", "x"},
                                                  {"frequency", "fortnightly"}, {"starts_on", "2026-11-01"},
                                                  {"time_zone", "Europe/Amsterdam"}});
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(error_fields(invalid.error()), std::vector<std::string>{"frequency"});
}

TEST_F(ServiceDeskTest, TheReportCountsMetAndBreachedPerClientPriorityAndMonth) {
  Ticket met = create(ticket_body("P3"));
  Ticket late = create(ticket_body("P3"));
  clock_.set(at("2026-11-23T08:30:00Z"));
  ok(tickets_->add_note(technician_, met.id, {{"body", "answer"}, {"visibility", "public"}}));
  clock_.set(at("2026-11-23T14:00:00Z"));
  ok(tickets_->add_note(technician_, late.id, {{"body", "sorry"}, {"visibility", "public"}}));
  ok(tickets_->update(technician_, met.id, {{"status_id", status_["Resolved"].value()}}));
  SlaReport report = ok(reports_->report(admin_, {"2026-11", "2026-11", ClientId(), ""}));
  ASSERT_EQ(report.lines.size(), 1u);
  const SlaReportLine& line = report.lines[0];
  EXPECT_EQ(line.client_id, client_a_);
  EXPECT_EQ(line.month, "2026-11");
  EXPECT_EQ(line.tickets, 2);
  EXPECT_EQ(line.response.met, 1);
  EXPECT_EQ(line.response.breached, 1);
  EXPECT_EQ(line.response.median_minutes, 30);   // 09:00-09:30 local
  EXPECT_EQ(line.response.p90_minutes, 300);     // 09:00-12:00 + 13:00-15:00 local
  EXPECT_EQ(line.resolution.met, 1);
  EXPECT_EQ(line.resolution.pending, 1);
  auto bad = reports_->report(admin_, {"2026-13", "2026-11", ClientId(), ""});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(error_fields(bad.error()), std::vector<std::string>{"from_month"});
}

TEST_F(ServiceDeskTest, ACalendarChangeReschedulesOpenTickets) {
  Ticket t = create(ticket_body("P3"));
  EXPECT_EQ(t.sla.resolution_due_at, at("2026-11-26T08:00:00Z"));
  json calendar = office_calendar();
  calendar["holidays"].push_back("2026-11-24");  // Tuesday off
  ok(settings_->update_calendar(admin_, calendar_, calendar));
  EXPECT_EQ(ok(tickets_->process_sla_events(clock_.now())), 1);
  EXPECT_EQ(get(t.id).sla.resolution_due_at, at("2026-11-27T08:00:00Z"));
}

TEST_F(ServiceDeskTest, CalendarsAreValidatedFieldByField) {
  json calendar = office_calendar();
  calendar["name"] = "Broken";
  calendar["time_zone"] = "Europe/Atlantis";
  calendar["hours"]["mon"] = json::array({json::array({"08:30", "12:00"}), json::array({"11:00", "13:00"})});
  calendar["holidays"] = {"2026-02-30"};
  auto bad = settings_->create_calendar(admin_, calendar);
  ASSERT_FALSE(bad.has_value());
  auto fields = error_fields(bad.error());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "time_zone"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "hours.mon[1]"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "holidays[0]"), fields.end());
}

TEST_F(ServiceDeskTest, TheWatcherThreadWakesForNewTicketsAndTheClock) {
  SlaWatcher watcher(clock_, *tickets_, *schedules_, std::chrono::milliseconds(60'000));
  tickets_->on_next_sla_event([&](Instant next) { watcher.wake_for(next); });
  std::thread loop([&] { watcher.run(); });
  ASSERT_TRUE(watcher.await_round_after(0, std::chrono::seconds(10)));
  int64_t rounds = watcher.rounds();
  Ticket t = create(ticket_body("P3"));  // wakes the watcher: its event is earlier than "never"
  ASSERT_TRUE(watcher.await_round_after(rounds, std::chrono::seconds(10)));
  rounds = watcher.rounds();
  clock_.set(at("2026-11-23T11:00:00Z"));
  watcher.wake();
  ASSERT_TRUE(watcher.await_round_after(rounds, std::chrono::seconds(10)));
  watcher.stop();
  loop.join();
  EXPECT_EQ(get(t.id).sla.state, SlaState::warning);
  EXPECT_EQ(kinds(t.id, admin_), (std::vector<std::string>{"ticket.created", "sla.warning"}));
}

}  // namespace
}  // namespace tend
