#include "wire/agent_json.h"

#include <nlohmann/json.hpp>

#include "wire/json_writer.h"

namespace tend::wire {
namespace {

using nlohmann::json;
using namespace tend::rmm;

void write_record(JsonWriter& w, const AgentRecord& r) {
  w.begin_object();
  w.field("seq", r.seq);
  w.field("at", r.at_ms);
  w.key("metrics");
  w.begin_object();
  for (const auto& m : r.metrics) w.field(m.name, m.value);
  w.end_object();
  w.key("checks");
  w.begin_array();
  for (const auto& c : r.checks) {
    w.begin_object();
    w.field("id", c.check_id);
    w.field("state", to_string(c.state));
    w.key("value");
    if (c.value) w.number(*c.value);
    else w.null();
    w.field("output", c.output);
    w.end_object();
  }
  w.end_array();
  if (!r.inventory_json.empty()) {
    w.key("inventory");
    w.raw(r.inventory_json);
  }
  w.end_object();
}

void write_config(JsonWriter& w, const AgentConfig& c) {
  w.begin_object();
  w.field("version", c.version);
  w.field("interval_seconds", c.interval_seconds);
  w.field("inventory_interval_seconds", c.inventory_interval_seconds);
  w.key("checks");
  w.begin_array();
  for (const auto& d : c.checks) {
    w.begin_object();
    w.field("id", d.id);
    w.field("kind", to_string(d.kind));
    w.field("name", d.name);
    w.field("target", d.target);
    w.field("warn", d.warn);
    w.field("crit", d.crit);
    w.field("timeout_seconds", d.timeout_seconds);
    w.field("expect_status", d.expect_status);
    w.field("script", d.script);
    w.field("enabled", d.enabled);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// Strict typed access to an object member; absent members keep `out`.
class Reader {
 public:
  Reader(const json& object, FieldErrors& errors, std::string prefix = "")
      : object_(object), errors_(errors), prefix_(std::move(prefix)) {}
  const json* find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  void text(const char* key, std::string& out) {
    if (const json* v = find(key)) {
      if (v->is_string()) out = v->get<std::string>();
      else errors_.add(prefix_ + key, "must be a string");
    }
  }
  void integer(const char* key, int64_t& out) {
    if (const json* v = find(key)) {
      if (v->is_number_integer()) out = v->get<int64_t>();
      else errors_.add(prefix_ + key, "must be an integer");
    }
  }
  void integer(const char* key, int& out) {
    int64_t v = out;
    integer(key, v);
    if (v < INT32_MIN || v > INT32_MAX) errors_.add(prefix_ + key, "is out of range");
    else out = static_cast<int>(v);
  }
  void number(const char* key, double& out) {
    if (const json* v = find(key)) {
      if (v->is_number()) out = v->get<double>();
      else errors_.add(prefix_ + key, "must be a number");
    }
  }
  void boolean(const char* key, bool& out) {
    if (const json* v = find(key)) {
      if (v->is_boolean()) out = v->get<bool>();
      else errors_.add(prefix_ + key, "must be true or false");
    }
  }
  // The member as raw JSON object text.
  void object_text(const char* key, std::string& out) {
    if (const json* v = find(key)) {
      if (v->is_object()) out = v->dump();
      else if (!v->is_null()) errors_.add(prefix_ + key, "must be an object");
    }
  }

 private:
  const json& object_;
  FieldErrors& errors_;
  std::string prefix_;
};

Result<json> parse_object(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return std::unexpected(Error::invalid("the body is not valid JSON"));
  if (!doc.is_object()) return std::unexpected(Error::invalid("the body must be a JSON object"));
  return doc;
}

void read_config(const json& object, AgentConfig& c, FieldErrors& errors, const std::string& prefix) {
  Reader r(object, errors, prefix);
  r.integer("version", c.version);
  r.integer("interval_seconds", c.interval_seconds);
  r.integer("inventory_interval_seconds", c.inventory_interval_seconds);
  auto it = object.find("checks");
  if (it == object.end()) return;
  if (!it->is_array()) {
    errors.add(prefix + "checks", "must be an array");
    return;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    std::string path = prefix + "checks/" + std::to_string(i) + "/";
    if (!item.is_object()) {
      errors.add(path, "must be an object");
      continue;
    }
    CheckDefinition d;
    Reader cr(item, errors, path);
    cr.integer("id", d.id);
    std::string kind;
    cr.text("kind", kind);
    auto parsed = parse_check_kind(kind);
    if (parsed) d.kind = *parsed;
    else errors.add(path + "kind", parsed.error().message);
    cr.text("name", d.name);
    cr.text("target", d.target);
    cr.number("warn", d.warn);
    cr.number("crit", d.crit);
    cr.integer("timeout_seconds", d.timeout_seconds);
    cr.integer("expect_status", d.expect_status);
    cr.text("script", d.script);
    cr.boolean("enabled", d.enabled);
    c.checks.push_back(std::move(d));
  }
}

}  // namespace

std::string encode(const AgentRecord& record) {
  std::string out;
  out.reserve(256 + record.metrics.size() * 24 + record.inventory_json.size());
  JsonWriter w(out);
  write_record(w, record);
  return out;
}

std::string encode_checkin(const CheckinRequest& header, std::span<const std::string_view> record_json) {
  std::string out;
  size_t total = 128;
  for (auto r : record_json) total += r.size() + 1;
  out.reserve(total);
  JsonWriter w(out);
  w.begin_object();
  w.field("agent_version", header.agent_version);
  w.field("config_version", header.config_version);
  w.field("dropped", header.dropped_total);
  w.field("spooled", header.spooled);
  w.key("records");
  w.begin_array();
  for (auto r : record_json) w.raw(r);
  w.end_array();
  w.end_object();
  return out;
}

std::string encode(const CheckinRequest& request) {
  std::vector<std::string> texts;
  texts.reserve(request.records.size());
  for (const auto& r : request.records) texts.push_back(encode(r));
  std::vector<std::string_view> views(texts.begin(), texts.end());
  return encode_checkin(request, views);
}

std::string encode(const CheckinResponse& response) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("acked_seq", response.acked_seq);
  w.field("interval_seconds", response.interval_seconds);
  if (response.config) {
    w.key("config");
    write_config(w, *response.config);
  }
  w.end_object();
  return out;
}

std::string encode(const AgentConfig& config) {
  std::string out;
  JsonWriter w(out);
  write_config(w, config);
  return out;
}

std::string encode(const EnrollRequest& request) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("token", request.token);
  w.field("hostname", request.hostname);
  w.field("machine_id", request.machine_id);
  w.field("agent_version", request.agent_version);
  if (!request.inventory_json.empty()) {
    w.key("inventory");
    w.raw(request.inventory_json);
  }
  w.end_object();
  return out;
}

std::string encode(const EnrollResponse& response) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("device_id", response.device_id);
  w.field("credential", response.credential);
  w.key("config");
  write_config(w, response.config);
  w.end_object();
  return out;
}

