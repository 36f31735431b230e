#include "store/provider_repository.h"

#include "core/paging.h"

namespace tend::store {

Result<ProviderSettings> ProviderRepository::get() {
  auto rows = TEND_TRY(sql_.query(
      "SELECT name, legal_name, email, phone, website, vat_number, registration_number, address_line1, "
      "address_line2, postal_code, city, region, country, currency, time_zone, bank_account, bank_bic, "
      "payment_terms_days, updated_at, bank_account_holder FROM provider WHERE id = 1"));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("provider settings not initialised"));
  const Rows& r = *rows;
  ProviderSettings p;
  p.name = r.text(0);
  p.legal_name = r.text(1);
  p.email = r.text(2);
  p.phone = r.text(3);
  p.website = r.text(4);
  p.vat_number = r.text(5);
  p.registration_number = r.text(6);
  p.address = {r.text(7), r.text(8), r.text(9), r.text(10), r.text(11), r.text(12)};
  auto currency = Currency::parse(r.text(13));
  if (!currency) return std::unexpected(Error::internal("provider has unknown currency"));
  p.currency = *currency;
  p.time_zone = r.text(14);
  p.bank_account = r.text(15);
  p.bank_bic = r.text(16);
  p.payment_terms_days = static_cast<int>(r.i64(17));
  p.updated_at = from_unix_ms(r.i64(18));
  p.bank_account_holder = r.text(19);
  return p;
}

Status ProviderRepository::put(const ProviderSettings& p) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO provider (id, name, legal_name, email, phone, website, vat_number, registration_number, "
      "address_line1, address_line2, postal_code, city, region, country, currency, time_zone, bank_account, "
      "bank_bic, payment_terms_days, updated_at, bank_account_holder) "
      "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, legal_name = excluded.legal_name, "
      "email = excluded.email, phone = excluded.phone, website = excluded.website, "
      "vat_number = excluded.vat_number, registration_number = excluded.registration_number, "
      "address_line1 = excluded.address_line1, address_line2 = excluded.address_line2, "
      "postal_code = excluded.postal_code, city = excluded.city, region = excluded.region, "
      "country = excluded.country, currency = excluded.currency, time_zone = excluded.time_zone, "
      "bank_account = excluded.bank_account, bank_bic = excluded.bank_bic, "
      "payment_terms_days = excluded.payment_terms_days, updated_at = excluded.updated_at, "
      "bank_account_holder = excluded.bank_account_holder",
      p.name, p.legal_name, p.email, p.phone, p.website, p.vat_number, p.registration_number, p.address.line1,
      p.address.line2, p.address.postal_code, p.address.city, p.address.region, p.address.country,
      p.currency.code(), p.time_zone, p.bank_account, p.bank_bic, static_cast<int64_t>(p.payment_terms_days),
      to_unix_ms(p.updated_at), p.bank_account_holder));
  return {};
}

// The PNG is kept as base64url text: the SQL layer binds text, not blobs.
Result<std::optional<ProviderLogo>> ProviderRepository::logo() {
  auto rows = TEND_TRY(sql_.query("SELECT png_base64url, width, height, updated_at FROM provider_logo WHERE id = 1"));
  if (!TEND_TRY(rows->next())) return std::optional<ProviderLogo>();
  ProviderLogo logo;
  auto png = base64url_decode(rows->text(0));
  if (!png) return std::unexpected(Error::internal("the stored logo is not base64url text"));
  logo.png = std::move(*png);
  logo.width = static_cast<int>(rows->i64(1));
  logo.height = static_cast<int>(rows->i64(2));
  logo.updated_at = from_unix_ms(rows->i64(3));
  return std::optional<ProviderLogo>(std::move(logo));
}

Status ProviderRepository::put_logo(const ProviderLogo& logo) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO provider_logo (id, png_base64url, width, height, updated_at) VALUES (1, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET png_base64url = excluded.png_base64url, width = excluded.width, "
      "height = excluded.height, updated_at = excluded.updated_at",
      base64url_encode(logo.png), static_cast<int64_t>(logo.width), static_cast<int64_t>(logo.height),
      to_unix_ms(logo.updated_at)));
  return {};
}

Status ProviderRepository::remove_logo() {
  if (TEND_TRY(sql_.execute("DELETE FROM provider_logo WHERE id = 1")) == 0) {
    return std::unexpected(Error::not_found("no logo is set"));
  }
  return {};
}

}  // namespace tend::store
