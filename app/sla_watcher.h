// The SLA watcher: a background loop that sleeps until the earliest stored
// next SLA event (an indexed lookup, never a scan of all tickets) or the
// earliest maintenance schedule run, then re-evaluates the tickets that are
// due (recording warnings and breaches on their timelines) and runs the
// schedules that are due. Ticket and schedule changes wake it early when
// they bring an event forward.
//
// Time comes from the injected Clock; the loop itself waits on a condition
// variable for at most `max_sleep` (a safety net for changes made by other
// processes on the same database), so tests drive it with a ManualClock and
// wake().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "app/schedule_service.h"
#include "app/ticket_service.h"
#include "core/clock.h"

namespace tend {

// Thread-safe: run() on one thread; wake(), wake_for(), stop() and the
// round counters from any.
class SlaWatcher {
 public:
  SlaWatcher(const Clock& clock, TicketService& tickets, ScheduleService& schedules,
             std::chrono::milliseconds max_sleep = std::chrono::minutes(1))
      : clock_(clock), tickets_(tickets), schedules_(schedules), max_sleep_(max_sleep) {}

  // One round at clock.now(): processes every due SLA event and schedule
  // run, and returns the next instant anything is due (nullopt: nothing).
  Result<std::optional<Instant>> run_once();

  // Runs rounds until stop(), sleeping in between. Errors of a round are
  // logged; the loop goes on.
  void run();
  // Ends run() (idempotent).
  void stop();
  // Starts a round now (after a change the loop does not know about, or
  // after the clock moved in a test).
  void wake();
  // Starts a round if `at` is earlier than the planned wake-up.
  void wake_for(Instant at);

  // Rounds completed since construction.
  int64_t rounds() const;
  // Waits until more than `after` rounds have completed; false on timeout.
  bool await_round_after(int64_t after, std::chrono::milliseconds timeout) const;

 private:
  const Clock& clock_;
  TicketService& tickets_;
  ScheduleService& schedules_;
  const std::chrono::milliseconds max_sleep_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  bool woken_ = false;
  bool in_round_ = false;
  std::optional<Instant> planned_;  // the next event the loop sleeps towards
  int64_t rounds_ = 0;
};

}  // namespace tend
