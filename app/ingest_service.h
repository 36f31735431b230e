// Loss-free ingestion of agent check-ins with group commit.
//
// HTTP worker threads decode and authenticate a check-in, then submit() it.
// One writer thread takes every queued check-in (up to rmm.ingest_batch_max
// records), stores them in ONE write transaction and, only after COMMIT
// returned (durable: WAL, synchronous per storage.synchronous), completes
// each submission with the highest stored sequence number of its device.
// Records at or below a device's stored sequence are duplicates and skipped,
// so a retry after a lost reply stores nothing twice. When the transaction
// fails, every submission of the batch gets the error and the agent retries.
// See docs/adr/0010-rmm-ingestion.md.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "app/agent_directory.h"
#include "app/context.h"
#include "core/rmm/agent_protocol.h"

namespace tend {

// Figures for /metrics and benchmarks.
struct IngestStats {
  std::atomic<int64_t> checkins{0};        // check-ins completed successfully
  std::atomic<int64_t> records_stored{0};
  std::atomic<int64_t> records_duplicate{0};
  std::atomic<int64_t> values_stored{0};
  std::atomic<int64_t> batches{0};
  std::atomic<int64_t> batch_failures{0};
  std::atomic<int64_t> rejected_busy{0};    // refused because the queue was full
  std::atomic<int64_t> queued{0};           // waiting now
};

// Thread-safe.
class IngestService {
 public:
  using Completion = std::function<void(Result<rmm::CheckinResponse>)>;

  IngestService(AppContext context, AgentDirectory& directory);
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  // Queues a validated check-in of `agent`; `done` runs exactly once, on the
  // writer thread (or at once on the caller's thread with unavailable when
  // the queue is full or the service stopped). `done` must be cheap.
  void submit(const AgentIdentity& agent, rmm::CheckinRequest request, Completion done);
  // submit() and wait for the outcome (in-process callers and tests).
  Result<rmm::CheckinResponse> submit_and_wait(const AgentIdentity& agent, rmm::CheckinRequest request);
  // Stores what is queued, completes it, and stops the writer. Idempotent.
  void stop();

  const IngestStats& stats() const { return stats_; }

 private:
  struct Job {
    AgentIdentity agent;
    rmm::CheckinRequest request;
    Instant received_at;
    Completion done;
  };
  // What the writer remembers about a device between batches.
  struct DeviceMemory {
    bool loaded = false;
    int64_t checks_version = 0;
    std::unordered_map<int64_t, std::optional<rmm::CheckState>> check_states;  // check id -> state (none yet)
    int64_t failing = 0;
  };

  void run_writer();
  void write_batch(std::vector<Job>& batch);
  Result<rmm::CheckinResponse> store_job(store::Transaction& tx, Job& job, std::vector<std::string>& new_names,
                                         int64_t& values);
  Result<int64_t> metric_id(store::Transaction& tx, const std::string& name, std::vector<std::string>& new_names);
  Status load_device(store::Transaction& tx, rmm::DeviceId device, DeviceMemory& memory);
  Status store_inventory(store::Transaction& tx, const AgentIdentity& agent, const std::string& inventory_json,
                         Instant at);

  AppContext context_;
  AgentDirectory& directory_;
  IngestStats stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  size_t queued_records_ = 0;
  bool stopping_ = false;
  // Writer-thread state.
  std::unordered_map<std::string, int64_t> metric_ids_;
  std::unordered_map<int64_t, DeviceMemory> devices_;
  std::thread writer_;
};

}  // namespace tend
