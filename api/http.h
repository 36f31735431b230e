// HTTP request and response as plain values. Handlers, the router and tests
// see only these types; Boost.Beast stays inside api/http_server.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tend::api {

struct HttpRequest {
  std::string method;  // "GET", "POST" ...
  std::string target;  // path and query as sent: "/api/v1/clients?limit=50"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // peer IP address

  // The first value of header `name` (lower-case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // The path without the query string.
  std::string_view path() const;
  // The raw query string (after '?'), or "".
  std::string_view query() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// Decodes %XX and '+' of a query component; false when malformed.
bool url_decode(std::string_view in, std::string& out);

// Splits a query string into decoded name/value pairs, in order; false on a
// malformed escape.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace tend::api