Result<CheckinResponse> decode_checkin_response(std::string_view text) {
  json doc = TEND_TRY(parse_object(text));
  FieldErrors errors;
  CheckinResponse out;
  Reader r(doc, errors);
  r.integer("acked_seq", out.acked_seq);
  r.integer("interval_seconds", out.interval_seconds);
  if (auto it = doc.find("config"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) {
      errors.add("config", "must be an object");
    } else {
      AgentConfig config;
      read_config(*it, config, errors, "config/");
      out.config = std::move(config);
    }
  }
  TEND_CHECK(std::move(errors).status("malformed check-in response"));
  return out;
}

Result<AgentConfig> decode_agent_config(std::string_view text) {
  json doc = TEND_TRY(parse_object(text));
  FieldErrors errors;
  AgentConfig out;
  read_config(doc, out, errors, "");
  TEND_CHECK(std::move(errors).status("malformed agent configuration"));
  return out;
}

Result<EnrollRequest> decode_enroll_request(std::string_view text) {
  json doc = TEND_TRY(parse_object(text));
  FieldErrors errors;
  EnrollRequest out;
  Reader r(doc, errors);
  r.text("token", out.token);
  r.text("hostname", out.hostname);
  r.text("machine_id", out.machine_id);
  r.text("agent_version", out.agent_version);
  r.object_text("inventory", out.inventory_json);
  if (out.token.empty()) errors.add("token", "is required");
  if (out.hostname.empty() || out.hostname.size() > 255) errors.add("hostname", "must be 1 to 255 characters");
  if (out.machine_id.size() > 128) errors.add("machine_id", "is longer than 128 characters");
  TEND_CHECK(std::move(errors).status("the enrollment request has invalid fields"));
  return out;
}

