// Absolute time. Instants are UTC, millisecond precision; storage keeps them
// as integer milliseconds since the Unix epoch. Civil time and calendars
// (IANA zones) live in core/calendar.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tend {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

// Milliseconds since 1970-01-01T00:00:00Z.
inline int64_t to_unix_ms(Instant t) { return t.time_since_epoch().count(); }
inline Instant from_unix_ms(int64_t ms) { return Instant(Duration(ms)); }

// RFC 3339 in UTC: "2026-11-27T10:15:00Z", with ".123" only when the
// milliseconds are not zero.
std::string format_rfc3339(Instant t);

// Writes the same text into `out` (at least kRfc3339MaxLength bytes) and
// returns its length; no allocation (for JSON writers on hot paths).
inline constexpr size_t kRfc3339MaxLength = 32;
size_t format_rfc3339_to(Instant t, char* out);

// Parses RFC 3339 with "Z" or a numeric offset ("+01:00"), optional
// fraction (truncated to milliseconds). invalid_input otherwise.
Result<Instant> parse_rfc3339(std::string_view text);

// Parses a calendar date "YYYY-MM-DD"; invalid_input for malformed or
// impossible dates (2026-02-30).
Result<std::chrono::year_month_day> parse_date(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(std::chrono::year_month_day date);

}  // namespace tend
