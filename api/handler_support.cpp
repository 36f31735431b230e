#include "api/handler_support.h"

namespace tend::api {

using nlohmann::json;

HttpResponse json_response(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  r.content_type = "application/json";
  return r;
}

Status only_query(const RequestContext& c, std::initializer_list<std::string_view> allowed) {
  FieldErrors errors;
  for (const auto& [name, value] : c.query_params) {
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) errors.add(name, "is not a query parameter of this endpoint");
  }
  return std::move(errors).status("unknown query parameters");
}

Result<int64_t> query_int(const RequestContext& c, std::string_view name, int64_t fallback) {
  auto text = c.query(name);
  if (!text) return fallback;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    return std::unexpected(Error::invalid_field(std::string(name), "must be an integer"));
  }
  return v;
}

Result<std::optional<CivilDate>> date_param(const RequestContext& c, std::string_view name) {
  auto text = c.query(name);
  if (!text) return std::optional<CivilDate>();
  auto parsed = parse_civil_date(*text);
  if (!parsed) return std::unexpected(Error::invalid_field(std::string(name), parsed.error().message));
  return std::optional<CivilDate>(*parsed);
}

Result<PageRequest> page_of(const RequestContext& c, const std::vector<std::string_view>& sorts,
                            std::string_view default_sort) {
  int64_t limit = TEND_TRY(query_int(c, "limit", PageRequest::kDefaultLimit));
  if (limit > 100000 || limit < -100000) limit = 0;  // reported as out of range below
  return make_page_request(static_cast<int>(limit), c.query("sort").value_or(""), c.query("cursor").value_or(""),
                           sorts, default_sort);
}

Result<store::ArchiveFilter> archive_of(const RequestContext& c) {
  auto status = c.query("status").value_or("active");
  if (status == "active") return store::ArchiveFilter::active;
  if (status == "archived") return store::ArchiveFilter::archived;
  if (status == "all") return store::ArchiveFilter::all;
  return std::unexpected(Error::invalid_field("status", "must be active, archived or all"));
}

Result<json> body_of(const RequestContext& c) {
  if (c.request.body.empty()) return std::unexpected(Error::invalid("the request needs a JSON body"));
  return parse_json_object(c.request.body);
}

std::vector<std::string_view> sorts(std::span<const std::string_view> s) { return {s.begin(), s.end()}; }

}  // namespace tend::api
