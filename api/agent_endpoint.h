// The agent check-in endpoint, POST /api/v1/agent/checkin: the hot path of
// ingestion. Kept out of the generic JSON route machinery for speed: the body
// is decoded with simdjson (one decoder per thread), the device credential
// is resolved from memory (AgentDirectory), and the request is handed to the
// group-commit writer (IngestService) without holding a server thread while
// it waits to become durable (HttpServer's deferred handler). The same code
// also answers synchronously for in-process callers (Api::handle_as).
#pragma once

#include <functional>

#include "api/http.h"
#include "app/agent_directory.h"
#include "app/ingest_service.h"
#include "app/rmm_service.h"

namespace tend::api {

// The RMM use cases the API needs. References owned by the composition root.
struct RmmApiServices {
  RmmService& rmm;
  IngestService& ingest;
  AgentDirectory& agents;
};

inline constexpr std::string_view kCheckinPath = "/api/v1/agent/checkin";

// Thread-safe.
class AgentEndpoint {
 public:
  explicit AgentEndpoint(RmmApiServices& services) : services_(services) {}

  // For HttpServer's deferred hook: false when `request` is not a check-in
  // (the ordinary handler takes it); otherwise true, and `respond` is called
  // exactly once, possibly from the writer thread.
  bool try_handle(HttpRequest& request, const std::function<void(HttpResponse)>& respond);
  // Handles a check-in and waits for the outcome.
  HttpResponse handle_and_wait(HttpRequest& request);

 private:
  RmmApiServices& services_;
};

}  // namespace tend::api
