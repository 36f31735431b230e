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

// Bank details of the provider, printed on invoices (core/provider.h).
#include "core/provider.h"

namespace tend {
namespace {

TEST(BankDetails, IbansAreCheckedByTheirCheckDigits) {
  EXPECT_EQ(check_iban("NL91ABNA0417164300"), "");
  EXPECT_EQ(check_iban("NL91 ABNA 0417 1643 00"), "");
  EXPECT_EQ(check_iban("DE89370400440532013000"), "");
  EXPECT_NE(check_iban("NL92ABNA0417164300"), "");  // a wrong check digit
  EXPECT_NE(check_iban("nl91abna0417164300"), "");
  EXPECT_NE(check_iban("NL91"), "");
  EXPECT_NE(check_iban("1234ABNA0417164300"), "");
}

TEST(BankDetails, BicsHaveEightOrElevenCharacters) {
  EXPECT_EQ(check_bic("ABNANL2A"), "");
  EXPECT_EQ(check_bic("COBADEFFXXX"), "");
  EXPECT_NE(check_bic("ABNANL2"), "");
  EXPECT_NE(check_bic("abnanl2a"), "");
  EXPECT_NE(check_bic("AB1ANL2A"), "");
}

TEST(BankDetails, ProviderValidationNamesTheBankFields) {
  ProviderSettings p;
  p.name = "Tend Test IT";
  p.address.country = "NL";
  p.bank_account = "NL92ABNA0417164300";
  p.bank_bic = "ABNA";
  p.bank_account_holder = std::string(71, 'x');
  auto status = validate(p);
  ASSERT_FALSE(status.has_value());
  std::string fields;
  for (const auto& f : status.error().fields) fields += f.field + " ";
  EXPECT_EQ(fields, "bank_account bank_bic bank_account_holder ");
}

}  // namespace
}  // namespace tend
