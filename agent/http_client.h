// A small HTTP/1.1 client for the agent's uplink: one keep-alive
// connection, Content-Length bodies, deadlines on connect/send/receive.
// Plain HTTP only in this build (TLS: docs/adr/0011-agent-footprint.md).
// No exceptions, no iostreams. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tend::agent {

struct HttpReply {
  int status = 0;
  std::string body;
};

// Parsed "http://host:port/prefix".
struct ServerUrl {
  std::string host;
  std::string port = "80";
  std::string prefix;  // path prefix without the trailing slash
};
Result<ServerUrl> parse_server_url(std::string_view url);

class HttpClient {
 public:
  explicit HttpClient(ServerUrl server) : server_(std::move(server)) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs a JSON body to prefix + path with an optional bearer token.
  // unavailable when the server cannot be reached or the connection breaks
  // (the caller retries); any HTTP status is a reply.
  Result<HttpReply> post(std::string_view path, std::string_view body, std::string_view bearer, int timeout_ms);
  // Closes the connection (it reopens on the next request).
  void close();

 private:
  Status connect_socket(int timeout_ms);
  Result<HttpReply> exchange(const std::string& request, int timeout_ms);

  ServerUrl server_;
  int fd_ = -1;
  std::string buffer_;
};

// Connects to host:port within `timeout_ms`; returns the socket or an error.
// Used by the TCP and HTTP checks too.
Result<int> connect_tcp(const std::string& host, const std::string& port, int timeout_ms);

}  // namespace tend::agent
