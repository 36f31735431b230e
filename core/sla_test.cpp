#include "core/sla.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

namespace tend {
namespace {

using std::chrono::minutes;

Instant at(std::string_view text) { return *parse_rfc3339(text); }

// Europe/Amsterdam, Mon-Fri 08:30-12:00 + 13:00-17:00 (450 min a day). In
// November 2026 (UTC+1) that is 07:30-11:00Z + 12:00-16:00Z. 2026-11-23 is a
// Monday.
BusinessCalendar office() {
  CalendarSpec spec;
  spec.time_zone = "Europe/Amsterdam";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
    spec.hours[day] = {{"08:30", "12:00"}, {"13:00", "17:00"}};
  }
  spec.holidays = {"2026-12-25", "2026-12-26", "2027-01-01"};
  return *BusinessCalendar::create(spec);
}

SlaPolicy standard_policy() {
  SlaPolicy policy;
  policy.name = "Standard";
  policy.calendar = office();
  policy.targets[0] = {60, 240, true};  // P1 runs 24x7
  policy.targets[1] = {60, 480, false};
  policy.targets[2] = {240, 1350, false};
  policy.targets[3] = {480, 2250, false};
  return policy;
}

SlaTicketFacts ticket(Instant created, Priority priority, SlaPolicy policy = standard_policy()) {
  SlaTicketFacts facts;
  facts.created_at = created;
  facts.terms.push_back({created, priority, std::move(policy)});
  return facts;
}

SlaEvaluation evaluate(const SlaTicketFacts& facts, std::string_view now) {
  auto result = evaluate_sla(facts, at(now));
  if (!result) throw std::runtime_error(result.error().message);
  return *result;
}

TEST(Priority, ParsesAndPrints) {
  EXPECT_EQ(*parse_priority("P1"), Priority::p1);
  EXPECT_EQ(*parse_priority("P4"), Priority::p4);
  EXPECT_STREQ(to_string(Priority::p2), "P2");
  EXPECT_FALSE(parse_priority("p1").has_value());
  EXPECT_FALSE(parse_priority("P5").has_value());
  EXPECT_EQ(parse_priority("").error().kind, ErrorKind::invalid_input);
}

TEST(SlaPolicyChoice, ContractThenClientThenGlobal) {
  std::optional<std::string> none;
  EXPECT_EQ(choose_sla_policy<std::string>("contract", "client", "global"), "contract");
  EXPECT_EQ(choose_sla_policy<std::string>(none, "client", "global"), "client");
  EXPECT_EQ(choose_sla_policy<std::string>(none, none, "global"), "global");
  EXPECT_EQ(choose_sla_policy<std::string>(none, none, none), std::nullopt);
}

TEST(SlaPolicyValidation, ReportsEveryBadField) {
  SlaPolicy policy = standard_policy();
  policy.name = "";
  policy.targets[1].resolution_minutes = 0;
  policy.targets[3].first_response_minutes = -5;
  policy.warning_per_mille = 1001;
  auto status = validate_sla_policy(policy);
  ASSERT_FALSE(status.has_value());
  std::vector<std::string> fields;
  for (const auto& f : status.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "targets.P2.resolution_minutes",
                                              "targets.P4.first_response_minutes", "warning_per_mille"}));
  EXPECT_TRUE(validate_sla_policy(standard_policy()).has_value());
  EXPECT_EQ(standard_policy().calendar_for(Priority::p1).around_the_clock(), true);
  EXPECT_EQ(standard_policy().calendar_for(Priority::p2).around_the_clock(), false);
}

