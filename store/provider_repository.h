// The single row of provider settings.
#pragma once

#include "core/provider.h"
#include "store/sql.h"

namespace tend::store {

class ProviderRepository {
 public:
  explicit ProviderRepository(SqlConnection& connection) : sql_(connection) {}
  // not_found before `tend init` has stored the provider.
  Result<ProviderSettings> get();
  // Inserts or replaces the settings.
  Status put(const ProviderSettings& settings);

 private:
  Sql sql_;
};

}  // namespace tend::store
