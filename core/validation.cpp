#include "core/validation.h"

#include <date/tz.h>

#include <algorithm>

namespace tend {
namespace {

size_t utf8_length(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f;
  });
}

}  // namespace

std::string trimmed(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t extra;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000) ||
        code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string check_optional_text(std::string_view text, size_t max_chars) {
  if (!is_valid_utf8(text)) return "must be valid UTF-8";
  if (has_control_characters(text)) return "must not contain control characters";
  if (utf8_length(text) > max_chars) return "must be at most " + std::to_string(max_chars) + " characters";
  return {};
}

std::string check_required_text(std::string_view text, size_t max_chars) {
  if (trimmed(text).empty()) return "is required";
  return check_optional_text(text, max_chars);
}

std::string check_email(std::string_view text) {
  if (text.empty()) return "is required";
  if (text.size() > 254) return "must be at most 254 characters";
  auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) {
    return "must be an e-mail address such as name@example.com";
  }
  auto domain = text.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return "must be an e-mail address such as name@example.com";
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';') {
      return "must be an e-mail address such as name@example.com";
    }
  }
  if (!is_valid_utf8(text)) return "must be valid UTF-8";
  return {};
}

std::string check_country(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() != 2 || text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' || text[1] > 'Z') {
    return "must be an ISO 3166-1 alpha-2 code such as NL";
  }
  return {};
}

std::string check_time_zone(std::string_view text) {
  if (text.empty()) return "is required";
  try {
    date::locate_zone(text);
    return {};
  } catch (const std::exception&) {
    return "'" + std::string(text) + "' is not a known IANA time zone (e.g. Europe/Amsterdam)";
  }
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string name_key(std::string_view name) {
  // Fold the two-byte Latin-1 supplement letters (U+00C0..U+00FF) that Dutch,
  // German and French names use to their ASCII base, then lower-case.
  static constexpr const char* kFold =
      "aaaaaaaceeeeiiiidnooooo*ouuuuyts"   // U+00C0..U+00DF
      "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00E0..U+00FF
  std::string source = trimmed(name);
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    auto c = static_cast<unsigned char>(source[i]);
    if (c == 0xC3 && i + 1 < source.size()) {
      auto next = static_cast<unsigned char>(source[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        char folded = kFold[next - 0x80 + 0x00];
        if (folded != '*' && folded != '/') {
          out += folded;
          if (next == 0x9F) out += 's';  // ß -> ss
          ++i;
          continue;
        }
      }
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return out;
}

}  // namespace tend
