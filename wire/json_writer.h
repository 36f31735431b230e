// A small append-only JSON writer: the agent builds every document it sends
// with it (no DOM, few allocations) and the server writes its replies to the
// agent with it. Produces compact JSON; the caller keeps the structure
// balanced (begin/end pairs, key before each member value).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tend::wire {

// Not thread-safe; one writer per document.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { separate(); out_ += '{'; first_ = true; }
  void end_object() { out_ += '}'; first_ = false; }
  void begin_array() { separate(); out_ += '['; first_ = true; }
  void end_array() { out_ += ']'; first_ = false; }
  // Writes "key": (the value follows with one of the calls below). Keys are
  // written as given: they must be plain ASCII names (program constants).
  void key(std::string_view name);
  void string(std::string_view value);
  void integer(int64_t value);
  // Shortest text that reads back to the same double; null when not finite.
  void number(double value);
  void boolean(bool value);
  void null();
  // Inserts `json` as a value verbatim (it must be one valid JSON value).
  void raw(std::string_view json);

  // Convenience: key + value.
  void field(std::string_view name, std::string_view value) { key(name); string(value); }
  void field(std::string_view name, const char* value) { key(name); string(value); }
  void field(std::string_view name, int64_t value) { key(name); integer(value); }
  void field(std::string_view name, int value) { key(name); integer(value); }
  void field(std::string_view name, double value) { key(name); number(value); }
  void field(std::string_view name, bool value) { key(name); boolean(value); }

 private:
  void separate() {
    if (!first_ && !after_key_) out_ += ',';
    first_ = false;
    after_key_ = false;
  }
  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (quotes included) to `out`.
// Control characters are escaped; invalid UTF-8 bytes become U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace tend::wire
