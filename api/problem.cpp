#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace tend::api {
namespace {

const char* title_for(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}

}  // namespace

int status_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::invalid_input: return error.fields.empty() ? 400 : 422;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::too_large: return 413;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

HttpResponse problem_response(const Error& error, std::string_view instance) {
  int status = status_for(error);
  nlohmann::json body = {{"type", "https://tend.dev/problems/" + std::string(to_string(error.kind))},
                         {"title", title_for(status)},
                         {"status", status},
                         {"instance", instance}};
  // Internal errors keep their details in the log, not in the response.
  body["detail"] = status == 500 ? std::string("an internal error occurred; it has been logged") : error.message;
  if (!error.fields.empty()) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : error.fields) fields.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(fields);
  }
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (error.kind == ErrorKind::rate_limited && error.retry_after_seconds > 0) {
    response.add_header("Retry-After", std::to_string(error.retry_after_seconds));
  }
  if (error.kind == ErrorKind::unauthenticated) response.add_header("WWW-Authenticate", "Bearer realm=\"tend\"");
  return response;
}

HttpResponse problem_response(int status, std::string detail, std::string_view instance) {
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", title_for(status)},
                         {"status", status},
                         {"detail", std::move(detail)},
                         {"instance", instance}};
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace tend::api
