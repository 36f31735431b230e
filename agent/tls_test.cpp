// https:// in the agent: the TLS client (uplink POSTs, the HTTP(S) check)
// against a python3 HTTPS server on 127.0.0.1 with a throwaway CA made by
// the openssl CLI (tests/support/tls_server.h).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "agent/http_client.h"
#include "agent/linux/checks.h"
#include "tests/support/tls_server.h"

namespace tend::agent {
namespace {

using tend::testing::PythonHttpsServer;
using tend::testing::TestCertificates;

void run_or_throw_shell(const std::string& command) { tend::testing::run_or_throw(command); }

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("tend-tls-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    certs_ = new TestCertificates(dir_->string());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete certs_;
    delete dir_;
  }
  void TearDown() override {
    set_tls_system_bundle("");
    ASSERT_TRUE(set_tls_ca_file(""));
  }

  static ServerUrl url(const std::string& text) {
    auto u = parse_server_url(text);
    EXPECT_TRUE(u) << text;
    return u.value_or(ServerUrl{});
  }
  static rmm::CheckDefinition http_check(const std::string& target) {
    rmm::CheckDefinition c;
    c.id = 7;
    c.kind = rmm::CheckKind::http;
    c.target = target;
    c.timeout_seconds = 5;
    c.expect_status = 200;
    return c;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline TestCertificates* certs_ = nullptr;
};

TEST(ServerUrlTest, HttpsIsAcceptedWithPort443ByDefault) {
  auto u = parse_server_url("https://tend.example/base/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "tend.example");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->prefix, "/base");
  auto plain = parse_server_url("http://[::1]:8080");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "::1");
  EXPECT_EQ(plain->port, "8080");
  EXPECT_FALSE(parse_server_url("ftp://tend.example"));
}

TEST_F(TlsTest, PostsOverTlsWithThePrivateCaByIpAndByName) {
  PythonHttpsServer server(certs_->server_cert, certs_->server_key, "canned", "200");
  ASSERT_TRUE(set_tls_ca_file(certs_->ca));
  for (const char* host : {"127.0.0.1", "localhost"}) {
    HttpClient client(url(server.url(host)));
    // Larger than one TLS record both ways; twice on the kept-alive connection.
    std::string body = "{\"x\":\"" + std::string(100000, 'a') + "\"}";
    for (int i = 0; i < 2; ++i) {
      auto reply = client.post("/api/v1/agent/checkin", body, "tend_dev_x", 5000);
      ASSERT_TRUE(reply) << host << ": " << reply.error().message;
      EXPECT_EQ(reply->status, 200);
      EXPECT_EQ(reply->body, body);
    }
  }
}

TEST_F(TlsTest, TheIssuingRootIsFoundInTheSystemBundle) {
  // A "system bundle" of Debian's roots with the test CA among them (not
  // last), and a server that also sends the root in its chain.
  std::string bundle = dir_->string() + "/bundle.pem";
  std::string chain = dir_->string() + "/chain.pem";
  run_or_throw_shell("head -c 50000 " + std::string(kSystemCaBundle) + " | sed '/END CERTIFICATE/q' > " +
                     bundle + " && cat " + certs_->ca + " >> " + bundle + " && cat " + kSystemCaBundle +
                     " >> " + bundle);
  run_or_throw_shell("cat " + certs_->server_cert + " " + certs_->ca + " > " + chain);
  set_tls_system_bundle(bundle);
  for (const std::string& cert : {certs_->server_cert, chain}) {
    PythonHttpsServer server(cert, certs_->server_key, "canned", "200");
    HttpClient client(url(server.url()));
    for (int i = 0; i < 2; ++i) {
      auto reply = client.post("/x", "{}", "", 5000);
      ASSERT_TRUE(reply) << cert << ": " << reply.error().message;
      EXPECT_EQ(reply->status, 200);
      client.close();  // a new handshake: the root is known now
    }
  }
  set_tls_system_bundle(dir_->string() + "/no-such-bundle.pem");
  auto none = fetch_status(url("https://127.0.0.1:1"), 1000);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no trusted CA certificates"), std::string::npos)
      << none.error().message;
}

TEST_F(TlsTest, AnUntrustedCertificateIsRefusedWithTheReason) {
  PythonHttpsServer server(certs_->server_cert, certs_->server_key, "canned", "200");
  HttpClient client(url(server.url()));  // the system bundle only
  auto reply = client.post("/x", "{}", "", 5000);
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message.find("failed verification"), std::string::npos) << reply.error().message;
  EXPECT_NE(reply.error().message.find("not correctly signed by the trusted CA"), std::string::npos)
      << reply.error().message;
}

TEST_F(TlsTest, ACertificateForAnotherNameIsRefused) {
  PythonHttpsServer server(certs_->wrong_cert, certs_->wrong_key, "canned", "200");
  ASSERT_TRUE(set_tls_ca_file(certs_->ca));
  auto by_ip = fetch_status(url(server.url("127.0.0.1")), 5000);
  ASSERT_FALSE(by_ip);
  EXPECT_NE(by_ip.error().message.find("not issued for the IP address 127.0.0.1"), std::string::npos)
      << by_ip.error().message;
  auto by_name = fetch_status(url(server.url("localhost")), 5000);
  ASSERT_FALSE(by_name);
  EXPECT_NE(by_name.error().message.find("does not match"), std::string::npos) << by_name.error().message;
}

TEST_F(TlsTest, TheHandshakeKeepsTheDeadline) {
  // Accepted by the kernel, never answered.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ASSERT_TRUE(set_tls_ca_file(certs_->ca));
  int64_t start = steady_ms();
  auto status = fetch_status(url("https://127.0.0.1:" + std::to_string(ntohs(a.sin_port))), 300);
  int64_t took = steady_ms() - start;
  ::close(fd);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("timed out"), std::string::npos) << status.error().message;
  EXPECT_LT(took, 2000);
}

TEST_F(TlsTest, HttpsCheckPassesWithTheCaAndFailsWithTheReasonWithout) {
  PythonHttpsServer server(certs_->server_cert, certs_->server_key, "canned", "200");
  auto check = http_check(server.url() + "/health");
  auto untrusted = linux_system::run_check(check, {});
  EXPECT_EQ(untrusted.state, rmm::CheckState::fail);
  EXPECT_NE(untrusted.output.find("failed verification"), std::string::npos) << untrusted.output;

  ASSERT_TRUE(set_tls_ca_file(certs_->ca));
  auto trusted = linux_system::run_check(check, {});
  EXPECT_EQ(trusted.state, rmm::CheckState::pass) << trusted.output;
  EXPECT_EQ(trusted.output.rfind("status 200 in ", 0), 0u) << trusted.output;
  ASSERT_TRUE(trusted.value.has_value());
  EXPECT_GT(*trusted.value, 0.0);

  check.expect_status = 204;
  auto wrong_status = linux_system::run_check(check, {});
  EXPECT_EQ(wrong_status.state, rmm::CheckState::fail);
  EXPECT_EQ(wrong_status.output, "status 200, expected 204");
}

TEST_F(TlsTest, PlainHttpCheckStillWorks) {
  PythonHttpsServer server("", "", "canned", "503");
  auto check = http_check(server.url("127.0.0.1", "http"));
  auto result = linux_system::run_check(check, {});
  EXPECT_EQ(result.state, rmm::CheckState::fail);
  EXPECT_EQ(result.output, "status 503, expected 200");
  check.expect_status = 503;
  EXPECT_EQ(linux_system::run_check(check, {}).state, rmm::CheckState::pass);
}

}  // namespace
}  // namespace tend::agent
