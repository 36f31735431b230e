// Shared plumbing of CLI commands: choosing local or remote mode, printing
// results and errors, turning failures into exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/api_client.h"
#include "cli/installation.h"
#include "core/error.h"

namespace tend::cli {

// Where a command acts: a data directory, or a running server.
struct Target {
  std::string data_dir;
  std::string server;
  std::string token;
  bool json_output = false;

  // Adds --data, --server, --token (also TEND_DATA, TEND_SERVER, TEND_TOKEN)
  // and --json to a subcommand.
  void add_options(CLI::App& command);
};

// An open connection to the API for one command.
struct Connection {
  std::unique_ptr<Installation> installation;  // local mode only
  std::unique_ptr<ApiClient> client;
};

Result<Connection> connect(const Target& target);

// Prints "tend: message" and each field error to stderr; returns the exit code.
int report(const Error& error);

// Interprets an API reply: on 2xx returns the parsed body (null for 204);
// otherwise prints the problem and returns its exit code as an error.
struct ReplyOutcome {
  int exit_code = 0;
  nlohmann::json body;
};
ReplyOutcome check_reply(const Result<ApiReply>& reply);

// Sends one request to the target; on success prints the reply as JSON
// (--json) or with `print`. Returns the exit code (the problem's on
// failure, printed by check_reply). A null `body` sends none.
int send(const Target& target, const char* method, const std::string& path, const nlohmann::json& body,
         const std::function<void(const nlohmann::json&)>& print);

// Percent-encodes everything but RFC 3986's unreserved characters, for a
// path segment or a query value.
std::string url_encode(const std::string& s);

// Prints a JSON value, indented.
void print_json(const nlohmann::json& value);

// Prints objects as an aligned table of the given columns (JSON pointers,
// e.g. "/address/city", headed by their last segment).
void print_table(const nlohmann::json& items, const std::vector<std::string>& columns);

// Reads the config of a data directory with environment overrides;
// prints and returns nullopt-like error.
Result<Config> config_for(const std::string& data_dir);

}  // namespace tend::cli
