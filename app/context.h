// What every use case needs: the store, the clock and the configuration.
// Owned by the composition root (exe/); services hold references.
#pragma once

#include "app/config.h"
#include "core/clock.h"
#include "store/store.h"

namespace tend {

struct AppContext {
  store::Store& store;
  const Clock& clock;
  const Config& config;
};

}  // namespace tend
