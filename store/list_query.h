// Builds filtered, keyset-paginated SELECTs in portable SQL. Internal to
// store/; repositories use it for every list.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/paging.h"
#include "store/sql.h"

namespace tend::store {

// How a public sort field maps to a column. `integer` columns carry their
// cursor key as a decimal number.
struct SortColumn {
  std::string_view field;
  std::string_view column;
  bool integer = false;
};

// Whether archived rows are listed.
enum class ArchiveFilter { active, archived, all };

// Accumulates WHERE clauses and their parameters, then renders the final
// statement with ORDER BY and LIMIT (one row more than asked, to learn
// whether a next page exists).
class ListQuery {
 public:
  // `select` is "SELECT cols FROM table"; `id_column` the tie-breaker.
  ListQuery(std::string select, std::string id_column);

  // Adds "AND <clause>" with its parameters (string parameters are copied).
  void where(std::string_view clause);
  void where(std::string_view clause, int64_t value);
  void where_text(std::string_view clause, std::string_view value);
  // Adds "AND <clause>" whose `?` placeholders take `values` in order.
  void where_texts(std::string_view clause, std::initializer_list<std::string_view> values);
  // Makes a LIKE pattern matching `text` anywhere (name_key-folded, with
  // %, _ and \ escaped; use with ESCAPE '\'). Empty when text is empty.
  static std::string contains_pattern(std::string_view text);
  // Adds the archived_at condition of `filter` for `column`.
  void archived(ArchiveFilter filter, std::string_view column = "archived_at");
  // Adds a case-insensitive substring match of `text` against `key_column`,
  // which holds name_key() values. No-op when text is empty.
  void contains(std::string_view key_column, std::string_view text);

  // Renders the statement for `page` sorted by `sort`; the keyset condition
  // continues after page.after. When `sort.column` is the id column itself
  // the id alone is the key (no tie-breaker). invalid_input when the cursor
  // key does not fit the column type.
  Result<std::string> render(const PageRequest& page, const SortColumn& sort);
  std::span<const SqlValue> params() const { return params_; }

 private:
  std::string select_;
  std::string id_column_;
  std::string where_;
  std::deque<std::string> strings_;  // owns string parameters (stable addresses)
  std::vector<SqlValue> params_;
};

// Finds the SortColumn of `page.sort_field()` in `columns` (the page request
// was validated against the same list, so it is always found).
const SortColumn& find_sort(const PageRequest& page, std::span<const SortColumn> columns);

// Makes the next cursor from the last row when the query returned more than
// page.limit rows, and trims the extra row.
template <class T, class KeyFn>
Page<T> finish_page(std::vector<T> rows, const PageRequest& page, KeyFn key_of) {
  Page<T> out;
  if (static_cast<int>(rows.size()) > page.limit) {
    rows.resize(static_cast<size_t>(page.limit));
    const T& last = rows.back();
    out.next_cursor = encode_cursor({page.sort, key_of(last), last.id.value()});
  }
  out.items = std::move(rows);
  return out;
}

}  // namespace tend::store
