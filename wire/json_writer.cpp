#include "wire/json_writer.h"

#include <array>
#include <cstring>

#include <charconv>
#include <cmath>

namespace tend::wire {
namespace {

// Length of the valid UTF-8 sequence starting at `p` (0 when invalid).
size_t utf8_length(const unsigned char* p, size_t left) {
  unsigned char c = p[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;
  if (n == 3) {
    unsigned cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  }
  if (n == 4) {
    unsigned cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
  }
  return n;
}

}  // namespace

namespace {

// kPlain[b] is true for bytes copied as they are: printable ASCII other
// than '"' and '\\'.
constexpr auto kPlain = [] {
  std::array<bool, 256> table{};
  for (int b = 0x20; b < 0x80; ++b) table[static_cast<size_t>(b)] = b != '"' && b != '\\';
  return table;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // Copy the longest run of bytes that need no escaping in one append.
    size_t run = i;
    while (run < size && kPlain[p[run]]) ++run;
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      if (i == size) break;
    }
    unsigned char c = p[i];
    if (c >= 0x80) {
      size_t n = utf8_length(p + i, size - i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    ++i;
  }
  out += '"';
}

void JsonWriter::key(std::string_view name) {
  // Keys are program constants (plain ASCII names): no escaping. Plain
  // appends: copying through a bounded stack buffer made GCC inline the
  // copy as `rep movsq`, which cost ~120 cycles a key on this machine's
  // CPUs (18 % of a client-list request, bench/README.md).
  separate();
  out_ += '"';
  out_.append(name.data(), name.size());
  out_.append("\":", 2);
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  separate();
  append_json_string(out_, value);
}

void JsonWriter::integer(int64_t value) {
  separate();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
}

void JsonWriter::number(double value) {
  separate();
  if (!std::isfinite(value)) {
    out_ += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
}

void JsonWriter::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::null() {
  separate();
  out_ += "null";
}

void JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
}

}  // namespace tend::wire
