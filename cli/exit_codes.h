// The one place where errors become process exit codes.
#pragma once

#include "core/error.h"

namespace tend::cli {

enum ExitCode : int {
  kOk = 0,
  kFailure = 1,         // internal error or a failed dependency
  kInvalid = 2,         // bad arguments or invalid input
  kNotFound = 3,
  kConflict = 4,
  kAuth = 5,            // not signed in or not allowed
  kUnavailable = 6,     // database busy, server unreachable
  kRateLimited = 7,
};

inline int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::invalid_input:
    case ErrorKind::too_large: return kInvalid;
    case ErrorKind::not_found: return kNotFound;
    case ErrorKind::conflict: return kConflict;
    case ErrorKind::unauthenticated:
    case ErrorKind::forbidden: return kAuth;
    case ErrorKind::unavailable: return kUnavailable;
    case ErrorKind::rate_limited: return kRateLimited;
    case ErrorKind::internal: return kFailure;
  }
  return kFailure;
}

// The exit code for an HTTP status returned by a remote server.
inline int exit_code_for_status(int status) {
  if (status < 400) return kOk;
  switch (status) {
    case 400: case 413: case 422: case 431: return kInvalid;
    case 401: case 403: return kAuth;
    case 404: return kNotFound;
    case 409: return kConflict;
    case 429: return kRateLimited;
    case 503: return kUnavailable;
    default: return kFailure;
  }
}

}  // namespace tend::cli
