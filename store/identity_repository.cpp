#include "store/identity_repository.h"

#include "core/validation.h"

namespace tend::store {
namespace {

constexpr const char* kUserColumns =
    "id, email, name, role, client_id, contact_id, active, password_hash, created_at, updated_at, "
    "last_login_at";

// Reads the user columns starting at `first`.
Result<User> read_user(const Rows& r, int first) {
  User u;
  u.id = UserId(r.i64(first));
  u.email = r.text(first + 1);
  u.name = r.text(first + 2);
  auto role = parse_role(r.text(first + 3));
  if (!role) return std::unexpected(Error::internal("stored user has unknown role"));
  u.role = *role;
  u.client_id = ClientId(r.opt_i64(first + 4).value_or(0));
  u.contact_id = ContactId(r.opt_i64(first + 5).value_or(0));
  u.active = r.i64(first + 6) != 0;
  u.password_hash = r.text(first + 7);
  u.created_at = from_unix_ms(r.i64(first + 8));
  u.updated_at = from_unix_ms(r.i64(first + 9));
  if (!r.is_null(first + 10)) u.last_login_at = from_unix_ms(r.i64(first + 10));
  return u;
}

std::optional<int64_t> opt_ms(const std::optional<Instant>& t) {
  return t ? std::optional<int64_t>(to_unix_ms(*t)) : std::nullopt;
}

Result<Credential> read_credential(std::unique_ptr<Rows> rows) {
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("credential not found"));
  Credential c;
  c.id = rows->i64(0);
  c.created_at = from_unix_ms(rows->i64(1));
  if (!rows->is_null(2)) c.expires_at = from_unix_ms(rows->i64(2));
  c.user = TEND_TRY(read_user(*rows, 3));
  return c;
}

}  // namespace

// ---- users -----------------------------------------------------------------

Result<UserId> UserRepository::insert(const User& u) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO users (email, name, name_key, role, client_id, contact_id, active, password_hash, "
      "created_at, updated_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      ascii_lower(u.email), u.name, name_key(u.name), to_string(u.role), u.client_id, u.contact_id, u.active,
      u.password_hash, to_unix_ms(u.created_at), to_unix_ms(u.updated_at), opt_ms(u.last_login_at)));
  return UserId(id);
}

Result<User> UserRepository::get(UserId id) {
  auto rows = TEND_TRY(sql_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("user not found"));
  return read_user(*rows, 0);
}

Result<User> UserRepository::find_by_email(std::string_view email) {
  auto rows = TEND_TRY(
      sql_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?", ascii_lower(email)));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("user not found"));
  return read_user(*rows, 0);
}

Status UserRepository::update(const User& u) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE users SET email = ?, name = ?, name_key = ?, role = ?, client_id = ?, contact_id = ?, active = ?, "
      "password_hash = ?, updated_at = ?, last_login_at = ? WHERE id = ?",
      ascii_lower(u.email), u.name, name_key(u.name), to_string(u.role), u.client_id, u.contact_id, u.active,
      u.password_hash, to_unix_ms(u.updated_at), opt_ms(u.last_login_at), u.id.value()));
  if (changed == 0) return std::unexpected(Error::not_found("user not found"));
  return {};
}

Result<Page<User>> UserRepository::list(const UserFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "name_key", false}, {"created_at", "created_at", true}};
  ListQuery q(std::string("SELECT ") + kUserColumns + " FROM users", "id");
  if (std::string pattern = ListQuery::contains_pattern(filter.text); !pattern.empty()) {
    q.where_texts("(name_key LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", {pattern, pattern});
  }
  if (filter.role) q.where_text("role = ?", to_string(*filter.role));
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  if (filter.active) q.where("active = ?", *filter.active ? 1 : 0);
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<User> items;
  while (TEND_TRY(rows->next())) items.push_back(TEND_TRY(read_user(*rows, 0)));
  return finish_page(std::move(items), page, [&](const User& u) {
    return sort.field == "name" ? name_key(u.name) : std::to_string(to_unix_ms(u.created_at));
  });
}

