// The single row of provider settings.
#pragma once

#include <optional>

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
  // The logo; nullopt when none is set.
  Result<std::optional<ProviderLogo>> logo();
  // Sets or replaces the logo.
  Status put_logo(const ProviderLogo& logo);
  // Removes the logo; not_found when there is none.
  Status remove_logo();

 private:
  Sql sql_;
};

}  // namespace tend::store
