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


}  // namespace

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

Status apply_json(ProviderSettings& p, const json& body) {
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"name", "legal_name", "email", "phone", "website", "vat_number", "registration_number", "address",
          "currency", "time_zone", "bank_account", "bank_bic", "bank_account_holder", "payment_terms_days"},
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
  r.text("bank_account_holder", p.bank_account_holder);
  r.integer("payment_terms_days", p.payment_terms_days);
  TEND_CHECK(std::move(errors).status());
  return validate(p);
}

// ---- writers -------------------------------------------------------------------

namespace {

void id_or_null(wire::JsonWriter& w, std::string_view key, int64_t id) {
  w.key(key);
  if (id > 0) w.integer(id);
  else w.null();
}

// An instant as a JSON string, formatted in place (digits and punctuation:
// nothing to escape).
void write_instant(wire::JsonWriter& w, Instant t) {
  char text[kRfc3339MaxLength + 2];
  text[0] = '"';
  size_t n = format_rfc3339_to(t, text + 1);
  text[n + 1] = '"';
  w.raw(std::string_view(text, n + 2));
}

void instant_field(wire::JsonWriter& w, std::string_view key, Instant t) {
  w.key(key);
  write_instant(w, t);
}

template <class T>
json dom_of(const T& value) {
  std::string text;
  wire::JsonWriter w(text);
  write_json(w, value);
  return json::parse(text);
}

}  // namespace

void write_json(wire::JsonWriter& w, const std::optional<Instant>& instant) {
  if (instant) write_instant(w, *instant);
  else w.null();
}

void write_json(wire::JsonWriter& w, const Address& a) {
  w.begin_object();
  w.field("line1", a.line1);
  w.field("line2", a.line2);
  w.field("postal_code", a.postal_code);
  w.field("city", a.city);
  w.field("region", a.region);
  w.field("country", a.country);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const Client& c) {
  w.begin_object();
  w.field("id", c.id.value());
  w.field("name", c.name);
  w.field("reference", c.reference);
  w.field("currency", c.currency.code());
  w.field("vat_number", c.vat_number);
  w.field("email", c.email);
  w.field("phone", c.phone);
  w.field("website", c.website);
  w.key("address");
  write_json(w, c.address);
  w.field("notes", c.notes);
  instant_field(w, "created_at", c.created_at);
  instant_field(w, "updated_at", c.updated_at);
  w.key("archived_at");
  write_json(w, c.archived_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const Site& s) {
  w.begin_object();
  w.field("id", s.id.value());
  w.field("client_id", s.client_id.value());
  w.field("name", s.name);
  w.key("address");
  write_json(w, s.address);
  w.field("time_zone", s.time_zone);
  w.field("notes", s.notes);
  instant_field(w, "created_at", s.created_at);
  instant_field(w, "updated_at", s.updated_at);
  w.key("archived_at");
  write_json(w, s.archived_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const Contact& c) {
  w.begin_object();
  w.field("id", c.id.value());
  w.field("client_id", c.client_id.value());
  id_or_null(w, "site_id", c.site_id.value());
  w.field("name", c.name);
  w.field("email", c.email);
  w.field("phone", c.phone);
  w.field("title", c.title);
  w.field("is_primary", c.is_primary);
  w.field("notes", c.notes);
  instant_field(w, "created_at", c.created_at);
  instant_field(w, "updated_at", c.updated_at);
  w.key("archived_at");
  write_json(w, c.archived_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const User& u) {
  w.begin_object();
  w.field("id", u.id.value());
  w.field("email", u.email);
  w.field("name", u.name);
  w.field("role", to_string(u.role));
  id_or_null(w, "client_id", u.client_id.value());
  id_or_null(w, "contact_id", u.contact_id.value());
  w.field("active", u.active);
  instant_field(w, "created_at", u.created_at);
  instant_field(w, "updated_at", u.updated_at);
  w.key("last_login_at");
  write_json(w, u.last_login_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ProviderSettings& p) {
  w.begin_object();
  w.field("name", p.name);
  w.field("legal_name", p.legal_name);
  w.field("email", p.email);
  w.field("phone", p.phone);
  w.field("website", p.website);
  w.field("vat_number", p.vat_number);
  w.field("registration_number", p.registration_number);
  w.key("address");
  write_json(w, p.address);
  w.field("currency", p.currency.code());
  w.field("time_zone", p.time_zone);
  w.field("bank_account", p.bank_account);
  w.field("bank_bic", p.bank_bic);
  w.field("bank_account_holder", p.bank_account_holder);
  w.field("payment_terms_days", p.payment_terms_days);
  instant_field(w, "updated_at", p.updated_at);
  w.end_object();
}

json to_json(const Address& a) { return dom_of(a); }
json to_json(const Client& c) { return dom_of(c); }
json to_json(const Site& s) { return dom_of(s); }
json to_json(const Contact& c) { return dom_of(c); }
json to_json(const User& u) { return dom_of(u); }
json to_json(const ProviderSettings& p) { return dom_of(p); }

json to_json(const ProviderLogo& logo) {
  return {{"width", logo.width},
          {"height", logo.height},
          {"bytes", static_cast<int64_t>(logo.png.size())},
          {"updated_at", format_rfc3339(logo.updated_at)}};
}

}  // namespace tend
