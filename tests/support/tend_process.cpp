#include "tests/support/tend_process.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tend::testing {
namespace fs = std::filesystem;

std::string tend_binary() { return TEND_TEST_BINARY; }

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Spawns `argv` with stdout/stderr redirected to files and extra env.
pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path,
            const std::vector<std::pair<std::string, std::string>>& extra_env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The environment every test process gets: quiet logs off, fast hashing is
// NOT used (tests run the real argon2id profile).
std::vector<std::pair<std::string, std::string>> base_env() { return {}; }

}  // namespace

CommandResult run_tend(const std::vector<std::string>& args,
                       const std::vector<std::pair<std::string, std::string>>& env) {
  TempDir scratch;
  std::vector<std::string> argv = {tend_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto merged = base_env();
  merged.insert(merged.end(), env.begin(), env.end());
  pid_t pid = spawn(argv, scratch.path() + "/out", scratch.path() + "/err", merged);
  CommandResult r;
  r.exit_code = wait_exit(pid);
  r.out = read_file(scratch.path() + "/out");
  r.err = read_file(scratch.path() + "/err");
  return r;
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "tend-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

TendServer::TendServer(ServerOptions options) : options_(std::move(options)) {
  if (options_.init) {
    auto r = run_tend({"init", "--data", dir_.path(), "--admin-email", kAdminEmail, "--admin-password", kAdminPassword,
                       "--provider-name", "Test IT B.V."},
                      options_.env);
    if (r.exit_code != 0) throw std::runtime_error("tend init failed: " + r.err);
  }
  start();
}

TendServer::~TendServer() {
  if (pid_ > 0) stop();
}

void TendServer::start() {
  if (pid_ > 0) throw std::runtime_error("server already running");
  ++generation_;
  std::string out = dir_.path() + "/serve-" + std::to_string(generation_) + ".out";
  std::string err = dir_.path() + "/serve-" + std::to_string(generation_) + ".log";
  auto env = base_env();
  env.insert(env.end(), options_.env.begin(), options_.env.end());
  pid_ = spawn({tend_binary(), "serve", "--data", dir_.path(), "--listen", "127.0.0.1:0", "--threads",
                std::to_string(options_.threads)},
               out, err, env);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string marker = "tend listening on ";
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(out);
    auto pos = text.find(marker);
    if (pos != std::string::npos && text.find('\n', pos) != std::string::npos) {
      url_ = text.substr(pos + marker.size(), text.find('\n', pos) - pos - marker.size());
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("tend serve exited early: " + read_file(err));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_hard();
  throw std::runtime_error("tend serve did not start listening: " + read_file(err));
}

int TendServer::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int code = wait_exit(pid_);
  pid_ = -1;
  return code;
}

void TendServer::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
  pid_ = -1;
}

std::string TendServer::log() const {
  return read_file(dir_.path() + "/serve-" + std::to_string(generation_) + ".log");
}

nlohmann::json Response::json() const { return nlohmann::json::parse(body, nullptr, false); }

namespace {

size_t on_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

}  // namespace

Http::Http(std::string base_url) : base_(std::move(base_url)), curl_(curl_easy_init()) {}
Http::~Http() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Response Http::request(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& token, const std::vector<std::string>& headers) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // forget the previous request's body settings; the connection is kept
  Response r;
  curl_easy_setopt(curl, CURLOPT_URL, (base_ + path).c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_slist* list = nullptr;
  if (!token.empty()) list = curl_slist_append(list, ("Authorization: Bearer " + token).c_str());
  if (!body.empty()) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    return r;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

std::string Http::login(const std::string& email, const std::string& password) {
  auto r = post("/api/v1/auth/login", {{"email", email}, {"password", password}});
  if (r.status != 200) throw std::runtime_error("login of " + email + " failed: " + std::to_string(r.status) + " " + r.body);
  return r.json()["token"].get<std::string>();
}

int64_t sqlite_scalar(const std::string& database_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + database_path);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("bad SQL: " + message);
  }
  int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void sqlite_exec(const std::string& database_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(database_path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + database_path);
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("SQL failed: " + message);
}

}  // namespace tend::testing
