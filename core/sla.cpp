#include "core/sla.h"

#include <algorithm>

namespace tend {
namespace {

constexpr int64_t kMinuteMs = 60'000;

int severity(SlaState state) {
  switch (state) {
    case SlaState::ok: return 0;
    case SlaState::paused: return 1;
    case SlaState::warning: return 2;
    case SlaState::breached: return 3;
  }
  return 0;
}

SlaState worst(SlaState a, SlaState b) { return severity(a) >= severity(b) ? a : b; }

// A clock's stopped clocks only count when breached.
SlaState overall_contribution(const SlaClock& clock) {
  if (clock.stopped_at && clock.state != SlaState::breached) return SlaState::ok;
  return clock.state;
}

// One stretch of time under one set of terms.
struct Period {
  Instant from;
  std::optional<Instant> until;  // nullopt: still in force
  BusinessCalendar calendar;
  int64_t budget_ms;
  int warning_per_mille;
};

// Pauses known at `now`: closed intervals plus, when the ticket is in a
// pausing status at `now`, the start of that open pause.
struct Pauses {
  std::vector<Interval> closed;
  std::optional<Instant> open_from;
};

// The first instant at which `budget_ms` of business time since `created`
// has been used, or nullopt when an open-ended pause starts first.
std::optional<Instant> instant_reaching(const BusinessCalendar& calendar, Instant created, int64_t budget_ms,
                                        const Pauses& pauses) {
  if (pauses.open_from &&
      calendar.business_ms_between(created, *pauses.open_from, pauses.closed) < budget_ms) {
    return std::nullopt;
  }
  return calendar.add_business_ms(created, budget_ms, pauses.closed);
}

SlaClock evaluate_clock(Instant created, const std::vector<Period>& periods, const Pauses& pauses,
                        std::optional<Instant> stopped_at, Instant now) {
  SlaClock clock;
  clock.stopped_at = stopped_at;
  for (const Period& period : periods) {
    auto due = instant_reaching(period.calendar, created, period.budget_ms, pauses);
    if (!due) continue;
    Instant breach = std::max(*due, period.from);
    bool in_period = !period.until || breach < *period.until;
    bool before_stop = !stopped_at || breach <= *stopped_at;
    if (in_period && before_stop && breach <= now) {
      clock.breached_at = breach;
      break;
    }
  }

  const Period& current = periods.back();
  clock.budget_ms = current.budget_ms;
  clock.due_at = instant_reaching(current.calendar, created, current.budget_ms, pauses);
  // budget * per_mille / 1000 is exact in ms: budgets are whole minutes.
  clock.warning_at = instant_reaching(current.calendar, created,
                                      current.budget_ms / 1000 * current.warning_per_mille, pauses);

  Instant measured_until = stopped_at ? std::min(*stopped_at, now) : now;
  std::vector<Interval> all_pauses = pauses.closed;
  if (pauses.open_from) all_pauses.push_back({*pauses.open_from, now});
  clock.elapsed_ms = current.calendar.business_ms_between(created, measured_until, all_pauses);

  if (clock.breached_at) {
    clock.state = SlaState::breached;
  } else if (stopped_at) {
    clock.state = SlaState::ok;
  } else if (pauses.open_from) {
    clock.state = SlaState::paused;
  } else if (clock.warning_at && *clock.warning_at <= now) {
    clock.state = SlaState::warning;
  } else {
    clock.state = SlaState::ok;
  }
  return clock;
}

}  // namespace

const char* to_string(Priority priority) {
  switch (priority) {
    case Priority::p1: return "P1";
    case Priority::p2: return "P2";
    case Priority::p3: return "P3";
    case Priority::p4: return "P4";
  }
  return "P3";
}

Result<Priority> parse_priority(std::string_view text) {
  if (text == "P1") return Priority::p1;
  if (text == "P2") return Priority::p2;
  if (text == "P3") return Priority::p3;
  if (text == "P4") return Priority::p4;
  return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a priority (P1, P2, P3 or P4)"));
}

const char* to_string(SlaState state) {
  switch (state) {
    case SlaState::ok: return "ok";
    case SlaState::warning: return "warning";
    case SlaState::breached: return "breached";
    case SlaState::paused: return "paused";
  }
  return "ok";
}

BusinessCalendar SlaPolicy::calendar_for(Priority priority) const {
  if (!calendar || target(priority).around_the_clock) return BusinessCalendar::always();
  return *calendar;
}

Status validate_sla_policy(const SlaPolicy& policy) {
  FieldErrors errors;
  if (policy.name.empty()) errors.add("name", "is required");
  for (size_t i = 0; i < policy.targets.size(); ++i) {
    std::string prefix = std::string("targets.") + to_string(static_cast<Priority>(i)) + ".";
    auto check = [&](const char* field, int64_t minutes) {
      if (minutes < 1 || minutes > kMaxBudgetMinutes) {
        errors.add(prefix + field, "must be between 1 and " + std::to_string(kMaxBudgetMinutes) + " minutes");
      }
    };
    check("first_response_minutes", policy.targets[i].first_response_minutes);
    check("resolution_minutes", policy.targets[i].resolution_minutes);
  }
  if (policy.warning_per_mille < 1 || policy.warning_per_mille > 1000) {
    errors.add("warning_per_mille", "must be between 1 and 1000 (750 = a warning at 75% of the budget)");
  }
  return std::move(errors).status("the SLA policy has invalid fields");
}

Result<SlaEvaluation> evaluate_sla(const SlaTicketFacts& facts, Instant now) {
  if (facts.terms.empty())
    return std::unexpected(Error::invalid_field("terms", "at least one entry is required"));
  for (const auto& terms : facts.terms) TEND_CHECK(validate_sla_policy(terms.policy));

  const Instant created = facts.created_at;
  std::vector<Period> response_periods;
  std::vector<Period> resolution_periods;
  for (size_t i = 0; i < facts.terms.size(); ++i) {
    const SlaTerms& terms = facts.terms[i];
    Instant from = i == 0 ? created : std::max(terms.effective_at, created);
    if (i > 0 && from > now) break;
    const SlaTarget& target = terms.policy.target(terms.priority);
    BusinessCalendar calendar = terms.policy.calendar_for(terms.priority);
    if (!response_periods.empty()) {
      response_periods.back().until = from;
      resolution_periods.back().until = from;
    }
    response_periods.push_back({from, std::nullopt, calendar, target.first_response_minutes * kMinuteMs,
                                terms.policy.warning_per_mille});
    resolution_periods.push_back({from, std::nullopt, calendar, target.resolution_minutes * kMinuteMs,
                                  terms.policy.warning_per_mille});
  }
  // Terms replaced at the very instant they took effect never applied.
  auto drop_empty = [](std::vector<Period>& periods) {
    std::erase_if(periods, [](const Period& p) { return p.until && *p.until <= p.from; });
  };
  drop_empty(response_periods);
  drop_empty(resolution_periods);

  std::optional<Instant> responded = facts.first_response_at;
  if (responded && *responded > now) responded.reset();
  std::optional<Instant> resolved = facts.resolved_at;
  if (resolved && *resolved > now) resolved.reset();

  Pauses pauses;
  std::optional<Instant> pause_start;
  for (const auto& change : facts.status_changes) {
    if (change.at > now) break;
    if (change.pauses_sla && !pause_start) {
      pause_start = std::max(change.at, created);
    } else if (!change.pauses_sla && pause_start) {
      Instant end = std::max(change.at, created);
      if (*pause_start < end) pauses.closed.push_back({*pause_start, end});
      pause_start.reset();
    }
  }
  if (pause_start) {
    if (resolved) {
      if (*pause_start < *resolved) pauses.closed.push_back({*pause_start, *resolved});
    } else {
      pauses.open_from = pause_start;
    }
  }

  SlaEvaluation evaluation;
  evaluation.response = evaluate_clock(created, response_periods, Pauses{}, responded, now);
  evaluation.resolution = evaluate_clock(created, resolution_periods, pauses, resolved, now);
  evaluation.state =
      worst(overall_contribution(evaluation.response), overall_contribution(evaluation.resolution));
  return evaluation;
}

std::optional<Instant> merge_breach(std::optional<Instant> stored, std::optional<Instant> evaluated) {
  if (!stored) return evaluated;
  if (!evaluated) return stored;
  return std::min(*stored, *evaluated);
}

SlaEvaluation merge_recorded_breaches(SlaEvaluation evaluation, const SlaRecordedBreaches& stored) {
  auto merge = [](SlaClock& clock, std::optional<Instant> breach) {
    clock.breached_at = merge_breach(breach, clock.breached_at);
    if (clock.breached_at) clock.state = SlaState::breached;
  };
  merge(evaluation.response, stored.response);
  merge(evaluation.resolution, stored.resolution);
  evaluation.state =
      worst(overall_contribution(evaluation.response), overall_contribution(evaluation.resolution));
  return evaluation;
}

SlaRecordedBreaches recorded_breaches(const SlaEvaluation& evaluation) {
  return {evaluation.response.breached_at, evaluation.resolution.breached_at};
}

std::optional<Instant> next_sla_event(const SlaEvaluation& evaluation, Instant now) {
  std::optional<Instant> next;
  auto consider = [&](const SlaClock& clock) {
    if (clock.stopped_at || clock.breached_at || clock.state == SlaState::paused) return;
    for (const auto& at : {clock.warning_at, clock.due_at}) {
      if (at && *at > now && (!next || *at < *next)) next = at;
    }
  };
  consider(evaluation.response);
  consider(evaluation.resolution);
  return next;
}

}  // namespace tend
