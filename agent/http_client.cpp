#include "agent/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pem.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace tend::agent {
namespace {

int remaining(int64_t deadline) { return static_cast<int>(std::max<int64_t>(0, deadline - steady_ms())); }

bool wait_fd(int fd, short events, int64_t deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remaining(deadline));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

std::string mbedtls_text(int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

// --- trust -----------------------------------------------------------------
//
// The system bundle holds ~140 roots: parsed whole they cost ~0.5 MiB of heap
// (and ~0.65 MiB resident), a sixth of the agent's 4 MiB budget. So only the roots
// a server's chain names as issuers are parsed out of it, once per issuer per
// process (a handshake whose issuers are all known reads no file), kept in
// `trusted` with the CA file's certificates. mbedTLS completes the handshake
// without a CA chain (VERIFY_OPTIONAL: the server still proves it holds the
// certificate's key) and Connection::open verifies the chain, the name and
// the key usage before a byte of the request is sent.

std::string g_ca_file;                   // set_tls_ca_file
std::string g_bundle = kSystemCaBundle;  // set_tls_system_bundle

struct TlsTrust {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  mbedtls_x509_crt trusted;          // the CA file's certificates, then the roots found so far
  std::vector<std::string> unknown;  // issuer names the bundle does not hold (bounded)
  bool have_bundle = false;
  TlsTrust() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&trusted);
  }
  ~TlsTrust() {
    mbedtls_x509_crt_free(&trusted);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
  TlsTrust(const TlsTrust&) = delete;
  TlsTrust& operator=(const TlsTrust&) = delete;
};

std::unique_ptr<TlsTrust> g_trust;

// The number of certificates in `chain`.
int certificate_count(const mbedtls_x509_crt& chain) {
  int n = 0;
  for (const mbedtls_x509_crt* c = &chain; c && c->raw.len > 0; c = c->next) ++n;
  return n;
}

std::string_view raw(const mbedtls_x509_buf& b) { return {reinterpret_cast<const char*>(b.p), b.len}; }

bool holds_subject(const mbedtls_x509_crt& chain, std::string_view name) {
  for (const mbedtls_x509_crt* c = &chain; c && c->raw.len > 0; c = c->next) {
    if (raw(c->subject_raw) == name) return true;
  }
  return false;
}

// Appends to `into` the certificates of the PEM bundle at `path` whose
// subject is one of `names`, reading it one certificate at a time.
void load_roots(const char* path, const std::vector<std::string>& names, mbedtls_x509_crt& into) {
  FILE* file = std::fopen(path, "re");
  if (!file) return;
  static const char kBegin[] = "-----BEGIN CERTIFICATE-----", kEnd[] = "-----END CERTIFICATE-----";
  std::string block;
  bool inside = false;
  char line[256];
  while (std::fgets(line, sizeof line, file)) {
    if (!inside) {
      inside = std::strncmp(line, kBegin, sizeof kBegin - 1) == 0;
      block = inside ? line : "";
      continue;
    }
    block += line;
    if (std::strncmp(line, kEnd, sizeof kEnd - 1) != 0) continue;
    inside = false;
    mbedtls_pem_context pem;
    mbedtls_pem_init(&pem);
    size_t used = 0;
    if (mbedtls_pem_read_buffer(&pem, kBegin, kEnd, reinterpret_cast<const unsigned char*>(block.c_str()),
                                nullptr, 0, &used) == 0) {
      std::string_view der(reinterpret_cast<const char*>(pem.buf), pem.buflen);
      for (const auto& name : names) {
        // The name bytes appear in the DER of the root that has it as subject;
        // only those few certificates are parsed to compare exactly.
        if (der.find(name) == std::string_view::npos) continue;
        mbedtls_x509_crt one;
        mbedtls_x509_crt_init(&one);
        bool match =
            mbedtls_x509_crt_parse_der(&one, pem.buf, pem.buflen) == 0 && raw(one.subject_raw) == name;
        mbedtls_x509_crt_free(&one);
        if (match) (void)mbedtls_x509_crt_parse_der(&into, pem.buf, pem.buflen);
        break;
      }
    }
    mbedtls_pem_free(&pem);
  }
  std::fclose(file);
}

// Makes sure `trusted` holds every root of the bundle that issued a
// certificate of `chain` (the server's certificates, leaf first).
void find_roots(TlsTrust& t, const mbedtls_x509_crt& chain) {
  std::vector<std::string> wanted;
  for (const mbedtls_x509_crt* c = &chain; c && c->raw.len > 0; c = c->next) {
    std::string name(raw(c->issuer_raw));
    if (holds_subject(t.trusted, name)) continue;
    if (std::find(t.unknown.begin(), t.unknown.end(), name) != t.unknown.end()) continue;
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) wanted.push_back(std::move(name));
  }
  if (wanted.empty() || !t.have_bundle) return;
  load_roots(g_bundle.c_str(), wanted, t.trusted);
  for (auto& name : wanted) {
    if (holds_subject(t.trusted, name)) continue;
    if (t.unknown.size() >= 32) t.unknown.clear();
    t.unknown.push_back(std::move(name));
  }
}

