// Runs the storage contract suite against the SQLite backend.
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract_test.h"

namespace tend::store {
namespace {

StoreFactory sqlite_factory() {
  return {"sqlite", [](const std::filesystem::path& directory) {
            SqliteStoreOptions options;
            options.connection.synchronous = "NORMAL";
            return open_sqlite_store((directory / "tend.db").string(), options,
                                     from_unix_ms(1'790'000'000'000));
          }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(sqlite_factory()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(SqliteStore, RefusesADatabaseFromANewerTend) {
  auto directory = std::filesystem::temp_directory_path() / ("tend-newer-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  auto path = (directory / "tend.db").string();
  {
    auto store = open_sqlite_store(path, {}, from_unix_ms(0));
    ASSERT_TRUE(store.has_value());
    auto tx = (*store)->write();
    ASSERT_TRUE(Sql(tx->connection())
                    .execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
                    .has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  auto reopened = open_sqlite_store(path, {}, from_unix_ms(0));
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().kind, ErrorKind::conflict);
  std::filesystem::remove_all(directory);
}

TEST(SqliteStore, WithoutMigrateAnOldDatabaseIsRefused) {
  auto directory = std::filesystem::temp_directory_path() / ("tend-nomigrate-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  SqliteStoreOptions options;
  options.migrate = false;
  auto store = open_sqlite_store((directory / "tend.db").string(), options, from_unix_ms(0));
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("tend migrate"), std::string::npos);
  std::filesystem::remove_all(directory);
}

// Migration 0007 rewrote CHECK (x IN (...)) as x = ... OR ... on the tables
// the billing run writes row by row (SQLite builds a temporary b-tree for
// an IN list on every row it checks). The migrating connection and the
// others must all use the new definitions.
TEST(SqliteStore, TheBillingTablesCheckWithoutTemporaryTablesOnEveryConnection) {
  auto directory = std::filesystem::temp_directory_path() / ("tend-checks-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  auto store = open_sqlite_store((directory / "tend.db").string(), {}, from_unix_ms(0));
  ASSERT_TRUE(store.has_value()) << store.error().message;
  auto uses_temporary_table = [](Transaction& tx, const std::string& statement) {
    auto rows = tx.connection().query("EXPLAIN " + statement, {});
    EXPECT_TRUE(rows.has_value());
    bool found = false;
    while (rows && (*rows)->next().value_or(false)) found = found || (*rows)->text(1) == "OpenEphemeral";
    return found;
  };
  const std::string update = "UPDATE time_entries SET status = 'invoiced', billing = 'billable' WHERE id = 0";
  const std::string insert =
      "INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity_num, quantity_den, unit_price, "
      "factor_num, factor_den, amount, tax_amount) VALUES (0, 1, 'time', 'x', 1, 1, 1, 1, 1, 1, 0)";
  {
    auto writer = (*store)->write();
    ASSERT_TRUE(writer.has_value());
    EXPECT_FALSE(uses_temporary_table(*writer, update));
    EXPECT_FALSE(uses_temporary_table(*writer, insert));
  }
  auto reader = (*store)->read();
  ASSERT_TRUE(reader.has_value());
  EXPECT_FALSE(uses_temporary_table(*reader, update));
  auto left = Sql(reader->connection())
                  .scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('time_entries', "
                          "'part_usages', 'service_usages', 'invoice_lines', 'invoices') AND sql LIKE '% IN (%'");
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(*left, 0);
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace tend::store
