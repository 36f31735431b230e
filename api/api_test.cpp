// In-process tests of the API layer over a real SQLite store: the route
// table against the OpenAPI document, routing errors, authentication and
// problem responses. End-to-end tests over TCP live in tests/.
#include "api/api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/crypto.h"
#include "store/sqlite/sqlite_store.h"

namespace tend::api {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(init_crypto().has_value());
    dir_ = std::filesystem::temp_directory_path() / ("tend-api-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.auth.password_cost = PasswordCost::minimum;
    auto opened = store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now());
    ASSERT_TRUE(opened.has_value());
    store_ = std::move(*opened);
    AppContext context{*store_, clock_, config_};
    auth_ = std::make_unique<AuthService>(context);
    tenancy_ = std::make_unique<TenancyService>(context);
    users_ = std::make_unique<UserService>(context);
    provider_ = std::make_unique<ProviderService>(context);
    desk_settings_ = std::make_unique<DeskSettingsService>(context);
    tickets_ = std::make_unique<TicketService>(context);
    schedules_ = std::make_unique<ScheduleService>(context, *tickets_);
    sla_reports_ = std::make_unique<SlaReportService>(context);
    ProviderSettings settings;
    settings.name = "Tend Test IT";
    ASSERT_TRUE(initialize_installation(context, settings, "admin@test.nl", "Admin", "correct horse battery").has_value());
    work_ = std::make_unique<WorkService>(context);
    contracts_ = std::make_unique<ContractService>(context);
    imports_ = std::make_unique<ImportService>(context, *tickets_);
    api_ = std::make_unique<Api>(ApiServices{*store_, clock_, *auth_, *tenancy_, *users_, *provider_, *desk_settings_,
                                             *tickets_, *schedules_, *sla_reports_, nullptr, work_.get(),
                                             contracts_.get(), imports_.get()}, metrics_,
                                 ApiOptions{false, false, 12, "test"});
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpResponse call(std::string method, std::string target, std::string body = "", std::string token = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.remote_address = "127.0.0.1";
    if (!r.body.empty()) r.headers.emplace_back("content-type", "application/json");
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    return api_->handle(r);
  }

  std::string login() {
    auto r = call("POST", "/api/v1/auth/login", R"({"email":"admin@test.nl","password":"correct horse battery"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["token"];
  }

  std::filesystem::path dir_;
  ManualClock clock_{*parse_rfc3339("2026-11-27T09:00:00Z")};
  Config config_;
  Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<TenancyService> tenancy_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<ProviderService> provider_;
  std::unique_ptr<DeskSettingsService> desk_settings_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<ScheduleService> schedules_;
  std::unique_ptr<SlaReportService> sla_reports_;
  std::unique_ptr<WorkService> work_;
  std::unique_ptr<ContractService> contracts_;
  std::unique_ptr<ImportService> imports_;
  std::unique_ptr<Api> api_;
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
