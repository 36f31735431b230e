// Request metrics for GET /metrics (Prometheus text format 0.0.4):
// requests by route and status, a latency histogram per route, plus gauges
// that the composition root registers (DB pool, open connections).
// Thread-safe; recording is lock-free on the hot path.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tend::api {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // Declares a route (its pattern, e.g. "GET /api/v1/clients/{id}") and
  // returns its slot for record(). Call before serving; not thread-safe.
  size_t add_route(std::string label);
  // Records one request on a route slot (or the "unmatched" slot).
  void record(size_t route, int status, double seconds);
  size_t unmatched_slot() const { return 0; }

  // Adds a gauge or counter computed when /metrics is scraped.
  void add_sample(std::string name, std::string help, std::string type, std::function<double()> read);

  // The whole exposition text.
  std::string render() const;

  Metrics();

 private:
  struct RouteStats {
    std::string label;
    std::array<std::atomic<int64_t>, 600> by_status{};  // index = HTTP status (100..599)
    std::array<std::atomic<int64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<int64_t> count{0};
    std::atomic<int64_t> sum_us{0};
  };
  struct Sample {
    std::string name, help, type;
    std::function<double()> read;
  };
  std::vector<std::unique_ptr<RouteStats>> routes_;
  std::vector<Sample> samples_;
};

}  // namespace tend::api
