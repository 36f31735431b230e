// Integration tests of the foundation against the real `tend serve`:
// login/logout/expiry, the role matrix from the OpenAPI document, portal
// isolation, bad input leaving the database unchanged, concurrency, and a
// SIGTERM under load.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/tend_process.h"

namespace tend::testing {
namespace {

using nlohmann::json;

const char* kPassword = "another-password-1";

// A server with an admin token and a few objects: clients A and B with a
// site and a contact each, and one user per role (portal bound to A).
struct World {
  TendServer server;
  Http http{server.url()};
  std::string admin;
  int64_t client_a = 0, client_b = 0, site_a = 0, site_b = 0, contact_a = 0, contact_b = 0;
  std::map<std::string, std::string> tokens;  // role -> token
  std::map<std::string, int64_t> user_ids;

  World() {
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
    client_a = create("/api/v1/clients", {{"name", "Alpha Bakkerij"}});
    client_b = create("/api/v1/clients", {{"name", "Beta Garage"}});
    site_a = create("/api/v1/sites", {{"client_id", client_a}, {"name", "Winkel A"}});
    site_b = create("/api/v1/sites", {{"client_id", client_b}, {"name", "Werkplaats B"}});
    contact_a = create("/api/v1/contacts", {{"client_id", client_a}, {"name", "Anna A"}});
    contact_b = create("/api/v1/contacts", {{"client_id", client_b}, {"name", "Bert B"}});
    for (std::string role : {"technician", "finance", "read_only", "portal"}) {
      json body = {{"email", role + "@test.tend"}, {"name", role}, {"role", role}, {"password", kPassword}};
      if (role == "portal") body["client_id"] = client_a;
      user_ids[role] = create("/api/v1/users", body);
      tokens[role] = http.login(role + "@test.tend", kPassword);
    }
    tokens["admin"] = admin;
  }

