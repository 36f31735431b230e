// The JSON shape of domain objects: one codec used by the HTTP API, the CLI
// and the audit trail, so a field has the same name everywhere.
//
// Readers are strict: unknown fields, read-only fields and wrong types are
// field errors (all collected, not just the first), so a typo never passes
// silently. apply_json only changes the fields present in the body, which
// gives PATCH semantics; create = apply_json onto a default object.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/provider.h"
#include "core/tenancy.h"
#include "core/users.h"
#include "wire/json_writer.h"

namespace tend {

// Collects field errors while reading a JSON object. Paths are prefixed for
// nested objects ("address.country").
class JsonReader {
 public:
  JsonReader(const nlohmann::json& object, FieldErrors& errors, std::string prefix = "");

  bool has(std::string_view key) const;
  // Each reader sets `out` when the key is present with the right type and
  // records a field error when the type is wrong. null clears optional values.
  void text(std::string_view key, std::string& out);
  void boolean(std::string_view key, bool& out);
  void integer(std::string_view key, int& out);
  void integer64(std::string_view key, int64_t& out);
  void instant(std::string_view key, std::optional<Instant>& out);
  void currency(std::string_view key, Currency& out);
  template <class Tag>
  void id(std::string_view key, Id<Tag>& out) {
    int64_t v = out.value();
    if (!has(key)) return;
    if (object_.at(std::string(key)).is_null()) {
      out = Id<Tag>();
      return;
    }
    integer64(key, v);
    if (v < 0) errors_.add(path(key), "must be a positive id");
    out = Id<Tag>(v);
  }
  // Reads a nested object with `read`, prefixing its field names.
  void object(std::string_view key, const std::function<void(JsonReader&)>& read);
  // Records an error for every key not in `allowed`, and "is read-only" for
  // keys in `read_only`.
  void only(std::initializer_list<std::string_view> allowed, std::initializer_list<std::string_view> read_only = {});
  std::string path(std::string_view key) const;

 private:
  const nlohmann::json& object_;
  FieldErrors& errors_;
  std::string prefix_;
};

// Parses a request body: invalid_input for malformed JSON (with position) or
// a body that is not a JSON object.
Result<nlohmann::json> parse_json_object(std::string_view body);

// The one definition of each object's JSON shape, streamed without a DOM
// (list responses write thousands of these per second).
void write_json(wire::JsonWriter& w, const Address& address);
void write_json(wire::JsonWriter& w, const Client& client);
void write_json(wire::JsonWriter& w, const Site& site);
void write_json(wire::JsonWriter& w, const Contact& contact);
void write_json(wire::JsonWriter& w, const User& user);  // never includes the password hash
void write_json(wire::JsonWriter& w, const ProviderSettings& provider);
// Writes an instant as RFC 3339, or null.
void write_json(wire::JsonWriter& w, const std::optional<Instant>& instant);

// The same shapes as a DOM, for the audit trail's field diffs (parsed from
// write_json's output, so the two never drift apart).
nlohmann::json to_json(const Address& address);
nlohmann::json to_json(const Client& client);
nlohmann::json to_json(const Site& site);
nlohmann::json to_json(const Contact& contact);
nlohmann::json to_json(const User& user);
nlohmann::json to_json(const ProviderSettings& provider);
// What the logo is, not its bytes: {"width", "height", "bytes", "updated_at"}.
nlohmann::json to_json(const ProviderLogo& logo);
// null for nullopt, else RFC 3339.
nlohmann::json to_json(const std::optional<Instant>& instant);

// Applies the editable fields present in `body` (see file comment) and
// validates the result. `client_id` of sites/contacts is writable only
// when `creating`.
Status apply_json(Client& client, const nlohmann::json& body);
Status apply_json(Site& site, const nlohmann::json& body, bool creating);
Status apply_json(Contact& contact, const nlohmann::json& body, bool creating);
Status apply_json(ProviderSettings& provider, const nlohmann::json& body);
// Users: email, name, role, client_id, contact_id, active. The password is
// handled by the caller (it is hashed, never stored in User as text).
Status apply_json(User& user, const nlohmann::json& body, std::initializer_list<std::string_view> extra_allowed);

}  // namespace tend
