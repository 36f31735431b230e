#include "app/json_codec.h"

#include <algorithm>

namespace tend {

using nlohmann::json;

JsonReader::JsonReader(const json& object, FieldErrors& errors, std::string prefix)
    : object_(object), errors_(errors), prefix_(std::move(prefix)) {}

std::string JsonReader::path(std::string_view key) const { return prefix_ + std::string(key); }

bool JsonReader::has(std::string_view key) const { return object_.contains(std::string(key)); }

void JsonReader::text(std::string_view key, std::string& out) {
  if (!has(key)) return;
  const json& v = object_.at(std::string(key));
  if (v.is_null()) {
    out.clear();
  } else if (v.is_string()) {
    out = v.get<std::string>();
  } else {
    errors_.add(path(key), "must be a string");
  }
}

void JsonReader::boolean(std::string_view key, bool& out) {
  if (!has(key)) return;
  const json& v = object_.at(std::string(key));
  if (v.is_boolean()) out = v.get<bool>();
  else errors_.add(path(key), "must be true or false");
}

void JsonReader::integer64(std::string_view key, int64_t& out) {
  if (!has(key)) return;
  const json& v = object_.at(std::string(key));
  if (v.is_number_integer()) out = v.get<int64_t>();
  else errors_.add(path(key), "must be an integer");
}

void JsonReader::integer(std::string_view key, int& out) {
  int64_t v = out;
  integer64(key, v);
  if (v < INT32_MIN || v > INT32_MAX) {
    errors_.add(path(key), "is out of range");
    return;
  }
  out = static_cast<int>(v);
}

void JsonReader::instant(std::string_view key, std::optional<Instant>& out) {
  if (!has(key)) return;
  const json& v = object_.at(std::string(key));
  if (v.is_null()) {
    out.reset();
    return;
  }
  if (!v.is_string()) {
    errors_.add(path(key), "must be an RFC 3339 time such as 2026-11-27T10:15:00Z");
    return;
  }
  auto parsed = parse_rfc3339(v.get<std::string>());
  if (!parsed) errors_.add(path(key), parsed.error().message);
  else out = *parsed;
}

void JsonReader::currency(std::string_view key, Currency& out) {
  std::string code;
  if (!has(key)) return;
  text(key, code);
  auto parsed = Currency::parse(code);
  if (!parsed) errors_.add(path(key), parsed.error().message);
  else out = *parsed;
}

void JsonReader::object(std::string_view key, const std::function<void(JsonReader&)>& read) {
  if (!has(key)) return;
  const json& v = object_.at(std::string(key));
  if (!v.is_object()) {
    errors_.add(path(key), "must be an object");
    return;
  }
  JsonReader nested(v, errors_, path(key) + ".");
  read(nested);
}

void JsonReader::only(std::initializer_list<std::string_view> allowed,
                      std::initializer_list<std::string_view> read_only) {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    const std::string& key = it.key();
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (ok) continue;
    bool ro = false;
    for (auto r : read_only) ro = ro || r == key;
    errors_.add(path(key), ro ? "is read-only" : "is not a known field");
  }
}

Result<json> parse_json_object(std::string_view body) {
  // nlohmann reports the error position only through its exception; it is
  // caught here, at the boundary, and becomes a value.
  json parsed;
  try {
    parsed = json::parse(body.begin(), body.end());
  } catch (const json::parse_error& e) {
    return std::unexpected(Error::invalid("the body is not valid JSON (at byte " + std::to_string(e.byte) + ")"));
  }
  if (!parsed.is_object()) return std::unexpected(Error::invalid("the body must be a JSON object"));
  return parsed;
}

json to_json(const std::optional<Instant>& instant) {
  return instant ? json(format_rfc3339(*instant)) : json(nullptr);
}

json to_json(const Address& a) {
  return {{"line1", a.line1}, {"line2", a.line2},   {"postal_code", a.postal_code},
          {"city", a.city},   {"region", a.region}, {"country", a.country}};
}

namespace {

void read_address(JsonReader& r, Address& a) {
  r.only({"line1", "line2", "postal_code", "city", "region", "country"});
  r.text("line1", a.line1);
  r.text("line2", a.line2);
  r.text("postal_code", a.postal_code);
  r.text("city", a.city);
  r.text("region", a.region);
  r.text("country", a.country);
}

json id_or_null(int64_t id) { return id > 0 ? json(id) : json(nullptr); }

}  // namespace

json to_json(const Client& c) {
  return {{"id", c.id.value()},
          {"name", c.name},
          {"reference", c.reference},
          {"currency", std::string(c.currency.code())},
          {"vat_number", c.vat_number},
          {"email", c.email},
          {"phone", c.phone},
          {"website", c.website},
          {"address", to_json(c.address)},
          {"notes", c.notes},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)},
          {"archived_at", to_json(c.archived_at)}};
}

Status apply_json(Client& c, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "reference", "currency", "vat_number", "email", "phone", "website", "address", "notes"},
         {"id", "created_at", "updated_at", "archived_at"});
  r.text("name", c.name);
  r.text("reference", c.reference);
  r.currency("currency", c.currency);
  r.text("vat_number", c.vat_number);
  r.text("email", c.email);
  r.text("phone", c.phone);
  r.text("website", c.website);
  r.object("address", [&](JsonReader& a) { read_address(a, c.address); });
  r.text("notes", c.notes);
  TEND_CHECK(std::move(errors).status());
  return validate(c);
}

