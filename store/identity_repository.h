// Repositories for users, login sessions and API tokens. Token secrets are
// never stored: only their hashes (computed in app/).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "core/users.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

struct UserFilter {
  std::string text;  // matches name or e-mail
  std::optional<Role> role;
  ClientId client;
  std::optional<bool> active;
};

inline constexpr std::string_view kUserSorts[] = {"name", "created_at"};

class UserRepository {
 public:
  explicit UserRepository(SqlConnection& connection) : sql_(connection) {}
  // conflict when the e-mail address is taken (case-insensitively).
  Result<UserId> insert(const User& user);
  Result<User> get(UserId id);
  // Looks up by e-mail, case-insensitively; not_found when absent.
  Result<User> find_by_email(std::string_view email);
  // Writes email, name, role, client, contact, active, password hash,
  // updated_at and last_login_at.
  Status update(const User& user);
  Result<Page<User>> list(const UserFilter& filter, const PageRequest& page);
  // Active administrators (the last one may not be demoted or deactivated).
  Result<int64_t> count_active_admins();

 private:
  Sql sql_;
};

// A login session or API token as stored, joined with its user.
struct Credential {
  int64_t id = 0;
  User user;
  Instant created_at;
  std::optional<Instant> expires_at;
};

class SessionRepository {
 public:
  explicit SessionRepository(SqlConnection& connection) : sql_(connection) {}
  Result<SessionId> insert(UserId user, std::string_view token_hash, Instant created_at, Instant expires_at,
                           std::string_view address, std::string_view user_agent);
  // The unrevoked, unexpired session with this hash whose user is active;
  // not_found otherwise.
  Result<Credential> find_active(std::string_view token_hash, Instant now);
  // Marks the session revoked (idempotent).
  Status revoke(std::string_view token_hash, Instant at);
  // Revokes every session of a user (password change, deactivation).
  Status revoke_all(UserId user, Instant at);
  // Deletes sessions that expired before `before`; returns how many.
  Result<int64_t> purge_expired(Instant before);

 private:
  Sql sql_;
};

// An API token as listed to its owner (never the secret).
struct ApiToken {
  ApiTokenId id;
  UserId user_id;
  std::string name;
  std::string prefix;  // the first characters of the secret, to recognise it
  Instant created_at;
  std::optional<Instant> expires_at;
  std::optional<Instant> revoked_at;
};

class ApiTokenRepository {
 public:
  explicit ApiTokenRepository(SqlConnection& connection) : sql_(connection) {}
  Result<ApiTokenId> insert(const ApiToken& token, std::string_view token_hash);
  Result<Credential> find_active(std::string_view token_hash, Instant now);
  Result<ApiToken> get(ApiTokenId id);
  // Every token of a user, newest first (at most 500).
  Result<std::vector<ApiToken>> list_for_user(UserId user);
  // not_found when absent; idempotent when already revoked.
  Status revoke(ApiTokenId id, Instant at);

 private:
  Sql sql_;
};

}  // namespace tend::store
