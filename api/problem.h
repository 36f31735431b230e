// The one place where errors become HTTP statuses: RFC 9457 problem
// details (application/problem+json), with field-level errors for
// validation failures.
//
//   invalid_input -> 400 (422 when only field validation failed)
//   unauthenticated -> 401, forbidden -> 403, not_found -> 404,
//   conflict -> 409, too_large -> 413, rate_limited -> 429 (+Retry-After),
//   unavailable -> 503, internal -> 500 (details only in the log).
#pragma once

#include "api/http.h"
#include "core/error.h"

namespace tend::api {

// The HTTP status for an error.
int status_for(const Error& error);

// A problem+json response for `error`. `instance` is the request path.
HttpResponse problem_response(const Error& error, std::string_view instance);

// A problem+json response for a status decided by the router (404, 405).
HttpResponse problem_response(int status, std::string detail, std::string_view instance);

}  // namespace tend::api
