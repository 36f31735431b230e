// How CLI commands reach the API: in-process on a data directory (as the
// local administrator), or over HTTP to a running server with a token. Both
// speak the same REST requests, so every command behaves the same either way.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace tend::cli {

struct Installation;

struct ApiReply {
  int status = 0;
  std::string body;          // bytes as received (JSON, or a PDF)
  std::string content_type;  // "application/json", "application/pdf" ...
};

class ApiClient {
 public:
  virtual ~ApiClient() = default;
  // Sends one request; an Error only when the request could not be made at
  // all (server unreachable). HTTP errors come back as a reply.
  virtual Result<ApiReply> call(std::string_view method, std::string_view target, const std::string& body) = 0;
};

// In-process client over an opened installation (not owned).
std::unique_ptr<ApiClient> make_local_client(Installation& installation);

// HTTP client (libcurl) for `base_url` ("http://127.0.0.1:8080") with a
// bearer token.
Result<std::unique_ptr<ApiClient>> make_remote_client(const std::string& base_url, const std::string& token);

}  // namespace tend::cli