json to_json(const Site& s) {
  return {{"id", s.id.value()},
          {"client_id", s.client_id.value()},
          {"name", s.name},
          {"address", to_json(s.address)},
          {"time_zone", s.time_zone},
          {"notes", s.notes},
          {"created_at", format_rfc3339(s.created_at)},
          {"updated_at", format_rfc3339(s.updated_at)},
          {"archived_at", to_json(s.archived_at)}};
}

Status apply_json(Site& s, const json& body, bool creating) {
  FieldErrors errors;
  JsonReader r(body, errors);
  if (creating) {
    r.only({"client_id", "name", "address", "time_zone", "notes"}, {"id", "created_at", "updated_at", "archived_at"});
    r.id("client_id", s.client_id);
  } else {
    r.only({"name", "address", "time_zone", "notes"}, {"id", "client_id", "created_at", "updated_at", "archived_at"});
  }
  r.text("name", s.name);
  r.object("address", [&](JsonReader& a) { read_address(a, s.address); });
  r.text("time_zone", s.time_zone);
  r.text("notes", s.notes);
  TEND_CHECK(std::move(errors).status());
  return validate(s);
}

json to_json(const Contact& c) {
  return {{"id", c.id.value()},
          {"client_id", c.client_id.value()},
          {"site_id", id_or_null(c.site_id.value())},
          {"name", c.name},
          {"email", c.email},
          {"phone", c.phone},
          {"title", c.title},
          {"is_primary", c.is_primary},
          {"notes", c.notes},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)},
          {"archived_at", to_json(c.archived_at)}};
}

Status apply_json(Contact& c, const json& body, bool creating) {
  FieldErrors errors;
  JsonReader r(body, errors);
  if (creating) {
    r.only({"client_id", "site_id", "name", "email", "phone", "title", "is_primary", "notes"},
           {"id", "created_at", "updated_at", "archived_at"});
    r.id("client_id", c.client_id);
  } else {
    r.only({"site_id", "name", "email", "phone", "title", "is_primary", "notes"},
           {"id", "client_id", "created_at", "updated_at", "archived_at"});
  }
  r.id("site_id", c.site_id);
  r.text("name", c.name);
  r.text("email", c.email);
  r.text("phone", c.phone);
  r.text("title", c.title);
  r.boolean("is_primary", c.is_primary);
  r.text("notes", c.notes);
  TEND_CHECK(std::move(errors).status());
  return validate(c);
}

json to_json(const User& u) {
  return {{"id", u.id.value()},
          {"email", u.email},
          {"name", u.name},
          {"role", std::string(to_string(u.role))},
          {"client_id", id_or_null(u.client_id.value())},
          {"contact_id", id_or_null(u.contact_id.value())},
          {"active", u.active},
          {"created_at", format_rfc3339(u.created_at)},
          {"updated_at", format_rfc3339(u.updated_at)},
          {"last_login_at", to_json(u.last_login_at)}};
}

Status apply_json(User& u, const json& body, std::initializer_list<std::string_view> extra_allowed) {
  FieldErrors errors;
  JsonReader r(body, errors);
  std::vector<std::string_view> allowed = {"email", "name", "role", "client_id", "contact_id", "active"};
  allowed.insert(allowed.end(), extra_allowed.begin(), extra_allowed.end());
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end();
    if (known) continue;
    bool read_only = it.key() == "id" || it.key() == "created_at" || it.key() == "updated_at" ||
                     it.key() == "last_login_at" || it.key() == "password_hash";
    errors.add(it.key(), read_only ? "is read-only" : "is not a known field");
  }
  r.text("email", u.email);
  r.text("name", u.name);
  if (r.has("role")) {
    std::string role;
    r.text("role", role);
    auto parsed = parse_role(role);
    if (!parsed) errors.add("role", parsed.error().fields.at(0).message);
    else u.role = *parsed;
  }
  r.id("client_id", u.client_id);
  r.id("contact_id", u.contact_id);
  r.boolean("active", u.active);
  TEND_CHECK(std::move(errors).status());
  return validate(u);
}

json to_json(const ProviderSettings& p) {
  return {{"name", p.name},
          {"legal_name", p.legal_name},
          {"email", p.email},
          {"phone", p.phone},
          {"website", p.website},
          {"vat_number", p.vat_number},
          {"registration_number", p.registration_number},
          {"address", to_json(p.address)},
          {"currency", std::string(p.currency.code())},
          {"time_zone", p.time_zone},
          {"bank_account", p.bank_account},
          {"bank_bic", p.bank_bic},
          {"payment_terms_days", p.payment_terms_days},
          {"updated_at", format_rfc3339(p.updated_at)}};
}

Status apply_json(ProviderSettings& p, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "legal_name", "email", "phone", "website", "vat_number", "registration_number", "address",
          "currency", "time_zone", "bank_account", "bank_bic", "payment_terms_days"},
         {"updated_at"});
  r.text("name", p.name);
  r.text("legal_name", p.legal_name);
  r.text("email", p.email);
  r.text("phone", p.phone);
  r.text("website", p.website);
  r.text("vat_number", p.vat_number);
  r.text("registration_number", p.registration_number);
  r.object("address", [&](JsonReader& a) { read_address(a, p.address); });
  r.currency("currency", p.currency);
  r.text("time_zone", p.time_zone);
  r.text("bank_account", p.bank_account);
  r.text("bank_bic", p.bank_bic);
  r.integer("payment_terms_days", p.payment_terms_days);
  TEND_CHECK(std::move(errors).status());
  return validate(p);
}

}  // namespace tend
