#include "app/login_throttle.h"

#include <algorithm>

namespace tend {

Duration LoginThrottle::delay_for(const Record& r, int free) const {
  if (r.failures < free) return Duration::zero();
  int doublings = std::min(r.failures - free, 30);
  Duration delay = std::chrono::seconds(1) * (int64_t{1} << doublings);
  return std::min(delay, max_delay_);
}

Status LoginThrottle::check(const std::string& account, const std::string& address, Instant now) {
  std::lock_guard lock(mutex_);
  Duration wait = Duration::zero();
  if (auto it = accounts_.find(account); it != accounts_.end()) {
    wait = std::max(wait, it->second.last_failure + delay_for(it->second, free_account_) - now);
  }
  if (auto it = addresses_.find(address); it != addresses_.end()) {
    wait = std::max(wait, it->second.last_failure + delay_for(it->second, free_address_) - now);
  }
  if (wait > Duration::zero()) {
    int seconds = static_cast<int>((wait.count() + 999) / 1000);
    return std::unexpected(Error::rate_limited(
        "too many failed logins; try again in " + std::to_string(seconds) + " s", seconds));
  }
  return {};
}

void LoginThrottle::record_failure(const std::string& account, const std::string& address, Instant now) {
  std::lock_guard lock(mutex_);
  evict_if_full(now);
  auto& a = accounts_[account];
  ++a.failures;
  a.last_failure = now;
  auto& b = addresses_[address];
  ++b.failures;
  b.last_failure = now;
}

void LoginThrottle::record_success(const std::string& account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

void LoginThrottle::evict_if_full(Instant now) {
  // Records whose delay has long passed carry no information worth keeping.
  auto stale = [&](const auto& entry) { return now - entry.second.last_failure > max_delay_ * 2; };
  for (auto* map : {&accounts_, &addresses_}) {
    if (map->size() < kMaxEntries) continue;
    std::erase_if(*map, stale);
    if (map->size() >= kMaxEntries) {
      auto oldest = std::min_element(map->begin(), map->end(), [](const auto& x, const auto& y) {
        return x.second.last_failure < y.second.last_failure;
      });
      map->erase(oldest);
    }
  }
}

}  // namespace tend
