// The fixture of the in-process API tests: a real SQLite store in a fresh
// temporary directory, a manual clock, every service the routes call (RMM
// and billing left out: their routes answer 503 here) and an Api whose
// handle() the tests call directly. The real server is exercised by the
// integration tests in tests/.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/api.h"
#include "app/crypto.h"
#include "store/sqlite/sqlite_store.h"

namespace tend::api {

class InProcessApiTest : public ::testing::Test {
 protected:
  static constexpr const char* kAdminEmail = "admin@test.nl";
  static constexpr const char* kPassword = "correct horse battery";

  // `start`: the clock's first instant (RFC 3339); `dir_prefix` names the
  // temporary directory.
  InProcessApiTest(std::string_view start, std::string dir_prefix)
      : clock_(*parse_rfc3339(start)), dir_prefix_(std::move(dir_prefix)) {}

  // Opens the store, initialises the installation (provider "Tend Test IT",
  // admin kAdminEmail / kPassword) and builds the Api.
  void SetUp() override {
    ASSERT_TRUE(init_crypto().has_value());
    dir_ = std::filesystem::temp_directory_path() / (dir_prefix_ + std::to_string(::getpid()) + "-" +
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
    work_ = std::make_unique<WorkService>(context);
    contracts_ = std::make_unique<ContractService>(context);
    imports_ = std::make_unique<ImportService>(context, *tickets_);
    ProviderSettings settings;
    settings.name = "Tend Test IT";
    ASSERT_TRUE(initialize_installation(context, settings, kAdminEmail, "Admin", kPassword).has_value());
    api_ = std::make_unique<Api>(ApiServices{*store_, clock_, *auth_, *tenancy_, *users_, *provider_, *desk_settings_,
                                             *tickets_, *schedules_, *sla_reports_, nullptr, work_.get(),
                                             contracts_.get(), imports_.get()},
                                 metrics_, ApiOptions{false, false, 12, "test"});
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One request through the router, from 127.0.0.1, with a JSON body and a
  // bearer token when given.
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
  // Logs in and returns the bearer token (a failed expectation otherwise).
  std::string login(const std::string& email, const std::string& password) {
    auto r = call("POST", "/api/v1/auth/login", nlohmann::json{{"email", email}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["token"];
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::string dir_prefix_;
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

}  // namespace tend::api
