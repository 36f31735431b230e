#include "store/sqlite/sqlite_connection.h"

namespace tend::store {

namespace {

class SqliteRows final : public Rows {
 public:
  SqliteRows(sqlite3_stmt* stmt, const SqliteConnection& connection) : stmt_(stmt), connection_(connection) {}
  ~SqliteRows() override { sqlite3_reset(stmt_); }

  Result<bool> next() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return std::unexpected(connection_.error_from(rc, "statement failed"));
  }
  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t i64(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double f64(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(p, static_cast<size_t>(n)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_;
  const SqliteConnection& connection_;
};

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 const SqliteOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY
                                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return std::unexpected(Error::unavailable("cannot open database " + path + ": " + message));
  }
  auto connection = std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" +
                        std::to_string(options.cache_size_kib) + ";";
  if (!options.read_only) {
    pragmas += "PRAGMA journal_mode = WAL; PRAGMA synchronous = " +
               (options.synchronous == "NORMAL" ? std::string("NORMAL") : std::string("FULL")) + ";";
  }
  TEND_CHECK(connection->execute_script(pragmas));
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Error SqliteConnection::error_from(int code, std::string_view context) const {
  std::string message = std::string(context) + ": " + sqlite3_errmsg(db_);
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::invalid("a referenced object does not exist");
      return Error::conflict(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable("the database is busy; retry: " + message);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
      return Error::unavailable(message);
    default:
      return Error::internal(message);
  }
}

Result<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql, std::span<const SqlValue> params,
                                                bool params_outlive_statement) {
  auto it = statements_.find(sql);
  sqlite3_stmt* stmt = nullptr;
  if (it != statements_.end()) {
    stmt = it->second;
    sqlite3_reset(stmt);  // every parameter is bound again below (the count is checked)
  } else {
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(error_from(rc, "prepare failed"));
    statements_.emplace(std::string(sql), stmt);
  }
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    return std::unexpected(Error::internal("wrong number of SQL parameters for: " + std::string(sql)));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) return sqlite3_bind_null(stmt, index);
          else if constexpr (std::is_same_v<T, int64_t>) return sqlite3_bind_int64(stmt, index, v);
          else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, index, v);
          // An empty string_view may have a null data(); SQLite would bind
          // that as NULL, so bind a real empty string.
          else return sqlite3_bind_text(stmt, index, v.data() ? v.data() : "", static_cast<int>(v.size()),
                                        params_outlive_statement ? SQLITE_STATIC : SQLITE_TRANSIENT);
        },
        params[i]);
    if (rc != SQLITE_OK) return std::unexpected(error_from(rc, "bind failed"));
  }
  return stmt;
}

Result<std::unique_ptr<Rows>> SqliteConnection::query(std::string_view sql, std::span<const SqlValue> params) {
  sqlite3_stmt* stmt = TEND_TRY(prepare(sql, params));
  return std::make_unique<SqliteRows>(stmt, *this);
}

Result<int64_t> SqliteConnection::execute(std::string_view sql, std::span<const SqlValue> params) {
  // Stepped to the end and reset below, while `params` are alive.
  sqlite3_stmt* stmt = TEND_TRY(prepare(sql, params, /*params_outlive_statement=*/true));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return std::unexpected(error_from(rc, "statement failed"));
  return sqlite3_changes64(db_);
}

Status SqliteConnection::execute_script(std::string_view sql) {
  std::string script(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Error error = error_from(rc, "script failed");
    error.message = "script failed: " + text;
    return std::unexpected(std::move(error));
  }
  return {};
}

}  // namespace tend::store
