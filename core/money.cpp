#include "core/money.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace tend {
namespace {

struct KnownCurrency {
  const char* code;
  int digits;
};

// ISO 4217 currencies a service provider may plausibly invoice in.
constexpr KnownCurrency kCurrencies[] = {
    {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2},
    {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"RON", 2}, {"BGN", 2}, {"CAD", 2}, {"AUD", 2},
    {"NZD", 2}, {"ZAR", 2}, {"SGD", 2}, {"HKD", 2}, {"INR", 2}, {"BRL", 2}, {"MXN", 2},
    {"CNY", 2}, {"TRY", 2}, {"ILS", 2}, {"AED", 2}, {"JPY", 0}, {"KRW", 0}, {"ISK", 0},
    {"BHD", 3}, {"KWD", 3}, {"OMR", 3}, {"TND", 3},
};

int64_t checked_add(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) throw std::overflow_error("money amount overflow");
  return out;
}

int64_t pow10(int digits) {
  int64_t v = 1;
  for (int i = 0; i < digits; ++i) v *= 10;
  return v;
}

__int128 abs128(__int128 v) { return v < 0 ? -v : v; }

}  // namespace

Currency::Currency(const char* code, int digits) : minor_digits_(digits) {
  std::memcpy(code_, code, 3);
}

Result<Currency> Currency::parse(std::string_view code) {
  for (const auto& known : kCurrencies) {
    if (code == known.code) return Currency(known.code, known.digits);
  }
  return std::unexpected(Error::invalid("unknown currency '" + std::string(code) +
                                        "': use an ISO 4217 code such as EUR or USD"));
}

Currency Currency::eur() { return Currency("EUR", 2); }

int64_t Currency::minor_per_major() const { return pow10(minor_digits_); }

int64_t divide_round_half_away(__int128 numerator, __int128 denominator) {
  if (denominator == 0) throw std::domain_error("division by zero");
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  __int128 quotient = numerator / denominator;  // truncates toward zero
  __int128 remainder = numerator % denominator;
  if (abs128(remainder) * 2 >= denominator) quotient += numerator < 0 ? -1 : 1;
  if (quotient > INT64_MAX || quotient < INT64_MIN) throw std::overflow_error("money amount overflow");
  return static_cast<int64_t>(quotient);
}

Result<Rational> Rational::parse_decimal(std::string_view text) {
  auto invalid = [&] {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a decimal number"));
  };
  if (text.empty()) return invalid();
  bool negative = false;
  size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  int64_t numerator = 0;
  int64_t denominator = 1;
  bool seen_digit = false;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_point) return invalid();
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return invalid();
    seen_digit = true;
    if (seen_point) {
      if (denominator >= 1'000'000'000) return invalid();
      denominator *= 10;
    }
    if (numerator > (INT64_MAX - 9) / 10) return invalid();
    numerator = numerator * 10 + (c - '0');
  }
  if (!seen_digit) return invalid();
  return Rational{negative ? -numerator : numerator, denominator}.reduced();
}

Rational Rational::reduced() const {
  int64_t g = std::gcd(numerator, denominator);
  if (g == 0) return {0, 1};
  return {numerator / g, denominator / g};
}

std::string Rational::to_string() const {
  Rational r = reduced();
  // Exact decimal when the denominator divides a power of ten <= 10^9.
  for (int digits = 0; digits <= 9; ++digits) {
    int64_t scale = pow10(digits);
    if (scale % r.denominator != 0) continue;
    int64_t scaled = r.numerator * (scale / r.denominator);
    std::string sign = scaled < 0 ? "-" : "";
    uint64_t magnitude = scaled < 0 ? -static_cast<uint64_t>(scaled) : scaled;
    std::string whole = std::to_string(magnitude / scale);
    if (digits == 0) return sign + whole;
    std::string frac = std::to_string(magnitude % scale);
    frac.insert(0, digits - frac.size(), '0');
    return sign + whole + "." + frac;
  }
  return std::to_string(r.numerator) + "/" + std::to_string(r.denominator);
}

bool operator==(const Rational& a, const Rational& b) {
  return static_cast<__int128>(a.numerator) * b.denominator ==
         static_cast<__int128>(b.numerator) * a.denominator;
}

std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
  __int128 left = static_cast<__int128>(a.numerator) * b.denominator;
  __int128 right = static_cast<__int128>(b.numerator) * a.denominator;
  return left < right ? std::strong_ordering::less
                      : (left > right ? std::strong_ordering::greater : std::strong_ordering::equal);
}

