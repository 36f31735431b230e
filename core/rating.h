// Rating: how many minutes of work are billable, at which hourly rate, and
// what that comes to. Pure functions; docs/rating-and-contracts.md states
// the rules with worked examples and tests/golden/rating/ holds the cases.
//
// The rounding rule (one rule, everywhere):
//   Per ticket and work type, the billable entries that are not yet
//   invoiced and carry no override form a group. Sum their actual minutes;
//   a non-zero sum below the work type's minimum becomes the minimum; then
//   round up to a multiple of the rounding increment. A zero sum stays zero
//   (a zero-minute entry records an act and is never charged a minimum).
//   The group's billable minutes are shared back over its entries in
//   proportion to their actual minutes (largest remainder, earlier entry
//   first on ties), so the entries always add up to the group.
//   Example: 45 + 45 + 5 minutes, minimum 60, increment 60 -> 95 -> 120
//   billable minutes (2 hours), shared as 57 + 57 + 6.
//
// The rate (the most specific rule wins):
//   the covering contract's override for the work type, else the client's
//   override, else the work type's default; then, for an entry marked
//   after hours, times the work type's after-hours multiplier. A rate must
//   be in the client's currency; a default in another currency does not
//   apply (the entry is left unpriced and says so).
//
// Money: minutes x hourly rate x multiplier / 60, rounded half away from
// zero once, on the line that shows the amount.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/money.h"

namespace tend {

// The minimum and the increment of a work type.
struct RoundingRule {
  int64_t minimum_minutes = 0;     // 0: no minimum
  int64_t increment_minutes = 0;   // 0 or 1: whole minutes
};

// The billable minutes of a group whose actual minutes add up to
// `actual_total` (>= 0) under `rule`. Never less than actual_total.
int64_t group_billable_minutes(int64_t actual_total, RoundingRule rule);

// Shares `total` (>= sum of actual) over entries in proportion to their
// actual minutes (each >= 0); when every actual is 0 the whole total goes to
// the first entry. The result has one value per entry and sums to `total`;
// each value is >= the entry's actual minutes. Empty in, empty out.
std::vector<int64_t> share_minutes(std::span<const int64_t> actual, int64_t total);

// Where a rate came from.
enum class RateSource { contract, client, work_type, overage, none };
// "contract", "client", "work_type", "overage", "none".
const char* to_string(RateSource source);

// The rate an entry is charged at: a base hourly rate from `source` and the
// multiplier applied on top (1 unless the entry is after hours).
struct HourlyRate {
  std::optional<Money> base;  // nullopt: no rate in the client's currency
  RateSource source = RateSource::none;
  ContractId contract;        // for RateSource::contract / overage
  Rational multiplier{1, 1};

  bool priced() const { return base.has_value(); }
  // base x multiplier, rounded half away from zero (for display only; the
  // amount is computed from the unrounded product).
  std::optional<Money> effective() const;
};

// The candidates for one entry's rate, most specific first. Overrides are
// expected in the client's currency; the work type default is used only
// when it is.
struct RateCandidates {
  std::optional<Money> contract_rate;
  ContractId contract;
  std::optional<Money> client_rate;
  std::optional<Money> work_type_rate;
  Rational after_hours_multiplier{1, 1};
};

// Picks the rate for an entry billed in `currency` (see file comment).
// Candidates in another currency are skipped.
HourlyRate choose_rate(const RateCandidates& candidates, bool after_hours, Currency currency);

// minutes x hourly x multiplier / 60, rounded half away from zero once.
// Throws std::overflow_error beyond 64 bits (a bug, not an input).
Money charge_for_minutes(const Money& hourly, Rational multiplier, int64_t minutes);

// "1.5 h", "0.25 h", "2 h", or "1 h 35 min" when the hours are not a
// short decimal.
std::string format_hours(int64_t minutes);
// "€95.00", "$12.50", "£3.00", else "CHF 95.00".
std::string format_money_short(const Money& money);

}  // namespace tend
