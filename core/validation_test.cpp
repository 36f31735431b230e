#include "core/validation.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(Validation, Text) {
  EXPECT_EQ(check_required_text("  ", 10), "is required");
  EXPECT_TRUE(check_required_text("Bakkerij Jansen", 200).empty());
  EXPECT_FALSE(check_required_text("abcdef", 5).empty());
  EXPECT_TRUE(check_required_text("Müller", 6).empty());  // counts code points, not bytes
  EXPECT_FALSE(check_optional_text("bad\x01", 10).empty());
  EXPECT_FALSE(check_optional_text("\xff\xfe", 10).empty());
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_TRUE(is_valid_utf8("Zoë €"));
}

TEST(Validation, Email) {
  EXPECT_TRUE(check_email("anna@bakkerij.nl").empty());
  for (const char* bad : {"", "anna", "anna@", "@x.nl", "anna@nl", "a b@x.nl", "a@b@c.nl", "anna@x."}) {
    EXPECT_FALSE(check_email(bad).empty()) << bad;
  }
}

TEST(Validation, CountryAndZone) {
  EXPECT_TRUE(check_country("NL").empty());
  EXPECT_TRUE(check_country("").empty());
  EXPECT_FALSE(check_country("nl").empty());
  EXPECT_FALSE(check_country("NLD").empty());
  EXPECT_TRUE(check_time_zone("Europe/Amsterdam").empty());
  EXPECT_TRUE(check_time_zone("America/New_York").empty());
  EXPECT_FALSE(check_time_zone("Europe/Atlantis").empty());
  EXPECT_FALSE(check_time_zone("").empty());
}

TEST(Validation, NameKeyFoldsCaseAndDiacritics) {
  EXPECT_EQ(name_key("  Bakkerij Jansen "), "bakkerij jansen");
  EXPECT_EQ(name_key("Müller & Söhne"), "muller & sohne");
  EXPECT_EQ(name_key("Straße"), "strasse");
  EXPECT_EQ(name_key("ÉCOLE"), "ecole");
}

}  // namespace
}  // namespace tend
