#include "core/money.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <numeric>

namespace tend {
namespace {

const Currency kEur = Currency::eur();

Money eur(int64_t cents) { return Money(kEur, cents); }

TEST(Currency, ParsesKnownCodesWithTheirMinorDigits) {
  EXPECT_EQ(Currency::parse("EUR")->minor_digits(), 2);
  EXPECT_EQ(Currency::parse("JPY")->minor_digits(), 0);
  EXPECT_EQ(Currency::parse("BHD")->minor_digits(), 3);
  EXPECT_FALSE(Currency::parse("eur").has_value());
  EXPECT_FALSE(Currency::parse("XYZ").has_value());
  EXPECT_EQ(Currency::parse("XYZ").error().kind, ErrorKind::invalid_input);
}

TEST(Money, AddsAndSubtractsSameCurrency) {
  EXPECT_EQ(eur(150) + eur(275), eur(425));
  EXPECT_EQ(eur(150) - eur(275), eur(-125));
  EXPECT_EQ(-eur(5), eur(-5));
}

TEST(Money, RefusesToMixCurrencies) {
  Money usd(*Currency::parse("USD"), 100);
  EXPECT_THROW((void)(eur(1) + usd), std::logic_error);
}

TEST(Money, DetectsOverflow) {
  EXPECT_THROW((void)(eur(INT64_MAX) + eur(1)), std::overflow_error);
}

TEST(Money, MultipliesByRationalRoundingHalfAwayFromZero) {
  // 0.5 cent rounds away from zero.
  EXPECT_EQ(eur(1).times({1, 2}), eur(1));
  EXPECT_EQ(eur(-1).times({1, 2}), eur(-1));
  EXPECT_EQ(eur(3).times({1, 2}), eur(2));    // 1.5 -> 2
  EXPECT_EQ(eur(5).times({1, 4}), eur(1));    // 1.25 -> 1
  EXPECT_EQ(eur(7).times({1, 4}), eur(2));    // 1.75 -> 2
  // 21% VAT on 9.95 = 2.0895 -> 2.09
  EXPECT_EQ(eur(995).times({21, 100}), eur(209));
  // 40 minutes at 95.00/h = 63.333.. -> 63.33
  EXPECT_EQ(eur(9500).times({40, 60}), eur(6333));
  // 16 of 30 days of 450.00 = 240.00
  EXPECT_EQ(eur(45000).times({16, 30}), eur(24000));
}

TEST(Money, ParsesAndFormatsDecimals) {
  EXPECT_EQ(*Money::parse(kEur, "12.50"), eur(1250));
  EXPECT_EQ(*Money::parse(kEur, "-3"), eur(-300));
  EXPECT_EQ(*Money::parse(kEur, "0.05"), eur(5));
  EXPECT_FALSE(Money::parse(kEur, "0.015").has_value());
  EXPECT_FALSE(Money::parse(kEur, "1,50").has_value());
  EXPECT_FALSE(Money::parse(kEur, "").has_value());
  EXPECT_EQ(eur(123456).to_decimal(), "1234.56");
  EXPECT_EQ(eur(-5).to_decimal(), "-0.05");
  EXPECT_EQ(eur(7).to_string(), "EUR 0.07");
  EXPECT_EQ(Money(*Currency::parse("JPY"), 1500).to_decimal(), "1500");
  EXPECT_EQ(Money(*Currency::parse("BHD"), 1500).to_decimal(), "1.500");
}

TEST(Money, AllocatesWithoutLosingACent) {
  auto parts = *eur(100).split_evenly(3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], eur(34));
  EXPECT_EQ(parts[1], eur(33));
  EXPECT_EQ(parts[2], eur(33));

  const int64_t weights[] = {70, 20, 10};
  auto split = *eur(1001).allocate(weights);
  EXPECT_EQ(split[0], eur(701));  // 700.7 has the largest remainder
  EXPECT_EQ(split[1], eur(200));
  EXPECT_EQ(split[2], eur(100));

