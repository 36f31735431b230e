// Structured logs: one JSON object per line on standard error,
//   {"ts":"2026-11-27T10:15:00.123Z","level":"info","event":"http.request",...}
// Thread-safe. Built on spdlog for the synchronised sink and level filter.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace tend::log {

enum class Level { trace, debug, info, warn, error };

// Sets the minimum level ("info" ...). Unknown names leave it unchanged.
void set_level(std::string_view level);
// True when messages of `level` are written (check before building fields).
bool enabled(Level level);

// Writes one line: the timestamp, the level, `event` and every field.
void write(Level level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

inline void info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  write(Level::info, event, fields);
}
inline void warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  write(Level::warn, event, fields);
}
inline void error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  write(Level::error, event, fields);
}
inline void debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  write(Level::debug, event, fields);
}

}  // namespace tend::log
