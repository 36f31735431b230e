#include "core/error.h"

namespace tend {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::unauthenticated: return "unauthenticated";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::too_large: return "too_large";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

Error Error::invalid(std::string message, std::vector<FieldError> fields) {
  return {ErrorKind::invalid_input, std::move(message), std::move(fields), 0};
}
Error Error::invalid_field(std::string field, std::string message) {
  std::string summary = field + ": " + message;
  return {ErrorKind::invalid_input, std::move(summary), {{std::move(field), std::move(message)}}, 0};
}
Error Error::not_found(std::string message) { return {ErrorKind::not_found, std::move(message), {}, 0}; }
Error Error::conflict(std::string message) { return {ErrorKind::conflict, std::move(message), {}, 0}; }
Error Error::unauthenticated(std::string message) {
  return {ErrorKind::unauthenticated, std::move(message), {}, 0};
}
Error Error::forbidden(std::string message) { return {ErrorKind::forbidden, std::move(message), {}, 0}; }
Error Error::too_large(std::string message) { return {ErrorKind::too_large, std::move(message), {}, 0}; }
Error Error::rate_limited(std::string message, int retry_after_seconds) {
  return {ErrorKind::rate_limited, std::move(message), {}, retry_after_seconds};
}
Error Error::unavailable(std::string message) { return {ErrorKind::unavailable, std::move(message), {}, 0}; }
Error Error::internal(std::string message) { return {ErrorKind::internal, std::move(message), {}, 0}; }

void FieldErrors::add(std::string field, std::string message) {
  fields_.push_back({std::move(field), std::move(message)});
}

Status FieldErrors::status(std::string message) && {
  if (fields_.empty()) return {};
  if (fields_.size() == 1) message = fields_[0].field + ": " + fields_[0].message;
  return std::unexpected(Error::invalid(std::move(message), std::move(fields_)));
}

}  // namespace tend
