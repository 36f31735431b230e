// Small reusable input rules. Each returns an empty string when the value is
// acceptable, else a message for a FieldError.
#pragma once

#include <string>
#include <string_view>

namespace tend {

// Removes leading and trailing ASCII white space.
std::string trimmed(std::string_view text);

// Non-empty after trimming and at most `max_chars` UTF-8 code points; no
// control characters.
std::string check_required_text(std::string_view text, size_t max_chars);
// Like check_required_text, but empty is allowed.
std::string check_optional_text(std::string_view text, size_t max_chars);
// A plausible e-mail address: local@domain with a dot in the domain, no
// spaces, at most 254 characters. Empty is rejected.
std::string check_email(std::string_view text);
// An ISO 3166-1 alpha-2 country code (two upper-case letters); empty allowed.
std::string check_country(std::string_view text);
// An IANA time zone name known to the system time zone database.
std::string check_time_zone(std::string_view text);
// Valid UTF-8.
bool is_valid_utf8(std::string_view text);
// Lower-cases ASCII letters (used for case-insensitive keys such as e-mail
// addresses and sort keys; other bytes are kept as they are).
std::string ascii_lower(std::string_view text);
// A key for sorting and searching names: trimmed, lower-cased (ASCII and the
// common Latin-1 letters with diacritics folded to their base letter).
std::string name_key(std::string_view name);

}  // namespace tend
