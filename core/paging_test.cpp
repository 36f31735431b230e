#include "core/paging.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(Base64Url, RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\x00\xff\x1f", 3)}) {
    EXPECT_EQ(*base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_FALSE(base64url_decode("a").has_value());
  EXPECT_FALSE(base64url_decode("ab+/").has_value());
}

TEST(Cursor, RoundTripsAndRejectsForgeries) {
  Cursor c{"-name", "bakker de wit", 42};
  auto decoded = decode_cursor(encode_cursor(c));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->sort, "-name");
  EXPECT_EQ(decoded->key, "bakker de wit");
  EXPECT_EQ(decoded->id, 42);
  EXPECT_FALSE(decode_cursor("garbage!").has_value());
  EXPECT_FALSE(decode_cursor(base64url_encode("2\x1fname\x1fx\x1f" "1")).has_value());
  EXPECT_FALSE(decode_cursor(base64url_encode("1\x1fname\x1fx\x1f-5")).has_value());
}

TEST(PageRequest, ValidatesEveryField) {
  auto ok = make_page_request(10, "-name", "", {"name", "created_at"}, "name");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->descending());
  EXPECT_EQ(ok->sort_field(), "name");

  auto bad = make_page_request(0, "colour", "nonsense", {"name"}, "name");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().fields.size(), 3u);

  // A cursor from another sort is refused.
  std::string cursor = encode_cursor({"name", "x", 1});
  EXPECT_FALSE(make_page_request(10, "-name", cursor, {"name"}, "name").has_value());
  EXPECT_TRUE(make_page_request(10, "name", cursor, {"name"}, "name").has_value());
}

}  // namespace
}  // namespace tend