Result<Money> Money::parse(Currency currency, std::string_view decimal) {
  auto rational = Rational::parse_decimal(decimal);
  if (!rational) {
    return std::unexpected(Error::invalid("'" + std::string(decimal) + "' is not an amount"));
  }
  __int128 scaled = static_cast<__int128>(rational->numerator) * currency.minor_per_major();
  if (scaled % rational->denominator != 0) {
    return std::unexpected(Error::invalid("'" + std::string(decimal) + "' has more than " +
                                          std::to_string(currency.minor_digits()) +
                                          " decimals for " + std::string(currency.code())));
  }
  __int128 minor = scaled / rational->denominator;
  if (minor > INT64_MAX || minor < INT64_MIN) {
    return std::unexpected(Error::invalid("'" + std::string(decimal) + "' is too large"));
  }
  return Money(currency, static_cast<int64_t>(minor));
}

void Money::require_same_currency(const Money& other) const {
  if (!(currency_ == other.currency_)) {
    throw std::logic_error("money of different currencies: " + std::string(currency_.code()) +
                           " and " + std::string(other.currency_.code()));
  }
}

Money Money::operator+(const Money& other) const {
  require_same_currency(other);
  return Money(currency_, checked_add(minor_, other.minor_));
}

Money Money::operator-(const Money& other) const {
  require_same_currency(other);
  int64_t out;
  if (__builtin_sub_overflow(minor_, other.minor_, &out)) throw std::overflow_error("money amount overflow");
  return Money(currency_, out);
}

Money Money::operator-() const {
  if (minor_ == INT64_MIN) throw std::overflow_error("money amount overflow");
  return Money(currency_, -minor_);
}

Money Money::times(Rational factor) const {
  return Money(currency_, divide_round_half_away(static_cast<__int128>(minor_) * factor.numerator,
                                                 factor.denominator));
}

Result<std::vector<Money>> Money::allocate(std::span<const int64_t> weights) const {
  if (weights.empty()) return std::unexpected(Error::invalid("allocation needs at least one weight"));
  __int128 total_weight = 0;
  for (int64_t w : weights) {
    if (w < 0) return std::unexpected(Error::invalid("allocation weights must not be negative"));
    total_weight += w;
  }
  if (total_weight == 0) return std::unexpected(Error::invalid("allocation weights must not all be zero"));

  // Work on the magnitude; give the sign back at the end so negative amounts
  // split symmetrically.
  const bool negative = minor_ < 0;
  const __int128 magnitude = abs128(minor_);
  std::vector<int64_t> shares(weights.size());
  std::vector<__int128> remainders(weights.size());
  __int128 assigned = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    __int128 product = magnitude * weights[i];
    shares[i] = static_cast<int64_t>(product / total_weight);
    remainders[i] = product % total_weight;
    assigned += shares[i];
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (__int128 left = magnitude - assigned, k = 0; left > 0; --left, ++k) {
    ++shares[order[static_cast<size_t>(k)]];
  }
  std::vector<Money> out;
  out.reserve(shares.size());
  for (int64_t s : shares) out.emplace_back(currency_, negative ? -s : s);
  return out;
}

Result<std::vector<Money>> Money::split_evenly(int parts) const {
  if (parts <= 0) return std::unexpected(Error::invalid("a split needs at least one part"));
  std::vector<int64_t> weights(static_cast<size_t>(parts), 1);
  return allocate(weights);
}

std::string Money::to_decimal() const {
  const int digits = currency_.minor_digits();
  const uint64_t magnitude = minor_ < 0 ? -static_cast<uint64_t>(minor_) : static_cast<uint64_t>(minor_);
  const uint64_t scale = static_cast<uint64_t>(currency_.minor_per_major());
  std::string out = minor_ < 0 ? "-" : "";
  out += std::to_string(magnitude / scale);
  if (digits > 0) {
    std::string frac = std::to_string(magnitude % scale);
    out += '.';
    out.append(static_cast<size_t>(digits) - frac.size(), '0');
    out += frac;
  }
  return out;
}

std::string Money::to_string() const { return std::string(currency_.code()) + " " + to_decimal(); }

std::strong_ordering operator<=>(const Money& a, const Money& b) {
  a.require_same_currency(b);
  return a.minor_ <=> b.minor_;
}

}  // namespace tend