// P3, created Mon 23 Nov 09:00 local (08:00Z).
//  response 240: 09:00-12:00 (180) + 13:00-14:00 -> 14:00 local = 13:00Z;
//    warning at 180 -> 12:00 local = 11:00Z (the end of the morning window).
//  resolution 1350: Mon 420, Tue 450 (870), Wed 450 (1320), Thu 30 -> Thu 26
//    09:00 local = 08:00Z; warning at 1012.5 min: Mon 420 + Tue 450 = 870,
//    Wed 142.5 from 08:30 -> 10:52:30 local = 09:52:30Z.
TEST(SlaClock, ComputesDueAndWarningInstants) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  SlaEvaluation e = evaluate(facts, "2026-11-23T10:00:00Z");
  EXPECT_EQ(e.response.due_at, at("2026-11-23T13:00:00Z"));
  EXPECT_EQ(e.response.warning_at, at("2026-11-23T11:00:00Z"));
  EXPECT_EQ(e.resolution.due_at, at("2026-11-26T08:00:00Z"));
  EXPECT_EQ(e.resolution.warning_at, at("2026-11-25T09:52:30Z"));
  EXPECT_EQ(e.response.budget_ms, 240 * 60'000);
  EXPECT_EQ(e.response.elapsed_minutes(), 120);
  EXPECT_EQ(e.response.state, SlaState::ok);
  EXPECT_EQ(e.state, SlaState::ok);
  EXPECT_EQ(next_sla_event(e, at("2026-11-23T10:00:00Z")), at("2026-11-23T11:00:00Z"));
}

TEST(SlaClock, WarnsThenBreachesAndTheBreachIsTheDueInstant) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  SlaEvaluation lunch = evaluate(facts, "2026-11-23T11:30:00Z");
  EXPECT_EQ(lunch.response.state, SlaState::warning);
  EXPECT_EQ(lunch.state, SlaState::warning);
  EXPECT_EQ(next_sla_event(lunch, at("2026-11-23T11:30:00Z")), at("2026-11-23T13:00:00Z"));

  SlaEvaluation just_before = evaluate(facts, "2026-11-23T12:59:59.999Z");
  EXPECT_EQ(just_before.response.breached_at, std::nullopt);

  SlaEvaluation at_due = evaluate(facts, "2026-11-23T13:00:00Z");
  EXPECT_EQ(at_due.response.breached_at, at("2026-11-23T13:00:00Z"));
  EXPECT_EQ(at_due.response.state, SlaState::breached);
  EXPECT_EQ(at_due.state, SlaState::breached);
  // The breached response clock no longer wakes anyone; the resolution one does.
  EXPECT_EQ(next_sla_event(at_due, at("2026-11-23T13:00:00Z")), at("2026-11-25T09:52:30Z"));
}

TEST(SlaClock, FirstResponseStopsTheResponseClock) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  facts.first_response_at = at("2026-11-23T12:30:00Z");  // 13:30 local
  SlaEvaluation e = evaluate(facts, "2026-11-24T10:00:00Z");
  EXPECT_EQ(e.response.stopped_at, at("2026-11-23T12:30:00Z"));
  EXPECT_EQ(e.response.breached_at, std::nullopt);
  EXPECT_EQ(e.response.state, SlaState::ok);
  // 09:00-12:00 + 13:00-13:30 local.
  EXPECT_EQ(e.response.elapsed_minutes(), 210);
}

TEST(SlaClock, StoppingAtTheDueInstantIsLate) {
  SlaPolicy policy = standard_policy();
  policy.calendar.reset();  // 24x7
  SlaTicketFacts facts = ticket(at("2026-11-23T10:00:00Z"), Priority::p3, policy);
  facts.first_response_at = at("2026-11-23T13:59:59.999Z");
  EXPECT_EQ(evaluate(facts, "2026-11-23T15:00:00Z").response.breached_at, std::nullopt);
  facts.first_response_at = at("2026-11-23T14:00:00Z");
  EXPECT_EQ(evaluate(facts, "2026-11-23T15:00:00Z").response.breached_at, at("2026-11-23T14:00:00Z"));
}

