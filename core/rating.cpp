#include "core/rating.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace tend {

int64_t group_billable_minutes(int64_t actual_total, RoundingRule rule) {
  if (actual_total <= 0) return 0;
  int64_t minutes = std::max(actual_total, rule.minimum_minutes);
  if (rule.increment_minutes > 1) {
    int64_t remainder = minutes % rule.increment_minutes;
    if (remainder != 0) minutes += rule.increment_minutes - remainder;
  }
  return minutes;
}

std::vector<int64_t> share_minutes(std::span<const int64_t> actual, int64_t total) {
  std::vector<int64_t> out(actual.size(), 0);
  if (actual.empty()) return out;
  int64_t actual_sum = 0;
  for (int64_t a : actual) actual_sum += std::max<int64_t>(a, 0);
  if (actual_sum == 0) {
    out[0] = total;
    return out;
  }
  // Truncated proportional shares, then the leftover minutes one each to the
  // largest remainders (earlier entry first on ties).
  std::vector<int64_t> remainders(actual.size());
  int64_t assigned = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    __int128 product = static_cast<__int128>(std::max<int64_t>(actual[i], 0)) * total;
    out[i] = static_cast<int64_t>(product / actual_sum);
    remainders[i] = static_cast<int64_t>(product % actual_sum);
    assigned += out[i];
  }
  std::vector<size_t> order(actual.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (int64_t left = total - assigned, k = 0; left > 0; --left, ++k) {
    ++out[order[static_cast<size_t>(k) % order.size()]];
  }
  return out;
}

const char* to_string(RateSource source) {
  switch (source) {
    case RateSource::contract: return "contract";
    case RateSource::client: return "client";
    case RateSource::work_type: return "work_type";
    case RateSource::overage: return "overage";
    case RateSource::none: return "none";
  }
  return "none";
}

std::optional<Money> HourlyRate::effective() const {
  if (!base) return std::nullopt;
  return base->times(multiplier);
}

HourlyRate choose_rate(const RateCandidates& c, bool after_hours, Currency currency) {
  HourlyRate rate;
  rate.multiplier = after_hours ? c.after_hours_multiplier : Rational{1, 1};
  if (c.contract_rate && c.contract_rate->currency() == currency) {
    rate.base = c.contract_rate;
    rate.source = RateSource::contract;
    rate.contract = c.contract;
  } else if (c.client_rate && c.client_rate->currency() == currency) {
    rate.base = c.client_rate;
    rate.source = RateSource::client;
  } else if (c.work_type_rate && c.work_type_rate->currency() == currency) {
    rate.base = c.work_type_rate;
    rate.source = RateSource::work_type;
  }
  return rate;
}

Money charge_for_minutes(const Money& hourly, Rational multiplier, int64_t minutes) {
  __int128 numerator = static_cast<__int128>(hourly.minor_units()) * minutes * multiplier.numerator;
  __int128 denominator = static_cast<__int128>(60) * multiplier.denominator;
  return Money(hourly.currency(), divide_round_half_away(numerator, denominator));
}

std::string format_hours(int64_t minutes) {
  const bool negative = minutes < 0;
  int64_t m = negative ? -minutes : minutes;
  std::string out = negative ? "-" : "";
  if (m % 15 == 0) {
    Rational hours{m, 60};
    return out + hours.to_string() + " h";
  }
  if (m < 60) return out + std::to_string(m) + " min";
  return out + std::to_string(m / 60) + " h " + std::to_string(m % 60) + " min";
}

std::string format_money_short(const Money& money) {
  const Currency currency = money.currency();  // code() views into it
  std::string_view code = currency.code();
  std::string amount = money.to_decimal();
  std::string sign;
  if (!amount.empty() && amount[0] == '-') {
    sign = "-";
    amount.erase(0, 1);
  }
  if (code == "EUR") return sign + "\xE2\x82\xAC" + amount;
  if (code == "USD") return sign + "$" + amount;
  if (code == "GBP") return sign + "\xC2\xA3" + amount;
  return sign + std::string(code) + " " + amount;
}

}  // namespace tend
