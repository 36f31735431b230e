#include "app/user_service.h"

#include "app/audit.h"
#include "app/crypto.h"
#include "app/invoice_pdf.h"
#include "app/json_codec.h"
#include "core/paging.h"
#include "core/validation.h"

namespace tend {
namespace {

using store::Transaction;

// Checks the references of a user: a portal user's client exists, and its
// contact belongs to that client.
Status check_user_references(Transaction& tx, const User& u) {
  if (u.client_id.valid()) {
    auto client = tx.clients().get(u.client_id);
    if (!client) return std::unexpected(Error::invalid_field("client_id", "no such client"));
  }
  if (u.contact_id.valid()) {
    auto contact = tx.contacts().get(u.contact_id);
    if (!contact || contact->client_id != u.client_id) {
      return std::unexpected(Error::invalid_field("contact_id", "no such contact of this client"));
    }
  }
  return {};
}

Result<std::string> read_password(const nlohmann::json& body, bool required, PasswordCost cost) {
  if (!body.contains("password")) {
    if (required) return std::unexpected(Error::invalid_field("password", "is required"));
    return std::string();
  }
  if (!body["password"].is_string()) return std::unexpected(Error::invalid_field("password", "must be a string"));
  std::string password = body["password"].get<std::string>();
  if (auto m = check_password(password); !m.empty()) return std::unexpected(Error::invalid_field("password", m));
  return hash_password(password, cost);
}

Error email_taken() { return Error::invalid_field("email", "another user already has this e-mail address"); }

}  // namespace

Result<User> UserService::create_user(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  User u;
  u.created_at = u.updated_at = now;
  TEND_CHECK(apply_json(u, body, {"password"}));
  u.email = ascii_lower(trimmed(u.email));
  u.password_hash = TEND_TRY(read_password(body, true, context_.config.auth.password_cost));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<User> {
    TEND_CHECK(check_user_references(tx, u));
    auto id = tx.users().insert(u);
    if (!id && id.error().kind == ErrorKind::conflict) return std::unexpected(email_taken());
    u.id = TEND_TRY(std::move(id));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "user.created", "user", u.id.value(), u.client_id, to_json(u))));
    return u;
  });
}

Result<User> UserService::get_user(const Principal&, UserId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.users().get(id); });
}

Result<User> UserService::update_user(const Principal& caller, UserId id, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  std::string new_hash = TEND_TRY(read_password(body, false, context_.config.auth.password_cost));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<User> {
    const User before = TEND_TRY(tx.users().get(id));
    User after = before;
    if (body.contains("role") && !body.contains("client_id") && body["role"] != "portal") {
      after.client_id = ClientId();  // a staff role drops the client binding
      after.contact_id = ContactId();
    }
    TEND_CHECK(apply_json(after, body, {"password"}));
    after.email = ascii_lower(trimmed(after.email));
    TEND_CHECK(check_user_references(tx, after));
    const bool was_admin = before.role == Role::admin && before.active;
    const bool is_admin = after.role == Role::admin && after.active;
    if (was_admin && !is_admin && TEND_TRY(tx.users().count_active_admins()) <= 1) {
      return std::unexpected(Error::conflict("this is the last active admin; make another user admin first"));
    }
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (!new_hash.empty()) {
      after.password_hash = new_hash;
      changes["password"] = "changed";
    }
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.users().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) return std::unexpected(email_taken());
    TEND_CHECK(updated);
    if (!new_hash.empty() || (before.active && !after.active) || before.role != after.role) {
      TEND_CHECK(tx.sessions().revoke_all(id, now));
    }
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "user.updated", "user", id.value(), after.client_id, changes)));
    return after;
  });
}

Result<Page<User>> UserService::list_users(const Principal&, store::UserFilter filter, const PageRequest& page) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.users().list(filter, page); });
}

Result<User> UserService::me(const Principal& caller) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.users().get(caller.user_id); });
}

Status UserService::change_own_password(const Principal& caller, std::string_view current,
                                        std::string_view replacement) {
  const Instant now = context_.clock.now();
  if (auto m = check_password(replacement); !m.empty()) {
    return std::unexpected(Error::invalid_field("new_password", m));
  }
  auto user = TEND_TRY(me(caller));
  if (!verify_password(user.password_hash, current)) {
    return std::unexpected(Error::invalid_field("current_password", "is wrong"));
  }
  std::string hash = TEND_TRY(hash_password(replacement, context_.config.auth.password_cost));
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
    User u = TEND_TRY(tx.users().get(caller.user_id));
    u.password_hash = hash;
    u.updated_at = now;
    TEND_CHECK(tx.users().update(u));
    TEND_CHECK(tx.sessions().revoke_all(u.id, now));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "user.password_changed", "user", u.id.value(), u.client_id)));
    return {};
  });
}

