// The injected source of "now". Core code never reads a clock: callers pass
// instants in. app/ receives a Clock; exe/ wires the system clock; tests use
// ManualClock.
#pragma once

#include <atomic>

#include "core/time.h"

namespace tend {

// Thread-safe source of the current instant.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_ms_(to_unix_ms(start)) {}
  Instant now() const override { return from_unix_ms(now_ms_.load()); }
  void set(Instant t) { now_ms_.store(to_unix_ms(t)); }
  void advance(Duration d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace tend
