#include "cli/command_support.h"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.h"

namespace tend::cli {

void Target::add_options(CLI::App& command) {
  command.add_option("--data", data_dir, "Data directory to act on directly")->envname("TEND_DATA");
  command.add_option("--server", server, "URL of a running Tend server, e.g. http://127.0.0.1:8080")
      ->envname("TEND_SERVER");
  command.add_option("--token", token, "API or session token for --server")->envname("TEND_TOKEN");
  command.add_flag("--json", json_output, "Print JSON instead of a table");
}

Result<Config> config_for(const std::string& data_dir) { return load_config(data_dir, process_environment()); }

Result<Connection> connect(const Target& target) {
  Connection c;
  if (!target.server.empty()) {
    c.client = TEND_TRY(make_remote_client(target.server, target.token));
    return c;
  }
  if (target.data_dir.empty()) {
    return std::unexpected(Error::invalid("say where to act: --data DIR (a data directory) or --server URL --token T"));
  }
  Config config = TEND_TRY(config_for(target.data_dir));
  config.log.access_log = false;
  OpenOptions options;
  options.reader_connections = 2;
  c.installation = TEND_TRY(open_installation(target.data_dir, config, options));
  c.client = make_local_client(*c.installation);
  return c;
}

int send(const Target& target, const char* method, const std::string& path, const nlohmann::json& body,
         const std::function<void(const nlohmann::json&)>& print) {
  auto connection = connect(target);
  if (!connection) return report(connection.error());
  auto outcome = check_reply(connection->client->call(method, path, body.is_null() ? "" : body.dump()));
  if (outcome.exit_code != kOk) return outcome.exit_code;
  if (target.json_output)
    print_json(outcome.body);
  else
    print(outcome.body);
  return kOk;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

int report(const Error& error) {
  std::fprintf(stderr, "tend: %s\n", error.message.c_str());
  if (error.fields.size() > 1 || (error.fields.size() == 1 && error.message.find(error.fields[0].field) == std::string::npos)) {
    for (const auto& f : error.fields) std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.message.c_str());
  }
  return exit_code_for(error);
}

ReplyOutcome check_reply(const Result<ApiReply>& reply) {
  if (!reply) return {report(reply.error()), nullptr};
  nlohmann::json body = reply->body.empty() ? nlohmann::json(nullptr)
                                            : nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status >= 200 && reply->status < 300) return {kOk, body};
  std::string detail = body.is_object() && body.contains("detail") ? body["detail"].get<std::string>()
                                                                    : "the server answered " + std::to_string(reply->status);
  std::fprintf(stderr, "tend: %s\n", detail.c_str());
  if (body.is_object() && body.contains("errors")) {
    for (const auto& e : body["errors"]) {
      std::fprintf(stderr, "  %s: %s\n", e.value("field", "").c_str(), e.value("message", "").c_str());
    }
  }
  return {exit_code_for_status(reply->status), nullptr};
}

void print_json(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_table(const nlohmann::json& items, const std::vector<std::string>& columns) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(c.substr(c.rfind('/') + 1));
  rows.push_back(header);
  for (const auto& item : items) {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      nlohmann::json::json_pointer pointer(c);
      if (!item.contains(pointer) || item.at(pointer).is_null()) {
        row.emplace_back("");
      } else if (item.at(pointer).is_string()) {
        row.push_back(item.at(pointer).get<std::string>());
      } else {
        row.push_back(item.at(pointer).dump());
      }
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(columns.size(), 0);
  auto display_width = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], std::min<size_t>(display_width(row[i]), 40));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = row[i];
      size_t w = display_width(cell);
      line += cell;
      if (i + 1 < row.size()) line += std::string(widths[i] > w ? widths[i] - w + 2 : 2, ' ');
    }
    std::cout << line << "\n";
  }
}

}  // namespace tend::cli
