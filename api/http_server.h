// The HTTP/1.1 server: Boost.Beast + Asio coroutines on a fixed pool of
// threads, keep-alive, limits on header size (431), body size (413) and the
// time a request may take to arrive (408), idle keep-alive timeout, and a
// graceful shutdown: on SIGTERM/SIGINT it stops accepting, closes idle
// connections, lets in-flight requests finish (up to a grace period) and
// returns from run().
//
// The header is free of Beast so that only http_server.cpp pays its compile
// cost (see docs/adr/0001-http-stack.md).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "core/error.h"

namespace tend::api {

struct HttpServerOptions {
  int threads = 2;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  std::chrono::seconds request_timeout{30};
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds shutdown_grace{20};
};

// Live figures for /metrics. Updated by the server threads.
struct HttpServerStats {
  std::atomic<int64_t> connections_open{0};
  std::atomic<int64_t> connections_accepted{0};
  std::atomic<int64_t> requests_rejected{0};  // 408/413/431/400 before reaching a handler
};

class HttpServer {
 public:
  // Called for every complete request, on a server thread; must be
  // thread-safe. Never throws (exceptions are turned into 500).
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  HttpServer(Handler handler, HttpServerOptions options);

  // Optional handler that may answer later without holding a server thread
  // (the agent check-in waits for a group commit). It returns false to leave
  // the request to the ordinary handler, or true after arranging for
  // `respond` to be called exactly once, from any thread. Set before run().
  using Responder = std::function<void(HttpResponse)>;
  using DeferredHandler = std::function<bool(HttpRequest&, const Responder& respond)>;
  void set_deferred_handler(DeferredHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host:port` (port 0 picks a free port). Returns the bound
  // "host:port". unavailable when the address cannot be bound.
  Result<std::string> listen(const std::string& host_port);
  // Serves until shutdown completes; installs SIGTERM/SIGINT handlers.
  // Blocks the calling thread (which becomes one of the worker threads).
  void run();
  // Starts a graceful shutdown from any thread.
  void request_shutdown();

  const HttpServerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tend::api
