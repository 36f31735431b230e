// The storage contract: every backend instantiates StoreContract with a
// factory and must pass every case (see sqlite/sqlite_contract_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/money.h"
#include "core/work.h"
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

// Helpers of the contract cases.
// The value of a result that must have succeeded: a failed expectation and
// an exception (ending the case) otherwise.
template <class T>
T ok(Result<T> result) {
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(*result);
}

inline void ok(Status status) {
  EXPECT_TRUE(status.has_value()) << (status ? "" : status.error().message);
  if (!status) throw std::runtime_error(status.error().message);
}

inline CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }
inline Money eur(int64_t cents) { return Money(Currency::eur(), cents); }

// Adds the fixed-price service "Virus removal" (SVC-VIRUS, 79.00, no cost)
// to the catalogue, created at `at`; returns it with its id.
CatalogueItem add_virus_removal(Transaction& tx, Instant at);

}  // namespace tend::store