// P3 -> P2 at Mon 10:00Z. P2's response target (60) counted from creation
// (09:00 local) was due at 10:00 local = 09:00Z, before the change: the clock
// breaches at the change. P2 resolution 480: Mon 420 + Tue 60 -> Tue 09:30
// local = 08:30Z.
TEST(SlaClock, UpgradeCountsTheNewTargetFromCreation) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  facts.terms.push_back({at("2026-11-23T10:00:00Z"), Priority::p2, standard_policy()});
  SlaEvaluation before = evaluate(facts, "2026-11-23T09:59:00Z");
  EXPECT_EQ(before.response.due_at, at("2026-11-23T13:00:00Z"));  // still P3
  EXPECT_EQ(before.response.state, SlaState::ok);

  SlaEvaluation after = evaluate(facts, "2026-11-23T10:30:00Z");
  EXPECT_EQ(after.response.due_at, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(after.response.breached_at, at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(after.resolution.due_at, at("2026-11-24T08:30:00Z"));
  EXPECT_EQ(after.resolution.breached_at, std::nullopt);
  EXPECT_EQ(after.state, SlaState::breached);
}

// P2 created Mon 09:00 local: response due 10:00 local (09:00Z) passes
// unanswered; at 09:30Z the ticket is downgraded to P4 (response 480, due
// Tue). The breach recorded under P2 stays.
TEST(SlaClock, DowngradeNeverRemovesABreach) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p2);
  facts.terms.push_back({at("2026-11-23T09:30:00Z"), Priority::p4, standard_policy()});
  SlaEvaluation e = evaluate(facts, "2026-11-23T10:00:00Z");
  // P4 response 480 from 09:00 local: Mon 420, Tue 60 -> Tue 09:30 local.
  EXPECT_EQ(e.response.due_at, at("2026-11-24T08:30:00Z"));
  EXPECT_EQ(e.response.breached_at, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(e.response.state, SlaState::breached);
  // The response clock is breached; the next event is the P4 resolution warning
  // at 1687.5 of 2250: Mon 420 + Tue, Wed 900 (1320), Thu 210 (1530) + 157.5 from
  // 13:00 -> 15:37:30 local = 14:37:30Z.
  EXPECT_EQ(next_sla_event(e, at("2026-11-23T10:00:00Z")), at("2026-11-26T14:37:30Z"));
}

// P3 created Fri 27 Nov 16:30 local (15:30Z) in business hours, raised to P1
// (24x7) at 16:00Z: response 60 real minutes from creation -> 16:30Z,
// warning at 45 -> 16:15Z; resolution 240 -> 19:30Z.
TEST(SlaClock, UpgradeToAroundTheClockPriority) {
  SlaTicketFacts facts = ticket(at("2026-11-27T15:30:00Z"), Priority::p3);
  facts.terms.push_back({at("2026-11-27T16:00:00Z"), Priority::p1, standard_policy()});
  SlaEvaluation e = evaluate(facts, "2026-11-27T16:15:00Z");
  EXPECT_EQ(e.response.due_at, at("2026-11-27T16:30:00Z"));
  EXPECT_EQ(e.response.warning_at, at("2026-11-27T16:15:00Z"));
  EXPECT_EQ(e.response.state, SlaState::warning);
  EXPECT_EQ(e.resolution.due_at, at("2026-11-27T19:30:00Z"));
  EXPECT_EQ(next_sla_event(e, at("2026-11-27T16:15:00Z")), at("2026-11-27T16:30:00Z"));

  facts.first_response_at = at("2026-11-27T16:20:00Z");
  SlaEvaluation late = evaluate(facts, "2026-11-27T20:00:00Z");
  EXPECT_EQ(late.response.state, SlaState::ok);
  EXPECT_EQ(late.response.elapsed_minutes(), 50);
  EXPECT_EQ(late.resolution.breached_at, at("2026-11-27T19:30:00Z"));
  EXPECT_EQ(late.state, SlaState::breached);
}

// P3 created Mon 09:00 local, answered at 09:30Z. Waiting on client from Mon
// 16:00 local (15:00Z) to Wed 09:30 local (08:30Z). Before the pause 360
// business minutes were used (09:00-12:00, 13:00-16:00). After it: Wed
// 09:30-17:00 = 390 (750), Thu 450 (1200), Fri 150 -> 11:00 local = 10:00Z.
// Warning at 1012.5: Wed brings 750, Thu 210 (960) + 52.5 from 13:00 ->
// 13:52:30 local = 12:52:30Z.
SlaTicketFacts paused_ticket() {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  facts.first_response_at = at("2026-11-23T09:30:00Z");
  facts.status_changes = {{at("2026-11-23T08:00:00Z"), false},
                          {at("2026-11-23T15:00:00Z"), true},
                          {at("2026-11-25T08:30:00Z"), false}};
  return facts;
}

