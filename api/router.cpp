#include "api/router.h"

#include <charconv>

namespace tend::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return out;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

RoleSet::RoleSet(std::initializer_list<Role> roles) {
  for (Role r : roles) bits_ |= 1u << static_cast<int>(r);
}

RoleSet RoleSet::staff() { return {Role::admin, Role::technician, Role::finance, Role::read_only}; }
RoleSet RoleSet::everyone() { return {Role::admin, Role::technician, Role::finance, Role::read_only, Role::portal}; }

std::vector<Role> RoleSet::roles() const {
  std::vector<Role> out;
  for (Role r : {Role::admin, Role::technician, Role::finance, Role::read_only, Role::portal}) {
    if (contains(r)) out.push_back(r);
  }
  return out;
}

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

Result<int64_t> RequestContext::id_param(std::string_view name) const {
  std::string_view text = param(name);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
    return std::unexpected(Error::not_found("no such object"));
  }
  return value;
}

std::optional<std::string_view> RequestContext::query(std::string_view name) const {
  for (const auto& [k, v] : query_params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

void Router::add(Route route) {
  for (auto s : split_path(route.pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) ok = false;
        else params.emplace_back(want.substr(1, want.size() - 2), std::string(segments[i]));
      } else if (want != segments[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (route.method == method) {
      result.route = &route;
      result.params = std::move(params);
      return result;
    }
    result.allowed_methods.push_back(route.method);
  }
  return result;
}

}  // namespace tend::api
