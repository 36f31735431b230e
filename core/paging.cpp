#include "core/paging.h"

#include <charconv>
#include <optional>

namespace tend {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kSeparator = '\x1f';

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

Error bad_cursor() {
  return Error::invalid_field("cursor", "is not a cursor returned by this list; start again without it");
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::unexpected(Error::invalid("invalid base64url text"));
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = decode_char(c);
    if (v < 0) return std::unexpected(Error::invalid("invalid base64url text"));
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string encode_cursor(const Cursor& cursor) {
  std::string raw = "1";
  raw += kSeparator;
  raw += cursor.sort;
  raw += kSeparator;
  raw += cursor.key;
  raw += kSeparator;
  raw += std::to_string(cursor.id);
  return base64url_encode(raw);
}

Result<Cursor> decode_cursor(std::string_view text) {
  auto raw = base64url_decode(text);
  if (!raw) return std::unexpected(bad_cursor());
  std::string_view rest = *raw;
  std::vector<std::string_view> parts;
  for (size_t pos; (pos = rest.find(kSeparator)) != std::string_view::npos;) {
    parts.push_back(rest.substr(0, pos));
    rest.remove_prefix(pos + 1);
  }
  parts.push_back(rest);
  if (parts.size() != 4 || parts[0] != "1") return std::unexpected(bad_cursor());
  Cursor cursor{std::string(parts[1]), std::string(parts[2]), 0};
  auto [ptr, ec] = std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), cursor.id);
  if (ec != std::errc() || ptr != parts[3].data() + parts[3].size() || cursor.id <= 0) {
    return std::unexpected(bad_cursor());
  }
  return cursor;
}

Result<PageRequest> make_page_request(int limit, std::string_view sort, std::string_view cursor,
                                      const std::vector<std::string_view>& allowed_sorts,
                                      std::string_view default_sort) {
  FieldErrors errors;
  PageRequest request;
  if (limit < 1 || limit > PageRequest::kMaxLimit) {
    errors.add("limit", "must be between 1 and " + std::to_string(PageRequest::kMaxLimit));
  }
  request.limit = limit;
  request.sort = std::string(sort.empty() ? default_sort : sort);
  std::string_view field = request.sort_field();
  bool known = false;
  std::string allowed_text;
  for (auto allowed : allowed_sorts) {
    if (field == allowed) known = true;
    if (!allowed_text.empty()) allowed_text += ", ";
    allowed_text += allowed;
  }
  if (!known) errors.add("sort", "must be one of " + allowed_text + " (prefix '-' for descending)");
  if (!cursor.empty()) {
    auto decoded = decode_cursor(cursor);
    if (!decoded || decoded->sort != request.sort) {
      errors.add("cursor", "is not a cursor returned by this list with this sort; start again without it");
    } else {
      request.after = std::move(*decoded);
    }
  }
  TEND_CHECK(std::move(errors).status());
  return request;
}

}  // namespace tend
