// People who sign in: staff of the provider and portal users of a client.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"

namespace tend {

// What a signed-in person may do. Staff roles see every client; a portal
// user sees only the client it belongs to (docs/adr/0005-tenancy.md).
enum class Role { admin, technician, finance, read_only, portal };

// "admin", "technician", "finance", "read_only", "portal".
std::string_view to_string(Role role);
// The inverse of to_string; invalid_input for anything else.
Result<Role> parse_role(std::string_view text);

struct User {
  UserId id;
  std::string email;  // unique, compared case-insensitively (stored lower-case)
  std::string name;
  Role role = Role::read_only;
  ClientId client_id;  // portal users only: the client they belong to
  ContactId contact_id;  // portal users only, optional: the contact they are
  bool active = true;
  std::string password_hash;  // argon2id string; never leaves the server
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> last_login_at;
};

// Checks email, name, role/client consistency (portal needs a client; staff
// must not have one). Passwords are checked by check_password.
Status validate(const User& user);

// A password policy that stops the obviously weak: 10 to 1024 characters.
std::string check_password(std::string_view password);

// Who is calling: resolved from a session or API token on every request.
struct Principal {
  UserId user_id;
  Role role = Role::read_only;
  ClientId client_id;  // set for portal users
  std::string email;
  std::string name;

  bool is_portal() const { return role == Role::portal; }
  // The administrator identity of local CLI commands run on the data
  // directory (audit entries name it "cli").
  static Principal local_admin();
  // True when this principal may see objects of `client`.
  bool can_see_client(ClientId client) const { return !is_portal() || client == client_id; }
};

}  // namespace tend
