// The tend command line against real data directories and a real server:
// local and remote modes give the same results; errors exit non-zero with a
// message; backup and restore round-trip while the server runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/tend_process.h"

namespace tend::testing {
namespace {

using nlohmann::json;

TEST(Cli, ClientCommandsWorkOnADataDirectory) {
  TempDir dir;
  auto init = run_tend({"init", "--data", dir.path(), "--admin-email", "a@test.tend", "--admin-password",
                        "long-enough-pw"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/tend.toml"));

  auto add = run_tend({"client", "add", "--data", dir.path(), "--name", "Bakkerij Jansen", "--city", "Zaandam",
                       "--country", "NL", "--json"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  json client = json::parse(add.out);
  EXPECT_EQ(client["address"]["city"], "Zaandam");
  std::string id = std::to_string(client["id"].get<int64_t>());

  auto list = run_tend({"client", "list", "--data", dir.path()});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("Bakkerij Jansen"), std::string::npos);

  auto update = run_tend({"client", "update", id, "--data", dir.path(), "--phone", "+31 75 000", "--json"});
  EXPECT_EQ(update.exit_code, 0) << update.err;
  EXPECT_EQ(json::parse(update.out)["phone"], "+31 75 000");

  auto archive = run_tend({"client", "archive", id, "--data", dir.path()});
  EXPECT_EQ(archive.exit_code, 0);
  EXPECT_EQ(run_tend({"client", "list", "--data", dir.path(), "--json"}).out.find("Bakkerij"), std::string::npos);
  EXPECT_NE(run_tend({"client", "list", "--data", dir.path(), "--status", "all"}).out.find("Bakkerij"), std::string::npos);

  auto show = run_tend({"client", "show", id, "--data", dir.path()});
  EXPECT_NE(show.out.find("address.city: Zaandam"), std::string::npos);
}

TEST(Cli, ErrorsExitNonZeroWithAMessage) {
  TempDir dir;
  ASSERT_EQ(run_tend({"init", "--data", dir.path(), "--admin-email", "a@test.tend", "--admin-password", "long-enough-pw"})
                .exit_code,
            0);
  auto invalid = run_tend({"client", "add", "--data", dir.path(), "--name", "", "--country", "Holland"});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("address.country"), std::string::npos) << invalid.err;
  auto missing = run_tend({"client", "show", "424242", "--data", dir.path()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("not found"), std::string::npos);
  auto nowhere = run_tend({"client", "list"});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_NE(nowhere.err.find("--data"), std::string::npos);
  auto not_a_dir = run_tend({"client", "list", "--data", dir.path() + "/nope"});
  EXPECT_EQ(not_a_dir.exit_code, 3);
  EXPECT_NE(not_a_dir.err.find("tend init"), std::string::npos);
  EXPECT_NE(run_tend({"no-such-command"}).exit_code, 0);
  auto twice = run_tend({"init", "--data", dir.path(), "--admin-email", "b@test.tend", "--admin-password", "long-enough-pw"});
  EXPECT_EQ(twice.exit_code, 4);
}

TEST(Cli, RemoteModeTalksToARunningServer) {
  TendServer server;
  Http http(server.url());
  std::string token = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  auto add = run_tend({"client", "add", "--server", server.url(), "--token", token, "--name", "Garage Peters", "--json"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto list = run_tend({"client", "list", "--json"}, {{"TEND_SERVER", server.url()}, {"TEND_TOKEN", token}});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out)["items"][0]["name"], "Garage Peters");
  auto refused = run_tend({"client", "list", "--server", server.url(), "--token", "tend_s_bogus"});
  EXPECT_EQ(refused.exit_code, 5);
  auto unreachable = run_tend({"client", "list", "--server", "http://127.0.0.1:1", "--token", token});
  EXPECT_EQ(unreachable.exit_code, 6);
  // The local mode and the server see the same data.
  auto local = run_tend({"client", "list", "--data", server.data_dir(), "--json"});
  EXPECT_EQ(json::parse(local.out)["items"][0]["name"], "Garage Peters");
}

TEST(Cli, BackupWhileServingAndRestore) {
  TendServer server;
  Http http(server.url());
  std::string token = http.login(TendServer::kAdminEmail, TendServer::kAdminPassword);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(http.post("/api/v1/clients", {{"name", "Client " + std::to_string(i)}}, token).status, 201);
  }
  TempDir scratch;
  std::string backup = scratch.path() + "/tend-backup.db";
  auto made = run_tend({"backup", "--data", server.data_dir(), "--out", backup});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(run_tend({"backup", "--data", server.data_dir(), "--out", backup}).exit_code, 4);  // never overwrites
  // Changes after the backup are not in it.
  ASSERT_EQ(http.post("/api/v1/clients", {{"name", "After backup"}}, token).status, 201);

  // Restore refuses a directory that a server is using.
  EXPECT_EQ(run_tend({"restore", "--data", server.data_dir(), "--from", backup, "--force"}).exit_code, 4);

  TempDir target;
  auto restored = run_tend({"restore", "--data", target.path(), "--from", backup});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  auto list = run_tend({"client", "list", "--data", target.path(), "--all", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json items = json::parse(list.out)["items"];
  EXPECT_EQ(items.size(), 30u);
  EXPECT_EQ(list.out.find("After backup"), std::string::npos);
  // The restored admin can sign in on a server started on it.
  EXPECT_EQ(run_tend({"restore", "--data", target.path(), "--from", backup}).exit_code, 4);  // needs --force
  TempDir garbage_dir;
  std::string garbage = garbage_dir.path() + "/garbage.db";
  { std::ofstream(garbage) << "not a database"; }
  EXPECT_NE(run_tend({"restore", "--data", garbage_dir.path() + "/x", "--from", garbage}).exit_code, 0);
}

TEST(Cli, MigrateReportsTheSchemaVersion) {
  TempDir dir;
  ASSERT_EQ(run_tend({"init", "--data", dir.path(), "--admin-email", "a@test.tend", "--admin-password", "long-enough-pw"})
                .exit_code,
            0);
  auto status = run_tend({"migrate", "--data", dir.path(), "--status"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("up to date"), std::string::npos) << status.out;
}

TEST(Cli, BadConfigurationIsReportedByName) {
  TempDir dir;
  ASSERT_EQ(run_tend({"init", "--data", dir.path(), "--admin-email", "a@test.tend", "--admin-password", "long-enough-pw"})
                .exit_code,
            0);
  { std::ofstream(dir.path() + "/tend.toml") << "[server]\nlisten_port = 9\n"; }
  auto r = run_tend({"serve", "--data", dir.path(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("server.listen_port"), std::string::npos) << r.err;
  auto env = run_tend({"client", "list", "--data", dir.path()}, {{"TEND_SERVER_THREADS", "many"}});
  EXPECT_NE(env.exit_code, 0);
}

}  // namespace
}  // namespace tend::testing
