// The embedded SQLite backend: one database file in WAL mode, one writer
// connection (writers queue on a mutex, so concurrent requests never spin on
// SQLITE_BUSY) and a pool of reader connections.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite/sqlite_connection.h"
#include "store/store.h"

namespace tend::store {

struct SqliteStoreOptions {
  SqliteOptions connection;
  int reader_connections = 4;
  // Apply pending migrations on open; when false, a database that needs
  // migrating is refused with a message to run `tend migrate`.
  bool migrate = true;
};

// Opens or creates the database at `path`. `now` stamps applied migrations.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteStoreOptions& options,
                                                 Instant now);

// The newest schema version this build knows.
int sqlite_schema_head();

}  // namespace tend::store
