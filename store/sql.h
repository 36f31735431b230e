// The seam between repositories and database backends.
//
// Repositories (store/*_repository.h) are written once against SqlConnection
// with portable SQL: `?` placeholders, INTEGER/BIGINT columns for ids, money
// (minor units), instants (Unix ms) and flags, `INSERT ... RETURNING`, row
// values in keyset pagination. A backend (store/sqlite/, later
// store/postgres/) implements SqlConnection and owns its migrations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"

namespace tend::store {

enum class Dialect { sqlite, postgres };

// A parameter bound to a `?` placeholder. string_view parameters must stay
// alive until the call that takes them returns.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string_view>;

// A forward-only cursor over a query result. Valid until the next call on
// its connection. Columns are 0-based.
class Rows {
 public:
  virtual ~Rows() = default;
  // Advances to the next row: true when there is one, false at the end.
  // A database error mid-iteration is returned as an Error.
  virtual Result<bool> next() = 0;
  virtual bool is_null(int column) const = 0;
  virtual int64_t i64(int column) const = 0;
  virtual double f64(int column) const = 0;
  virtual std::string text(int column) const = 0;
  // The text of a column, or nullopt when NULL.
  std::optional<std::string> opt_text(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::string>(text(column));
  }
  // The integer of a column, or nullopt when NULL.
  std::optional<int64_t> opt_i64(int column) const {
    return is_null(column) ? std::nullopt : std::optional<int64_t>(i64(column));
  }
};

// One database connection. Not thread-safe: used by one thread at a time,
// inside a Transaction (store/store.h). Errors map constraint violations to
// ErrorKind::conflict, lock timeouts to unavailable, the rest to internal.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement that returns rows.
  virtual Result<std::unique_ptr<Rows>> query(std::string_view sql, std::span<const SqlValue> params) = 0;
  // Runs a statement without result rows; returns the number of rows changed.
  virtual Result<int64_t> execute(std::string_view sql, std::span<const SqlValue> params) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status execute_script(std::string_view sql) = 0;
};

// Convenience wrapper: typed variadic parameters.
//   Sql db(conn);
//   auto rows = TEND_TRY(db.query("SELECT name FROM clients WHERE id = ?", id));
class Sql {
 public:
  explicit Sql(SqlConnection& connection) : connection_(connection) {}

  template <class... Args>
  Result<std::unique_ptr<Rows>> query(std::string_view sql, const Args&... args) {
    const SqlValue params[] = {SqlValue(), to_value(args)...};
    return connection_.query(sql, std::span<const SqlValue>(params + 1, sizeof...(Args)));
  }

  template <class... Args>
  Result<int64_t> execute(std::string_view sql, const Args&... args) {
    const SqlValue params[] = {SqlValue(), to_value(args)...};
    return connection_.execute(sql, std::span<const SqlValue>(params + 1, sizeof...(Args)));
  }

  // Runs a query expected to return one row with one integer (`RETURNING
  // id`, `SELECT count(*)`); not_found when it returns no row.
  template <class... Args>
  Result<int64_t> scalar(std::string_view sql, const Args&... args) {
    auto rows = TEND_TRY(query(sql, args...));
    bool has_row = TEND_TRY(rows->next());
    if (!has_row) return std::unexpected(Error::not_found("no row"));
    return rows->i64(0);
  }

  SqlConnection& connection() { return connection_; }
  Dialect dialect() const { return connection_.dialect(); }

  static SqlValue to_value(std::monostate) { return SqlValue(); }
  static SqlValue to_value(std::nullptr_t) { return SqlValue(); }
  static SqlValue to_value(int64_t v) { return v; }
  static SqlValue to_value(int v) { return static_cast<int64_t>(v); }
  static SqlValue to_value(bool v) { return static_cast<int64_t>(v ? 1 : 0); }
  static SqlValue to_value(double v) { return v; }
  static SqlValue to_value(std::string_view v) { return v; }
  static SqlValue to_value(const std::string& v) { return std::string_view(v); }
  static SqlValue to_value(const char* v) { return std::string_view(v); }
  template <class T>
  static SqlValue to_value(const std::optional<T>& v) {
    return v ? to_value(*v) : SqlValue();
  }
  template <class T>
    requires requires(const T& t) { t.value(); t.valid(); }
  static SqlValue to_value(const T& id) {
    return id.valid() ? SqlValue(id.value()) : SqlValue();
  }

 private:
  SqlConnection& connection_;
};

}  // namespace tend::store
