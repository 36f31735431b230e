// SLA policies and the ticket SLA clocks, as pure functions of a ticket's
// history and an instant `now`.
//
// Rules (docs/sla.md has worked examples):
//
// * Policy choice: the covering contract's policy, else the client's
//   default, else the global default (choose_sla_policy).
// * A policy has, per priority, a first-response and a resolution target in
//   business minutes of the policy's calendar, or 24x7 when the policy has no
//   calendar or the target is marked around_the_clock.
// * Both clocks start when the ticket is created. The response clock stops
//   at the first public reply by staff and never pauses. The resolution clock
//   stops when the ticket is resolved and pauses while the ticket's status
//   pauses SLA; it resumes with the remaining budget.
// * Due instant: the first instant at which the whole budget has been used
//   (BusinessCalendar::add_business_ms). A clock must stop BEFORE its due
//   instant: stopping at or after it is a breach, and a running clock is
//   breached from its due instant on.
// * Warning instant: the first instant at which `warning_per_mille` of the
//   budget has been used (default 750 = 75%), to the millisecond.
// * Priority or policy change: the new terms apply as if they had held since
//   the ticket was created: the new target is counted from creation, in the
//   new calendar, with the same pauses (elapsed business time is preserved,
//   not restarted). A change that makes the due instant lie in the past
//   breaches the clock at the moment of the change. A breach under earlier
//   terms stays: a later downgrade never removes it.
// * Breaches are permanent: evaluation reports the first breach instant of
//   each clock; the caller stores it and merges it into later evaluations
//   with merge_recorded_breaches, so a recorded breach never disappears even
//   if the history is later edited.
// * Facts dated after `now` are ignored, so evaluating one history at
//   several instants replays the ticket's life.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/error.h"
#include "core/time.h"

namespace tend {

// Ticket priority, P1 (most urgent) to P4. The wire spelling is "P1".."P4".
enum class Priority { p1 = 0, p2 = 1, p3 = 2, p4 = 3 };

// "P1".."P4".
const char* to_string(Priority priority);
// Parses "P1".."P4" (exact spelling); invalid_input otherwise.
Result<Priority> parse_priority(std::string_view text);

// The targets for one priority, in business minutes of the policy's calendar
// (or 24x7 when around_the_clock).
struct SlaTarget {
  int64_t first_response_minutes = 0;
  int64_t resolution_minutes = 0;
  bool around_the_clock = false;
};

// An SLA policy. Value type; copies share the (immutable) calendar.
struct SlaPolicy {
  std::string name;
  // The business-hours calendar; nullopt means every target is 24x7.
  std::optional<BusinessCalendar> calendar;
  // Indexed by Priority (targets[0] is P1).
  std::array<SlaTarget, 4> targets{};
  // The share of a budget at which the warning fires, in 1/1000 (750 = 75%).
  int warning_per_mille = 750;

  const SlaTarget& target(Priority priority) const { return targets[static_cast<size_t>(priority)]; }
  // The calendar the targets of `priority` are measured in (always() for 24x7).
  BusinessCalendar calendar_for(Priority priority) const;
};

// Checks a policy: a name, targets in 1..kMaxBudgetMinutes, warning share in
// 1..1000. invalid_input with fields "name", "targets.P2.resolution_minutes",
// "warning_per_mille".
Status validate_sla_policy(const SlaPolicy& policy);

// The policy that applies to a ticket: the covering contract's, else the
// client's default, else the global default. Works with any reference type
// (an id, a pointer, a name).
template <class PolicyRef>
std::optional<PolicyRef> choose_sla_policy(const std::optional<PolicyRef>& contract_policy,
                                           const std::optional<PolicyRef>& client_default,
                                           const std::optional<PolicyRef>& global_default) {
  if (contract_policy) return contract_policy;
  if (client_default) return client_default;
  return global_default;
}

// The terms in force from `effective_at` on: a priority under a policy.
struct SlaTerms {
  Instant effective_at;
  Priority priority = Priority::p3;
  SlaPolicy policy;
};

// A status change of the ticket: from `at` on, the status pauses SLA or not.
struct SlaStatusChange {
  Instant at;
  bool pauses_sla = false;
};

// Everything the SLA clocks depend on.
struct SlaTicketFacts {
  Instant created_at;
  // Non-empty, in order of effective_at. The first entry applies from
  // created_at whatever its effective_at says; each later one from its
  // effective_at (clamped to created_at).
  std::vector<SlaTerms> terms;
  // In order of `at`. Before the first change the status does not pause.
  std::vector<SlaStatusChange> status_changes;
  // The first public reply by staff (stops the response clock).
  std::optional<Instant> first_response_at;
  // When the ticket was resolved (stops the resolution clock).
  std::optional<Instant> resolved_at;
};

// The state of a clock, or of the ticket as a whole, at `now`.
enum class SlaState { ok, warning, breached, paused };

// "ok", "warning", "breached", "paused".
const char* to_string(SlaState state);

// One clock (response or resolution) evaluated at `now`.
struct SlaClock {
  // The budget under the current terms, in ms.
  int64_t budget_ms = 0;
  // Under the current terms. nullopt while the clock is paused (open-ended)
  // before reaching that share of its budget.
  std::optional<Instant> warning_at;
  std::optional<Instant> due_at;
  // When the clock stopped (first response / resolution), if it has.
  std::optional<Instant> stopped_at;
  // The first instant at which the clock was overdue, under the terms in
  // force at that instant; nullopt if never (up to now).
  std::optional<Instant> breached_at;
  // Business ms used from creation up to min(stopped_at, now), pauses
  // excluded, in the current terms' calendar. When stopped: the business
  // time taken to respond / resolve.
  int64_t elapsed_ms = 0;
  SlaState state = SlaState::ok;

  int64_t elapsed_minutes() const { return elapsed_ms / 60'000; }
};

// Both clocks and the ticket's overall state (breached > warning > paused >
// ok across the two clocks; a stopped clock counts only if it breached).
struct SlaEvaluation {
  SlaClock response;
  SlaClock resolution;
  SlaState state = SlaState::ok;
};

// Evaluates the clocks at `now`. invalid_input when `facts.terms` is empty or
// a target is out of range (see validate_sla_policy).
Result<SlaEvaluation> evaluate_sla(const SlaTicketFacts& facts, Instant now);

// Breach instants as the caller stores them.
struct SlaRecordedBreaches {
  std::optional<Instant> response;
  std::optional<Instant> resolution;
};

// The earlier of a stored and an evaluated breach; never loses a stored one.
std::optional<Instant> merge_breach(std::optional<Instant> stored, std::optional<Instant> evaluated);

// `evaluation` with the stored breaches merged in (earliest instant wins) and
// the states updated: a clock with a breach is breached.
SlaEvaluation merge_recorded_breaches(SlaEvaluation evaluation, const SlaRecordedBreaches& stored);

// The breaches of `evaluation`, to store.
SlaRecordedBreaches recorded_breaches(const SlaEvaluation& evaluation);

// The next instant after `now` at which the ticket's SLA state changes by
// itself (a warning or due instant of a running, unbreached clock); nullopt
// when nothing can happen without a new fact (stopped, paused, breached).
// The server stores it per ticket and sleeps until the earliest.
std::optional<Instant> next_sla_event(const SlaEvaluation& evaluation, Instant now);

}  // namespace tend
