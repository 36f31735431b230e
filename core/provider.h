// The provider: the IT service company that runs this Tend installation.
#pragma once

#include <string>

#include "core/error.h"
#include "core/money.h"
#include "core/tenancy.h"
#include "core/time.h"

namespace tend {

// The provider's own details, printed on invoices and used as defaults
// (currency of new clients, time zone of schedules, payment terms).
struct ProviderSettings {
  std::string name;
  std::string legal_name;
  std::string email;
  std::string phone;
  std::string website;
  std::string vat_number;
  std::string registration_number;  // e.g. the Dutch KvK number
  Address address;
  Currency currency = Currency::eur();
  std::string time_zone = "Europe/Amsterdam";
  std::string bank_account;  // IBAN
  std::string bank_bic;
  int payment_terms_days = 14;
  Instant updated_at;
};

// Field-level validation of the editable fields.
Status validate(const ProviderSettings& settings);

}  // namespace tend
