#include "app/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/time.h"

namespace tend::log {
namespace {

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("tend", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

}  // namespace

void set_level(std::string_view level) {
  for (Level l : {Level::trace, Level::debug, Level::info, Level::warn, Level::error}) {
    if (level == name(l)) logger().set_level(to_spdlog(l));
  }
}

bool enabled(Level level) { return logger().should_log(to_spdlog(level)); }

void begin_line(Level level, std::string_view event, wire::JsonWriter& writer) {
  writer.begin_object();
  writer.field("ts", format_rfc3339(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now())));
  writer.field("level", name(level));
  writer.field("event", event);
}

void emit(Level level, const std::string& line) { logger().log(to_spdlog(level), "{}", line); }

void write(Level level, std::string_view event, const nlohmann::json& fields) {
  write_streamed(level, event, [&](wire::JsonWriter& w) {
    if (!fields.is_object()) return;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      w.key(it.key());
      w.raw(it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  });
}

}  // namespace tend::log
