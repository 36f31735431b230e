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
    if (out[i].version <= 0 || (i > 0 && out[i].version == out[i - 1].version)) {
      return std::unexpected(Error::internal("migration numbers must be positive and unique: " + out[i].name));
    }
  }
  return out;
}

namespace {

Status ensure_table(SqlConnection& connection) {
  return connection.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)");
}

Result<std::vector<int>> applied_versions(SqlConnection& connection) {
  TEND_CHECK(ensure_table(connection));
  auto rows = TEND_TRY(Sql(connection).query("SELECT version FROM schema_migrations ORDER BY version"));
  std::vector<int> out;
  while (TEND_TRY(rows->next())) out.push_back(static_cast<int>(rows->i64(0)));
  return out;
}

}  // namespace

Result<int> applied_version(SqlConnection& connection) {
  auto versions = TEND_TRY(applied_versions(connection));
  return versions.empty() ? 0 : versions.back();
}

Result<int> pending_migrations(SqlConnection& connection, std::span<const Migration> migrations) {
  auto applied = TEND_TRY(applied_versions(connection));
  int pending = 0;
  for (const auto& m : migrations) {
    if (!std::binary_search(applied.begin(), applied.end(), m.version)) ++pending;
  }
  return pending;
}

Result<int> apply_migrations(SqlConnection& connection, std::span<const Migration> migrations, Instant now) {
  auto applied = TEND_TRY(applied_versions(connection));
  for (int version : applied) {
    bool known = std::any_of(migrations.begin(), migrations.end(), [&](const Migration& m) { return m.version == version; });
    if (!known) {
      return std::unexpected(Error::conflict("the database has schema migration " + std::to_string(version) +
                                             ", which this tend does not know; use a newer tend"));
    }
  }
  int count = 0;
  Sql sql(connection);
  for (const auto& m : migrations) {
    if (std::binary_search(applied.begin(), applied.end(), m.version)) continue;
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
    ++count;
  }
  return count;
}

}  // namespace tend::store