Result<TlsTrust*> trust() {
  if (g_trust) return g_trust.get();
  auto t = std::make_unique<TlsTrust>();
  t->have_bundle = ::access(g_bundle.c_str(), R_OK) == 0;
  if (!g_ca_file.empty()) {
    int rc = mbedtls_x509_crt_parse_file(&t->trusted, g_ca_file.c_str());
    if (rc < 0)
      return std::unexpected(
          Error::unavailable("TLS: cannot read the CA file " + g_ca_file + ": " + mbedtls_text(rc)));
  }
  if (!t->have_bundle && certificate_count(t->trusted) == 0) {
    return std::unexpected(
        Error::unavailable("TLS: no trusted CA certificates (" + g_bundle +
                           " is missing; install ca-certificates or enroll with --ca-file)"));
  }
  static const char personalization[] = "tend-agent";
  int rc = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
                                 reinterpret_cast<const unsigned char*>(personalization),
                                 sizeof personalization - 1);
  if (rc != 0)
    return std::unexpected(Error::unavailable("TLS: cannot seed the random generator: " + mbedtls_text(rc)));
  rc = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                   MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return std::unexpected(Error::unavailable("TLS: " + mbedtls_text(rc)));
  // TLS 1.2 at least (mbedTLS 2.28 has no TLS 1.3 client).
  mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  // The chain is verified by Connection::open once the handshake is done.
  mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
  mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
  g_trust = std::move(t);
  return g_trust.get();
}

// --- one TLS session over a non-blocking socket -------------------------------

int bio_send(void* context, const unsigned char* data, size_t size) {
  int fd = static_cast<int>(reinterpret_cast<intptr_t>(context));
  ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
}

int bio_recv(void* context, unsigned char* data, size_t size) {
  int fd = static_cast<int>(reinterpret_cast<intptr_t>(context));
  ssize_t n = ::recv(fd, data, size, 0);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

// Runs an mbedTLS step until it is done, waiting on the socket as it asks;
// MBEDTLS_ERR_SSL_TIMEOUT when the deadline passes.
template <class Step>
int drive(int fd, int64_t deadline, Step step) {
  for (;;) {
    int rc = step();
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) {
      if (!wait_fd(fd, POLLIN, deadline)) return MBEDTLS_ERR_SSL_TIMEOUT;
    } else if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      if (!wait_fd(fd, POLLOUT, deadline)) return MBEDTLS_ERR_SSL_TIMEOUT;
    } else {
      return rc;
    }
  }
}