TEST(SlaClock, ResolutionPausesAndResumesWithTheRemainingBudget) {
  SlaTicketFacts facts = paused_ticket();
  SlaEvaluation paused = evaluate(facts, "2026-11-24T10:00:00Z");
  EXPECT_EQ(paused.resolution.state, SlaState::paused);
  EXPECT_EQ(paused.resolution.due_at, std::nullopt);
  EXPECT_EQ(paused.resolution.warning_at, std::nullopt);
  EXPECT_EQ(paused.resolution.elapsed_minutes(), 360);
  EXPECT_EQ(paused.response.state, SlaState::ok);
  EXPECT_EQ(paused.state, SlaState::paused);
  EXPECT_EQ(next_sla_event(paused, at("2026-11-24T10:00:00Z")), std::nullopt);

  SlaEvaluation resumed = evaluate(facts, "2026-11-25T09:00:00Z");
  EXPECT_EQ(resumed.resolution.state, SlaState::ok);
  EXPECT_EQ(resumed.resolution.due_at, at("2026-11-27T10:00:00Z"));
  EXPECT_EQ(resumed.resolution.warning_at, at("2026-11-26T12:52:30Z"));
  EXPECT_EQ(resumed.resolution.elapsed_minutes(), 360 + 30);
  EXPECT_EQ(next_sla_event(resumed, at("2026-11-25T09:00:00Z")), at("2026-11-26T12:52:30Z"));
}

TEST(SlaClock, ResolvedInTimeReportsBusinessMinutesTaken) {
  SlaTicketFacts facts = paused_ticket();
  facts.resolved_at = at("2026-11-26T10:00:00Z");  // Thu 11:00 local
  SlaEvaluation e = evaluate(facts, "2026-12-01T10:00:00Z");
  EXPECT_EQ(e.resolution.stopped_at, at("2026-11-26T10:00:00Z"));
  EXPECT_EQ(e.resolution.breached_at, std::nullopt);
  EXPECT_EQ(e.resolution.state, SlaState::ok);
  // 360 before the pause, Wed 390, Thu 08:30-11:00 = 150.
  EXPECT_EQ(e.resolution.elapsed_minutes(), 900);
  EXPECT_EQ(e.state, SlaState::ok);
  EXPECT_EQ(next_sla_event(e, at("2026-12-01T10:00:00Z")), std::nullopt);
}

TEST(SlaClock, ResolvedWhilePausedClosesThePause) {
  SlaTicketFacts facts = paused_ticket();
  facts.status_changes.pop_back();                 // still waiting on the client...
  facts.resolved_at = at("2026-11-30T09:00:00Z");  // ...when resolved
  SlaEvaluation e = evaluate(facts, "2026-12-01T10:00:00Z");
  EXPECT_EQ(e.resolution.state, SlaState::ok);
  EXPECT_EQ(e.resolution.elapsed_minutes(), 360);
}

TEST(SlaClock, FactsAfterNowAreIgnored) {
  SlaTicketFacts facts = paused_ticket();
  facts.resolved_at = at("2026-11-26T10:00:00Z");
  facts.terms.push_back({at("2026-11-26T09:00:00Z"), Priority::p1, standard_policy()});
  // On Monday morning neither the pause, the change nor the resolution happened yet.
  SlaEvaluation monday = evaluate(facts, "2026-11-23T09:00:00Z");
  EXPECT_EQ(monday.resolution.due_at, at("2026-11-26T08:00:00Z"));
  EXPECT_EQ(monday.resolution.stopped_at, std::nullopt);
  EXPECT_EQ(monday.response.stopped_at, std::nullopt);
}

