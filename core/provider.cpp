#include "core/provider.h"

#include "core/validation.h"

namespace tend {

Status validate(const ProviderSettings& p) {
  FieldErrors errors;
  auto check = [&](const char* field, const std::string& message) {
    if (!message.empty()) errors.add(field, message);
  };
  check("name", check_required_text(p.name, 200));
  check("legal_name", check_optional_text(p.legal_name, 200));
  if (!p.email.empty()) check("email", check_email(p.email));
  check("phone", check_optional_text(p.phone, 50));
  check("website", check_optional_text(p.website, 200));
  check("vat_number", check_optional_text(p.vat_number, 30));
  check("registration_number", check_optional_text(p.registration_number, 30));
  check("address.country", check_country(p.address.country));
  check("address.line1", check_optional_text(p.address.line1, 200));
  check("address.city", check_optional_text(p.address.city, 100));
  check("time_zone", check_time_zone(p.time_zone));
  check("bank_account", check_optional_text(p.bank_account, 34));
  check("bank_bic", check_optional_text(p.bank_bic, 11));
  if (p.payment_terms_days < 0 || p.payment_terms_days > 365) {
    errors.add("payment_terms_days", "must be between 0 and 365");
  }
  return std::move(errors).status();
}

}  // namespace tend
