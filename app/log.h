// Structured logs: one JSON object per line on standard error,
//   {"ts":"2026-11-27T10:15:00.123Z","level":"info","event":"http.request",...}
// Thread-safe. Built on spdlog for the synchronised sink and level filter.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wire/json_writer.h"

namespace tend::log {

enum class Level { trace, debug, info, warn, error };

// Sets the minimum level ("info" ...). Unknown names leave it unchanged.
void set_level(std::string_view level);
// True when messages of `level` are written (check before building fields).
bool enabled(Level level);

// Writes one line: the timestamp, the level, `event` and every field.
void write(Level level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

// Writes one line whose extra fields are streamed by `add_fields(writer)`
// (no JSON DOM; for lines written on every request, like the access log).
template <class AddFields>
void write_streamed(Level level, std::string_view event, AddFields&& add_fields);

// Internal: starts a line {"ts":...,"level":...,"event":...} in `out`.
void begin_line(Level level, std::string_view event, wire::JsonWriter& writer);
// Internal: writes a finished line.
void emit(Level level, const std::string& line);

template <class AddFields>
void write_streamed(Level level, std::string_view event, AddFields&& add_fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(256);
  wire::JsonWriter writer(line);
  begin_line(level, event, writer);
  add_fields(writer);
  writer.end_object();
  emit(level, line);
}

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
