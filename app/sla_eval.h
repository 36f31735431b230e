// `tend sla eval FILE`: due times for a batch of calendar cases, as JSON.
//
// Input:
//   {"calendars": {"NAME": {"time_zone": "Europe/Amsterdam",
//                           "hours": {"mon": [["08:30","12:00"],["13:00","17:00"]], ...},
//                           "holidays": ["2026-12-25", ...]}},
//    "cases": [{"id": "c1", "calendar": "NAME" | null (24x7, also when absent),
//               "start": "2026-12-24T15:00:00Z", "minutes": 240,
//               "pauses": [{"from": "...Z", "to": "...Z"}]}]}
// Output:
//   {"results": [{"id": "c1", "due": "2027-01-04T...Z"}]}   (input order)
//
// Other keys (such as the golden files' "expect" and "why") are ignored.
// The rules are BusinessCalendar's (core/calendar.h, docs/sla.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

namespace tend {

// Evaluates every case. Any invalid input gives an invalid_input Error and no
// results: its message names each bad field with its path
// ("cases[2] (id \"late-friday\").minutes: ...", "calendars.office.hours.mon[1]: ...")
// and Error::fields carries the same paths. Limits: at most 100000 cases and
// 10000 pauses per case (too_large beyond). Pure: no clock, no I/O beyond the
// tz database lookup.
Result<nlohmann::json> evaluate_sla_cases(const nlohmann::json& input);

// Parses `text` as JSON and evaluates it. A parse error is invalid_input
// naming the byte position.
Result<nlohmann::json> evaluate_sla_cases_text(std::string_view text);

}  // namespace tend
