// Routes: method + path pattern + who may call + handler. The route table is
// the single statement of which roles may call which endpoint; the OpenAPI
// document (api/openapi.json) repeats it as `x-tend-roles` and a test keeps
// both in step.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "core/error.h"
#include "core/users.h"

namespace tend::api {

// A set of roles, as bits.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  RoleSet(std::initializer_list<Role> roles);
  static RoleSet staff();      // admin, technician, finance, read_only
  static RoleSet everyone();   // staff + portal
  bool contains(Role role) const { return (bits_ >> static_cast<int>(role)) & 1u; }
  std::vector<Role> roles() const;

 private:
  uint32_t bits_ = 0;
};

// What a handler receives.
struct RequestContext {
  HttpRequest& request;
  Principal principal;  // empty (user_id 0) on public routes
  std::vector<std::pair<std::string, std::string>> path_params;
  std::vector<std::pair<std::string, std::string>> query_params;

  // The path parameter `name` ("" when absent).
  std::string_view param(std::string_view name) const;
  // A positive id from the path; not_found when it is not one (so
  // /clients/abc is a 404 like /clients/999).
  Result<int64_t> id_param(std::string_view name = "id") const;
  // The query parameter `name`, when present.
  std::optional<std::string_view> query(std::string_view name) const;
};

using Handler = std::function<Result<HttpResponse>(RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/clients/{id}"
  bool is_public = false;
  RoleSet roles;
  std::string summary;
  Handler handler;
  size_t metrics_slot = 0;
  std::vector<std::string> segments;  // pattern split at '/'
};

class Router {
 public:
  // Adds a route. Patterns use {name} for a path segment.
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed_methods;  // when the path matched but not the method
  };
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }
  std::vector<Route>& mutable_routes() { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace tend::api
