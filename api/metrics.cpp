#include "api/metrics.h"

#include <fmt/format.h>

namespace tend::api {

Metrics::Metrics() { add_route("unmatched"); }

size_t Metrics::add_route(std::string label) {
  auto stats = std::make_unique<RouteStats>();
  stats->label = std::move(label);
  routes_.push_back(std::move(stats));
  return routes_.size() - 1;
}

void Metrics::record(size_t route, int status, double seconds) {
  RouteStats& r = *routes_.at(route);
  ++r.by_status[static_cast<size_t>(status >= 100 && status < 600 ? status : 500)];
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  ++r.buckets[bucket];
  ++r.count;
  r.sum_us += static_cast<int64_t>(seconds * 1e6);
}

void Metrics::add_sample(std::string name, std::string help, std::string type, std::function<double()> read) {
  samples_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

namespace {
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string Metrics::render() const {
  std::string out;
  out += "# HELP tend_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE tend_http_requests_total counter\n";
  for (const auto& r : routes_) {
    for (size_t status = 100; status < r->by_status.size(); ++status) {
      int64_t count = r->by_status[status].load();
      if (count == 0) continue;
      out += fmt::format("tend_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", escape_label(r->label),
                         status, count);
    }
  }
  out += "# HELP tend_http_request_duration_seconds Time from a complete request to its response, by route.\n";
  out += "# TYPE tend_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    int64_t count = r->count.load();
    if (count == 0) continue;
    std::string label = escape_label(r->label);
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += r->buckets[i].load();
      out += fmt::format("tend_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label,
                         kBuckets[i], cumulative);
    }
    cumulative += r->buckets[kBuckets.size()].load();
    out += fmt::format("tend_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label, cumulative);
    out += fmt::format("tend_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label, r->sum_us.load() / 1e6);
    out += fmt::format("tend_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label, count);
  }
  for (const auto& s : samples_) {
    out += "# HELP " + s.name + " " + s.help + "\n";
    out += "# TYPE " + s.name + " " + s.type + "\n";
    out += fmt::format("{} {}\n", s.name, s.read());
  }
  return out;
}

}  // namespace tend::api
