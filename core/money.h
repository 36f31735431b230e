// Exact money: an ISO 4217 currency and an integer amount of minor units.
//
// Never a double. Arithmetic between different currencies is a programming
// error (std::logic_error); overflow of 64 bits is std::overflow_error. The
// one rounding rule is "half away from zero" (commercial rounding: 0.5 cent
// rounds up for positive amounts, down for negative ones), applied whenever a
// rational multiplication does not land on a whole minor unit.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tend {

// An ISO 4217 currency known to Tend, with its number of minor digits
// (EUR 2, JPY 0, BHD 3). Cheap to copy; value semantics.
class Currency {
 public:
  // Looks up an upper-case ISO code. Unknown codes are invalid_input.
  static Result<Currency> parse(std::string_view code);
  // The euro; the default currency of a new provider.
  static Currency eur();

  std::string_view code() const { return {code_, 3}; }
  int minor_digits() const { return minor_digits_; }
  // 10^minor_digits: the number of minor units in one major unit.
  int64_t minor_per_major() const;

  friend bool operator==(const Currency& a, const Currency& b) {
    return a.code() == b.code();
  }

 private:
  Currency(const char* code, int digits);
  char code_[3];
  int minor_digits_;
};

// A non-negative-denominator fraction used as a multiplier: quantities (1.5
// hours, 3 parts), proration (16/30 of a month), tax rates (21/100).
struct Rational {
  int64_t numerator = 0;
  int64_t denominator = 1;  // always > 0

  // Parses a plain decimal ("3", "1.25", "-0.5"; at most 9 fraction digits).
  static Result<Rational> parse_decimal(std::string_view text);
  // Reduces to lowest terms. Requires denominator > 0.
  Rational reduced() const;
  // Renders as a decimal when exact with <= 9 fraction digits, else "n/d".
  std::string to_string() const;

  friend bool operator==(const Rational& a, const Rational& b);
  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);
};

// Divides and rounds half away from zero. Requires denominator != 0; throws
// std::overflow_error when the result does not fit in 64 bits.
int64_t divide_round_half_away(__int128 numerator, __int128 denominator);

// An amount of one currency in minor units.
class Money {
 public:
  Money(Currency currency, int64_t minor_units) : currency_(currency), minor_(minor_units) {}
  static Money zero(Currency currency) { return Money(currency, 0); }
  // Parses a decimal amount in major units ("12.50", "-3", "0.015" is
  // invalid_input for EUR because it has more digits than the currency).
  static Result<Money> parse(Currency currency, std::string_view decimal);

  Currency currency() const { return currency_; }
  int64_t minor_units() const { return minor_; }
  bool is_zero() const { return minor_ == 0; }
  bool is_negative() const { return minor_ < 0; }

  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;
  Money operator-() const;
  Money& operator+=(const Money& other) { return *this = *this + other; }
  Money& operator-=(const Money& other) { return *this = *this - other; }

  // This amount times `factor`, rounded half away from zero to a minor unit.
  Money times(Rational factor) const;

  // Splits this amount in proportion to `weights` (each >= 0, at least one
  // > 0). The parts always sum to exactly this amount: shares are truncated,
  // then the leftover minor units go one each to the largest remainders
  // (earlier index first on ties). invalid_input on bad weights.
  Result<std::vector<Money>> allocate(std::span<const int64_t> weights) const;
  // Splits into `parts` (> 0) near-equal amounts that sum exactly.
  Result<std::vector<Money>> split_evenly(int parts) const;

  // "1234.50" (major units, exactly minor_digits fraction digits).
  std::string to_decimal() const;
  // "EUR 1234.50".
  std::string to_string() const;

  friend bool operator==(const Money& a, const Money& b) = default;
  // Ordering compares amounts; comparing different currencies throws.
  friend std::strong_ordering operator<=>(const Money& a, const Money& b);

 private:
  void require_same_currency(const Money& other) const;
  Currency currency_;
  int64_t minor_;
};

}  // namespace tend
