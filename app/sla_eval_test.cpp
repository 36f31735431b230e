#include "app/sla_eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tend {
namespace {

using nlohmann::json;

std::filesystem::path golden_dir() { return std::filesystem::path(TEND_SOURCE_DIR) / "tests/golden/sla"; }

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every golden file is a `tend sla eval` input whose cases carry "expect".
TEST(SlaGolden, EveryCaseMatchesItsHandWorkedDueTime) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir())) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u) << "golden files missing in " << golden_dir();
  size_t checked = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto result = evaluate_sla_cases_text(read_text(file));
    ASSERT_TRUE(result.has_value()) << result.error().message;
    json input = json::parse(read_text(file));
    const json& results = (*result)["results"];
    ASSERT_EQ(results.size(), input["cases"].size());
    for (size_t i = 0; i < results.size(); ++i) {
      const json& expected_case = input["cases"][i];
      ASSERT_TRUE(expected_case.contains("expect")) << expected_case["id"];
      EXPECT_EQ(results[i]["id"], expected_case["id"]);
      EXPECT_EQ(results[i]["due"], expected_case["expect"])
          << file.filename().string() << " " << expected_case["id"].get<std::string>() << ": "
          << expected_case.value("why", "");
      ++checked;
    }
  }
  EXPECT_GE(checked, 40u);
}

json office_input() {
  return json::parse(R"({
    "calendars": {"office": {"time_zone": "Europe/Amsterdam",
                             "hours": {"mon": [["09:00", "17:00"]]}}},
    "cases": [{"id": "ok", "calendar": "office", "start": "2026-11-23T08:00:00Z", "minutes": 60}]
  })");
}

TEST(SlaEval, WritesResultsInInputOrder) {
  json input = office_input();
  input["cases"].push_back(
      {{"id", "second"}, {"calendar", nullptr}, {"start", "2026-11-23T08:00:00Z"}, {"minutes", 30}});
  auto result = evaluate_sla_cases(input);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(*result, json::parse(R"({"results": [{"id": "ok", "due": "2026-11-23T09:00:00Z"},
                                                {"id": "second", "due": "2026-11-23T08:30:00Z"}]})"));
}

// Each bad input yields invalid_input, no results, and a message naming the
// case (index and id) and the field.
struct BadCase {
  const char* what;
  const char* key;
  json value;
  const char* field;
  const char* message_part;
};

TEST(SlaEval, NamesCaseAndFieldOfEveryInvalidInput) {
  const BadCase bad[] = {
      {"negative minutes", "minutes", -5, "cases[0].minutes", "cases[0] (id \"ok\").minutes"},
      {"fractional minutes", "minutes", 1.5, "cases[0].minutes", "cases[0] (id \"ok\").minutes"},
      {"huge minutes", "minutes", 1'000'000'000'000LL, "cases[0].minutes", "must be between 0 and"},
      {"bad start", "start", "2026-11-23 08:00", "cases[0].start", "cases[0] (id \"ok\").start"},
      {"impossible start", "start", "2026-02-30T08:00:00Z", "cases[0].start", "not an RFC 3339"},
      {"unknown calendar", "calendar", "nope", "cases[0].calendar", "\"nope\" is not defined"},
      {"calendar not a string", "calendar", 7, "cases[0].calendar", "calendar name or null"},
      {"pauses not a list", "pauses", "x", "cases[0].pauses", "cases[0] (id \"ok\").pauses"},
      {"inverted pause", "pauses",
       json::array({{{"from", "2026-11-23T10:00:00Z"}, {"to", "2026-11-23T09:00:00Z"}}}),
       "cases[0].pauses[0].to", "ends before"},
      {"pause without to", "pauses", json::array({{{"from", "2026-11-23T10:00:00Z"}}}),
       "cases[0].pauses[0].to", "is required"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.what);
    json input = office_input();
    input["cases"][0][b.key] = b.value;
    auto result = evaluate_sla_cases(input);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_input);
    ASSERT_EQ(result.error().fields.size(), 1u) << result.error().message;
    EXPECT_EQ(result.error().fields[0].field, b.field);
    EXPECT_NE(result.error().message.find(b.message_part), std::string::npos) << result.error().message;
  }
}

TEST(SlaEval, ReportsEveryProblemAtOnceAndNamesCasesWithoutIdByIndex) {
  json input = office_input();
  input["cases"].push_back({{"calendar", nullptr}, {"start", "yesterday"}, {"minutes", 1}});
  input["cases"].push_back({{"id", "ok"}, {"start", "2026-11-23T08:00:00Z"}, {"minutes", 1}});
  input["cases"].push_back(42);
  auto result = evaluate_sla_cases(input);
  ASSERT_FALSE(result.has_value());
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"cases[1].id", "cases[1].start", "cases[2].id", "cases[3]"}));
  EXPECT_NE(result.error().message.find("cases[1].start"), std::string::npos);
  EXPECT_NE(result.error().message.find("used by an earlier case"), std::string::npos);
}

TEST(SlaEval, RejectsInvalidCalendarsWithTheirFieldPaths) {
  json input = json::parse(R"({
    "calendars": {"office": {"time_zone": "Europe/Amsterdm",
                             "hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]], "tue": [["9", "10:00"]],
                                       "xyz": [], "wed": [["17:00", "09:00"]], "thu": ["09:00"]},
                             "holidays": ["2026-02-30", 3]}},
    "cases": [{"id": "c", "calendar": "office", "start": "2026-11-23T08:00:00Z", "minutes": 60}]
  })");
  auto result = evaluate_sla_cases(input);
  ASSERT_FALSE(result.has_value());
  std::vector<std::string> fields;
  for (const auto& f : result.error().fields) fields.push_back(f.field);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields,
            (std::vector<std::string>{"calendars.office.holidays[0]", "calendars.office.holidays[1]",
                                      "calendars.office.hours.mon[1]", "calendars.office.hours.thu[0]",
                                      "calendars.office.hours.tue[0]", "calendars.office.hours.wed[0]",
                                      "calendars.office.hours.xyz", "calendars.office.time_zone"}));
}

TEST(SlaEval, RejectsMalformedJsonWithThePosition) {
  auto result = evaluate_sla_cases_text(R"({"cases": [)");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(result.error().message.find("at byte"), std::string::npos) << result.error().message;

  auto not_object = evaluate_sla_cases_text("[1, 2]");
  ASSERT_FALSE(not_object.has_value());
  EXPECT_EQ(not_object.error().kind, ErrorKind::invalid_input);

  auto no_cases = evaluate_sla_cases_text(R"({"calendars": {}})");
  ASSERT_FALSE(no_cases.has_value());
  EXPECT_EQ(no_cases.error().fields.at(0).field, "cases");
}

TEST(SlaEval, EmptyCaseListGivesEmptyResults) {
  auto result = evaluate_sla_cases_text(R"({"cases": []})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, json::parse(R"({"results": []})"));
}

}  // namespace
}  // namespace tend
