// Routes of RMM part 1: agent enrollment and check-in, enrollment tokens,
// devices, their checks, timeline and metric history
// (docs/agent-protocol.md).
#include "api/agent_endpoint.h"
#include "api/api.h"
#include "api/handler_support.h"
#include "wire/agent_json.h"

namespace tend::api {
namespace {

using nlohmann::json;
using namespace tend::rmm;

const RoleSet kOperators = {Role::admin, Role::technician};

json opt_time(const std::optional<Instant>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

json token_json(const EnrollmentToken& t) {
  return {{"id", t.id.value()},
          {"client_id", t.client_id.value()},
          {"site_id", t.site_id.value()},
          {"prefix", t.prefix},
          {"max_uses", t.max_uses ? json(*t.max_uses) : json(nullptr)},
          {"uses", t.uses},
          {"expires_at", format_rfc3339(t.expires_at)},
          {"created_at", format_rfc3339(t.created_at)},
          {"revoked_at", opt_time(t.revoked_at)}};
}

json device_json(const Device& d) {
  return {{"id", d.id.value()},
          {"client_id", d.client_id.value()},
          {"site_id", d.site_id.value()},
          {"name", d.name},
          {"hostname", d.hostname},
          {"class", to_string(d.device_class)},
          {"class_source", d.class_manual ? "manual" : "detected"},
          {"os_name", d.os_name},
          {"agent_version", d.agent_version},
          {"enrolled_at", format_rfc3339(d.enrolled_at)},
          {"revoked_at", opt_time(d.revoked_at)},
          {"created_at", format_rfc3339(d.created_at)},
          {"updated_at", format_rfc3339(d.updated_at)}};
}

json row_json(const DeviceRow& row) {
  json j = device_json(row.device);
  j["online"] = row.status.online;
  j["last_seen_at"] = opt_time(row.status.last_seen_at);
  j["last_seq"] = row.status.last_seq;
  j["failing_checks"] = row.status.failing_checks;
  j["spooled"] = row.status.spooled;
  j["spool_dropped_total"] = row.status.dropped_total;
  return j;
}

json check_json(const CheckDefinition& c) {
  return {{"id", c.id},
          {"kind", to_string(c.kind)},
          {"name", c.name},
          {"target", c.target},
          {"warn", c.warn},
          {"crit", c.crit},
          {"timeout_seconds", c.timeout_seconds},
          {"expect_status", c.expect_status},
          {"script", c.script},
          {"enabled", c.enabled}};
}

json result_json(const CheckResult& c) {
  return {{"check_id", c.check_id},
          {"state", to_string(c.state)},
          {"value", c.value ? json(*c.value) : json(nullptr)},
          {"output", c.output}};
}

json event_json(const DeviceEvent& e) {
  json details = json::parse(e.details, nullptr, false);
  return {{"id", e.id},
          {"device_id", e.device_id.value()},
          {"at", format_rfc3339(e.at)},
          {"kind", e.kind},
          {"details", details.is_discarded() ? json::object() : details}};
}

Result<std::optional<bool>> query_bool(const RequestContext& c, std::string_view name) {
  auto v = c.query(name);
  if (!v) return std::optional<bool>();
  if (*v == "true") return std::optional<bool>(true);
  if (*v == "false") return std::optional<bool>(false);
  return std::unexpected(Error::invalid_field(std::string(name), "must be true or false"));
}

Result<std::optional<Instant>> query_time(const RequestContext& c, std::string_view name) {
  auto v = c.query(name);
  if (!v) return std::optional<Instant>();
  auto t = parse_rfc3339(*v);
  if (!t) return std::unexpected(Error::invalid_field(std::string(name), "must be an RFC 3339 time"));
  return std::optional<Instant>(*t);
}

// "7d", "12h", "30m" -> a duration.
Result<Duration> parse_span(std::string_view text) {
  if (text.size() < 2) return std::unexpected(Error::invalid_field("expires_in", "must look like 7d, 12h or 30m"));
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || ptr != text.data() + text.size() - 1 || n <= 0) {
    return std::unexpected(Error::invalid_field("expires_in", "must look like 7d, 12h or 30m"));
  }
  switch (text.back()) {
    case 'd': return Duration(std::chrono::days(n));
    case 'h': return Duration(std::chrono::hours(n));
    case 'm': return Duration(std::chrono::minutes(n));
    default: return std::unexpected(Error::invalid_field("expires_in", "must end in d, h or m"));
  }
}

Result<RmmApiServices*> rmm_of(RmmApiServices* services) {
  if (!services) return std::unexpected(Error::unavailable("RMM is not available in this process"));
  return services;
}

}  // namespace

void Api::add_rmm_routes() {
  RmmApiServices* const r = services_.rmm;
  const Clock& clock = services_.clock;

  // ---- agents (public: the enrollment token or device credential authenticates) ----
  add_public("POST", "/api/v1/agent/enroll", "enroll an agent with an enrollment token",
             [r](RequestContext& c) -> Result<HttpResponse> {
               auto* s = TEND_TRY(rmm_of(r));
               auto request = TEND_TRY(wire::decode_enroll_request(c.request.body));
               auto outcome = TEND_TRY(s->rmm.enroll(request));
               HttpResponse response;
               response.status = 201;
               response.body = wire::encode(EnrollResponse{outcome.device.id.value(), outcome.credential, outcome.config});
               response.add_header("Cache-Control", "no-store");
               return response;
             });
  add_public("POST", std::string(kCheckinPath), "deliver agent records (device credential)",
             [r](RequestContext& c) -> Result<HttpResponse> {
               auto* s = TEND_TRY(rmm_of(r));
               AgentEndpoint endpoint(*s);
               return endpoint.handle_and_wait(c.request);
             });

  // ---- enrollment tokens ---------------------------------------------------------
  add("GET", "/api/v1/enrollment-tokens", kStaff, "list enrollment tokens", [r](RequestContext& c) -> Result<HttpResponse> {
    auto* s = TEND_TRY(rmm_of(r));
    TEND_CHECK(only_query(c, {"client_id", "site_id"}));
    ClientId client(TEND_TRY(query_int(c, "client_id", 0)));
    SiteId site(TEND_TRY(query_int(c, "site_id", 0)));
    auto tokens = TEND_TRY(s->rmm.list_enrollment_tokens(c.principal, client, site));
    json items = json::array();
    for (const auto& t : tokens) items.push_back(token_json(t));
    return json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  add("POST", "/api/v1/enrollment-tokens", kOperators, "create an enrollment token",
      [r, &clock](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        json body = TEND_TRY(body_of(c));
        FieldErrors errors;
        JsonReader reader(body, errors);
        reader.only({"site_id", "max_uses", "expires_at", "expires_in"});
        SiteId site;
        reader.id("site_id", site);
        std::optional<int64_t> max_uses;
        if (body.contains("max_uses") && !body["max_uses"].is_null()) {
          int64_t n = 0;
          reader.integer64("max_uses", n);
          max_uses = n;
        }
        std::optional<Instant> expires;
        reader.instant("expires_at", expires);
        std::string expires_in;
        reader.text("expires_in", expires_in);
        TEND_CHECK(std::move(errors).status());
        if (!expires_in.empty()) {
          if (expires) return std::unexpected(Error::invalid_field("expires_in", "give expires_at or expires_in, not both"));
          expires = clock.now() + TEND_TRY(parse_span(expires_in));
        }
        auto created = TEND_TRY(s->rmm.create_enrollment_token(c.principal, site, max_uses, expires));
        json out = token_json(created.token);
        out["token"] = created.secret;
        HttpResponse response = json_response(201, out);
        response.add_header("Cache-Control", "no-store");
        return response;
      });
  add("POST", "/api/v1/enrollment-tokens/{id}/revoke", kOperators, "revoke an enrollment token",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        auto id = TEND_TRY(id_of<EnrollmentTokenId>(c));
        return json_response(200, token_json(TEND_TRY(s->rmm.revoke_enrollment_token(c.principal, id))));
      });

  // ---- devices -------------------------------------------------------------------
  add("GET", "/api/v1/devices", kEveryone, "list devices", [r](RequestContext& c) -> Result<HttpResponse> {
    auto* s = TEND_TRY(rmm_of(r));
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "client_id", "site_id", "class", "online", "failing",
                              "status"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kDeviceSorts), "name"));
    store::DeviceFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    filter.site = SiteId(TEND_TRY(query_int(c, "site_id", 0)));
    if (auto cls = c.query("class")) filter.device_class = TEND_TRY(parse_device_class(*cls));
    filter.online = TEND_TRY(query_bool(c, "online"));
    filter.failing = TEND_TRY(query_bool(c, "failing"));
    auto status = c.query("status").value_or("active");
    if (status != "active" && status != "all") {
      return std::unexpected(Error::invalid_field("status", "must be active or all"));
    }
    filter.include_revoked = status == "all";
    auto result = TEND_TRY(s->rmm.list_devices(c.principal, filter, page));
    json items = json::array();
    for (const auto& row : result.items) items.push_back(row_json(row));
    return json_response(200, {{"items", items},
                               {"next_cursor", result.next_cursor.empty() ? json(nullptr) : json(result.next_cursor)}});
  });
  add("GET", "/api/v1/devices/{id}", kEveryone, "read a device with its latest metrics, inventory and check states",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        auto detail = TEND_TRY(s->rmm.get_device(c.principal, TEND_TRY(id_of<DeviceId>(c))));
        json out = row_json(detail.row);
        json checks = json::array();
        for (const auto& check : detail.checks) {
          json j = check_json(check);
          j["state"] = nullptr;
          j["since"] = nullptr;
          for (const auto& st : detail.check_states) {
            if (st.check_id.value() == check.id) {
              j["state"] = to_string(st.state);
              j["since"] = format_rfc3339(st.since);
            }
          }
          j["latest"] = nullptr;
          if (detail.latest) {
            for (const auto& res : detail.latest->checks) {
              if (res.check_id == check.id) j["latest"] = result_json(res);
            }
          }
          checks.push_back(std::move(j));
        }
        out["checks"] = checks;
        if (detail.latest) {
          json metrics = json::object();
          for (const auto& m : detail.latest->metrics) metrics[m.name] = m.value;
          out["latest"] = {{"at", format_rfc3339(detail.latest->at)}, {"seq", detail.latest->seq}, {"metrics", metrics}};
        } else {
          out["latest"] = nullptr;
        }
        out["inventory"] = detail.inventory;
        return json_response(200, out);
      });
  add("PATCH", "/api/v1/devices/{id}", kOperators, "rename a device or set its class",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        DeviceId id = TEND_TRY(id_of<DeviceId>(c));
        return json_response(200, device_json(TEND_TRY(s->rmm.update_device(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("POST", "/api/v1/devices/{id}/revoke", kOperators, "revoke a device's agent credential",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        return json_response(200, device_json(TEND_TRY(s->rmm.revoke_device(c.principal, TEND_TRY(id_of<DeviceId>(c))))));
      });
  add("GET", "/api/v1/devices/{id}/checks", kEveryone, "list a device's checks", [r](RequestContext& c) -> Result<HttpResponse> {
    auto* s = TEND_TRY(rmm_of(r));
    auto checks = TEND_TRY(s->rmm.list_checks(c.principal, TEND_TRY(id_of<DeviceId>(c))));
    json items = json::array();
    for (const auto& check : checks) items.push_back(check_json(check));
    return json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  add("POST", "/api/v1/devices/{id}/checks", kOperators, "add a check to a device",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        DeviceId id = TEND_TRY(id_of<DeviceId>(c));
        return json_response(201, check_json(TEND_TRY(s->rmm.add_check(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("PATCH", "/api/v1/device-checks/{id}", kOperators, "change a device check",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        auto id = TEND_TRY(id_of<DeviceCheckId>(c));
        return json_response(200, check_json(TEND_TRY(s->rmm.update_check(c.principal, id, TEND_TRY(body_of(c))))));
      });
  add("DELETE", "/api/v1/device-checks/{id}", kOperators, "delete a device check",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        TEND_CHECK(s->rmm.delete_check(c.principal, TEND_TRY(id_of<DeviceCheckId>(c))));
        return no_content();
      });
  add("GET", "/api/v1/devices/{id}/events", kEveryone, "read a device's timeline",
      [r](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        TEND_CHECK(only_query(c, {"kind", "before", "limit"}));
        int64_t limit = TEND_TRY(query_int(c, "limit", 100));
        if (limit < 1 || limit > 1000) return std::unexpected(Error::invalid_field("limit", "must be between 1 and 1000"));
        auto events = TEND_TRY(s->rmm.events(c.principal, TEND_TRY(id_of<DeviceId>(c)), c.query("kind").value_or(""),
                                             TEND_TRY(query_int(c, "before", 0)), static_cast<int>(limit)));
        json items = json::array();
        for (const auto& e : events) items.push_back(event_json(e));
        return json_response(200, {{"items", items}});
      });
  add("GET", "/api/v1/devices/{id}/metrics", kEveryone, "read the history of one metric",
      [r, &clock](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        TEND_CHECK(only_query(c, {"metric", "from", "to", "resolution"}));
        std::string metric(c.query("metric").value_or(""));
        if (metric.empty()) return std::unexpected(Error::invalid_field("metric", "is required"));
        Instant to = TEND_TRY(query_time(c, "to")).value_or(clock.now());
        Instant from = TEND_TRY(query_time(c, "from")).value_or(to - std::chrono::hours(1));
        std::optional<Resolution> resolution;
        if (auto res = c.query("resolution")) resolution = TEND_TRY(parse_resolution(*res));
        auto history = TEND_TRY(s->rmm.history(c.principal, TEND_TRY(id_of<DeviceId>(c)), metric, from, to, resolution));
        json points = json::array();
        for (const auto& p : history.points) {
          points.push_back({{"at", format_rfc3339(p.at)}, {"avg", p.avg}, {"min", p.min}, {"max", p.max}, {"count", p.count}});
        }
        return json_response(200, {{"metric", history.metric},
                                   {"resolution", to_string(history.resolution)},
                                   {"from", format_rfc3339(from)},
                                   {"to", format_rfc3339(to)},
                                   {"points", points}});
      });
  add("GET", "/api/v1/devices/{id}/check-results", kEveryone, "read stored check results",
      [r, &clock](RequestContext& c) -> Result<HttpResponse> {
        auto* s = TEND_TRY(rmm_of(r));
        TEND_CHECK(only_query(c, {"check_id", "from", "to", "limit"}));
        Instant to = TEND_TRY(query_time(c, "to")).value_or(clock.now() + std::chrono::minutes(1));
        Instant from = TEND_TRY(query_time(c, "from")).value_or(to - std::chrono::hours(24));
        int64_t limit = TEND_TRY(query_int(c, "limit", 1000));
        if (limit < 1 || limit > 10000) return std::unexpected(Error::invalid_field("limit", "must be between 1 and 10000"));
        DeviceCheckId check(TEND_TRY(query_int(c, "check_id", 0)));
        auto results = TEND_TRY(s->rmm.check_results(c.principal, TEND_TRY(id_of<DeviceId>(c)), check, from, to,
                                                     static_cast<int>(limit)));
        json items = json::array();
        for (const auto& res : results) {
          json j = result_json(res.result);
          j["at"] = format_rfc3339(res.at);
          items.push_back(std::move(j));
        }
        return json_response(200, {{"items", items}});
      });
}

}  // namespace tend::api
