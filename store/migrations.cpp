#include "store/migrations.h"

#include <algorithm>

namespace tend::store {

Result<std::vector<Migration>> migrations_from_files(std::span<const EmbeddedFile> files) {
  std::vector<Migration> out;
  for (const auto& f : files) {
    std::string_view path = f.path;
    auto slash = path.rfind('/');
    std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (file.size() < 9 || !file.ends_with(".sql") || file[4] != '_') {
      return std::unexpected(Error::internal("migration file name must be NNNN_name.sql: " + std::string(path)));
    }
    int version = 0;
    for (char c : file.substr(0, 4)) {
      if (c < '0' || c > '9') return std::unexpected(Error::internal("bad migration number: " + std::string(path)));
      version = version * 10 + (c - '0');
    }
    out.push_back({version, std::string(file.substr(0, file.size() - 4)), f.bytes});
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].version != static_cast<int>(i) + 1) {
      return std::unexpected(Error::internal("migrations must be numbered 1, 2, 3 ... without gaps"));
    }
  }
  return out;
}

Result<int> applied_version(SqlConnection& connection) {
  Sql sql(connection);
  TEND_CHECK(connection.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)"));
  auto rows = TEND_TRY(sql.query("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  TEND_TRY(rows->next());
  return static_cast<int>(rows->i64(0));
}

Result<int> apply_migrations(SqlConnection& connection, std::span<const Migration> migrations, Instant now) {
  int current = TEND_TRY(applied_version(connection));
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return std::unexpected(Error::conflict("the database has schema version " + std::to_string(current) +
                                           " but this tend knows only up to " + std::to_string(newest) +
                                           "; use a newer tend"));
  }
  int applied = 0;
  Sql sql(connection);
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    TEND_CHECK(connection.execute_script(connection.dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN"));
    auto status = connection.execute_script(m.sql);
    if (status) {
      auto recorded = sql.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                  static_cast<int64_t>(m.version), m.name, to_unix_ms(now));
      if (!recorded) status = std::unexpected(recorded.error());
    }
    if (status) status = connection.execute_script("COMMIT");
    if (!status) {
      (void)connection.execute_script("ROLLBACK");
      Error error = status.error();
      error.message = "migration " + m.name + " failed: " + error.message;
      return std::unexpected(std::move(error));
    }
    ++applied;
  }
  return applied;
}

}  // namespace tend::store
