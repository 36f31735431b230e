// Sign-in, sessions and API tokens.
//
// Sessions: POST /auth/login exchanges e-mail + password for a bearer token
// (also set as an HttpOnly cookie) valid for `auth.session_hours`; logout
// revokes it. API tokens: long-lived secrets for integrations, created by
// their owner, shown once, stored only as a hash, revocable. Failed logins
// are slowed down per account and per client address (LoginThrottle).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/login_throttle.h"
#include "core/users.h"
#include "store/identity_repository.h"

namespace tend {

struct LoginResult {
  std::string token;  // the secret; returned once
  Instant expires_at;
  User user;
};

struct CreatedApiToken {
  store::ApiToken token;
  std::string secret;  // shown once
};

// Thread-safe.
class AuthService {
 public:
  explicit AuthService(AppContext context);

  // Checks the password and opens a session. Unknown e-mail, wrong password
  // and inactive user all give the same unauthenticated error (no account
  // probing); repeated failures give rate_limited.
  Result<LoginResult> login(std::string_view email, std::string_view password, const std::string& address,
                            std::string_view user_agent);
  // Revokes the session of `token` (idempotent; unknown tokens are ignored).
  Status logout(std::string_view token);
  // Resolves a session token or an API token to the caller; unauthenticated
  // when unknown, expired, revoked or the user is inactive.
  Result<Principal> authenticate(std::string_view token);

  // Creates an API token for the caller. `name` says what it is for.
  Result<CreatedApiToken> create_api_token(const Principal& caller, std::string_view name,
                                           std::optional<Instant> expires_at);
  Result<std::vector<store::ApiToken>> list_api_tokens(const Principal& caller);
  // Revokes one of the caller's tokens (admins may revoke anyone's);
  // not_found for a token the caller may not see.
  Status revoke_api_token(const Principal& caller, ApiTokenId id);

  static constexpr std::string_view kSessionPrefix = "tend_s_";
  static constexpr std::string_view kApiTokenPrefix = "tend_pat_";

 private:
  AppContext context_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against for unknown accounts (equal timing)
};

// The principal a stored user acts as.
Principal principal_of(const User& user);

}  // namespace tend
