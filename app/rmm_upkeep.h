// The background work of RMM in `tend serve`: the offline sweep (every
// quarter interval, at most every 15 s), and rollups plus retention (every
// rmm.rollup_interval_seconds). One thread; start() and stop() from the
// thread that owns it.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/config.h"
#include "app/rmm_service.h"

namespace tend {

class RmmUpkeep {
 public:
  RmmUpkeep(RmmService& rmm, const RmmConfig& config) : rmm_(rmm), config_(config) {}
  ~RmmUpkeep() { stop(); }
  RmmUpkeep(const RmmUpkeep&) = delete;
  RmmUpkeep& operator=(const RmmUpkeep&) = delete;

  void start();
  // Waits for the current round to finish. Idempotent.
  void stop();

 private:
  void run();

  RmmService& rmm_;
  RmmConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tend
