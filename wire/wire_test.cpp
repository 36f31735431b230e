#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/rmm/checks.h"
#include "wire/agent_json.h"
#include "wire/checkin_decoder.h"
#include "wire/json_writer.h"

namespace tend::wire {
namespace {

using namespace tend::rmm;

CheckinRequest sample_request() {
  CheckinRequest r;
  r.agent_version = "0.1.0";
  r.config_version = 4;
  r.dropped_total = 2;
  r.spooled = 3;
  r.records.push_back({7, 1'790'000'000'000, {{"cpu.pct", 12.5}, {"fs./.used_pct", 41.25}, {"load.1", 0.1}},
                       {{1, CheckState::pass, 12.5, ""}, {2, CheckState::fail, std::nullopt, "port 22: refused \"x\"\n"}},
                       ""});
  r.records.push_back({8, 1'790'000'060'000, {{"mem.used_pct", 1e-7}}, {}, R"({"hostname":"pc-01","packages":[]})"});
  return r;
}

void sort_metrics(CheckinRequest& r) {
  for (auto& rec : r.records) {
    std::sort(rec.metrics.begin(), rec.metrics.end(),
              [](const MetricValue& a, const MetricValue& b) { return a.name < b.name; });
    if (!rec.inventory_json.empty()) rec.inventory_json = nlohmann::json::parse(rec.inventory_json).dump();
  }
}

TEST(Wire, CheckinRoundTripsThroughBothDecoders) {
  CheckinRequest original = sample_request();
  std::string body = encode(original);
  CheckinDecoder decoder;
  std::string copy = body;
  copy.shrink_to_fit();  // no spare capacity: the decoder must add the padding itself
  auto fast = decoder.decode(copy);
  ASSERT_TRUE(fast.has_value()) << fast.error().message;
  auto reference = decode_checkin_request(body);
  ASSERT_TRUE(reference.has_value()) << reference.error().message;
  CheckinRequest expected = original;
  sort_metrics(expected);
  sort_metrics(*fast);
  sort_metrics(*reference);
  EXPECT_EQ(fast->records, expected.records);
  EXPECT_EQ(reference->records, expected.records);
  EXPECT_EQ(fast->agent_version, "0.1.0");
  EXPECT_EQ(fast->config_version, 4);
  EXPECT_EQ(fast->dropped_total, 2);
  EXPECT_EQ(fast->spooled, 3);
}

TEST(Wire, MalformedCheckinsAreInvalidInput) {
  CheckinDecoder decoder;
  for (std::string bad : {std::string("{"), std::string("[]"), std::string(R"({"records":{}})"),
                          std::string(R"({"records":[{"seq":"1"}]})"), std::string(R"({"records":[]} x)"),
                          std::string(R"({"agent_version":1,"records":[]})"),
                          std::string(R"({"records":[{"seq":1,"at":1,"metrics":{"a":"b"}}]})"),
                          std::string(R"({"records":[{"seq":1,"at":1,"checks":[{"id":1,"state":"maybe"}]}]})"),
                          std::string("{\"records\":[], \"agent_version\":\"\xff\"}"), std::string(R"({})")}) {
    auto decoded = decoder.decode(bad);
    EXPECT_FALSE(decoded.has_value()) << bad;
    if (!decoded) {
      EXPECT_EQ(decoded.error().kind, ErrorKind::invalid_input) << bad;
    }
  }
  std::string unknown = R"({"records":[],"future_field":{"a":[1,2]}})";
  EXPECT_TRUE(decoder.decode(unknown).has_value());
}

TEST(Wire, ResponsesAndEnrollmentRoundTrip) {
  AgentConfig config;
  config.version = 3;
  config.interval_seconds = 30;
  config.checks = default_checks();
  config.checks[0].id = 11;
  CheckDefinition script;
  script.id = 12;
  script.kind = CheckKind::script;
  script.name = "backup";
  script.script = "echo \"ok\"\nexit 0";
  config.checks.push_back(script);
  CheckinResponse response{41, 30, config};
  auto decoded = decode_checkin_response(encode(response));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->acked_seq, 41);
  ASSERT_TRUE(decoded->config.has_value());
  EXPECT_EQ(decoded->config->checks, config.checks);
  auto without = decode_checkin_response(encode(CheckinResponse{5, 60, std::nullopt}));
  ASSERT_TRUE(without.has_value());
  EXPECT_FALSE(without->config.has_value());

  EnrollRequest enroll{"tend_enr_abc", "pc-01", "0123abcd", "0.1.0", R"({"os_name":"Debian"})"};
  auto request = decode_enroll_request(encode(enroll));
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->hostname, "pc-01");
  EXPECT_EQ(nlohmann::json::parse(request->inventory_json)["os_name"], "Debian");
  auto reply = decode_enroll_response(encode(EnrollResponse{9, "tend_dev_x", config}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->device_id, 9);
  EXPECT_EQ(reply->config.checks.size(), config.checks.size());
}

TEST(Wire, WriterEscapesAndReplacesInvalidUtf8) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", std::string_view("x\x01y\xffz\"é"));
  w.key("list");
  w.begin_array();
  w.integer(1);
  w.number(0.5);
  w.null();
  w.end_array();
  w.end_object();
  auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["a"], "x\x01y\xEF\xBF\xBDz\"é");
  EXPECT_EQ(parsed["list"].size(), 3u);
}

}  // namespace
}  // namespace tend::wire
