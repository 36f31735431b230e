// Slows down password guessing: after a number of consecutive failures for
// an account (or from one client address), each further attempt must wait
// an exponentially growing delay (1 s, 2 s, 4 s ... up to a maximum) counted
// from the last failure. A success clears the account's record.
//
// In memory, per server process (docs/adr/0006-auth.md). Thread-safe.
// Bounded: at most `kMaxEntries` records; the stalest are evicted.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/time.h"

namespace tend {

class LoginThrottle {
 public:
  static constexpr size_t kMaxEntries = 100000;

  LoginThrottle(int free_failures_per_account, int free_failures_per_address, Duration max_delay)
      : free_account_(free_failures_per_account), free_address_(free_failures_per_address), max_delay_(max_delay) {}

  // rate_limited (with retry_after_seconds) when an attempt for `account`
  // from `address` must wait; success otherwise.
  Status check(const std::string& account, const std::string& address, Instant now);
  void record_failure(const std::string& account, const std::string& address, Instant now);
  void record_success(const std::string& account);

 private:
  struct Record {
    int failures = 0;
    Instant last_failure;
  };
  Duration delay_for(const Record& r, int free) const;
  void evict_if_full(Instant now);

  int free_account_;
  int free_address_;
  Duration max_delay_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> accounts_;
  std::unordered_map<std::string, Record> addresses_;
};

}  // namespace tend
