// Use cases for users (staff and portal) and the provider's settings, and
// the initialisation of a new installation.
#pragma once

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "core/paging.h"
#include "core/provider.h"
#include "core/users.h"
#include "store/identity_repository.h"

namespace tend {

// Thread-safe.
class UserService {
 public:
  explicit UserService(AppContext context) : context_(context) {}

  // Creates a user from {email, name, role, client_id?, contact_id?, password}.
  // A portal user's client must exist; its contact, when given, must belong
  // to that client. conflict-free: a taken e-mail is a field error.
  Result<User> create_user(const Principal& caller, const nlohmann::json& body);
  Result<User> get_user(const Principal& caller, UserId id);
  // Applies {email, name, role, client_id, contact_id, active, password}.
  // The last active admin cannot be demoted or deactivated. A new password
  // or deactivation revokes the user's sessions.
  Result<User> update_user(const Principal& caller, UserId id, const nlohmann::json& body);
  Result<Page<User>> list_users(const Principal& caller, store::UserFilter filter, const PageRequest& page);
  // The caller's own record.
  Result<User> me(const Principal& caller);
  // Changes the caller's own password after checking the current one;
  // revokes every other session.
  Status change_own_password(const Principal& caller, std::string_view current, std::string_view replacement);

 private:
  AppContext context_;
};

// Provider settings: any staff member may read them, admins change them.
class ProviderService {
 public:
  explicit ProviderService(AppContext context) : context_(context) {}
  Result<ProviderSettings> get();
  Result<ProviderSettings> update(const Principal& caller, const nlohmann::json& body);

  // The logo printed on invoice PDFs; not_found when none is set.
  Result<ProviderLogo> logo();
  // Sets or replaces the logo from {"png_base64": "..."} (standard or URL-safe
  // base64, padding and line breaks allowed): invalid_input (field
  // png_base64) unless it is a PNG that app/invoice_pdf.h logo_png_size
  // accepts; invalid_input on any other field. Audited as provider.logo_set.
  Result<ProviderLogo> set_logo(const Principal& caller, const nlohmann::json& body);
  // Removes the logo; not_found when none is set. Audited.
  Status remove_logo(const Principal& caller);

 private:
  AppContext context_;
};

// Initialises an empty installation: stores the provider settings and the
// first admin. conflict when users already exist.
Status initialize_installation(AppContext context, const ProviderSettings& provider, std::string_view admin_email,
                               std::string_view admin_name, std::string_view admin_password);

}  // namespace tend
