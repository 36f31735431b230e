// Keyset (cursor) pagination shared by every list.
//
// A list is sorted by one key plus the id as tie-breaker. The cursor names
// the sort and the last row returned, so the next page continues after it
// even while rows are inserted: no offsets, no skipped or repeated rows.
// Cursors are opaque to clients (base64url text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tend {

// Where a page ends: the sort it belongs to, the sort key of the last row
// (as text: a name key or a decimal integer) and its id.
struct Cursor {
  std::string sort;
  std::string key;
  int64_t id = 0;
};

std::string encode_cursor(const Cursor& cursor);
// invalid_input (field "cursor") for anything encode_cursor did not make.
Result<Cursor> decode_cursor(std::string_view text);

// A page request after validation.
struct PageRequest {
  static constexpr int kDefaultLimit = 50;
  static constexpr int kMaxLimit = 200;
  int limit = kDefaultLimit;
  std::string sort;       // e.g. "name", "-created_at" (leading '-' = descending)
  std::optional<Cursor> after;

  bool descending() const { return !sort.empty() && sort[0] == '-'; }
  std::string_view sort_field() const {
    return descending() ? std::string_view(sort).substr(1) : std::string_view(sort);
  }
};

// Validates limit, sort (one of `allowed_sorts`, each optionally prefixed by
// '-') and cursor (which must belong to the same sort). `sort` empty means
// `default_sort`. Field errors name "limit", "sort" and "cursor".
Result<PageRequest> make_page_request(int limit, std::string_view sort, std::string_view cursor,
                                      const std::vector<std::string_view>& allowed_sorts,
                                      std::string_view default_sort);

// One page of results; `next_cursor` is empty on the last page.
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

// Base64url without padding (RFC 4648 section 5).
std::string base64url_encode(std::string_view bytes);
// The inverse; nullopt-like error for invalid text.
Result<std::string> base64url_decode(std::string_view text);

}  // namespace tend