  auto negative = *eur(-100).split_evenly(3);
  EXPECT_EQ(negative[0], eur(-34));
  EXPECT_EQ(negative[2], eur(-33));
}

TEST(Money, AllocationRejectsBadWeights) {
  const int64_t zeros[] = {0, 0};
  const int64_t negative[] = {1, -1};
  EXPECT_FALSE(eur(100).allocate(zeros).has_value());
  EXPECT_FALSE(eur(100).allocate(negative).has_value());
  EXPECT_FALSE(eur(100).allocate(std::span<const int64_t>()).has_value());
  EXPECT_FALSE(eur(100).split_evenly(0).has_value());
}

TEST(Rational, ParsesDecimals) {
  EXPECT_EQ(*Rational::parse_decimal("1.5"), (Rational{3, 2}));
  EXPECT_EQ(*Rational::parse_decimal("-0.25"), (Rational{-1, 4}));
  EXPECT_EQ(*Rational::parse_decimal("7"), (Rational{7, 1}));
  EXPECT_FALSE(Rational::parse_decimal("1.2.3").has_value());
  EXPECT_FALSE(Rational::parse_decimal(".").has_value());
  EXPECT_FALSE(Rational::parse_decimal("abc").has_value());
  EXPECT_EQ((Rational{3, 2}).to_string(), "1.5");
  EXPECT_EQ((Rational{1, 3}).to_string(), "1/3");
}

// Property tests: allocation always sums to the whole and never differs
// from the exact share by a full minor unit or more.
TEST(MoneyProperties, AllocationSumsExactlyAndIsFair) {
  EXPECT_TRUE(rc::check("allocation sums to the whole", [] {
    const int64_t amount = *rc::gen::inRange<int64_t>(-1'000'000'000'000, 1'000'000'000'000);
    const auto weights = *rc::gen::nonEmpty(
        rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, 1'000'000)));
    RC_PRE(std::accumulate(weights.begin(), weights.end(), int64_t{0}) > 0);
    auto parts = Money(kEur, amount).allocate(weights);
    RC_ASSERT(parts.has_value());
    __int128 sum = 0;
    __int128 total_weight = std::accumulate(weights.begin(), weights.end(), __int128{0});
    for (size_t i = 0; i < parts->size(); ++i) {
      sum += (*parts)[i].minor_units();
      // |part * total_weight - amount * weight| < total_weight  (less than one cent off)
      __int128 diff = static_cast<__int128>((*parts)[i].minor_units()) * total_weight -
                      static_cast<__int128>(amount) * weights[i];
      if (diff < 0) diff = -diff;
      RC_ASSERT(diff < total_weight);
    }
    RC_ASSERT(sum == amount);
  }));
}

TEST(MoneyProperties, RoundingIsHalfAwayFromZeroAndSymmetric) {
  EXPECT_TRUE(rc::check("times(q) of -x is -(times(q) of x)", [] {
    const int64_t amount = *rc::gen::inRange<int64_t>(-1'000'000'000, 1'000'000'000);
    const int64_t numerator = *rc::gen::inRange<int64_t>(-100'000, 100'000);
    const int64_t denominator = *rc::gen::inRange<int64_t>(1, 100'000);
    Money m(kEur, amount);
    RC_ASSERT(m.times({numerator, denominator}) == -(-m).times({numerator, denominator}));
    // The rounded result is within half a unit of the exact value.
    __int128 exact_twice = static_cast<__int128>(amount) * numerator * 2;
    __int128 rounded_twice = static_cast<__int128>(m.times({numerator, denominator}).minor_units()) * 2 * denominator;
    __int128 diff = exact_twice - rounded_twice;
    if (diff < 0) diff = -diff;
    RC_ASSERT(diff <= denominator);
  }));
}

TEST(MoneyProperties, DecimalRoundTrips) {
  EXPECT_TRUE(rc::check("parse(to_decimal(x)) == x", [] {
    const int64_t amount = *rc::gen::arbitrary<int32_t>() * int64_t{1000} + *rc::gen::inRange(0, 1000);
    Money m(kEur, amount);
    auto parsed = Money::parse(kEur, m.to_decimal());
    RC_ASSERT(parsed.has_value());
    RC_ASSERT(*parsed == m);
  }));
}

}  // namespace
}  // namespace tend
