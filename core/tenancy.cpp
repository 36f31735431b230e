#include "core/tenancy.h"

#include "core/validation.h"

namespace tend {
namespace {

void check(FieldErrors& errors, const std::string& field, const std::string& message) {
  if (!message.empty()) errors.add(field, message);
}

void check_address(FieldErrors& errors, const Address& a) {
  check(errors, "address.line1", check_optional_text(a.line1, 200));
  check(errors, "address.line2", check_optional_text(a.line2, 200));
  check(errors, "address.postal_code", check_optional_text(a.postal_code, 20));
  check(errors, "address.city", check_optional_text(a.city, 100));
  check(errors, "address.region", check_optional_text(a.region, 100));
  check(errors, "address.country", check_country(a.country));
}

}  // namespace

Status validate(const Client& c) {
  FieldErrors errors;
  check(errors, "name", check_required_text(c.name, 200));
  check(errors, "reference", check_optional_text(c.reference, 50));
  check(errors, "vat_number", check_optional_text(c.vat_number, 30));
  if (!c.email.empty()) check(errors, "email", check_email(c.email));
  check(errors, "phone", check_optional_text(c.phone, 50));
  check(errors, "website", check_optional_text(c.website, 200));
  check(errors, "notes", check_optional_text(c.notes, 10000));
  check_address(errors, c.address);
  return std::move(errors).status();
}

Status validate(const Site& s) {
  FieldErrors errors;
  if (!s.client_id.valid()) errors.add("client_id", "is required");
  check(errors, "name", check_required_text(s.name, 200));
  check(errors, "time_zone", check_time_zone(s.time_zone));
  check(errors, "notes", check_optional_text(s.notes, 10000));
  check_address(errors, s.address);
  return std::move(errors).status();
}

Status validate(const Contact& c) {
  FieldErrors errors;
  if (!c.client_id.valid()) errors.add("client_id", "is required");
  check(errors, "name", check_required_text(c.name, 200));
  if (!c.email.empty()) check(errors, "email", check_email(c.email));
  check(errors, "phone", check_optional_text(c.phone, 50));
  check(errors, "title", check_optional_text(c.title, 100));
  check(errors, "notes", check_optional_text(c.notes, 10000));
  return std::move(errors).status();
}

}  // namespace tend