Result<int64_t> UserRepository::count_active_admins() {
  return sql_.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1");
}

// ---- sessions ----------------------------------------------------------------

Result<SessionId> SessionRepository::insert(UserId user, std::string_view token_hash, Instant created_at,
                                            Instant expires_at, std::string_view address,
                                            std::string_view user_agent) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO sessions (user_id, token_hash, created_at, expires_at, address, user_agent) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      user.value(), token_hash, to_unix_ms(created_at), to_unix_ms(expires_at), address, user_agent));
  return SessionId(id);
}

Result<Credential> SessionRepository::find_active(std::string_view token_hash, Instant now) {
  auto rows = TEND_TRY(sql_.query(
      std::string("SELECT s.id, s.created_at, s.expires_at, ") + "u.id, u.email, u.name, u.role, u.client_id, "
      "u.contact_id, u.active, u.password_hash, u.created_at, u.updated_at, u.last_login_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1",
      token_hash, to_unix_ms(now)));
  return read_credential(std::move(rows));
}

Status SessionRepository::revoke(std::string_view token_hash, Instant at) {
  TEND_CHECK(sql_.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                          to_unix_ms(at), token_hash));
  return {};
}

Status SessionRepository::revoke_all(UserId user, Instant at) {
  TEND_CHECK(sql_.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                          to_unix_ms(at), user.value()));
  return {};
}

Result<int64_t> SessionRepository::purge_expired(Instant before) {
  return sql_.execute("DELETE FROM sessions WHERE expires_at < ?", to_unix_ms(before));
}

// ---- API tokens ---------------------------------------------------------------

namespace {

constexpr const char* kTokenColumns =
    "SELECT id, user_id, name, prefix, created_at, expires_at, revoked_at FROM api_tokens";

ApiToken read_token(const Rows& r) {
  ApiToken t;
  t.id = ApiTokenId(r.i64(0));
  t.user_id = UserId(r.i64(1));
  t.name = r.text(2);
  t.prefix = r.text(3);
  t.created_at = from_unix_ms(r.i64(4));
  if (!r.is_null(5)) t.expires_at = from_unix_ms(r.i64(5));
  if (!r.is_null(6)) t.revoked_at = from_unix_ms(r.i64(6));
  return t;
}

}  // namespace

Result<ApiTokenId> ApiTokenRepository::insert(const ApiToken& t, std::string_view token_hash) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      t.user_id.value(), t.name, token_hash, t.prefix, to_unix_ms(t.created_at), opt_ms(t.expires_at)));
  return ApiTokenId(id);
}

Result<Credential> ApiTokenRepository::find_active(std::string_view token_hash, Instant now) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT t.id, t.created_at, t.expires_at, u.id, u.email, u.name, u.role, u.client_id, u.contact_id, "
      "u.active, u.password_hash, u.created_at, u.updated_at, u.last_login_at "
      "FROM api_tokens t JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) "
      "AND u.active = 1",
      token_hash, to_unix_ms(now)));
  return read_credential(std::move(rows));
}

Result<ApiToken> ApiTokenRepository::get(ApiTokenId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kTokenColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("API token not found"));
  return read_token(*rows);
}

Result<std::vector<ApiToken>> ApiTokenRepository::list_for_user(UserId user) {
  auto rows = TEND_TRY(
      sql_.query(std::string(kTokenColumns) + " WHERE user_id = ? ORDER BY id DESC LIMIT 500", user.value()));
  std::vector<ApiToken> out;
  while (TEND_TRY(rows->next())) out.push_back(read_token(*rows));
  return out;
}

Status ApiTokenRepository::revoke(ApiTokenId id, Instant at) {
  TEND_TRY(get(id));
  TEND_CHECK(sql_.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          to_unix_ms(at), id.value()));
  return {};
}

}  // namespace tend::store
