// tend-agent: the endpoint agent (see agent/ and docs/agent-protocol.md).
//   tend-agent enroll --server URL --token TOKEN [--ca-file PEM] [--state DIR]
//   tend-agent run [--state DIR] [--interval S] [--start-delay S] [--once]
//                  [--spool-max-bytes N] [--spool-segment-bytes N] [--spool-max-age S]
//   tend-agent status [--state DIR]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "agent/agent.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: tend-agent enroll --server URL --token TOKEN [--ca-file PEM] [--state DIR]\n"
               "       tend-agent run [--state DIR] [--interval SECONDS] [--start-delay SECONDS] [--once]\n"
               "                      [--spool-max-bytes N] [--spool-segment-bytes N] [--spool-max-age SECONDS]\n"
               "                      [--batch-records N]\n"
               "       tend-agent status [--state DIR]\n"
               "       tend-agent --version\n");
  return 2;
}

bool number(const char* text, long long& out) {
  char* end = nullptr;
  out = std::strtoll(text, &end, 10);
  return end && *end == '\0' && end != text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string command = argv[1];
  if (command == "--version") {
    std::printf("tend-agent %s\n", tend::agent::kAgentVersion);
    return 0;
  }
  tend::agent::AgentOptions options;
  std::string server, token;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--once") {
      options.once = true;
      continue;
    }
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    long long n = 0;
    if (flag == "--state") options.state_dir = value;
    else if (flag == "--server") server = value;
    else if (flag == "--token") token = value;
    else if (flag == "--ca-file" && command == "enroll") options.ca_file = value;
    else if (flag == "--interval" && number(value, n) && n > 0) options.interval_override_seconds = static_cast<int>(n);
    else if (flag == "--start-delay" && number(value, n) && n >= 0) options.start_delay_max_seconds = static_cast<int>(n);
    else if (flag == "--spool-max-bytes" && number(value, n) && n > 0) options.spool.max_bytes = n;
    else if (flag == "--spool-segment-bytes" && number(value, n) && n > 0) options.spool.segment_bytes = n;
    else if (flag == "--spool-max-age" && number(value, n) && n > 0) options.spool.max_age_ms = n * 1000;
    else if (flag == "--batch-records" && number(value, n) && n > 0) options.batch_records = static_cast<int>(n);
    else return usage();
  }
  if (command == "enroll") {
    if (server.empty() || token.empty()) return usage();
    auto status = tend::agent::enroll(server, token, options);
    if (!status) {
      std::fprintf(stderr, "tend-agent: %s\n", status.error().message.c_str());
      return status.error().kind == tend::ErrorKind::unauthenticated ? 3 : 1;
    }
    return 0;
  }
  if (command == "run") {
    auto status = tend::agent::run(options);
    if (!status) {
      std::fprintf(stderr, "tend-agent: %s\n", status.error().message.c_str());
      return 1;
    }
    return 0;
  }
  if (command == "status") return tend::agent::print_status(options);
  return usage();
}
