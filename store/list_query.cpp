#include "store/list_query.h"

#include <charconv>

#include "core/validation.h"

namespace tend::store {

ListQuery::ListQuery(std::string select, std::string id_column)
    : select_(std::move(select)), id_column_(std::move(id_column)) {}

void ListQuery::where(std::string_view clause) {
  where_ += where_.empty() ? " WHERE " : " AND ";
  where_ += clause;
}

void ListQuery::where(std::string_view clause, int64_t value) {
  where(clause);
  params_.emplace_back(value);
}

void ListQuery::where_text(std::string_view clause, std::string_view value) {
  where(clause);
  params_.emplace_back(std::string_view(strings_.emplace_back(value)));
}

void ListQuery::where_texts(std::string_view clause, std::initializer_list<std::string_view> values) {
  where(clause);
  for (auto v : values) params_.emplace_back(std::string_view(strings_.emplace_back(v)));
}

std::string ListQuery::contains_pattern(std::string_view text) {
  std::string key = name_key(text);
  if (key.empty()) return {};
  std::string pattern = "%";
  for (char c : key) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

void ListQuery::archived(ArchiveFilter filter, std::string_view column) {
  if (filter == ArchiveFilter::active) where(std::string(column) + " IS NULL");
  if (filter == ArchiveFilter::archived) where(std::string(column) + " IS NOT NULL");
}

void ListQuery::contains(std::string_view key_column, std::string_view text) {
  std::string pattern = contains_pattern(text);
  if (pattern.empty()) return;
  where_text(std::string(key_column) + " LIKE ? ESCAPE '\\'", pattern);
}

Result<std::string> ListQuery::render(const PageRequest& page, const SortColumn& sort) {
  const char* direction = page.descending() ? "DESC" : "ASC";
  // Sorting by the id itself needs no tie-breaker (and a repeated ORDER BY
  // term would keep virtual tables such as FTS5 from streaming in order).
  if (sort.column == id_column_) {
    if (page.after) where(id_column_ + (page.descending() ? " < ?" : " > ?"), page.after->id);
    params_.emplace_back(static_cast<int64_t>(page.limit) + 1);
    return select_ + where_ + " ORDER BY " + id_column_ + " " + direction + " LIMIT ?";
  }
  if (page.after) {
    std::string clause = "(" + std::string(sort.column) + ", " + id_column_ + ") " +
                         (page.descending() ? "<" : ">") + " (?, ?)";
    where(clause);
    if (sort.integer) {
      int64_t key = 0;
      const std::string& text = page.after->key;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), key);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return std::unexpected(Error::invalid_field("cursor", "is not a cursor returned by this list"));
      }
      params_.emplace_back(key);
    } else {
      params_.emplace_back(std::string_view(strings_.emplace_back(page.after->key)));
    }
    params_.emplace_back(page.after->id);
  }
  params_.emplace_back(static_cast<int64_t>(page.limit) + 1);
  return select_ + where_ + " ORDER BY " + std::string(sort.column) + " " + direction + ", " + id_column_ +
         " " + direction + " LIMIT ?";
}

const SortColumn& find_sort(const PageRequest& page, std::span<const SortColumn> columns) {
  for (const auto& c : columns) {
    if (c.field == page.sort_field()) return c;
  }
  return columns.front();
}

}  // namespace tend::store
