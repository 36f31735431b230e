#include "core/rmm/checks.h"

#include <gtest/gtest.h>

#include <set>

namespace tend::rmm {
namespace {

TEST(CheckRules, ThresholdsAreInclusiveAndZeroMeansUnset) {
  EXPECT_EQ(evaluate_threshold(84.9, 85, 95), CheckState::pass);
  EXPECT_EQ(evaluate_threshold(85, 85, 95), CheckState::warn);
  EXPECT_EQ(evaluate_threshold(95, 85, 95), CheckState::fail);
  EXPECT_EQ(evaluate_threshold(99, 0, 0), CheckState::pass);
  EXPECT_EQ(evaluate_threshold(99, 0, 98), CheckState::fail);
}

TEST(CheckRules, DefinitionsAreValidatedFieldByField) {
  for (const auto& c : default_checks()) EXPECT_TRUE(validate(c).has_value()) << c.name;
  CheckDefinition bad;
  bad.kind = CheckKind::tcp;
  bad.target = "no-port";
  bad.warn = 50;
  bad.crit = 10;
  bad.timeout_seconds = 0;
  auto status = validate(bad);
  ASSERT_FALSE(status.has_value());
  std::set<std::string> fields;
  for (const auto& f : status.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "target", "warn", "timeout_seconds"}));
  CheckDefinition script;
  script.kind = CheckKind::script;
  script.name = "backup ran";
  EXPECT_FALSE(validate(script).has_value());
  script.script = "test -f /var/backups/ok";
  EXPECT_TRUE(validate(script).has_value());
}

TEST(CheckRules, ClassificationFollowsOsChassisAndDesktop) {
  EXPECT_EQ(classify({23, "Debian GNU/Linux 12", true}), DeviceClass::server);
  EXPECT_EQ(classify({10, "Ubuntu 24.04", false}), DeviceClass::workstation);
  EXPECT_EQ(classify({1, "Debian GNU/Linux 12", false}), DeviceClass::server);
  EXPECT_EQ(classify({1, "Debian GNU/Linux 12", true}), DeviceClass::workstation);
  EXPECT_EQ(classify({3, "Windows Server 2022", false}), DeviceClass::server);
}

TEST(CheckRules, HistoryResolutionFollowsRangeAndRetention) {
  constexpr int64_t kHour = 3600 * 1000;
  Retention r;
  EXPECT_EQ(choose_resolution(kHour, kHour, r), Resolution::raw);
  EXPECT_EQ(choose_resolution(kHour, 8 * 24 * kHour, r), Resolution::five_minutes);
  EXPECT_EQ(choose_resolution(2 * 24 * kHour, 2 * 24 * kHour, r), Resolution::five_minutes);
  EXPECT_EQ(choose_resolution(30 * 24 * kHour, 30 * 24 * kHour, r), Resolution::hourly);
  EXPECT_EQ(choose_resolution(kHour, 100 * 24 * kHour, r), Resolution::hourly);
}

TEST(CheckinValidation, SequencesMustAscendAndNamesBeClean) {
  CheckinRequest ok;
  ok.records.push_back({1, 1000, {{"cpu.pct", 3}}, {}, ""});
  ok.records.push_back({5, 2000, {{"fs./.used_pct", 40}}, {{1, CheckState::pass, 3.0, ""}}, ""});
  EXPECT_TRUE(validate(ok).has_value());
  CheckinRequest bad = ok;
  bad.records[1].seq = 1;
  bad.records[0].metrics[0].name = "cpu pct";
  auto status = validate(bad);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().fields.size(), 2u);
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("a=b"));
  EXPECT_TRUE(valid_metric_name("net.eth0.rx_bytes"));
}

}  // namespace
}  // namespace tend::rmm
