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

}  // namespace
}  // namespace tend::store
