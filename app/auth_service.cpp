#include "app/auth_service.h"

#include "app/audit.h"
#include "app/crypto.h"
#include "core/validation.h"

namespace tend {
namespace {

Error bad_credentials() { return Error::unauthenticated("e-mail address or password is wrong"); }

}  // namespace

Principal principal_of(const User& user) {
  Principal p;
  p.user_id = user.id;
  p.role = user.role;
  p.client_id = user.client_id;
  p.email = user.email;
  p.name = user.name;
  return p;
}

AuthService::AuthService(AppContext context)
    : context_(context),
      throttle_(context.config.auth.login_free_failures, context.config.auth.login_free_failures_per_address,
                std::chrono::seconds(context.config.auth.login_max_delay_seconds)) {
  dummy_hash_ = hash_password("not a real password, only for timing", context.config.auth.password_cost)
                    .value_or("");
}

Result<LoginResult> AuthService::login(std::string_view email, std::string_view password, const std::string& address,
                                       std::string_view user_agent) {
  const std::string account = ascii_lower(trimmed(email));
  const Instant now = context_.clock.now();
  TEND_CHECK(throttle_.check(account, address, now));
  if (account.empty() || password.empty()) {
    FieldErrors errors;
    if (account.empty()) errors.add("email", "is required");
    if (password.empty()) errors.add("password", "is required");
    TEND_CHECK(std::move(errors).status());
  }

  auto found = in_read_transaction(context_.store, [&](store::Transaction& tx) {
    return tx.users().find_by_email(account);
  });
  if (!found && found.error().kind != ErrorKind::not_found) return std::unexpected(found.error());
  // Verify even when the account does not exist, so timing does not tell.
  bool password_ok = verify_password(found ? found->password_hash : dummy_hash_, password);
  if (!found || !password_ok || !found->active || found->password_hash.empty()) {
    throttle_.record_failure(account, address, now);
    return std::unexpected(bad_credentials());
  }
  throttle_.record_success(account);

  LoginResult result;
  result.token = random_token(kSessionPrefix);
  result.expires_at = now + std::chrono::hours(context_.config.auth.session_hours);
  result.user = *found;
  TEND_CHECK(in_write_transaction(context_.store, [&](store::Transaction& tx) -> Status {
    TEND_TRY(tx.sessions().insert(found->id, token_hash(result.token), now, result.expires_at, address,
                                  user_agent.substr(0, 300)));
    User user = *found;
    user.last_login_at = now;
    TEND_CHECK(tx.users().update(user));
    TEND_CHECK(tx.audit().append(audit_event(principal_of(user), now, "user.logged_in", "user", user.id.value(),
                                             user.client_id, {{"address", address}})));
    return {};
  }));
  result.user.last_login_at = now;
  return result;
}

Status AuthService::logout(std::string_view token) {
  const Instant now = context_.clock.now();
  return in_write_transaction(context_.store,
                              [&](store::Transaction& tx) { return tx.sessions().revoke(token_hash(token), now); });
}

Result<Principal> AuthService::authenticate(std::string_view token) {
  const Instant now = context_.clock.now();
  const bool is_api_token = token.starts_with(kApiTokenPrefix);
  if (!is_api_token && !token.starts_with(kSessionPrefix)) {
    return std::unexpected(Error::unauthenticated("the token is not a Tend token"));
  }
  auto credential = in_read_transaction(context_.store, [&](store::Transaction& tx) {
    std::string hash = token_hash(token);
    return is_api_token ? tx.api_tokens().find_active(hash, now) : tx.sessions().find_active(hash, now);
  });
  if (!credential) {
    if (credential.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::unauthenticated("the token is unknown, expired or revoked; sign in again"));
    }
    return std::unexpected(credential.error());
  }
  return principal_of(credential->user);
}

Result<CreatedApiToken> AuthService::create_api_token(const Principal& caller, std::string_view name,
                                                      std::optional<Instant> expires_at) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  if (auto m = check_required_text(name, 100); !m.empty()) errors.add("name", m);
  if (expires_at && *expires_at <= now) errors.add("expires_at", "must be in the future");
  TEND_CHECK(std::move(errors).status());
  CreatedApiToken created;
  created.secret = random_token(kApiTokenPrefix);
  created.token.user_id = caller.user_id;
  created.token.name = trimmed(name);
  created.token.prefix = created.secret.substr(0, kApiTokenPrefix.size() + 6);
  created.token.created_at = now;
  created.token.expires_at = expires_at;
  TEND_CHECK(in_write_transaction(context_.store, [&](store::Transaction& tx) -> Status {
    created.token.id = TEND_TRY(tx.api_tokens().insert(created.token, token_hash(created.secret)));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "api_token.created", "api_token", created.token.id.value(),
                                             caller.client_id, {{"name", created.token.name}})));
    return {};
  }));
  return created;
}

Result<std::vector<store::ApiToken>> AuthService::list_api_tokens(const Principal& caller) {
  return in_read_transaction(context_.store,
                             [&](store::Transaction& tx) { return tx.api_tokens().list_for_user(caller.user_id); });
}

Status AuthService::revoke_api_token(const Principal& caller, ApiTokenId id) {
  const Instant now = context_.clock.now();
  return in_write_transaction(context_.store, [&](store::Transaction& tx) -> Status {
    auto token = TEND_TRY(tx.api_tokens().get(id));
    if (token.user_id != caller.user_id && caller.role != Role::admin) {
      return std::unexpected(Error::not_found("API token not found"));
    }
    TEND_CHECK(tx.api_tokens().revoke(id, now));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "api_token.revoked", "api_token", id.value(), caller.client_id, {{"name", token.name}})));
    return {};
  });
}

}  // namespace tend
