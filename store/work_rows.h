// Row helpers shared by store/work_repository.cpp and
// store/contract_repository.cpp: reading stored money, dates and decimals.
// Internal to store/. A stored value that does not parse is an internal
// error (the database was changed behind Tend's back).
#pragma once

#include <optional>
#include <string>

#include "core/money.h"
#include "core/time.h"
#include "core/work.h"
#include "store/sql.h"

namespace tend::store {

inline std::optional<Instant> read_opt_instant(const Rows& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return from_unix_ms(r.i64(column));
}

inline std::optional<int64_t> opt_ms(const std::optional<Instant>& t) {
  return t ? std::optional<int64_t>(to_unix_ms(*t)) : std::nullopt;
}

inline Status require_changed(int64_t changed, const char* what) {
  if (changed == 0) return std::unexpected(Error::not_found(std::string(what) + " not found"));
  return {};
}

template <class T>
Result<T> stored(Result<T> parsed, const char* what) {
  if (!parsed) return std::unexpected(Error::internal(std::string("stored ") + what + " is unknown"));
  return parsed;
}

inline Result<Currency> stored_currency(const std::string& code) {
  return stored(Currency::parse(code), "currency");
}

inline Result<Money> read_money(const Rows& r, int amount_column, int currency_column) {
  Currency currency = TEND_TRY(stored_currency(r.text(currency_column)));
  return Money(currency, r.i64(amount_column));
}

inline Result<Rational> stored_decimal(const std::string& text) {
  return stored(Rational::parse_decimal(text), "decimal");
}

inline Result<CivilDate> stored_date(const std::string& text) { return stored(parse_civil_date(text), "date"); }

inline std::optional<std::string> opt_date(const std::optional<CivilDate>& d) {
  return d ? std::optional<std::string>(format_civil_date(*d)) : std::nullopt;
}

}  // namespace tend::store