// True when the certificate's subjectAltName holds the IP address `ip`
// (mbedTLS 2.28 lists only dNSName entries, so the extension is read here).
bool certificate_has_ip(const mbedtls_x509_crt& crt, const unsigned char* ip, size_t ip_size) {
  unsigned char* p = crt.v3_ext.p;
  if (!p || crt.v3_ext.len == 0) return false;
  const unsigned char* end = p + crt.v3_ext.len;
  size_t len = 0;
  if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
    return false;
  end = p + len;
  while (p < end) {
    size_t extension_size = 0;
    if (mbedtls_asn1_get_tag(&p, end, &extension_size, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
      return false;
    unsigned char* extension_end = p + extension_size;
    size_t oid_size = 0;
    if (mbedtls_asn1_get_tag(&p, extension_end, &oid_size, MBEDTLS_ASN1_OID) != 0) return false;
    static const unsigned char kSubjectAltName[] = {0x55, 0x1d, 0x11};  // 2.5.29.17
    bool is_san = oid_size == sizeof kSubjectAltName && std::memcmp(p, kSubjectAltName, oid_size) == 0;
    p += oid_size;
    if (is_san) {
      int critical = 0;
      (void)mbedtls_asn1_get_bool(&p, extension_end, &critical);  // optional
      size_t octets = 0;
      if (mbedtls_asn1_get_tag(&p, extension_end, &octets, MBEDTLS_ASN1_OCTET_STRING) != 0) return false;
      const unsigned char* names_end = p + octets;
      size_t names = 0;
      if (mbedtls_asn1_get_tag(&p, names_end, &names, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return false;
      while (p < names_end) {
        unsigned char tag = *p++;
        size_t size = 0;
        if (mbedtls_asn1_get_len(&p, names_end, &size) != 0) return false;
        if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && size == ip_size && std::memcmp(p, ip, size) == 0)
          return true;
        p += size;
      }
      return false;
    }
    p = extension_end;
  }
  return false;
}

std::string verify_reasons(uint32_t flags) {
  char text[512];
  int n = mbedtls_x509_crt_verify_info(text, sizeof text, "", flags);
  std::string out(text, n > 0 ? static_cast<size_t>(n) : 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  for (size_t pos; (pos = out.find('\n')) != std::string::npos;) out.replace(pos, 1, "; ");
  return out.empty() ? "unknown reason" : out;
}

std::string host_header(const ServerUrl& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls ? "443" : "80")) host += ":" + url.port;
  return host;
}

}  // namespace

struct TlsSession {
  mbedtls_ssl_context ssl;
  TlsSession() { mbedtls_ssl_init(&ssl); }
  ~TlsSession() { mbedtls_ssl_free(&ssl); }
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
};

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status set_tls_ca_file(const std::string& path) {
  if (path.empty()) {
    g_ca_file.clear();
    g_trust.reset();
    return {};
  }
  mbedtls_x509_crt probe;
  mbedtls_x509_crt_init(&probe);
  int rc = mbedtls_x509_crt_parse_file(&probe, path.c_str());
  int count = rc >= 0 ? certificate_count(probe) : 0;
  mbedtls_x509_crt_free(&probe);
  if (rc < 0)
    return std::unexpected(Error::invalid("cannot read the CA file " + path + ": " + mbedtls_text(rc)));
  if (count == 0) return std::unexpected(Error::invalid("the CA file " + path + " holds no certificate"));
  g_ca_file = path;
  g_trust.reset();
  return {};
}

void set_tls_system_bundle(const std::string& path) {
  g_bundle = path.empty() ? kSystemCaBundle : path;
  g_trust.reset();
}

Result<ServerUrl> parse_server_url(std::string_view url) {
  ServerUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    out.port = "443";
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::unexpected(Error::invalid("the URL must start with http:// or https://"));
  }
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.prefix = std::string(path);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::unexpected(Error::invalid("malformed IPv6 address in the URL"));
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      out.port = std::string(authority.substr(close + 2));
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty() || out.port.empty())
    return std::unexpected(Error::invalid("the server URL has no host"));
  return out;
}

Result<int> connect_tcp(const std::string& host, const std::string& port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0)
    return std::unexpected(Error::unavailable("cannot resolve " + host + ": " + ::gai_strerror(rc)));
  int64_t deadline = steady_ms() + timeout_ms;
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

// --- Connection ------------------------------------------------------------

