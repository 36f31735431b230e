// The provider: the IT service company that runs this Tend installation.
#pragma once

#include <string>
#include <string_view>

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
  // Bank details printed on invoices: the IBAN (ISO 13616, check digits
  // verified; spaces allowed), the BIC (8 or 11 characters) and the account
  // holder's name (empty: the legal name, else the name).
  std::string bank_account;
  std::string bank_bic;
  std::string bank_account_holder;
  int payment_terms_days = 14;
  Instant updated_at;
};

// The provider's logo, printed at the top of every invoice PDF: a PNG file
// and its size in pixels (app/invoice_pdf.h checks and measures it).
struct ProviderLogo {
  std::string png;  // the file's bytes
  int width = 0;
  int height = 0;
  Instant updated_at;
};

// Field-level validation of the editable fields: invalid_input with every
// field that is wrong (bank_account fails on a bad IBAN check digit).
Status validate(const ProviderSettings& settings);

// An IBAN's problem ("" when valid): 15-34 characters after removing spaces,
// a country code, two check digits and letters/digits, mod 97 == 1.
std::string check_iban(std::string_view iban);
// A BIC's problem ("" when valid): 4 letters, a 2-letter country, 2 letters
// or digits, and an optional 3-character branch.
std::string check_bic(std::string_view bic);

}  // namespace tend
