#include "core/ticket.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

std::vector<std::string> fields_of(const Status& status) {
  std::vector<std::string> out;
  if (!status) {
    for (const auto& f : status.error().fields) out.push_back(f.field);
  }
  return out;
}

TEST(TicketEnums, RoundTripTheirWireSpelling) {
  for (auto c : kAllStatusCategories) EXPECT_EQ(*parse_status_category(to_string(c)), c);
  EXPECT_STREQ(to_string(StatusCategory::new_), "new");
  EXPECT_EQ(*parse_ticket_source("portal"), TicketSource::portal);
  EXPECT_EQ(*parse_ticket_type("maintenance"), TicketType::maintenance);
  EXPECT_EQ(*parse_note_visibility("public"), NoteVisibility::public_);
  auto bad = parse_ticket_source("fax");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("portal, email, phone, api, alert, schedule"), std::string::npos);
  EXPECT_FALSE(parse_status_category("New").has_value());
}

TEST(TicketStatusRules, DoneCategoriesStopAndCannotPause) {
  EXPECT_TRUE(is_done(StatusCategory::resolved));
  EXPECT_TRUE(is_done(StatusCategory::closed));
  EXPECT_FALSE(is_done(StatusCategory::waiting_on_client));
  TicketStatus waiting{.name = "Waiting on client", .category = StatusCategory::waiting_on_client, .pauses_sla = true};
  EXPECT_TRUE(validate(waiting).has_value());
  EXPECT_TRUE(waiting.stops_resolution_time());
  TicketStatus resolved{.name = "Resolved", .category = StatusCategory::resolved};
  EXPECT_TRUE(resolved.stops_resolution_time());
  resolved.pauses_sla = true;
  EXPECT_EQ(fields_of(validate(resolved)), std::vector<std::string>{"pauses_sla"});
  TicketStatus bad_default{.name = "", .category = StatusCategory::waiting_on_vendor, .position = -1, .is_default = true};
  EXPECT_EQ(fields_of(validate(bad_default)), (std::vector<std::string>{"name", "position", "is_default"}));
}

TEST(TicketValidation, ReportsEveryFieldAtOnce) {
  Ticket t;
  t.subject = "  ";
  t.device_ids = {DeviceId(3), DeviceId(3), DeviceId(0)};
  t.checklist.push_back({ChecklistItemId(), "", std::nullopt, UserId()});
  EXPECT_EQ(fields_of(validate(t)),
            (std::vector<std::string>{"subject", "client_id", "device_ids[1]", "device_ids[2]", "checklist[0].text"}));
  t.subject = "Printer offline";
  t.client_id = ClientId(1);
  t.device_ids = {DeviceId(3), DeviceId(4)};
  t.checklist.clear();
  EXPECT_TRUE(validate(t).has_value());
}

TEST(TicketNotes, OnlyPublicStaffNotesAreResponses) {
  TicketNote note{.by_staff = true, .visibility = NoteVisibility::public_, .body = "On it"};
  EXPECT_TRUE(note.counts_as_response());
  note.visibility = NoteVisibility::internal;
  EXPECT_FALSE(note.counts_as_response());
  note.visibility = NoteVisibility::public_;
  note.by_staff = false;
  EXPECT_FALSE(note.counts_as_response());
  note.body = "";
  EXPECT_EQ(fields_of(validate(note)), std::vector<std::string>{"body"});
}

TEST(SlaRecords, CalendarValidationNamesTheCalendarFields) {
  SlaCalendarRecord c;
  c.name = "Office";
  c.spec.time_zone = "Europe/Atlantis";
  c.spec.hours["mon"] = {{"08:30", "12:00"}, {"11:00", "17:00"}};
  c.spec.holidays = {"2026-02-30"};
  auto fields = fields_of(validate(c));
  EXPECT_NE(std::find(fields.begin(), fields.end(), "time_zone"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "hours.mon[1]"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "holidays[0]"), fields.end());
}

TEST(SlaRecords, PolicyValidationAndConversion) {
  SlaPolicyRecord p;
  p.name = "Standard";
  p.targets = {SlaTarget{60, 240, true}, SlaTarget{60, 480, false}, SlaTarget{240, 1350, false},
               SlaTarget{480, 0, false}};
  EXPECT_EQ(fields_of(validate(p)), std::vector<std::string>{"targets.P4.resolution_minutes"});
  p.targets[3].resolution_minutes = 2250;
  EXPECT_TRUE(validate(p).has_value());
  SlaPolicy policy = to_sla_policy(p, std::nullopt);
  EXPECT_EQ(policy.target(Priority::p2).resolution_minutes, 480);
  EXPECT_TRUE(policy.calendar_for(Priority::p2).around_the_clock());
}

}  // namespace
}  // namespace tend
