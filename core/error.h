// The error and result types used across every layer.
//
// Expected failures (bad input, missing objects, conflicts) are values, never
// exceptions: functions return Result<T> (std::expected<T, Error>) and callers
// propagate with TEND_TRY / TEND_CHECK. Each ErrorKind maps to exactly one
// HTTP status (api/problem.cpp) and one CLI exit code (cli/exit_codes.h).
#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace tend {

// What went wrong, coarse enough for a caller to decide what to do next.
enum class ErrorKind {
  invalid_input,    // the caller sent something malformed or out of range
  not_found,        // the object does not exist (or is not visible to the caller)
  conflict,         // the request contradicts stored state (duplicate, immutable, stale)
  unauthenticated,  // no valid credential
  forbidden,        // valid credential, role not allowed
  too_large,        // input exceeds a documented size limit
  rate_limited,     // slowed down (e.g. repeated failed logins); retry later
  unavailable,      // a dependency is temporarily unavailable (database busy, shutting down)
  internal,         // a bug or an environment failure; logged with details
};

// Returns the stable lower-case name of `kind` ("invalid_input" ...).
const char* to_string(ErrorKind kind);

// A problem with one input field. `field` is a JSON-pointer-like path
// ("name", "sites/0/time_zone"); `message` says what is wrong in words a
// person can act on.
struct FieldError {
  std::string field;
  std::string message;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// An expected failure: kind, human message, optional field details, and for
// rate limiting the number of seconds after which a retry may succeed.
struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  std::vector<FieldError> fields;
  int retry_after_seconds = 0;

  static Error invalid(std::string message, std::vector<FieldError> fields = {});
  static Error invalid_field(std::string field, std::string message);
  static Error not_found(std::string message);
  static Error conflict(std::string message);
  static Error unauthenticated(std::string message);
  static Error forbidden(std::string message);
  static Error too_large(std::string message);
  static Error rate_limited(std::string message, int retry_after_seconds);
  static Error unavailable(std::string message);
  static Error internal(std::string message);
};

// A value or an Error.
template <class T>
using Result = std::expected<T, Error>;

// Success or an Error (no value).
using Status = std::expected<void, Error>;

// Collects field errors while validating a whole object, so the caller sees
// every problem at once rather than the first one.
class FieldErrors {
 public:
  // Records that `field` is wrong because of `message`.
  void add(std::string field, std::string message);
  // True when nothing was recorded.
  bool empty() const { return fields_.empty(); }
  // Success when empty, else an invalid_input Error carrying every field.
  Status status(std::string message = "the request has invalid fields") &&;

 private:
  std::vector<FieldError> fields_;
};

}  // namespace tend

#define TEND_CONCAT_INNER_(a, b) a##b
#define TEND_CONCAT_(a, b) TEND_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Result<T>); on error returns the error from the
// enclosing function, otherwise yields the value. GNU statement expression.
#define TEND_TRY(expr) TEND_TRY_IMPL_(expr, TEND_CONCAT_(tend_try_result_, __COUNTER__))
#define TEND_TRY_IMPL_(expr, name)                                                 \
  ({                                                                               \
    auto&& name = (expr);                                                          \
    if (!name) return std::unexpected(std::move(name).error());                    \
    std::move(name).value();                                                       \
  })

// Evaluates `expr` (a Status or Result); on error returns the error from the
// enclosing function.
#define TEND_CHECK(expr) TEND_CHECK_IMPL_(expr, TEND_CONCAT_(tend_check_result_, __COUNTER__))
#define TEND_CHECK_IMPL_(expr, name)                                               \
  do {                                                                             \
    auto&& name = (expr);                                                          \
    if (!name) return std::unexpected(std::move(name).error());                    \
  } while (false)
