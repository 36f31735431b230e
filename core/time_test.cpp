#include "core/time.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace tend {
namespace {

TEST(Time, FormatsAndParsesRfc3339) {
  auto t = parse_rfc3339("2026-11-27T10:15:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_rfc3339(*t), "2026-11-27T10:15:00Z");
  EXPECT_EQ(*parse_rfc3339("2026-11-27T11:15:00+01:00"), *t);
  EXPECT_EQ(*parse_rfc3339("2026-11-27T05:15:00-05:00"), *t);
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2026-11-27T10:15:00.25Z")), "2026-11-27T10:15:00.250Z");
}

TEST(Time, RejectsMalformedInstants) {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T10:15:00", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:15:00+1:00",
                          "2026-11-27T10:15:00Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(Time, ParsesDates) {
  EXPECT_EQ(format_date(*parse_date("2026-02-28")), "2026-02-28");
  EXPECT_FALSE(parse_date("2026-02-29").has_value());
  EXPECT_TRUE(parse_date("2028-02-29").has_value());
  EXPECT_FALSE(parse_date("26-02-01").has_value());
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(*parse_rfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(format_rfc3339(clock.now()), "2026-01-01T00:00:00Z");
  clock.advance(std::chrono::minutes(90));
  EXPECT_EQ(format_rfc3339(clock.now()), "2026-01-01T01:30:00Z");
}

}  // namespace
}  // namespace tend
