// A small HTTP/1.1 client for the agent's uplink and its HTTP(S) checks:
// one keep-alive connection, Content-Length bodies, deadlines on
// connect/send/receive. https:// is TLS 1.2 over the same non-blocking
// socket with mbedTLS 2.28 (docs/adr/0011-agent-footprint.md): the server
// certificate is verified against the system CA bundle plus an optional CA
// file, and the host name (or IP address) against the certificate.
// No exceptions, no iostreams. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tend::agent {

struct HttpReply {
  int status = 0;
  std::string body;
};

// Parsed "http://host:port/prefix" or "https://host:port/prefix".
struct ServerUrl {
  std::string host;
  std::string port = "80";  // 443 for https:// without a port
  std::string prefix;       // path prefix without the trailing slash
  bool tls = false;
};
Result<ServerUrl> parse_server_url(std::string_view url);

// The CA certificates https:// trusts: the system bundle plus, when set, a
// PEM file of private CAs (tend-agent enroll --ca-file). The CA file is
// parsed on the first TLS connection; from the bundle only the roots that
// servers' chains name as issuers, each once per process. Setting the file
// checks that it holds at least one certificate (invalid_input otherwise)
// and drops what was loaded, so the next connection reloads; "" trusts the
// system bundle only. Call it before opening connections, not while one is
// open.
Status set_tls_ca_file(const std::string& path);
// The system bundle (Debian's ca-certificates); tests may use another file
// ("" restores this one).
inline constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";
void set_tls_system_bundle(const std::string& path);

// One connection, plain TCP or TLS, with non-blocking I/O and deadlines
// (steady_ms() values).
struct TlsSession;
class Connection {
 public:
  Connection();
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  // Connects (and for TLS completes the handshake and verifies the server's
  // certificate). unavailable when the server cannot be reached; a failed
  // verification is unavailable too, with the reason, e.g. "TLS: the
  // certificate of 127.0.0.1:8443 failed verification: The certificate is
  // not correctly signed by the trusted CA". Nothing is sent before the
  // certificate is verified.
  static Result<Connection> open(const ServerUrl& url, int64_t deadline_ms);
  Status send_all(std::string_view data, int64_t deadline_ms);
  // Bytes received (0: the peer closed the connection).
  Result<size_t> receive(char* buffer, size_t size, int64_t deadline_ms);
  bool is_open() const { return fd_ >= 0; }
  void close();

 private:
  int fd_ = -1;
  std::unique_ptr<TlsSession> tls_;
};

// Milliseconds on the steady clock, for the deadlines above.
int64_t steady_ms();

class HttpClient {
 public:
  explicit HttpClient(ServerUrl server) : server_(std::move(server)) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs a JSON body to prefix + path with an optional bearer token.
  // unavailable when the server cannot be reached or the connection breaks
  // (the caller retries); any HTTP status is a reply.
  Result<HttpReply> post(std::string_view path, std::string_view body, std::string_view bearer,
                         int timeout_ms);
  // Closes the connection (it reopens on the next request).
  void close();

 private:
  Result<HttpReply> exchange(const std::string& request, int timeout_ms);

  ServerUrl server_;
  Connection connection_;
  std::string buffer_;
};

// GET url (Connection: close) and return the status of the reply; the body
// is not read. For the HTTP(S) check.
Result<int> fetch_status(const ServerUrl& url, int timeout_ms);

// Connects to host:port within `timeout_ms`; returns the socket or an error.
// Used by the TCP and HTTP checks too.
Result<int> connect_tcp(const std::string& host, const std::string& port, int timeout_ms);

}  // namespace tend::agent
