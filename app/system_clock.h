// The real clock, wired in exe/ (core and app code receive a Clock&).
#pragma once

#include "core/clock.h"

namespace tend {

class SystemClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

}  // namespace tend
