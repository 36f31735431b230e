// The route table of /api/v1 and the system endpoints. Each route states
// the roles that may call it; api/openapi.json documents the same.
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/handler_support.h"
#include "app/json_codec.h"

namespace tend::api {
namespace {

using nlohmann::json;

std::string session_cookie(const std::string& token, int max_age_seconds, bool secure) {
  std::string cookie = "tend_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace

void Api::add_routes() {
  auto& s = services_;

  // ---- system ---------------------------------------------------------------
  add_public("GET", "/healthz", "check that the server and its database answer", [&s, this](RequestContext&) -> Result<HttpResponse> {
    auto version = s.store.schema_version();
    if (!version) return std::unexpected(Error::unavailable("the database does not answer: " + version.error().message));
    return json_response(200, {{"status", "ok"}, {"version", options_.version}, {"schema_version", *version}});
  });
  add_public("GET", "/metrics", "read Prometheus metrics", [this](RequestContext&) -> Result<HttpResponse> {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render();
    return r;
  });
  add_public("GET", "/api/v1/openapi.json", "read the OpenAPI document", [](RequestContext&) -> Result<HttpResponse> {
    HttpResponse r;
    r.body = std::string(openapi_document());
    return r;
  });

  // ---- auth ----------------------------------------------------------------
  add_public("POST", "/api/v1/auth/login", "sign in", [&s, this](RequestContext& c) -> Result<HttpResponse> {
    json body = TEND_TRY(body_of(c));
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"email", "password"});
    std::string email, password;
    reader.text("email", email);
    reader.text("password", password);
    TEND_CHECK(std::move(errors).status());
    auto login = TEND_TRY(s.auth.login(email, password, c.request.remote_address, c.request.header("user-agent")));
    HttpResponse r = json_response(200, {{"token", login.token},
                                         {"token_type", "Bearer"},
                                         {"expires_at", format_rfc3339(login.expires_at)},
                                         {"user", to_json(login.user)}});
    r.add_header("Set-Cookie", session_cookie(login.token, options_.session_hours * 3600, options_.secure_cookies));
    r.add_header("Cache-Control", "no-store");
    return r;
  });
  add("POST", "/api/v1/auth/logout", kEveryone, "sign out", [&s, this](RequestContext& c) -> Result<HttpResponse> {
    std::string_view auth = c.request.header("authorization");
    std::string_view token = auth.size() > 7 ? auth.substr(7) : std::string_view();
    if (token.empty()) {
      // Cookie session: find it the same way dispatch did.
      std::string_view cookies = c.request.header("cookie");
      auto pos = cookies.find("tend_session=");
      if (pos != std::string_view::npos) {
        token = cookies.substr(pos + 13);
        token = token.substr(0, token.find(';'));
      }
    }
    if (token.starts_with(AuthService::kSessionPrefix)) TEND_CHECK(s.auth.logout(token));
    HttpResponse r = no_content();
    r.add_header("Set-Cookie", session_cookie("", 0, options_.secure_cookies));
    return r;
  });
  add("GET", "/api/v1/auth/me", kEveryone, "read your own account", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.users.me(c.principal)));
  });
  add("POST", "/api/v1/auth/password", kEveryone, "change your own password",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        json body = TEND_TRY(body_of(c));
        FieldErrors errors;
        JsonReader reader(body, errors);
        reader.only({"current_password", "new_password"});
        std::string current, replacement;
        reader.text("current_password", current);
        reader.text("new_password", replacement);
        TEND_CHECK(std::move(errors).status());
        TEND_CHECK(s.users.change_own_password(c.principal, current, replacement));
        return no_content();
      });

  // ---- API tokens ------------------------------------------------------------
  add("GET", "/api/v1/api-tokens", kStaff, "list your API tokens", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {}));
    auto tokens = TEND_TRY(s.auth.list_api_tokens(c.principal));
    json items = json::array();
    for (const auto& t : tokens) {
      items.push_back({{"id", t.id.value()},
                       {"name", t.name},
                       {"prefix", t.prefix},
                       {"created_at", format_rfc3339(t.created_at)},
                       {"expires_at", to_json(t.expires_at)},
                       {"revoked_at", to_json(t.revoked_at)}});
    }
    return json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  add("POST", "/api/v1/api-tokens", kStaff, "create an API token", [&s](RequestContext& c) -> Result<HttpResponse> {
    json body = TEND_TRY(body_of(c));
    FieldErrors errors;
    JsonReader reader(body, errors);
    reader.only({"name", "expires_at"});
    std::string name;
    std::optional<Instant> expires;
    reader.text("name", name);
    reader.instant("expires_at", expires);
    TEND_CHECK(std::move(errors).status());
    auto created = TEND_TRY(s.auth.create_api_token(c.principal, name, expires));
    HttpResponse r = json_response(201, {{"id", created.token.id.value()},
                                         {"name", created.token.name},
                                         {"prefix", created.token.prefix},
                                         {"token", created.secret},
                                         {"created_at", format_rfc3339(created.token.created_at)},
                                         {"expires_at", to_json(created.token.expires_at)}});
    r.add_header("Cache-Control", "no-store");
    return r;
  });
  add("DELETE", "/api/v1/api-tokens/{id}", kStaff, "revoke an API token", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(s.auth.revoke_api_token(c.principal, TEND_TRY(id_of<ApiTokenId>(c))));
    return no_content();
  });

  // ---- provider ----------------------------------------------------------------
  add("GET", "/api/v1/provider", kStaff, "read the provider settings", [&s](RequestContext&) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.provider.get()));
  });
  add("PATCH", "/api/v1/provider", kAdmin, "change the provider settings", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.provider.update(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/provider/logo", kStaff, "download the logo printed on invoices (PNG)",
      [&s](RequestContext&) -> Result<HttpResponse> {
        ProviderLogo logo = TEND_TRY(s.provider.logo());
        HttpResponse r;
        r.status = 200;
        r.content_type = "image/png";
        r.body = std::move(logo.png);
        return r;
      });
  add("PUT", "/api/v1/provider/logo", kAdmin, "set the logo printed on invoices",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        return json_response(200, to_json(TEND_TRY(s.provider.set_logo(c.principal, TEND_TRY(body_of(c))))));
      });
  add("DELETE", "/api/v1/provider/logo", kAdmin, "remove the logo", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(s.provider.remove_logo(c.principal));
    return no_content();
  });

  // ---- users -------------------------------------------------------------------
  add("GET", "/api/v1/users", kAdmin, "list users", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "role", "client_id", "active"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kUserSorts), "name"));
    store::UserFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    if (auto role = c.query("role")) filter.role = TEND_TRY(parse_role(*role));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    if (auto active = c.query("active")) {
      if (*active != "true" && *active != "false") {
        return std::unexpected(Error::invalid_field("active", "must be true or false"));
      }
      filter.active = *active == "true";
    }
    return page_response(TEND_TRY(s.users.list_users(c.principal, filter, page)));
  });
  add("POST", "/api/v1/users", kAdmin, "create a user", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(s.users.create_user(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/users/{id}", kAdmin, "read a user", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.users.get_user(c.principal, TEND_TRY(id_of<UserId>(c)))));
  });
  add("PATCH", "/api/v1/users/{id}", kAdmin, "change a user", [&s](RequestContext& c) -> Result<HttpResponse> {
    UserId id = TEND_TRY(id_of<UserId>(c));
    return object_response(200, TEND_TRY(s.users.update_user(c.principal, id, TEND_TRY(body_of(c)))));
  });

  add_tenancy_routes();
  add_rmm_routes();
  add_ticket_routes();
  add_work_routes();
  add_contract_routes();
  add_billing_routes();

  // ---- audit trail -------------------------------------------------------------
  add("GET", "/api/v1/audit", kStaff, "read the audit trail of an object", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"entity_type", "entity_id", "after", "limit"}));
    std::string type(c.query("entity_type").value_or(""));
    int64_t id = TEND_TRY(query_int(c, "entity_id", 0));
    int64_t after = TEND_TRY(query_int(c, "after", 0));
    int64_t limit = TEND_TRY(query_int(c, "limit", 100));
    FieldErrors errors;
    if (type.empty()) errors.add("entity_type", "is required");
    if (id <= 0) errors.add("entity_id", "is required");
    if (limit < 1 || limit > 500) errors.add("limit", "must be between 1 and 500");
    TEND_CHECK(std::move(errors).status());
    auto events = TEND_TRY(store::in_read_transaction(s.store, [&](store::Transaction& tx) {
      return tx.audit().for_entity(type, id, after, static_cast<int>(limit));
    }));
    json items = json::array();
    for (const auto& e : events) {
      items.push_back({{"id", e.id},
                       {"at", format_rfc3339(e.at)},
                       {"actor", e.actor},
                       {"actor_user_id", e.actor_user_id.valid() ? json(e.actor_user_id.value()) : json(nullptr)},
                       {"action", e.action},
                       {"entity_type", e.entity_type},
                       {"entity_id", e.entity_id},
                       {"details", json::parse(e.details, nullptr, false)}});
    }
    return json_response(200, {{"items", items}});
  });
}

}  // namespace tend::api
