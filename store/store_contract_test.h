// The storage contract: every backend instantiates StoreContract with a
// factory and must pass every case (see sqlite/sqlite_contract_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace tend::store {

// Opens a fresh, empty, migrated store whose files live under `directory`.
struct StoreFactory {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path& directory)> open;
};

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Reopens the store on the same files (durability across restarts).
  void reopen();

  std::filesystem::path directory_;
  std::unique_ptr<Store> store_;
};

}  // namespace tend::store
