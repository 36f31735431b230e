// In-process tests of the API layer over a real SQLite store: the route
// table against the OpenAPI document, routing errors, authentication and
// problem responses. End-to-end tests over TCP live in tests/.
#include "api/api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "api/api_test_support.h"

namespace tend::api {
namespace {

using nlohmann::json;

class ApiTest : public InProcessApiTest {
 protected:
  ApiTest() : InProcessApiTest("2026-11-27T09:00:00Z", "tend-api-test-") {}

  using InProcessApiTest::login;
  // The administrator's token.
  std::string login() { return login(kAdminEmail, kPassword); }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ApiTest, OpenApiDocumentListsExactlyTheServedRoutesWithTheirRoles) {
  json doc = json::parse(Api::openapi_document());
  ASSERT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented;
  for (auto& [path, operations] : doc["paths"].items()) {
    for (auto& [method, operation] : operations.items()) {
      std::string key = method + " " + path;
      documented.insert(key);
      ASSERT_TRUE(operation.contains("x-tend-roles")) << key;
    }
  }
  std::set<std::string> served;
  for (const auto& route : api_->router().routes()) {
    std::string key = lower(route.method) + " " + route.pattern;
    served.insert(key);
    ASSERT_TRUE(documented.count(key)) << "served but not documented: " << key;
    const json& roles = doc["paths"][route.pattern][lower(route.method)]["x-tend-roles"];
    if (route.is_public) {
      EXPECT_EQ(roles, "public") << key;
    } else {
      std::set<std::string> want;
      for (Role r : route.roles.roles()) want.insert(std::string(to_string(r)));
      std::set<std::string> got(roles.begin(), roles.end());
      EXPECT_EQ(got, want) << "roles differ for " << key;
    }
  }
  for (const auto& key : documented) EXPECT_TRUE(served.count(key)) << "documented but not served: " << key;
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405) {
  auto missing = call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  auto wrong = call("DELETE", "/api/v1/clients");
  EXPECT_EQ(wrong.status, 405);
  bool has_allow = false;
  for (const auto& [k, v] : wrong.headers) has_allow = has_allow || (k == "Allow" && v.find("GET") != std::string::npos);
  EXPECT_TRUE(has_allow);
}

TEST_F(ApiTest, ProtectedRoutesNeedAToken) {
  EXPECT_EQ(call("GET", "/api/v1/clients").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/clients", "", "tend_s_forged").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/clients", "", "junk").status, 401);
}

TEST_F(ApiTest, ValidationProblemsNameEveryField) {
  std::string token = login();
  auto r = call("POST", "/api/v1/clients", R"({"name":"","email":"nope","colour":"red","address":{"country":"Holland"}})",
                token);
  EXPECT_EQ(r.status, 422) << r.body;
  json body = json::parse(r.body);
  std::set<std::string> fields;
  for (auto& e : body["errors"]) fields.insert(e["field"]);
  EXPECT_TRUE(fields.count("colour"));
  // Type errors and unknown fields are reported before semantic checks.
  auto semantic = call("POST", "/api/v1/clients", R"({"name":"","email":"nope","address":{"country":"Holland"}})", token);
  json semantic_body = json::parse(semantic.body);
  std::set<std::string> semantic_fields;
  for (auto& e : semantic_body["errors"]) semantic_fields.insert(e["field"]);
  EXPECT_EQ(semantic_fields, (std::set<std::string>{"name", "email", "address.country"}));
}

TEST_F(ApiTest, MalformedJsonAndWrongTypesAre4xx) {
  std::string token = login();
  EXPECT_EQ(call("POST", "/api/v1/clients", "{\"name\": ", token).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/clients", "[1,2]", token).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/clients", R"({"name": 5})", token).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/clients?limit=abc", "", token).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/clients?limit=0", "", token).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/clients?limt=5", "", token).status, 422);
  EXPECT_EQ(call("GET", "/api/v1/clients/abc", "", token).status, 404);
}

TEST_F(ApiTest, MetricsCountRequestsByRoute) {
  call("GET", "/healthz");
  auto r = call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("tend_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"), std::string::npos)
      << r.body;
}

}  // namespace
}  // namespace tend::api
