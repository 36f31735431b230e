// Numbered schema migrations, applied in order, each in its own
// transaction, recorded in schema_migrations(version, name, applied_at).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/embedded.h"
#include "core/time.h"
#include "store/sql.h"

namespace tend::store {

struct Migration {
  int version = 0;      // from the file name: 0001_foundation.sql -> 1
  std::string name;     // "0001_foundation"
  std::string_view sql;
};

// Turns embedded files named NNNN_name.sql into migrations sorted by
// version; internal error on a malformed name or a duplicate version.
// Numbers need not be contiguous: each migration is applied once, in
// ascending order, whatever was applied before.
Result<std::vector<Migration>> migrations_from_files(std::span<const EmbeddedFile> files);

// The highest applied version (0 for an empty database).
Result<int> applied_version(SqlConnection& connection);

// The number of known migrations not yet applied.
Result<int> pending_migrations(SqlConnection& connection, std::span<const Migration> migrations);

// Applies every known migration not yet applied, in ascending order, each in
// its own transaction. Refuses (conflict) a database holding a migration
// this build does not know: it was written by a newer Tend. Returns the
// number applied.
Result<int> apply_migrations(SqlConnection& connection, std::span<const Migration> migrations, Instant now);

}  // namespace tend::store
