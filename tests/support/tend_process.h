// Test support: run the real `tend` binary and talk HTTP to it.
//
// TendServer initialises a temporary data directory with `tend init`, starts
// `tend serve --listen 127.0.0.1:0`, reads the bound URL from its stdout, and
// stops it with SIGTERM when destroyed. Failures throw std::runtime_error so
// the calling test fails with the message (and the server log).
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tend::testing {

// Paths of the built binaries (set by tests/CMakeLists.txt).
std::string tend_binary();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `tend args...` to completion with extra environment variables.
CommandResult run_tend(const std::vector<std::string>& args,
                       const std::vector<std::pair<std::string, std::string>>& env = {});

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ServerOptions {
  std::vector<std::pair<std::string, std::string>> env;  // e.g. {"TEND_AUTH_SESSION_HOURS", "1"}
  int threads = 2;
  bool init = true;  // run `tend init` first
};

class TendServer {
 public:
  static constexpr const char* kAdminEmail = "admin@test.tend";
  static constexpr const char* kAdminPassword = "test-password-123";

  explicit TendServer(ServerOptions options = {});
  ~TendServer();
  TendServer(const TendServer&) = delete;
  TendServer& operator=(const TendServer&) = delete;

  // "http://127.0.0.1:PORT" of the running server.
  const std::string& url() const { return url_; }
  const std::string& data_dir() const { return dir_.path(); }
  std::string database_path() const { return dir_.path() + "/tend.db"; }

  // Sends SIGTERM and waits; returns the exit status (or 128+signal).
  int stop();
  // SIGKILL, no cleanup.
  void kill_hard();
  // Starts `tend serve` again on the same data directory (a new port).
  void start();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The server's stderr (structured log) so far.
  std::string log() const;

 private:
  ServerOptions options_;
  TempDir dir_;
  pid_t pid_ = -1;
  std::string url_;
  int generation_ = 0;
};

struct Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error, when status == 0

  nlohmann::json json() const;
};

// A libcurl HTTP client bound to a base URL; one connection reused
// (keep-alive). Not thread-safe: one per thread.
class Http {
 public:
  explicit Http(std::string base_url);
  ~Http();
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  Response request(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& token = "", const std::vector<std::string>& headers = {});
  Response get(const std::string& path, const std::string& token = "") { return request("GET", path, "", token); }
  Response post(const std::string& path, const nlohmann::json& body, const std::string& token = "") {
    return request("POST", path, body.dump(), token);
  }
  Response patch(const std::string& path, const nlohmann::json& body, const std::string& token = "") {
    return request("PATCH", path, body.dump(), token);
  }
  Response del(const std::string& path, const std::string& token = "") { return request("DELETE", path, "", token); }

  // Logs in and returns the bearer token (throws on failure).
  std::string login(const std::string& email, const std::string& password);

 private:
  std::string base_;
  void* curl_;
};

// Opens the SQLite database read-only and returns the first column of the
// first row of `sql` as an integer (for checking what is stored).
int64_t sqlite_scalar(const std::string& database_path, const std::string& sql);
// Runs a statement on the database (test set-up, e.g. expiring a session).
void sqlite_exec(const std::string& database_path, const std::string& sql);

}  // namespace tend::testing
