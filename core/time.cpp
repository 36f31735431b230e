#include "core/time.h"

#include <cstdio>

namespace tend {
namespace {

bool read_digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

size_t format_rfc3339_to(Instant t, char* buf) {
  // Hand-formatted: this runs for every timestamp of every JSON response.
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{t - day};
  char* p = buf;
  auto put = [&p](unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    std::snprintf(buf, kRfc3339MaxLength, "%+06d", year);
    p = buf + 6;
  } else {
    put(static_cast<unsigned>(year), 4);
  }
  *p++ = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  put(static_cast<unsigned>(hms.hours().count()), 2);
  *p++ = ':';
  put(static_cast<unsigned>(hms.minutes().count()), 2);
  *p++ = ':';
  put(static_cast<unsigned>(hms.seconds().count()), 2);
  if (auto ms = static_cast<unsigned>(hms.subseconds().count()); ms != 0) {
    *p++ = '.';
    put(ms, 3);
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - buf);
}

std::string format_rfc3339(Instant t) {
  char buf[kRfc3339MaxLength];
  return std::string(buf, format_rfc3339_to(t, buf));
}

Result<std::chrono::year_month_day> parse_date(std::string_view text) {
  using namespace std::chrono;
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !read_digits(text, 0, 4, y) ||
      !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d)) {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a date (YYYY-MM-DD)"));
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a valid calendar date"));
  }
  return ymd;
}

std::string format_date(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

Result<Instant> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  auto invalid = [&] {
    return std::unexpected(
        Error::invalid("'" + std::string(text) + "' is not an RFC 3339 time such as 2026-11-27T10:15:00Z"));
  };
  if (text.size() < 20) return invalid();
  auto date = parse_date(text.substr(0, 10));
  if (!date) return invalid();
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return invalid();
  int hh, mm, ss;
  if (!read_digits(text, 11, 2, hh) || text[13] != ':' || !read_digits(text, 14, 2, mm) ||
      text[16] != ':' || !read_digits(text, 17, 2, ss)) {
    return invalid();
  }
  if (hh > 23 || mm > 59 || ss > 59) return invalid();
  size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return invalid();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos >= text.size()) return invalid();
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh, om;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return invalid();
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return invalid();
  }
  if (pos != text.size()) return invalid();
  sys_days day{*date};
  Instant local = time_point_cast<milliseconds>(day) + hours{hh} + minutes{mm} + seconds{ss} +
                  milliseconds{millis};
  return local - minutes{offset_minutes};
}

}  // namespace tend
