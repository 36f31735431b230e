// Helpers shared by the route files (api/routes_*.cpp): JSON responses,
// query parameters, pagination, request bodies. Internal to api/.
#pragma once

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/router.h"
#include "app/json_codec.h"
#include "core/paging.h"
#include "core/work.h"
#include "store/list_query.h"

namespace tend::api {

// Role sets used across routes.
inline const RoleSet kStaff = RoleSet::staff();
inline const RoleSet kEveryone = RoleSet::everyone();
inline const RoleSet kAdmin = {Role::admin};
inline const RoleSet kEditors = {Role::admin, Role::technician, Role::finance};

// A JSON response with `status`.
HttpResponse json_response(int status, const nlohmann::json& body);
// 204 No Content.
HttpResponse no_content();
// Rejects query parameters the endpoint does not know (typos never pass).
Status only_query(const RequestContext& c, std::initializer_list<std::string_view> allowed);
// An integer query parameter, or `fallback` when absent.
Result<int64_t> query_int(const RequestContext& c, std::string_view name, int64_t fallback);
// A date query parameter (YYYY-MM-DD), or nullopt when absent; a field
// error on `name` when it is not a date.
Result<std::optional<CivilDate>> date_param(const RequestContext& c, std::string_view name);
// limit, sort and cursor, validated against `sorts`.
Result<PageRequest> page_of(const RequestContext& c, const std::vector<std::string_view>& sorts,
                            std::string_view default_sort);
// The `status` filter: active (default), archived or all.
Result<store::ArchiveFilter> archive_of(const RequestContext& c);
// The request body as a JSON object (required).
Result<nlohmann::json> body_of(const RequestContext& c);
// The sort names of a repository's list as a vector.
std::vector<std::string_view> sorts(std::span<const std::string_view> s);

// Types whose JSON is streamed by write_json (app/json_codec.h) rather than
// built as a DOM.
template <class T>
concept StreamedJson = requires(wire::JsonWriter& w, const T& value) { write_json(w, value); };

// {"items": [...], "next_cursor": ...}.
template <class T>
HttpResponse page_response(const Page<T>& page) {
  if constexpr (StreamedJson<T>) {
    HttpResponse r;
    r.status = 200;
    r.body.reserve(64 + page.items.size() * 512);
    wire::JsonWriter w(r.body);
    w.begin_object();
    w.key("items");
    w.begin_array();
    for (const auto& item : page.items) write_json(w, item);
    w.end_array();
    w.key("next_cursor");
    if (page.next_cursor.empty()) w.null();
    else w.string(page.next_cursor);
    w.end_object();
    return r;
  } else {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items) items.push_back(to_json(item));
    return json_response(200, {{"items", std::move(items)},
                               {"next_cursor", page.next_cursor.empty() ? nlohmann::json(nullptr)
                                                                         : nlohmann::json(page.next_cursor)}});
  }
}

// One object as the response body, streamed.
template <StreamedJson T>
HttpResponse object_response(int status, const T& value) {
  HttpResponse r;
  r.status = status;
  wire::JsonWriter w(r.body);
  write_json(w, value);
  return r;
}

// The {id} path parameter as a typed id; not_found when it is not one.
template <class IdT>
Result<IdT> id_of(const RequestContext& c) {
  return IdT(TEND_TRY(c.id_param("id")));
}

}  // namespace tend::api
