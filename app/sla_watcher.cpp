#include "app/sla_watcher.h"

#include <algorithm>

#include "app/log.h"

namespace tend {

Result<std::optional<Instant>> SlaWatcher::run_once() {
  const Instant now = clock_.now();
  int64_t evaluated = TEND_TRY(tickets_.process_sla_events(now));
  int64_t created = TEND_TRY(schedules_.run_due(now));
  if (evaluated > 0 || created > 0) {
    log::debug("sla_watcher.round", {{"tickets_evaluated", evaluated}, {"schedule_tickets_created", created}});
  }
  auto next_sla = TEND_TRY(tickets_.next_sla_event());
  auto next_run = TEND_TRY(schedules_.next_run());
  if (next_sla && next_run) return std::optional<Instant>(std::min(*next_sla, *next_run));
  return next_sla ? next_sla : next_run;
}

void SlaWatcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    in_round_ = true;
    lock.unlock();
    auto next = run_once();
    if (!next) log::error("sla_watcher.round_failed", {{"error", next.error().message}});
    lock.lock();
    in_round_ = false;
    ++rounds_;
    planned_ = next ? *next : std::nullopt;
    changed_.notify_all();
    if (stopping_ || woken_) continue;
    auto sleep = max_sleep_;
    if (planned_) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*planned_ - clock_.now());
      sleep = std::clamp(until, std::chrono::milliseconds(0), max_sleep_);
    }
    changed_.wait_for(lock, sleep, [&] { return stopping_ || woken_; });
  }
}

void SlaWatcher::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  changed_.notify_all();
}

void SlaWatcher::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  changed_.notify_all();
}

void SlaWatcher::wake_for(Instant at) {
  std::lock_guard lock(mutex_);
  // During a round the plan is about to be replaced by one computed from a
  // snapshot that may predate this change: always go round again then.
  if (!in_round_ && planned_ && *planned_ <= at) return;
  woken_ = true;
  changed_.notify_all();
}

int64_t SlaWatcher::rounds() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

bool SlaWatcher::await_round_after(int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return rounds_ > after; });
}

}  // namespace tend