TEST(SlaClock, RecordedBreachesNeverDisappear) {
  SlaTicketFacts facts = ticket(at("2026-11-23T08:00:00Z"), Priority::p3);
  SlaRecordedBreaches stored{at("2026-11-23T09:00:00Z"), std::nullopt};
  SlaEvaluation e = merge_recorded_breaches(evaluate(facts, "2026-11-23T10:00:00Z"), stored);
  EXPECT_EQ(e.response.breached_at, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(e.response.state, SlaState::breached);
  EXPECT_EQ(e.state, SlaState::breached);
  EXPECT_EQ(recorded_breaches(e).response, at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(next_sla_event(e, at("2026-11-23T10:00:00Z")), at("2026-11-25T09:52:30Z"));

  EXPECT_EQ(merge_breach(std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(merge_breach(at("2026-11-23T09:00:00Z"), std::nullopt), at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(merge_breach(std::nullopt, at("2026-11-23T09:00:00Z")), at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(merge_breach(at("2026-11-23T11:00:00Z"), at("2026-11-23T09:00:00Z")), at("2026-11-23T09:00:00Z"));
}

TEST(SlaClock, RejectsFactsWithoutTermsOrWithBadTargets) {
  SlaTicketFacts facts;
  facts.created_at = at("2026-11-23T08:00:00Z");
  EXPECT_EQ(evaluate_sla(facts, at("2026-11-23T08:00:00Z")).error().kind, ErrorKind::invalid_input);
  SlaPolicy bad = standard_policy();
  bad.targets[2].resolution_minutes = 0;
  EXPECT_FALSE(evaluate_sla(ticket(at("2026-11-23T08:00:00Z"), Priority::p3, bad), at("2026-11-23T08:00:00Z"))
                   .has_value());
}

// Properties over random histories: a breach once seen at `now` is still
// seen (at the same instant) at any later `now`, and the next event is
// always in the future and is the moment the state changes.
TEST(SlaClockProperty, BreachesAreStableAsTimeMovesOn) {
  EXPECT_TRUE(rc::check([] {
    Instant created = at("2026-11-23T08:00:00Z") + minutes(*rc::gen::inRange(0, 20'000));
    SlaTicketFacts facts = ticket(created, static_cast<Priority>(*rc::gen::inRange(0, 4)));
    int changes = *rc::gen::inRange(0, 3);
    Instant t = created;
    for (int i = 0; i < changes; ++i) {
      t += minutes(*rc::gen::inRange(0, 3000));
      facts.terms.push_back({t, static_cast<Priority>(*rc::gen::inRange(0, 4)), standard_policy()});
    }
    Instant s = created;
    bool pausing = false;
    for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
      s += minutes(*rc::gen::inRange(1, 3000));
      pausing = !pausing;
      facts.status_changes.push_back({s, pausing});
    }
    Instant now1 = created + minutes(*rc::gen::inRange(0, 20'000));
    Instant now2 = now1 + minutes(*rc::gen::inRange(0, 20'000));
    auto e1 = *evaluate_sla(facts, now1);
    auto e2 = *evaluate_sla(facts, now2);
    if (e1.response.breached_at) RC_ASSERT(e2.response.breached_at == e1.response.breached_at);
    if (e1.resolution.breached_at) RC_ASSERT(e2.resolution.breached_at == e1.resolution.breached_at);
    auto next = next_sla_event(e1, now1);
    if (next) {
      RC_ASSERT(*next > now1);
      // Nothing changes strictly before the next event (without new facts).
      if (*next <= now2 && facts.terms.back().effective_at <= now1 &&
          (facts.status_changes.empty() || facts.status_changes.back().at <= now1)) {
        auto just_before = *evaluate_sla(facts, *next - Duration(1));
        RC_ASSERT(just_before.state == e1.state);
        auto at_next = *evaluate_sla(facts, *next);
        RC_ASSERT(at_next.response.state != e1.response.state ||
                  at_next.resolution.state != e1.resolution.state);
      }
    }
  }));
}

}  // namespace
}  // namespace tend
