// SqlConnection over one sqlite3 handle, with a cache of prepared statements.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql.h"

namespace tend::store {

// Settings applied to every connection (see docs/adr/0003-storage.md).
struct SqliteOptions {
  int busy_timeout_ms = 5000;
  int cache_size_kib = 16384;           // per connection page cache
  std::string synchronous = "FULL";     // FULL (durable on power loss) or NORMAL
  bool read_only = false;
};

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating when allowed) the database at `path` and applies
  // WAL mode, foreign keys, busy timeout and the synchronous level.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, const SqliteOptions& options);
  ~SqliteConnection() override;

  Dialect dialect() const override { return Dialect::sqlite; }
  Result<std::unique_ptr<Rows>> query(std::string_view sql, std::span<const SqlValue> params) override;
  Result<int64_t> execute(std::string_view sql, std::span<const SqlValue> params) override;
  Status execute_script(std::string_view sql) override;

  // The raw handle, for the backup API and diagnostics.
  sqlite3* handle() { return db_; }

  // Maps an SQLite result code to an Error (constraint -> conflict, busy ->
  // unavailable, the rest -> internal) with the connection's message.
  Error error_from(int code, std::string_view context) const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // The cached statement for `sql` with `params` bound. Text is copied by
  // SQLite unless `params_outlive_statement` (true only when the statement
  // runs to its end before the caller's params go away, as in execute).
  Result<sqlite3_stmt*> prepare(std::string_view sql, std::span<const SqlValue> params,
                                bool params_outlive_statement = false);

  // Looked up by string_view (no copy of the SQL text per statement run).
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

}  // namespace tend::store
