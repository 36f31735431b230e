#include "core/users.h"

#include "core/validation.h"

namespace tend {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::technician: return "technician";
    case Role::finance: return "finance";
    case Role::read_only: return "read_only";
    case Role::portal: return "portal";
  }
  return "read_only";
}

Result<Role> parse_role(std::string_view text) {
  for (Role r : {Role::admin, Role::technician, Role::finance, Role::read_only, Role::portal}) {
    if (text == to_string(r)) return r;
  }
  return std::unexpected(Error::invalid_field(
      "role", "must be one of admin, technician, finance, read_only, portal"));
}

Status validate(const User& u) {
  FieldErrors errors;
  if (auto m = check_email(u.email); !m.empty()) errors.add("email", m);
  if (auto m = check_required_text(u.name, 200); !m.empty()) errors.add("name", m);
  if (u.role == Role::portal && !u.client_id.valid()) {
    errors.add("client_id", "is required for a portal user");
  }
  if (u.role != Role::portal && u.client_id.valid()) {
    errors.add("client_id", "only portal users belong to a client");
  }
  if (u.role != Role::portal && u.contact_id.valid()) {
    errors.add("contact_id", "only portal users are linked to a contact");
  }
  return std::move(errors).status();
}

std::string check_password(std::string_view password) {
  if (password.size() < 10) return "must be at least 10 characters";
  if (password.size() > 1024) return "must be at most 1024 characters";
  return {};
}

Principal Principal::local_admin() {
  Principal p;
  p.role = Role::admin;
  p.email = "cli";
  p.name = "Local administrator (CLI)";
  return p;
}

}  // namespace tend