Connection::Connection() = default;
Connection::~Connection() { close(); }
Connection::Connection(Connection&& other) noexcept : fd_(other.fd_), tls_(std::move(other.tls_)) {
  other.fd_ = -1;
}
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    tls_ = std::move(other.tls_);
    other.fd_ = -1;
  }
  return *this;
}

void Connection::close() {
  if (tls_ && fd_ >= 0) (void)mbedtls_ssl_close_notify(&tls_->ssl);  // best effort, never waits
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<Connection> Connection::open(const ServerUrl& url, int64_t deadline_ms) {
  TlsTrust* t = nullptr;
  if (url.tls) t = TEND_TRY(trust());
  Connection c;
  c.fd_ = TEND_TRY(connect_tcp(url.host, url.port, remaining(deadline_ms)));
  int one = 1;
  ::setsockopt(c.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!url.tls) return c;

  c.tls_ = std::make_unique<TlsSession>();
  mbedtls_ssl_context* ssl = &c.tls_->ssl;
  int rc = mbedtls_ssl_setup(ssl, &t->conf);
  if (rc != 0) return std::unexpected(Error::unavailable("TLS: " + mbedtls_text(rc)));
  // An IP address is checked against the certificate's iPAddress names
  // below; a host name by mbedTLS (and sent as SNI).
  unsigned char ip[16];
  size_t ip_size = 0;
  if (::inet_pton(AF_INET, url.host.c_str(), ip) == 1)
    ip_size = 4;
  else if (::inet_pton(AF_INET6, url.host.c_str(), ip) == 1)
    ip_size = 16;
  if (ip_size == 0 && (rc = mbedtls_ssl_set_hostname(ssl, url.host.c_str())) != 0) {
    return std::unexpected(Error::unavailable("TLS: " + mbedtls_text(rc)));
  }
  mbedtls_ssl_set_bio(ssl, reinterpret_cast<void*>(static_cast<intptr_t>(c.fd_)), bio_send, bio_recv,
                      nullptr);
  rc = drive(c.fd_, deadline_ms, [&] { return mbedtls_ssl_handshake(ssl); });
  std::string where = url.host + ":" + url.port;
  if (rc == MBEDTLS_ERR_SSL_TIMEOUT)
    return std::unexpected(Error::unavailable("TLS: timed out in the handshake with " + where));
  if (rc != 0)
    return std::unexpected(
        Error::unavailable("TLS: the handshake with " + where + " failed: " + mbedtls_text(rc)));
  // Verify before anything is sent: the chain up to a trusted CA, validity,
  // the host name (mbedTLS) or IP address (below), and mbedTLS's key usage
  // checks from the handshake.
  const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(ssl);
  if (!peer) return std::unexpected(Error::unavailable("TLS: " + where + " sent no certificate"));
  find_roots(*t, *peer);
  uint32_t flags = 0;
  int verified = mbedtls_x509_crt_verify(const_cast<mbedtls_x509_crt*>(peer), &t->trusted, nullptr,
                                         ip_size > 0 ? nullptr : url.host.c_str(), &flags, nullptr, nullptr);
  if (verified != 0 && flags == 0) flags = MBEDTLS_X509_BADCERT_OTHER;  // fail closed on any other error
  flags |= mbedtls_ssl_get_verify_result(ssl) &
           (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
            MBEDTLS_X509_BADCERT_NS_CERT_TYPE);
  if (flags != 0) {
    return std::unexpected(Error::unavailable("TLS: the certificate of " + where +
                                              " failed verification: " + verify_reasons(flags)));
  }
  if (ip_size > 0 && !certificate_has_ip(*peer, ip, ip_size)) {
    return std::unexpected(Error::unavailable("TLS: the certificate of " + where +
                                              " failed verification: it is not issued for the IP address " +
                                              url.host));
  }
  return c;
}

Status Connection::send_all(std::string_view data, int64_t deadline_ms) {
  size_t sent = 0;
  while (sent < data.size()) {
    if (tls_) {
      const auto* bytes = reinterpret_cast<const unsigned char*>(data.data()) + sent;
      int rc =
          drive(fd_, deadline_ms, [&] { return mbedtls_ssl_write(&tls_->ssl, bytes, data.size() - sent); });
      if (rc == MBEDTLS_ERR_SSL_TIMEOUT) return std::unexpected(Error::unavailable("timed out sending"));
      if (rc < 0) return std::unexpected(Error::unavailable("TLS: send failed: " + mbedtls_text(rc)));
      sent += static_cast<size_t>(rc);
      continue;
    }
    if (!wait_fd(fd_, POLLOUT, deadline_ms)) return std::unexpected(Error::unavailable("timed out sending"));
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0)
      return std::unexpected(Error::unavailable(std::string("send failed: ") + std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  return {};
}

Result<size_t> Connection::receive(char* buffer, size_t size, int64_t deadline_ms) {
  if (tls_) {
    int rc = drive(fd_, deadline_ms, [&] {
      return mbedtls_ssl_read(&tls_->ssl, reinterpret_cast<unsigned char*>(buffer), size);
    });
    if (rc == MBEDTLS_ERR_SSL_TIMEOUT)
      return std::unexpected(Error::unavailable("timed out waiting for the reply"));
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF || rc == 0)
      return size_t{0};
    if (rc < 0) return std::unexpected(Error::unavailable("TLS: receive failed: " + mbedtls_text(rc)));
    return static_cast<size_t>(rc);
  }
  for (;;) {
    if (!wait_fd(fd_, POLLIN, deadline_ms))
      return std::unexpected(Error::unavailable("timed out waiting for the reply"));
    ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0)
      return std::unexpected(Error::unavailable(std::string("receive failed: ") + std::strerror(errno)));
    return static_cast<size_t>(n);
  }
}

// --- HttpClient ----------------------------------------------------------------

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
  connection_.close();
  buffer_.clear();
}