Result<EnrollResponse> decode_enroll_response(std::string_view text) {
  json doc = TEND_TRY(parse_object(text));
  FieldErrors errors;
  EnrollResponse out;
  Reader r(doc, errors);
  r.integer("device_id", out.device_id);
  r.text("credential", out.credential);
  if (auto it = doc.find("config"); it != doc.end() && it->is_object()) read_config(*it, out.config, errors, "config/");
  if (out.device_id <= 0 || out.credential.empty()) errors.add("credential", "is missing");
  TEND_CHECK(std::move(errors).status("malformed enrollment response"));
  return out;
}

Result<CheckinRequest> decode_checkin_request(std::string_view text) {
  json doc = TEND_TRY(parse_object(text));
  FieldErrors errors;
  CheckinRequest out;
  Reader r(doc, errors);
  r.text("agent_version", out.agent_version);
  r.integer("config_version", out.config_version);
  r.integer("dropped", out.dropped_total);
  r.integer("spooled", out.spooled);
  auto records = doc.find("records");
  if (records == doc.end() || !records->is_array()) {
    errors.add("records", "must be an array");
    return std::unexpected(Error::invalid("malformed check-in", {{"records", "must be an array"}}));
  }
  for (size_t i = 0; i < records->size(); ++i) {
    const json& item = (*records)[i];
    std::string path = "records/" + std::to_string(i) + "/";
    if (!item.is_object()) {
      errors.add(path, "must be an object");
      continue;
    }
    AgentRecord rec;
    Reader rr(item, errors, path);
    rr.integer("seq", rec.seq);
    rr.integer("at", rec.at_ms);
    if (auto m = item.find("metrics"); m != item.end()) {
      if (!m->is_object()) errors.add(path + "metrics", "must be an object");
      else {
        for (auto& [name, value] : m->items()) {
          if (!value.is_number()) errors.add(path + "metrics/" + name, "must be a number");
          else rec.metrics.push_back({name, value.get<double>()});
        }
      }
    }
    if (auto c = item.find("checks"); c != item.end()) {
      if (!c->is_array()) errors.add(path + "checks", "must be an array");
      else {
        for (const auto& check : *c) {
          if (!check.is_object()) {
            errors.add(path + "checks", "must hold objects");
            continue;
          }
          CheckResult result;
          Reader cr(check, errors, path + "checks/");
          cr.integer("id", result.check_id);
          std::string state;
          cr.text("state", state);
          auto parsed = parse_check_state(state);
          if (parsed) result.state = *parsed;
          else errors.add(path + "checks/state", parsed.error().message);
          if (auto v = check.find("value"); v != check.end() && !v->is_null()) {
            if (v->is_number()) result.value = v->get<double>();
            else errors.add(path + "checks/value", "must be a number or null");
          }
          cr.text("output", result.output);
          rec.checks.push_back(std::move(result));
        }
      }
    }
    rr.object_text("inventory", rec.inventory_json);
    out.records.push_back(std::move(rec));
  }
  TEND_CHECK(std::move(errors).status("malformed check-in"));
  return out;
}

}  // namespace tend::wire
