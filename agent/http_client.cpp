#include "agent/http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace tend::agent {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int remaining(int64_t deadline) { return static_cast<int>(std::max<int64_t>(0, deadline - now_ms())); }

bool wait_fd(int fd, short events, int64_t deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remaining(deadline));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

}  // namespace

Result<ServerUrl> parse_server_url(std::string_view url) {
  ServerUrl out;
  if (url.starts_with("https://")) {
    return std::unexpected(Error::invalid("this tend-agent build speaks plain http:// only (see docs/agent-protocol.md)"));
  }
  if (!url.starts_with("http://")) return std::unexpected(Error::invalid("the server URL must start with http://"));
  url.remove_prefix(7);
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.prefix = std::string(path);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected(Error::invalid("malformed IPv6 address in the URL"));
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = std::string(authority.substr(close + 2));
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty() || out.port.empty()) return std::unexpected(Error::invalid("the server URL has no host"));
  return out;
}

Result<int> connect_tcp(const std::string& host, const std::string& port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return std::unexpected(Error::unavailable("cannot resolve " + host + ": " + ::gai_strerror(rc)));
  int64_t deadline = now_ms() + timeout_ms;
  std::string last_error = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      if (wait_fd(fd, POLLOUT, deadline)) {
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        r = error == 0 ? 0 : -1;
        errno = error;
      } else {
        errno = ETIMEDOUT;
      }
    }
    if (r == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return std::unexpected(Error::unavailable("cannot connect to " + host + ":" + port + ": " + last_error));
}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

Status HttpClient::connect_socket(int timeout_ms) {
  fd_ = TEND_TRY(connect_tcp(server_.host, server_.port, timeout_ms));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return {};
}

Result<HttpReply> HttpClient::post(std::string_view path, std::string_view body, std::string_view bearer,
                                   int timeout_ms) {
  std::string request;
  request.reserve(256 + body.size());
  request += "POST ";
  request += server_.prefix;
  request += path;
  request += " HTTP/1.1\r\nHost: ";
  request += server_.host;
  request += "\r\nContent-Type: application/json\r\nAccept: application/json\r\nUser-Agent: tend-agent\r\n";
  if (!bearer.empty()) {
    request += "Authorization: Bearer ";
    request += bearer;
    request += "\r\n";
  }
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  request += body;
  // A kept-alive connection may have been closed by the server meanwhile:
  // retry once on a fresh one when nothing came back.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = fd_ >= 0;
    if (!reused) TEND_CHECK(connect_socket(timeout_ms));
    auto reply = exchange(request, timeout_ms);
    if (reply) return reply;
    close();
    if (!reused) return reply;
  }
  return std::unexpected(Error::unavailable("the connection to the server broke"));
}

Result<HttpReply> HttpClient::exchange(const std::string& request, int timeout_ms) {
  int64_t deadline = now_ms() + timeout_ms;
  size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_fd(fd_, POLLOUT, deadline)) return std::unexpected(Error::unavailable("timed out sending"));
    ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return std::unexpected(Error::unavailable(std::string("send failed: ") + std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  buffer_.clear();
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  bool close_after = false;
  char chunk[16384];
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = buffer_.substr(0, header_end);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto cl = head.find("\r\ncontent-length:");
        if (cl != std::string::npos) content_length = std::strtoull(head.c_str() + cl + 17, nullptr, 10);
        if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
          return std::unexpected(Error::unavailable("chunked replies are not supported"));
        }
        close_after = head.find("\r\nconnection: close") != std::string::npos;
      }
    }
    if (header_end != std::string::npos && buffer_.size() >= header_end + 4 + content_length) break;
    if (!wait_fd(fd_, POLLIN, deadline)) return std::unexpected(Error::unavailable("timed out waiting for the reply"));
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return std::unexpected(Error::unavailable("the server closed the connection"));
    buffer_.append(chunk, static_cast<size_t>(n));
    if (buffer_.size() > (8u << 20)) return std::unexpected(Error::unavailable("the reply is too large"));
  }
  HttpReply reply;
  if (buffer_.size() < 12 || buffer_.compare(0, 5, "HTTP/") != 0) {
    return std::unexpected(Error::unavailable("malformed HTTP reply"));
  }
  reply.status = std::atoi(buffer_.c_str() + 9);
  reply.body = buffer_.substr(header_end + 4, content_length);
  buffer_.clear();
  if (close_after) close();
  return reply;
}

}  // namespace tend::agent
