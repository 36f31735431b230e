#include "app/rmm_upkeep.h"

#include "app/log.h"

namespace tend {

void RmmUpkeep::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RmmUpkeep::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RmmUpkeep::run() {
  using std::chrono::seconds;
  const seconds sweep_every(std::clamp(config_.checkin_interval_seconds / 4, 1, 15));
  const seconds rollup_every(config_.rollup_interval_seconds);
  auto next_rollup = std::chrono::steady_clock::now() + rollup_every;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, sweep_every, [&] { return stopping_; })) {
    lock.unlock();
    auto offline = rmm_.mark_offline_devices();
    if (!offline) log::warn("rmm.offline_sweep_failed", {{"error", offline.error().message}});
    else if (*offline > 0) log::info("rmm.devices_offline", {{"count", *offline}});
    if (std::chrono::steady_clock::now() >= next_rollup) {
      next_rollup = std::chrono::steady_clock::now() + rollup_every;
      int64_t rolled = 0;
      for (;;) {
        auto n = rmm_.roll_up(50000);
        if (!n) {
          log::warn("rmm.rollup_failed", {{"error", n.error().message}});
          break;
        }
        rolled += *n;
        if (*n < 50000) break;
        std::lock_guard check(mutex_);
        if (stopping_) break;
      }
      auto removed = rmm_.apply_retention();
      if (!removed) log::warn("rmm.retention_failed", {{"error", removed.error().message}});
      log::debug("rmm.upkeep", {{"rolled_up_samples", rolled}, {"removed", removed.value_or(0)}});
    }
    lock.lock();
  }
}

}  // namespace tend