Result<ProviderSettings> ProviderService::get() {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.provider().get(); });
}

Result<ProviderSettings> ProviderService::update(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ProviderSettings> {
    const ProviderSettings before = TEND_TRY(tx.provider().get());
    ProviderSettings after = before;
    TEND_CHECK(apply_json(after, body));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    changes.erase("updated_at");
    if (changes.empty()) return before;
    after.updated_at = now;
    TEND_CHECK(tx.provider().put(after));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "provider.updated", "provider", 1, ClientId(), changes)));
    return after;
  });
}

Result<ProviderLogo> ProviderService::logo() {
  auto logo = TEND_TRY(
      store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.provider().logo(); }));
  if (!logo) return std::unexpected(Error::not_found("no logo is set"));
  return std::move(*logo);
}

Result<ProviderLogo> ProviderService::set_logo(const Principal& caller, const nlohmann::json& body) {
  constexpr const char* kField = "png_base64";
  if (!body.is_object() || !body.contains(kField) || !body[kField].is_string()) {
    return std::unexpected(Error::invalid_field(kField, "required: the PNG file in base64"));
  }
  for (const auto& [key, value] : body.items()) {
    if (key != kField) return std::unexpected(Error::invalid_field(key, "unknown field"));
  }
  // Either base64 alphabet, without padding or line breaks, as base64url.
  std::string text;
  for (char c : body[kField].get<std::string>()) {
    if (c == '+') text += '-';
    else if (c == '/') text += '_';
    else if (c != '=' && c != '\n' && c != '\r' && c != ' ') text += c;
  }
  auto png = base64url_decode(text);
  if (!png) return std::unexpected(Error::invalid_field(kField, "not base64 text"));
  ProviderLogo logo;
  std::tie(logo.width, logo.height) = TEND_TRY(logo_png_size(*png, kField));
  logo.png = std::move(*png);
  logo.updated_at = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<ProviderLogo> {
    TEND_CHECK(tx.provider().put_logo(logo));
    TEND_CHECK(tx.audit().append(audit_event(caller, logo.updated_at, "provider.logo_set", "provider", 1, ClientId(),
                                             {{"bytes", static_cast<int64_t>(logo.png.size())},
                                              {"width", logo.width},
                                              {"height", logo.height}})));
    return logo;
  });
}

Status ProviderService::remove_logo(const Principal& caller) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Status {
    TEND_CHECK(tx.provider().remove_logo());
    return tx.audit().append(audit_event(caller, now, "provider.logo_removed", "provider", 1, ClientId(), {}));
  });
}

Status initialize_installation(AppContext context, const ProviderSettings& provider, std::string_view admin_email,
                               std::string_view admin_name, std::string_view admin_password) {
  const Instant now = context.clock.now();
  ProviderSettings settings = provider;
  settings.updated_at = now;
  TEND_CHECK(validate(settings));
  User admin;
  admin.email = ascii_lower(trimmed(admin_email));
  admin.name = std::string(admin_name);
  admin.role = Role::admin;
  admin.created_at = admin.updated_at = now;
  FieldErrors errors;
  if (auto m = check_email(admin.email); !m.empty()) errors.add("admin_email", m);
  if (auto m = check_password(admin_password); !m.empty()) errors.add("admin_password", m);
  TEND_CHECK(std::move(errors).status());
  admin.password_hash = TEND_TRY(hash_password(admin_password, context.config.auth.password_cost));
  return store::in_write_transaction(context.store, [&](Transaction& tx) -> Status {
    auto existing = tx.users().list({}, *make_page_request(1, "name", "", {"name"}, "name"));
    if (existing && !existing->items.empty()) {
      return std::unexpected(Error::conflict("this data directory is already initialised"));
    }
    TEND_CHECK(tx.provider().put(settings));
    admin.id = TEND_TRY(tx.users().insert(admin));
    TEND_CHECK(tx.audit().append(
        audit_event(Principal::local_admin(), now, "installation.initialized", "user", admin.id.value(), ClientId(),
                    {{"admin_email", admin.email}, {"provider", settings.name}})));
    return {};
  });
}

}  // namespace tend