  int64_t create(const std::string& path, const json& body) {
    auto r = http.post(path, body, admin);
    if (r.status != 201) throw std::runtime_error("create " + path + " failed: " + r.body);
    return r.json()["id"].get<int64_t>();
  }
};

TEST(Auth, LoginLogoutAndExpiry) {
  TendServer server;
  Http http(server.url());
  auto bad = http.post("/api/v1/auth/login", {{"email", TendServer::kAdminEmail}, {"password", "wrong-password"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers["content-type"], "application/problem+json");

  auto ok = http.post("/api/v1/auth/login", {{"email", "ADMIN@test.tend"}, {"password", TendServer::kAdminPassword}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string token = ok.json()["token"];
  EXPECT_NE(ok.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_NE(ok.headers["set-cookie"].find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(http.get("/api/v1/auth/me", token).status, 200);

  // The session cookie works as well as the bearer header.
  std::string cookie = ok.headers["set-cookie"].substr(0, ok.headers["set-cookie"].find(';'));
  EXPECT_EQ(http.request("GET", "/api/v1/auth/me", "", "", {"Cookie: " + cookie}).status, 200);

  EXPECT_EQ(http.post("/api/v1/auth/logout", json::object(), token).status, 204);
  EXPECT_EQ(http.get("/api/v1/auth/me", token).status, 401);

  // Expiry: a second session whose expiry has passed is refused.
  std::string second = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  EXPECT_EQ(http.get("/api/v1/auth/me", second).status, 200);
  sqlite_exec(server.database_path(), "UPDATE sessions SET expires_at = 0 WHERE revoked_at IS NULL");
  auto expired = http.get("/api/v1/auth/me", second);
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.json()["detail"].get<std::string>().find("expired"), std::string::npos);
}

TEST(Auth, RepeatedFailedLoginsAreSlowedDown) {
  TendServer server({.env = {{"TEND_AUTH_LOGIN_FREE_FAILURES", "3"}}});
  Http http(server.url());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(http.post("/api/v1/auth/login", {{"email", TendServer::kAdminEmail}, {"password", "guess-" + std::to_string(i)}})
                  .status,
              401);
  }
  auto limited = http.post("/api/v1/auth/login", {{"email", TendServer::kAdminEmail}, {"password", "guess-x"}});
  // The third failure earned a 1 s wait; the next try inside it is refused
  // without checking the password, even a right one.
  auto right = http.post("/api/v1/auth/login", {{"email", TendServer::kAdminEmail}, {"password", TendServer::kAdminPassword}});
  EXPECT_TRUE(limited.status == 429 || right.status == 429) << limited.status << " " << right.status;
  auto& limited_response = limited.status == 429 ? limited : right;
  EXPECT_FALSE(limited_response.headers["retry-after"].empty());
}

TEST(Auth, ApiTokensAreShownOnceAndRevocable) {
  TendServer server;
  Http http(server.url());
  std::string admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  auto created = http.post("/api/v1/api-tokens", {{"name", "accounting export"}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.json()["token"];
  EXPECT_EQ(secret.rfind("tend_pat_", 0), 0u);
  EXPECT_EQ(http.get("/api/v1/clients", secret).status, 200);
  auto listed = http.get("/api/v1/api-tokens", admin);
  EXPECT_EQ(listed.body.find(secret), std::string::npos);  // never shown again
  EXPECT_EQ(sqlite_scalar(server.database_path(), "SELECT count(*) FROM api_tokens WHERE token_hash = '" + secret + "'"), 0);
  int64_t id = created.json()["id"];
  EXPECT_EQ(http.del("/api/v1/api-tokens/" + std::to_string(id), admin).status, 204);
  EXPECT_EQ(http.get("/api/v1/clients", secret).status, 401);
}

// Fills in a route pattern with ids of client A's objects.
std::string concrete_path(const std::string& pattern, const World& w) {
  std::string path = pattern;
  auto put = [&](const std::string& prefix, int64_t id) {
    auto brace = path.find("{id}");
    if (path.rfind(prefix, 0) == 0 && brace != std::string::npos) path.replace(brace, 4, std::to_string(id));
  };
  put("/api/v1/clients/", w.client_a);
  put("/api/v1/sites/", w.site_a);
  put("/api/v1/contacts/", w.contact_a);
  put("/api/v1/users/", w.user_ids.at("read_only"));
  put("/api/v1/api-tokens/", 999999);
  return path;
}

TEST(Roles, EveryRouteAnswersEveryRoleAsDocumented) {
  World w;
  json doc = w.http.get("/api/v1/openapi.json").json();
  ASSERT_TRUE(doc.contains("paths"));
  int checked = 0;
  for (auto& [pattern, operations] : doc["paths"].items()) {
    for (auto& [method_lower, operation] : operations.items()) {
      std::string method = method_lower;
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (pattern == "/api/v1/auth/logout") continue;  // revokes the token; covered in Auth tests
      std::string path = concrete_path(pattern, w);
      const json& roles = operation["x-tend-roles"];
      std::string body = (method == "POST" || method == "PATCH") ? "{}" : "";
      if (roles == "public") {
        // Public to users; an operation that still lists a security scheme
        // authenticates with its own credential (an agent's device
        // credential): without it, and with any user token, it is a 401.
        const bool own_credential = operation.contains("security") && !operation["security"].empty();
        auto r = w.http.request(method, path, body);
        if (own_credential) {
          EXPECT_EQ(r.status, 401) << method << " " << path;
          for (const auto& [role, token] : w.tokens) {
            EXPECT_EQ(w.http.request(method, path, body, token).status, 401) << role << " " << method << " " << path;
          }
        } else {
          EXPECT_NE(r.status, 401) << method << " " << path;
          EXPECT_NE(r.status, 403) << method << " " << path;
        }
        ++checked;
        continue;
      }
      // Without a credential: 401.
      EXPECT_EQ(w.http.request(method, path, body).status, 401) << method << " " << path;
      std::set<std::string> allowed(roles.begin(), roles.end());
      for (const auto& [role, token] : w.tokens) {
        auto r = w.http.request(method, path, body, token);
        if (allowed.count(role)) {
          EXPECT_NE(r.status, 401) << role << " " << method << " " << path << " " << r.body;
          EXPECT_NE(r.status, 403) << role << " " << method << " " << path << " " << r.body;
          EXPECT_LT(r.status, 500) << role << " " << method << " " << path << " " << r.body;
        } else {
          EXPECT_EQ(r.status, 403) << role << " " << method << " " << path << " " << r.body;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 150);
}

TEST(Portal, SeesOnlyItsOwnClientAnd404ForOthers) {
  World w;
  const std::string& portal = w.tokens["portal"];
  auto clients = w.http.get("/api/v1/clients?status=all", portal).json();
  ASSERT_EQ(clients["items"].size(), 1u);
  EXPECT_EQ(clients["items"][0]["id"], w.client_a);
  EXPECT_EQ(w.http.get("/api/v1/clients/" + std::to_string(w.client_a), portal).status, 200);

  // Another client's objects look exactly like objects that do not exist.
  auto other = w.http.get("/api/v1/clients/" + std::to_string(w.client_b), portal);
  auto missing = w.http.get("/api/v1/clients/987654", portal);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.json()["detail"], missing.json()["detail"]);
  EXPECT_EQ(w.http.get("/api/v1/sites/" + std::to_string(w.site_b), portal).status, 404);
  EXPECT_EQ(w.http.get("/api/v1/contacts/" + std::to_string(w.contact_b), portal).status, 404);
  EXPECT_TRUE(w.http.get("/api/v1/sites?client_id=" + std::to_string(w.client_b), portal).json()["items"].empty());
  EXPECT_TRUE(w.http.get("/api/v1/contacts?client_id=" + std::to_string(w.client_b), portal).json()["items"].empty());
  auto contacts = w.http.get("/api/v1/contacts?status=all", portal).json();
  for (auto& c : contacts["items"]) EXPECT_EQ(c["client_id"], w.client_a);

  // Writes to the other client are refused and change nothing.
  int64_t audit_before = sqlite_scalar(w.server.database_path(), "SELECT count(*) FROM audit_events");
  EXPECT_EQ(w.http.patch("/api/v1/contacts/" + std::to_string(w.contact_b), {{"name", "Hacked"}}, portal).status, 404);
  EXPECT_EQ(w.http.post("/api/v1/contacts/" + std::to_string(w.contact_b) + "/archive", json::object(), portal).status, 404);
  auto smuggled = w.http.post("/api/v1/contacts", {{"client_id", w.client_b}, {"name", "Mole"}}, portal);
  EXPECT_EQ(smuggled.status, 422) << smuggled.body;
  EXPECT_EQ(w.http.patch("/api/v1/clients/" + std::to_string(w.client_b), {{"name", "Hacked"}}, portal).status, 403);
  EXPECT_EQ(sqlite_scalar(w.server.database_path(), "SELECT count(*) FROM audit_events"), audit_before);
  EXPECT_EQ(sqlite_scalar(w.server.database_path(), "SELECT count(*) FROM contacts WHERE name IN ('Hacked', 'Mole')"), 0);

  // Its own client's contacts it may manage; they always land on its client.
  auto own = w.http.post("/api/v1/contacts", {{"name", "New colleague"}}, portal);
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(own.json()["client_id"], w.client_a);
}

// Everything that the database holds, for before/after comparisons.
std::string fingerprint(const std::string& db) {
  std::string out;
  for (const char* table : {"clients", "sites", "contacts", "users", "sessions", "api_tokens", "audit_events", "provider"}) {
    out += std::string(table) + "=" + std::to_string(sqlite_scalar(db, std::string("SELECT count(*) FROM ") + table)) + " ";
  }
  out += "max_updated=" + std::to_string(sqlite_scalar(db, "SELECT coalesce(max(updated_at), 0) FROM clients"));
  return out;
}

TEST(BadInput, IsRefusedClearlyAndStoresNothing) {
  TendServer server;
  Http http(server.url());
  std::string admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  int64_t client = http.post("/api/v1/clients", {{"name", "Existing"}}, admin).json()["id"];
  std::string before = fingerprint(server.database_path());

  struct Case {
    std::string method, path, body;
    long expected;
  };
  std::string id = std::to_string(client);
  std::vector<Case> cases = {
      {"POST", "/api/v1/clients", "{\"name\": ", 400},
      {"POST", "/api/v1/clients", "[]", 400},
      {"POST", "/api/v1/clients", "", 400},
      {"POST", "/api/v1/clients", R"({"name": 42})", 422},
      {"POST", "/api/v1/clients", R"({"name": "X", "currency": "XXX"})", 422},
      {"POST", "/api/v1/clients", R"({"email": "a@b.nl"})", 422},
      {"POST", "/api/v1/clients", R"({"name": "X", "unknown_field": 1})", 422},
      {"POST", "/api/v1/clients", R"({"name": "X", "id": 77})", 422},
      {"POST", "/api/v1/clients", "{\"name\": \"\xff\xfe\"}", 400},
      {"PATCH", "/api/v1/clients/" + id, R"({"name": ""})", 422},
      {"PATCH", "/api/v1/clients/" + id, R"({"address": "Dorpsstraat"})", 422},
      {"POST", "/api/v1/sites", R"({"client_id": 999999, "name": "Nowhere"})", 422},
      {"POST", "/api/v1/sites", R"({"client_id": )" + id + R"(, "name": "X", "time_zone": "Mars/Base"})", 422},
      {"POST", "/api/v1/users", R"({"email": "x@test.tend", "name": "X", "role": "wizard", "password": "long-enough-pw"})", 422},
      {"POST", "/api/v1/users", R"({"email": "x@test.tend", "name": "X", "role": "portal", "password": "long-enough-pw"})", 422},
      {"POST", "/api/v1/users", R"({"email": "x@test.tend", "name": "X", "role": "technician", "password": "short"})", 422},
      {"GET", "/api/v1/clients?limit=0", "", 422},
      {"GET", "/api/v1/clients?limit=abc", "", 422},
      {"GET", "/api/v1/clients?cursor=forged", "", 422},
      {"GET", "/api/v1/clients?colour=red", "", 422},
      {"GET", "/api/v1/no-such-thing", "", 404},
      {"DELETE", "/api/v1/clients/" + id, "", 405},
      {"GET", "/api/v1/clients/999999", "", 404},
  };
  for (const auto& c : cases) {
    auto r = http.request(c.method, c.path, c.body, admin);
    EXPECT_EQ(r.status, c.expected) << c.method << " " << c.path << " " << c.body << " -> " << r.body;
    if (r.status >= 400) {
      EXPECT_EQ(r.headers["content-type"], "application/problem+json") << c.path;
      json problem = r.json();
      EXPECT_EQ(problem["status"], r.status);
      EXPECT_FALSE(problem["detail"].get<std::string>().empty());
      if (r.status == 422) {
        EXPECT_FALSE(problem["errors"].empty()) << r.body;
      }
    }
  }
  // A body over the limit is refused with 413 before it reaches a handler.
  std::string huge = "{\"name\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  auto too_large = http.request("POST", "/api/v1/clients", huge, admin);
  EXPECT_EQ(too_large.status, 413) << too_large.error;
  // Headers over the limit: 431.
  Http fresh(server.url());
  auto big_header = fresh.request("GET", "/api/v1/clients", "", admin, {"X-Padding: " + std::string(20000, 'y')});
  EXPECT_EQ(big_header.status, 431) << big_header.error;

  EXPECT_EQ(fingerprint(server.database_path()), before);
  // The server is still healthy afterwards.
  Http again(server.url());
  EXPECT_EQ(again.get("/healthz").status, 200);
}

TEST(Concurrency, FiftyClientsCreatingAtOnceLoseNothing) {
  TendServer server;
  std::string admin;
  {
    Http http(server.url());
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  }
  constexpr int kClients = 50;
  constexpr int kEach = 10;
  std::mutex mutex;
  std::set<int64_t> ids;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      Http http(server.url());
      for (int i = 0; i < kEach; ++i) {
        auto r = http.post("/api/v1/clients", {{"name", "Client " + std::to_string(t) + "-" + std::to_string(i)}}, admin);
        if (r.status != 201) {
          ++failures;
          continue;
        }
        int64_t id = r.json()["id"];
        int64_t site = 0;
        auto s = http.post("/api/v1/sites", {{"client_id", id}, {"name", "HQ"}}, admin);
        if (s.status == 201) site = s.json()["id"];
        else ++failures;
        std::lock_guard lock(mutex);
        ids.insert(id);
        (void)site;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kClients * kEach));

  // Walk every page and find each created client exactly once.
  Http http(server.url());
  std::set<int64_t> listed;
  std::string cursor;
  int pages = 0;
  do {
    auto r = http.get("/api/v1/clients?limit=37" + (cursor.empty() ? "" : "&cursor=" + cursor), admin);
    ASSERT_EQ(r.status, 200);
    json page = r.json();
    for (auto& c : page["items"]) EXPECT_TRUE(listed.insert(c["id"].get<int64_t>()).second);
    cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
    ++pages;
  } while (!cursor.empty() && pages < 100);
  EXPECT_EQ(listed, ids);
  EXPECT_EQ(sqlite_scalar(server.database_path(), "SELECT count(*) FROM sites"), kClients * kEach);
}

TEST(Shutdown, SigtermDuringLoadExitsCleanlyWithoutTornWrites) {
  TendServer server;
  std::string admin;
  {
    Http http(server.url());
    admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::mutex mutex;
  std::vector<int64_t> acknowledged;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Http http(server.url());
      for (int i = 0; !stop; ++i) {
        auto r = http.post("/api/v1/clients", {{"name", "Load " + std::to_string(t) + "-" + std::to_string(i)},
                                               {"notes", std::string(500, 'n')}},
                           admin);
        if (r.status == 201) {
          ++created;
          std::lock_guard lock(mutex);
          acknowledged.push_back(r.json()["id"].get<int64_t>());
        } else if (r.status == 0) {
          return;  // the server went away
        }
      }
    });
  }
  while (created < 40) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int exit_code = server.stop();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(exit_code, 0) << server.log();
  EXPECT_NE(server.log().find("server.stopped"), std::string::npos);

  // Every acknowledged write is there; every client has exactly its audit
  // entry (client row and audit row were one transaction).
  server.start();
  Http http(server.url());
  std::string token = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  for (int64_t id : acknowledged) {
    EXPECT_EQ(http.get("/api/v1/clients/" + std::to_string(id), token).status, 200) << id;
  }
  const std::string db = server.database_path();
  int64_t clients = sqlite_scalar(db, "SELECT count(*) FROM clients");
  EXPECT_GE(clients, static_cast<int64_t>(acknowledged.size()));
  EXPECT_EQ(sqlite_scalar(db, "SELECT count(*) FROM audit_events WHERE action = 'client.created'"), clients);
  EXPECT_EQ(sqlite_scalar(db, "SELECT count(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM audit_events a "
                              "WHERE a.action = 'client.created' AND a.entity_id = c.id)"),
            0);
}

TEST(System, HealthMetricsAndOpenApi) {
  TendServer server;
  Http http(server.url());
  auto health = http.get("/healthz");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_GE(health.json()["schema_version"].get<int>(), 1);
  http.get("/api/v1/clients");  // a 401, counted too
  auto metrics = http.get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("tend_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("tend_http_requests_total{route=\"GET /api/v1/clients\",status=\"401\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("tend_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("tend_db_read_connections"), std::string::npos);
  EXPECT_NE(metrics.body.find("tend_http_connections_open"), std::string::npos);
  auto doc = http.get("/api/v1/openapi.json");
  EXPECT_EQ(doc.json()["openapi"], "3.1.0");
  // Access log: one JSON object per line.
  std::string log = server.log();
  EXPECT_NE(log.find("\"event\":\"http.request\""), std::string::npos);
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(json::accept(line)) << line;
  }
}

TEST(System, KeepAliveServesManyRequestsOnOneConnection) {
  TendServer server;
  Http http(server.url());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(http.get("/healthz").status, 200);
  auto metrics = http.get("/metrics").body;
  EXPECT_NE(metrics.find("tend_http_connections_accepted_total 1\n"), std::string::npos) << metrics;
}

// A raw TCP connection to the server, for requests curl will not send.
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) {
    auto colon = url.rfind(':');
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::stoi(url.substr(colon + 1))));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{15, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("connect");
  }
  ~RawConnection() { ::close(fd_); }
  void send(const std::string& text) { ASSERT_EQ(::send(fd_, text.data(), text.size(), 0), static_cast<ssize_t>(text.size())); }
  // Everything until the server closes (or 15 s pass).
  std::string receive_all() {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<size_t>(n));
    return out;
  }

 private:
  int fd_ = -1;
};

TEST(System, SlowRequestsGet408AndIdleConnectionsAreClosed) {
  TendServer server({.env = {{"TEND_SERVER_REQUEST_TIMEOUT_SECONDS", "1"}, {"TEND_SERVER_IDLE_TIMEOUT_SECONDS", "1"}}});
  {
    RawConnection slow(server.url());
    slow.send("GET /healthz HTTP/1.1\r\nHost: tend\r\n");  // the blank line never comes
    std::string reply = slow.receive_all();
    EXPECT_EQ(reply.rfind("HTTP/1.1 408", 0), 0u) << reply;
  }
  {
    RawConnection idle(server.url());
    EXPECT_EQ(idle.receive_all(), "");  // closed by the server, no response
  }
  {
    RawConnection garbage(server.url());
    garbage.send("NOT HTTP AT ALL\r\n\r\n");
    EXPECT_EQ(garbage.receive_all().rfind("HTTP/1.1 400", 0), 0u);
  }
  Http http(server.url());
  EXPECT_EQ(http.get("/healthz").status, 200);
}

TEST(Users, LastAdminCannotBeDemotedAndRoleChangesRevokeSessions) {
  TendServer server;
  Http http(server.url());
  std::string admin = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  auto me = http.get("/api/v1/auth/me", admin).json();
  auto demote = http.patch("/api/v1/users/" + std::to_string(me["id"].get<int64_t>()), {{"role", "technician"}}, admin);
  EXPECT_EQ(demote.status, 409) << demote.body;
  int64_t tech = http.post("/api/v1/users", {{"email", "t@test.tend"}, {"name", "T"}, {"role", "technician"},
                                             {"password", kPassword}},
                           admin)
                     .json()["id"];
  std::string tech_token = http.login("t@test.tend", kPassword);
  EXPECT_EQ(http.get("/api/v1/users", tech_token).status, 403);
  EXPECT_EQ(http.patch("/api/v1/users/" + std::to_string(tech), {{"role", "read_only"}}, admin).status, 200);
  EXPECT_EQ(http.get("/api/v1/auth/me", tech_token).status, 401);  // sessions revoked
  EXPECT_EQ(http.patch("/api/v1/users/" + std::to_string(tech), {{"active", false}}, admin).status, 200);
  EXPECT_EQ(http.post("/api/v1/auth/login", {{"email", "t@test.tend"}, {"password", kPassword}}).status, 401);
}

}  // namespace
}  // namespace tend::testing