Result<HttpReply> HttpClient::post(std::string_view path, std::string_view body, std::string_view bearer,
                                   int timeout_ms) {
  std::string request;
  request.reserve(256 + body.size());
  request += "POST ";
  request += server_.prefix;
  request += path;
  request += " HTTP/1.1\r\nHost: ";
  request += host_header(server_);
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
    bool reused = connection_.is_open();
    if (!reused) connection_ = TEND_TRY(Connection::open(server_, steady_ms() + timeout_ms));
    auto reply = exchange(request, timeout_ms);
    if (reply) return reply;
    close();
    if (!reused) return reply;
  }
  return std::unexpected(Error::unavailable("the connection to the server broke"));
}

Result<HttpReply> HttpClient::exchange(const std::string& request, int timeout_ms) {
  int64_t deadline = steady_ms() + timeout_ms;
  TEND_CHECK(connection_.send_all(request, deadline));
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
    size_t n = TEND_TRY(connection_.receive(chunk, sizeof chunk, deadline));
    if (n == 0) return std::unexpected(Error::unavailable("the server closed the connection"));
    buffer_.append(chunk, n);
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

Result<int> fetch_status(const ServerUrl& url, int timeout_ms) {
  int64_t deadline = steady_ms() + timeout_ms;
  Connection c = TEND_TRY(Connection::open(url, deadline));
  std::string request = "GET " + (url.prefix.empty() ? std::string("/") : url.prefix) +
                        " HTTP/1.1\r\nHost: " + host_header(url) +
                        "\r\nUser-Agent: tend-agent\r\nConnection: close\r\n\r\n";
  TEND_CHECK(c.send_all(request, deadline));
  // Only the status line is needed.
  char head[64] = {};
  size_t got = 0;
  while (got < 12 || !std::memchr(head, '\n', got)) {
    if (got == sizeof head - 1) break;
    size_t n = TEND_TRY(c.receive(head + got, sizeof head - 1 - got, deadline));
    if (n == 0) break;
    got += n;
  }
  if (got < 12 || std::strncmp(head, "HTTP/", 5) != 0)
    return std::unexpected(Error::unavailable("no HTTP reply"));
  return std::atoi(head + 9);
}

}  // namespace tend::agent
