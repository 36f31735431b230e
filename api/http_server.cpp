// The only translation unit that includes Boost.Beast (compile cost, see
// docs/adr/0001-http-stack.md).
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange first.

#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace tend::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// One accepted connection. Shared between its coroutine and the registry
// used at shutdown; every access to `stream` happens on its strand.
struct Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = false;  // waiting for the first byte of a new request (strand-only)
  // The request-time limit fired: reads were cancelled, the socket is still
  // open so the 408 can be written (strand-only).
  bool request_timed_out = false;
  uint64_t request_generation = 0;  // bumped when a read ends, so a late timer does nothing
};

// A response produced later, on any thread, for a request parked on its
// connection's strand: complete() posts to the strand, which wakes wait().
struct DeferredReply : std::enable_shared_from_this<DeferredReply> {
  explicit DeferredReply(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  void complete(HttpResponse r) {
    asio::post(timer.get_executor(), [self = shared_from_this(), r = std::move(r)]() mutable {
      self->response = std::move(r);
      self->done = true;
      self->timer.cancel();
    });
  }
  asio::steady_timer timer;
  HttpResponse response;
  bool done = false;  // strand-only
};

const char* reason_for(int status) {
  return http::obsolete_reason(static_cast<http::status>(status)).data();
}

}  // namespace

struct HttpServer::Impl {
  Impl(Handler h, HttpServerOptions o) : handler(std::move(h)), options(o), ioc(o.threads) {}

  Handler handler;
  DeferredHandler deferred;
  HttpServerOptions options;
  asio::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer grace_timer{ioc};
  std::atomic<bool> draining{false};
  HttpServerStats stats;
  std::mutex sessions_mutex;
  std::unordered_set<std::shared_ptr<Session>> sessions;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(asio::make_strand(ioc),
                                                           asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (draining || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      auto session = std::make_shared<Session>(std::move(socket));
      {
        std::lock_guard lock(sessions_mutex);
        if (draining) co_return;
        sessions.insert(session);
      }
      ++stats.connections_accepted;
      ++stats.connections_open;
      asio::co_spawn(session->stream.get_executor(), serve(session), asio::detached);
    }
  }

