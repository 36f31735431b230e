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
  if (!p.bank_account.empty()) check("bank_account", check_iban(p.bank_account));
  if (!p.bank_bic.empty()) check("bank_bic", check_bic(p.bank_bic));
  check("bank_account_holder", check_optional_text(p.bank_account_holder, 70));
  if (p.payment_terms_days < 0 || p.payment_terms_days > 365) {
    errors.add("payment_terms_days", "must be between 0 and 365");
  }
  return std::move(errors).status();
}

std::string check_iban(std::string_view iban) {
  std::string compact;
  for (char c : iban) {
    if (c != ' ') compact += c;
  }
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (compact.size() < 15 || compact.size() > 34) return "must be an IBAN of 15 to 34 characters";
  if (!upper(compact[0]) || !upper(compact[1]) || !digit(compact[2]) || !digit(compact[3])) {
    return "must be an IBAN: a country code and two check digits, e.g. NL91ABNA0417164300";
  }
  int remainder = 0;
  const std::string rotated = compact.substr(4) + compact.substr(0, 4);
  for (char c : rotated) {
    if (digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (upper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return "must be an IBAN of upper-case letters and digits";
    }
  }
  return remainder == 1 ? "" : "is not a valid IBAN (the check digits do not match)";
}

std::string check_bic(std::string_view bic) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto alnum = [&](char c) { return upper(c) || (c >= '0' && c <= '9'); };
  if (bic.size() != 8 && bic.size() != 11) return "must be a BIC of 8 or 11 characters, e.g. ABNANL2A";
  for (size_t i = 0; i < bic.size(); ++i) {
    if (i < 6 ? !upper(bic[i]) : !alnum(bic[i]))
      return "must be a BIC of upper-case letters and digits, e.g. ABNANL2A";
  }
  return "";
}

}  // namespace tend