  // Writes a response produced without a handler (limits, malformed input)
  // and closes the connection.
  asio::awaitable<void> reject(Session& s, int status, const std::string& detail) {
    ++stats.requests_rejected;
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/problem+json");
    res.set(http::field::connection, "close");
    res.body() = "{\"type\":\"about:blank\",\"title\":\"" + std::string(reason_for(status)) +
                 "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + detail + "\"}";
    res.prepare_payload();
    beast::error_code ec;
    s.stream.expires_after(std::chrono::seconds(5));
    co_await http::async_write(s.stream, res, asio::redirect_error(asio::use_awaitable, ec));
    // Lingering close: stop sending, then read and discard what the client
    // still sends for a moment, so it sees our response rather than a reset.
    s.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    char scratch[16384];
    size_t drained = 0;
    while (!ec && drained < (1u << 20)) {
      s.stream.expires_after(std::chrono::seconds(1));
      drained += co_await s.stream.async_read_some(asio::buffer(scratch),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> session) {
    Session& s = *session;
    beast::flat_buffer buffer;
    beast::error_code ec;
    std::string remote = s.stream.socket().remote_endpoint(ec).address().to_string();
    for (;;) {
      if (buffer.size() == 0) {
        // Idle keep-alive: wait for the first byte, so shutdown can close
        // idle connections without cutting a request in half.
        s.idle = true;
        if (draining) break;
        asio::steady_timer idle_timer(s.stream.get_executor());
        idle_timer.expires_after(options.idle_timeout);
        idle_timer.async_wait([session](beast::error_code timer_ec) {
          if (!timer_ec) session->stream.socket().cancel(timer_ec);
        });
        co_await s.stream.socket().async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        idle_timer.cancel();
        s.idle = false;
        if (ec) break;
      }

      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(static_cast<std::uint64_t>(options.max_body_bytes));
      // The request-time limit cancels the reads but leaves the socket open
      // (a tcp_stream expiry would close it, and the client would get no 408).
      s.stream.expires_never();
      s.request_timed_out = false;
      asio::steady_timer request_timer(s.stream.get_executor());
      request_timer.expires_after(options.request_timeout);
      request_timer.async_wait([session, generation = s.request_generation](beast::error_code timer_ec) {
        if (timer_ec || generation != session->request_generation) return;
        session->request_timed_out = true;
        session->stream.socket().cancel(timer_ec);
      });
      co_await http::async_read_header(s.stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && !parser.is_done()) {
        if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
          co_await http::async_write(s.stream, cont, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!ec) {
          co_await http::async_read(s.stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
      }
      request_timer.cancel();
      ++s.request_generation;
      if (ec && s.request_timed_out) ec = beast::error::timeout;
      if (ec == http::error::end_of_stream || ec == asio::error::eof) break;
      if (ec) {
        if (ec == http::error::body_limit) {
          co_await reject(s, 413, "the request body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
        } else if (ec == http::error::header_limit) {
          co_await reject(s, 431, "the request headers are larger than " + std::to_string(options.max_header_bytes) + " bytes");
        } else if (ec == beast::error::timeout) {
          co_await reject(s, 408, "the request did not arrive in time");
        } else if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
          co_await reject(s, 400, "malformed HTTP request");
        }
        break;
      }

      auto& req = parser.get();
      HttpRequest request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      request.headers.reserve(8);
      for (const auto& field : req) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      request.body = std::move(req.body());
      request.remote_address = remote;

      HttpResponse response;
      bool answered = false;
      if (deferred) {
        auto reply = std::make_shared<DeferredReply>(s.stream.get_executor());
        bool taken = false;
        try {
          taken = deferred(request, [reply](HttpResponse r) { reply->complete(std::move(r)); });
        } catch (const std::exception&) {
          taken = false;
        }
        if (taken) {
          if (!reply->done) co_await reply->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
          response = std::move(reply->response);
          answered = true;
          ec = {};
        }
      }
      if (!answered) {
        try {
          response = handler(request);
        } catch (const std::exception& e) {
          response.status = 500;
          response.content_type = "application/problem+json";
          response.body = R"({"type":"about:blank","title":"Internal Server Error","status":500})";
        }
      }

      http::response<http::string_body> res{static_cast<http::status>(response.status), req.version()};
      res.set(http::field::content_type, response.content_type);
      for (auto& [name, value] : response.headers) res.insert(name, value);
      res.body() = std::move(response.body);
      res.keep_alive(req.keep_alive() && !draining);
      res.prepare_payload();
      s.stream.expires_after(options.request_timeout);
      co_await http::async_write(s.stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) break;
    }
    s.stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    s.stream.socket().close(ec);
    --stats.connections_open;
    finish(session);
  }

  void finish(const std::shared_ptr<Session>& session) {
    bool last = false;
    {
      std::lock_guard lock(sessions_mutex);
      sessions.erase(session);
      last = draining && sessions.empty();
    }
    if (last) asio::post(ioc, [this] { ioc.stop(); });
  }

  void shutdown() {
    if (draining.exchange(true)) return;
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    signals.cancel(ec);
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(sessions_mutex);
      open.assign(sessions.begin(), sessions.end());
    }
    if (open.empty()) {
      ioc.stop();
      return;
    }
    for (auto& session : open) {
      asio::post(session->stream.get_executor(), [session] {
        beast::error_code ignored;
        if (session->idle) session->stream.socket().cancel(ignored);
      });
    }
    grace_timer.expires_after(options.shutdown_grace);
    grace_timer.async_wait([this](beast::error_code timer_ec) {
      if (!timer_ec) ioc.stop();
    });
  }
};

HttpServer::HttpServer(Handler handler, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), options)) {}

HttpServer::~HttpServer() = default;

void HttpServer::set_deferred_handler(DeferredHandler handler) { impl_->deferred = std::move(handler); }

Result<std::string> HttpServer::listen(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return std::unexpected(Error::invalid_field("listen", "must be HOST:PORT"));
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(host_port.substr(colon + 1));
  } catch (const std::exception&) {
    return std::unexpected(Error::invalid_field("listen", "the port is not a number"));
  }
  if (port < 0 || port > 65535) return std::unexpected(Error::invalid_field("listen", "the port must be 0-65535"));
  beast::error_code ec;
  auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) return std::unexpected(Error::invalid_field("listen", "'" + host + "' is not an IP address"));
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->ioc);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected(Error::unavailable("cannot listen on " + host_port + ": " + ec.message()));
  auto bound = acceptor->local_endpoint();
  impl_->acceptor = std::move(acceptor);
  std::string bound_host = bound.address().to_string();
  if (bound.address().is_v6()) bound_host = "[" + bound_host + "]";
  return bound_host + ":" + std::to_string(bound.port());
}

void HttpServer::run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](beast::error_code ec, int) {
    if (!ec) impl.shutdown();
  });
  asio::co_spawn(impl.ioc, impl.accept_loop(), asio::detached);
  std::vector<std::thread> workers;
  for (int i = 1; i < impl.options.threads; ++i) workers.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : workers) t.join();
}

void HttpServer::request_shutdown() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->shutdown(); });
}

const HttpServerStats& HttpServer::stats() const { return impl_->stats; }

}  // namespace tend::api
