// Use-case tests of the RMM upkeep over a real SQLite store and a manual
// clock: the offline sweep (boundary, the timeline event, back online, list
// filters), rollups into 5-minute and hourly buckets, the resolution a
// history query picks, and retention. Devices enroll with an enrollment
// token and deliver check-ins through IngestService, as the server does.
#include "app/rmm_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <utility>

#include "app/app_test_support.h"
#include "app/agent_directory.h"
#include "app/ingest_service.h"
#include "core/rmm/agent_protocol.h"
#include "store/sqlite/sqlite_store.h"

namespace tend {
namespace {

using nlohmann::json;
using rmm::Resolution;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Instant at(const char* text) { return *parse_rfc3339(text); }

// A device as its agent knows itself: the id, the credential and the last
// sequence number it used.
struct Agent {
  rmm::DeviceId id;
  std::string credential;
  int64_t seq = 0;
};

class RmmServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tend-rmm-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.auth.password_cost = PasswordCost::minimum;
    store_ = ok(store::open_sqlite_store((dir_ / "tend.db").string(), {}, clock_.now()));
    AppContext context{*store_, clock_, config_};
    directory_ = std::make_unique<AgentDirectory>(*store_);
    rmm_ = std::make_unique<RmmService>(context, *directory_);
    ingest_ = std::make_unique<IngestService>(context, *directory_);
    auto tx = ok(store_->write());
    client_ = add_client(tx, "Bakkerij Jansen", "BAK-001");
    site_ = add_site(tx, client_);
    auto committed = tx.commit();
    if (!committed) throw std::runtime_error(describe(committed.error()));
    token_ = ok(rmm_->create_enrollment_token(admin_, site_, std::nullopt, std::nullopt)).secret;
  }

  void TearDown() override {
    ingest_->stop();
    ingest_.reset();
    rmm_.reset();
    directory_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ClientId add_client(store::Transaction& tx, const std::string& name, const std::string& reference) {
    Client c;
    c.name = name;
    c.reference = reference;
    c.created_at = c.updated_at = clock_.now();
    return ok(tx.clients().insert(c));
  }
  SiteId add_site(store::Transaction& tx, ClientId client) {
    Site s;
    s.client_id = client;
    s.name = "Main";
    s.created_at = s.updated_at = clock_.now();
    return ok(tx.sites().insert(s));
  }

  // Enrolls a machine with the site's token, as POST /api/v1/agent/enroll does.
  Agent enroll(const std::string& hostname) {
    rmm::EnrollRequest request;
    request.token = token_;
    request.hostname = hostname;
    request.machine_id = "machine-" + hostname;
    request.agent_version = "test";
    auto outcome = ok(rmm_->enroll(request));
    return {outcome.device.id, outcome.credential, 0};
  }

  // The next record of `agent`, measured at `when`.
  static rmm::AgentRecord record(Agent& agent, Instant when, std::vector<rmm::MetricValue> metrics) {
    rmm::AgentRecord r;
    r.seq = ++agent.seq;
    r.at_ms = to_unix_ms(when);
    r.metrics = std::move(metrics);
    return r;
  }

  // Delivers records as the check-in endpoint does (authenticate the
  // credential, validate, submit to ingestion and wait for the durable ack),
  // received at the clock's now. Expects everything acknowledged.
  void deliver(const Agent& agent, std::vector<rmm::AgentRecord> records) {
    auto identity = ok(directory_->authenticate(agent.credential));
    ASSERT_EQ(identity.device_id, agent.id);
    rmm::CheckinRequest request;
    request.agent_version = "test";
    request.records = std::move(records);
    int64_t last = request.records.empty() ? 0 : request.records.back().seq;
    auto valid = rmm::validate(request);
    ASSERT_TRUE(valid) << describe(valid.error());
    auto response = ingest_->submit_and_wait(identity, std::move(request));
    ASSERT_TRUE(response) << describe(response.error());
    EXPECT_EQ(response->acked_seq, last);
  }

  // A check-in now with one sample measured now.
  void heartbeat(Agent& agent) { deliver(agent, {record(agent, clock_.now(), {{"cpu.pct", 1}})}); }

  // Samples of `metric` every `step` from `first`, the i-th with value i.
  void deliver_series(Agent& agent, const std::string& metric, Instant first, Duration step, int n) {
    std::vector<rmm::AgentRecord> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(record(agent, first + step * i, {{metric, static_cast<double>(i)}}));
      if (batch.size() == rmm::kMaxRecordsPerCheckin) deliver(agent, std::exchange(batch, {}));
    }
    if (!batch.empty()) deliver(agent, std::move(batch));
  }

  int64_t roll_up_all() {
    int64_t total = 0;
    for (;;) {
      int64_t n = ok(rmm_->roll_up(5000));
      if (n == 0) return total;
      total += n;
    }
  }

  rmm::DeviceRow row(const Agent& agent) { return ok(rmm_->get_device(admin_, agent.id)).row; }
  std::vector<rmm::DeviceEvent> events(const Agent& agent, std::string_view kind = "") {
    return ok(rmm_->events(admin_, agent.id, kind, 0, 100));
  }
  std::vector<std::string> hostnames(std::optional<bool> online) {
    store::DeviceFilter filter;
    filter.online = online;
    PageRequest page;
    page.sort = "name";
    std::vector<std::string> out;
    for (const auto& r : ok(rmm_->list_devices(admin_, filter, page)).items) out.push_back(r.device.hostname);
    return out;
  }
  MetricHistory history(const Agent& agent, Instant from, Instant to,
                        std::optional<Resolution> resolution = {}, const std::string& metric = "cpu.pct") {
    return ok(rmm_->history(admin_, agent.id, metric, from, to, resolution));
  }
  Resolution chosen(const Agent& agent, Instant from, Instant to) {
    return history(agent, from, to).resolution;
  }

  std::filesystem::path dir_;
  ManualClock clock_{at("2026-11-27T09:00:00Z")};
  Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AgentDirectory> directory_;
  std::unique_ptr<RmmService> rmm_;
  std::unique_ptr<IngestService> ingest_;
  Principal admin_ = Principal::local_admin();
  ClientId client_;
  SiteId site_;
  std::string token_;
};

void expect_point(const rmm::MetricPoint& p, Instant when, int64_t count, double sum, double min,
                  double max) {
  EXPECT_EQ(p.at, when) << format_rfc3339(p.at);
  EXPECT_EQ(p.count, count) << format_rfc3339(when);
  EXPECT_DOUBLE_EQ(p.avg * static_cast<double>(p.count), sum) << format_rfc3339(when);
  EXPECT_DOUBLE_EQ(p.avg, sum / static_cast<double>(count)) << format_rfc3339(when);
  EXPECT_DOUBLE_EQ(p.min, min) << format_rfc3339(when);
  EXPECT_DOUBLE_EQ(p.max, max) << format_rfc3339(when);
}

// ---- the offline sweep --------------------------------------------------------------

TEST_F(RmmServiceTest, OfflineExactlyAfterMissedCheckinsPlusHalfAnInterval) {
  // Defaults: 60 s interval, offline after 3 missed: silence of 3 x 60 + 30 s.
  ASSERT_EQ(config_.rmm.checkin_interval_seconds, 60);
  ASSERT_EQ(config_.rmm.offline_after_missed, 3);
  Agent web = enroll("web-01");
  EXPECT_FALSE(row(web).status.online);  // enrolled, never heard from
  const Instant seen = clock_.now();
  heartbeat(web);
  EXPECT_TRUE(row(web).status.online);
  ASSERT_TRUE(row(web).status.last_seen_at);
  EXPECT_EQ(*row(web).status.last_seen_at, seen);

  clock_.set(seen + seconds(180));  // three intervals missed, no slack yet
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);
  clock_.set(seen + seconds(210));  // exactly the limit: still online
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);
  EXPECT_TRUE(row(web).status.online);
  EXPECT_TRUE(events(web, "offline").empty());

  clock_.set(seen + seconds(210) + milliseconds(1));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);
  EXPECT_FALSE(row(web).status.online);
  auto offline = events(web, "offline");
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].at, clock_.now());
  EXPECT_EQ(json::parse(offline[0].details), json({{"missed_checkins", 3}}));
}

TEST_F(RmmServiceTest, OfflineEventWrittenOnceAndCheckinBringsDeviceBackOnline) {
  Agent web = enroll("web-01");
  heartbeat(web);
  clock_.advance(seconds(211));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);  // the next sweep finds nothing new
  clock_.advance(hours(5));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);  // nor does one much later
  EXPECT_EQ(events(web, "offline").size(), 1u);

  const Instant back = clock_.now();
  heartbeat(web);
  EXPECT_TRUE(row(web).status.online);
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);
  auto online = events(web, "online");
  ASSERT_EQ(online.size(), 2u);
  EXPECT_EQ(online[0].at, back);
  std::vector<std::string> kinds;
  for (const auto& e : events(web)) kinds.push_back(e.kind);  // newest first
  EXPECT_EQ(kinds, (std::vector<std::string>{"online", "offline", "online", "enrolled"}));

  // Silent again: a second offline spell gets its own event.
  clock_.advance(seconds(211));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);
  EXPECT_EQ(events(web, "offline").size(), 2u);
}

TEST_F(RmmServiceTest, OfflineLimitFollowsTheConfiguration) {
  config_.rmm.checkin_interval_seconds = 30;
  config_.rmm.offline_after_missed = 5;  // silence of 5 x 30 + 15 s
  Agent web = enroll("web-01");
  const Instant seen = clock_.now();
  heartbeat(web);
  clock_.set(seen + seconds(165));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 0);
  clock_.set(seen + seconds(165) + milliseconds(1));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);
  auto offline = events(web, "offline");
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(json::parse(offline[0].details), json({{"missed_checkins", 5}}));
}

TEST_F(RmmServiceTest, SweepMarksOnlySilentDevicesAndListsFilterByOnlineState) {
  const Instant start = clock_.now();
  Agent app = enroll("app-01");
  Agent db = enroll("db-01");
  Agent spare = enroll("spare-01");  // enrolled, never checks in
  heartbeat(app);
  clock_.set(start + seconds(120));
  heartbeat(db);
  EXPECT_EQ(hostnames(true), (std::vector<std::string>{"app-01", "db-01"}));
  EXPECT_EQ(hostnames(false), (std::vector<std::string>{"spare-01"}));

  clock_.set(start + seconds(210) + milliseconds(1));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);  // app only
  EXPECT_EQ(hostnames(true), (std::vector<std::string>{"db-01"}));
  EXPECT_EQ(hostnames(false), (std::vector<std::string>{"app-01", "spare-01"}));
  EXPECT_EQ(hostnames(std::nullopt), (std::vector<std::string>{"app-01", "db-01", "spare-01"}));
  EXPECT_EQ(events(app, "offline").size(), 1u);
  EXPECT_TRUE(events(db, "offline").empty());
  EXPECT_TRUE(events(spare, "offline").empty());  // never online, so never "went" offline

  clock_.set(start + seconds(330) + milliseconds(1));
  EXPECT_EQ(ok(rmm_->mark_offline_devices()), 1);  // db
  EXPECT_TRUE(hostnames(true).empty());
  heartbeat(app);
  EXPECT_EQ(hostnames(true), (std::vector<std::string>{"app-01"}));
  EXPECT_EQ(hostnames(false), (std::vector<std::string>{"db-01", "spare-01"}));
  EXPECT_TRUE(events(spare, "offline").empty());
}

// ---- rollups ------------------------------------------------------------------------

TEST_F(RmmServiceTest, RollUpAggregatesThreeHoursIntoFiveMinuteAndHourlyBuckets) {
  Agent web = enroll("web-01");
  // One sample a minute from 09:00 to 11:59: cpu.pct is the minute index i
  // (0..179), mem.pct is always 50.5.
  const Instant first = at("2026-11-27T09:00:00Z");
  clock_.set(at("2026-11-27T12:00:00Z"));
  std::vector<rmm::AgentRecord> records;
  for (int i = 0; i < 180; ++i) {
    records.push_back(
        record(web, first + minutes(i), {{"cpu.pct", static_cast<double>(i)}, {"mem.pct", 50.5}}));
  }
  deliver(web, std::vector<rmm::AgentRecord>(records.begin(), records.begin() + 90));
  deliver(web, std::vector<rmm::AgentRecord>(records.begin() + 90, records.end()));

  // max_samples bounds each round; the cursor carries on where it stopped.
  EXPECT_EQ(ok(rmm_->roll_up(100)), 100);
  EXPECT_EQ(ok(rmm_->roll_up(100)), 80);
  EXPECT_EQ(ok(rmm_->roll_up(100)), 0);

  const Instant to = at("2026-11-27T12:00:00Z");
  auto five = history(web, first, to, Resolution::five_minutes);
  EXPECT_EQ(five.resolution, Resolution::five_minutes);
  ASSERT_EQ(five.points.size(), 36u);
  // 09:00 holds i = 0..4: sum 10.
  expect_point(five.points[0], at("2026-11-27T09:00:00Z"), 5, 10, 0, 4);
  // 09:05 holds 5..9: sum 35.
  expect_point(five.points[1], at("2026-11-27T09:05:00Z"), 5, 35, 5, 9);
  // 09:55 holds 55..59: sum 285.
  expect_point(five.points[11], at("2026-11-27T09:55:00Z"), 5, 285, 55, 59);
  // 10:00 holds 60..64: sum 310.
  expect_point(five.points[12], at("2026-11-27T10:00:00Z"), 5, 310, 60, 64);
  // 11:55 holds 175..179: sum 885.
  expect_point(five.points[35], at("2026-11-27T11:55:00Z"), 5, 885, 175, 179);
  for (size_t k = 0; k < five.points.size(); ++k) {
    double lo = 5.0 * static_cast<double>(k);
    expect_point(five.points[k], first + minutes(5 * static_cast<int>(k)), 5, 5 * lo + 10, lo, lo + 4);
  }

  auto hourly = history(web, first, to, Resolution::hourly);
  EXPECT_EQ(hourly.resolution, Resolution::hourly);
  ASSERT_EQ(hourly.points.size(), 3u);
  expect_point(hourly.points[0], at("2026-11-27T09:00:00Z"), 60, 1770, 0, 59);     // 0+..+59; avg 29.5
  expect_point(hourly.points[1], at("2026-11-27T10:00:00Z"), 60, 5370, 60, 119);   // 60+..+119; avg 89.5
  expect_point(hourly.points[2], at("2026-11-27T11:00:00Z"), 60, 8970, 120, 179);  // 120+..+179; avg 149.5
  EXPECT_DOUBLE_EQ(hourly.points[0].avg, 29.5);
  EXPECT_DOUBLE_EQ(hourly.points[2].avg, 149.5);

  // The other metric of the same samples has its own buckets.
  auto memory = history(web, first, to, Resolution::hourly, "mem.pct");
  ASSERT_EQ(memory.points.size(), 3u);
  for (const auto& p : memory.points) expect_point(p, p.at, 60, 3030, 50.5, 50.5);
  auto memory_five = history(web, first, to, Resolution::five_minutes, "mem.pct");
  ASSERT_EQ(memory_five.points.size(), 36u);
  expect_point(memory_five.points[7], at("2026-11-27T09:35:00Z"), 5, 252.5, 50.5, 50.5);

  // Buckets starting before `from` are not part of [from, to).
  auto middle =
      history(web, at("2026-11-27T09:57:00Z"), at("2026-11-27T10:10:00Z"), Resolution::five_minutes);
  ASSERT_EQ(middle.points.size(), 2u);
  EXPECT_EQ(middle.points[0].at, at("2026-11-27T10:00:00Z"));
  EXPECT_EQ(middle.points[1].at, at("2026-11-27T10:05:00Z"));
}

TEST_F(RmmServiceTest, RollUpBucketEdgesAndLateRecordsMerge) {
  Agent web = enroll("web-01");
  clock_.set(at("2026-11-27T10:30:00Z"));
  deliver(web, {record(web, at("2026-11-27T09:04:59.999Z"), {{"cpu.pct", 10}}),
                record(web, at("2026-11-27T09:05:00Z"), {{"cpu.pct", 20}}),
                record(web, at("2026-11-27T09:59:59.999Z"), {{"cpu.pct", 30}}),
                record(web, at("2026-11-27T10:00:00Z"), {{"cpu.pct", 40}})});
  EXPECT_EQ(roll_up_all(), 4);
  const Instant from = at("2026-11-27T09:00:00Z"), to = at("2026-11-27T11:00:00Z");
  auto five = history(web, from, to, Resolution::five_minutes);
  ASSERT_EQ(five.points.size(), 4u);
  expect_point(five.points[0], at("2026-11-27T09:00:00Z"), 1, 10, 10, 10);
  expect_point(five.points[1], at("2026-11-27T09:05:00Z"), 1, 20, 20, 20);
  expect_point(five.points[2], at("2026-11-27T09:55:00Z"), 1, 30, 30, 30);
  expect_point(five.points[3], at("2026-11-27T10:00:00Z"), 1, 40, 40, 40);
  auto hourly = history(web, from, to, Resolution::hourly);
  ASSERT_EQ(hourly.points.size(), 2u);
  expect_point(hourly.points[0], at("2026-11-27T09:00:00Z"), 3, 60, 10, 30);
  expect_point(hourly.points[1], at("2026-11-27T10:00:00Z"), 1, 40, 40, 40);

  // A record the agent spooled arrives late, measured inside buckets that
  // were already rolled up: it merges into them.
  clock_.advance(minutes(20));
  deliver(web, {record(web, at("2026-11-27T09:01:00Z"), {{"cpu.pct", -5}})});
  EXPECT_EQ(roll_up_all(), 1);
  EXPECT_EQ(roll_up_all(), 0);  // nothing is counted twice
  five = history(web, from, to, Resolution::five_minutes);
  ASSERT_EQ(five.points.size(), 4u);
  expect_point(five.points[0], at("2026-11-27T09:00:00Z"), 2, 5, -5, 10);
  expect_point(five.points[1], at("2026-11-27T09:05:00Z"), 1, 20, 20, 20);
  hourly = history(web, from, to, Resolution::hourly);
  ASSERT_EQ(hourly.points.size(), 2u);
  expect_point(hourly.points[0], at("2026-11-27T09:00:00Z"), 4, 55, -5, 30);  // avg 13.75
  EXPECT_DOUBLE_EQ(hourly.points[0].avg, 13.75);
  expect_point(hourly.points[1], at("2026-11-27T10:00:00Z"), 1, 40, 40, 40);
}

// ---- history resolution ---------------------------------------------------------------

// A range holding more than the 5,000-point cap returns the newest points
// (a chart ends at "now"), still oldest first.
TEST_F(RmmServiceTest, HistoryOverTheCapKeepsTheNewestPoints) {
  Agent web = enroll("web-01");
  const Instant first = at("2026-11-27T09:00:00Z");
  clock_.set(at("2026-11-27T11:00:00Z"));
  deliver_series(web, "cpu.pct", first, seconds(1), 5100);  // 09:00:00 .. 10:24:59, value = index
  auto raw = history(web, first, clock_.now());
  EXPECT_EQ(raw.resolution, Resolution::raw);
  ASSERT_EQ(raw.points.size(), 5000u);
  EXPECT_EQ(raw.points.front().at, first + seconds(100));
  EXPECT_EQ(raw.points.front().avg, 100.0);
  EXPECT_EQ(raw.points.back().at, first + seconds(5099));
  EXPECT_EQ(raw.points.back().avg, 5099.0);
}

TEST_F(RmmServiceTest, HistoryPicksRawUpToSixHoursThenFiveMinutesUpToFourteenDaysThenHourly) {
  Agent web = enroll("web-01");
  const Instant first = at("2026-11-27T09:00:00Z");
  clock_.set(at("2026-11-27T12:00:00Z"));
  deliver_series(web, "cpu.pct", first, minutes(1), 180);
  roll_up_all();
  const Instant now = clock_.now();

  // Range: raw up to and including 6 hours.
  EXPECT_EQ(chosen(web, now - hours(6), now), Resolution::raw);
  EXPECT_EQ(chosen(web, now - hours(6) - milliseconds(1), now), Resolution::five_minutes);
  // 5-minute up to and including 14 days.
  EXPECT_EQ(chosen(web, now - days(14), now), Resolution::five_minutes);
  EXPECT_EQ(chosen(web, now - days(14) - milliseconds(1), now), Resolution::hourly);
  // Age: raw only while raw samples are kept (7 days) ...
  EXPECT_EQ(chosen(web, now - days(7), now - days(7) + hours(1)), Resolution::raw);
  EXPECT_EQ(chosen(web, now - days(7) - milliseconds(1), now - days(7) + hours(1)), Resolution::five_minutes);
  // ... and 5-minute only while those are kept (90 days).
  EXPECT_EQ(chosen(web, now - days(90), now - days(90) + hours(1)), Resolution::five_minutes);
  EXPECT_EQ(chosen(web, now - days(90) - milliseconds(1), now - days(90) + hours(1)), Resolution::hourly);

  // The points come from the resolution picked.
  auto raw = history(web, first, now);
  EXPECT_EQ(raw.resolution, Resolution::raw);
  ASSERT_EQ(raw.points.size(), 180u);
  EXPECT_EQ(raw.points[0].at, first);
  expect_point(raw.points[61], first + minutes(61), 1, 61, 61, 61);
  auto five = history(web, now - hours(6) - milliseconds(1), now);
  EXPECT_EQ(five.resolution, Resolution::five_minutes);
  ASSERT_EQ(five.points.size(), 36u);
  expect_point(five.points[0], first, 5, 10, 0, 4);
  auto hourly = history(web, now - days(14) - milliseconds(1), now);
  EXPECT_EQ(hourly.resolution, Resolution::hourly);
  ASSERT_EQ(hourly.points.size(), 3u);
  expect_point(hourly.points[1], at("2026-11-27T10:00:00Z"), 60, 5370, 60, 119);

  // A resolution the caller names wins over the rule.
  auto forced = history(web, now - days(30), now, Resolution::raw);
  EXPECT_EQ(forced.resolution, Resolution::raw);
  EXPECT_EQ(forced.points.size(), 180u);
  // A metric never reported is an empty series; an empty range is refused.
  EXPECT_TRUE(history(web, first, now, std::nullopt, "disk.pct").points.empty());
  EXPECT_FALSE(rmm_->history(admin_, web.id, "cpu.pct", now, now, std::nullopt));
}

TEST_F(RmmServiceTest, HistoryAgeLimitsFollowTheConfiguredRetention) {
  config_.rmm.raw_retention_days = 2;
  config_.rmm.five_minute_retention_days = 30;
  Agent web = enroll("web-01");
  const Instant now = clock_.now();
  EXPECT_EQ(chosen(web, now - days(2), now - days(2) + hours(1)), Resolution::raw);
  EXPECT_EQ(chosen(web, now - days(2) - milliseconds(1), now - days(2) + hours(1)), Resolution::five_minutes);
  EXPECT_EQ(chosen(web, now - days(30), now - days(30) + hours(1)), Resolution::five_minutes);
  EXPECT_EQ(chosen(web, now - days(30) - milliseconds(1), now - days(30) + hours(1)), Resolution::hourly);
}

// ---- retention ------------------------------------------------------------------------

TEST_F(RmmServiceTest, RetentionDeletesRawAfterRollupThenEachRollupPastItsRetention) {
  Agent web = enroll("web-01");
  const Instant day0 = at("2026-11-27T09:00:00Z");
  // Sixty samples 09:00..09:59 of day 0, values 0..59.
  clock_.set(day0 + hours(1));
  deliver_series(web, "cpu.pct", day0, minutes(1), 60);
  auto raw_of_day0 = [&] { return history(web, day0, day0 + hours(1), Resolution::raw).points; };
  auto five_of_day0 = [&] { return history(web, day0, day0 + hours(1), Resolution::five_minutes).points; };
  auto hourly_of_day0 = [&] { return history(web, day0, day0 + hours(1), Resolution::hourly).points; };

  // Eight days later the device reports again (its latest sample), but
  // nothing has been rolled up yet: raw samples stay until they are.
  clock_.set(day0 + days(8));
  deliver(web, {record(web, clock_.now(), {{"cpu.pct", 1000}})});
  EXPECT_EQ(ok(rmm_->apply_retention()), 0);
  EXPECT_EQ(raw_of_day0().size(), 60u);
  EXPECT_EQ(roll_up_all(), 61);

  // Raw retention is 7 days: samples measured before now - 7 d go; one
  // measured exactly at the cutoff stays.
  clock_.set(day0 + minutes(30) + days(7));
  EXPECT_EQ(ok(rmm_->apply_retention()), 30);  // 09:00 .. 09:29
  auto raw = raw_of_day0();
  ASSERT_EQ(raw.size(), 30u);
  expect_point(raw[0], day0 + minutes(30), 1, 30, 30, 30);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(ok(rmm_->apply_retention()), 1);  // 09:30
  clock_.set(day0 + days(8) + hours(1));
  EXPECT_EQ(ok(rmm_->apply_retention()), 29);
  EXPECT_TRUE(raw_of_day0().empty());
  // The rollups of those samples stay.
  EXPECT_EQ(five_of_day0().size(), 12u);
  ASSERT_EQ(hourly_of_day0().size(), 1u);
  expect_point(hourly_of_day0()[0], day0, 60, 1770, 0, 59);

  // A device's latest sample is never deleted, however old.
  clock_.set(day0 + days(20));
  EXPECT_EQ(ok(rmm_->apply_retention()), 0);
  auto detail = ok(rmm_->get_device(admin_, web.id));
  ASSERT_TRUE(detail.latest);
  EXPECT_EQ(detail.latest->at, day0 + days(8));
  ASSERT_EQ(detail.latest->metrics.size(), 1u);
  EXPECT_EQ(detail.latest->metrics[0].value, 1000);

  // 5-minute rollups are kept 90 days (a bucket starting at the cutoff stays).
  clock_.set(day0 + minutes(30) + days(90));
  EXPECT_EQ(ok(rmm_->apply_retention()), 6);  // 09:00 .. 09:25
  auto five = five_of_day0();
  ASSERT_EQ(five.size(), 6u);
  expect_point(five[0], day0 + minutes(30), 5, 160, 30, 34);
  EXPECT_EQ(hourly_of_day0().size(), 1u);  // hourly untouched
  clock_.set(day0 + hours(1) + days(90));
  EXPECT_EQ(ok(rmm_->apply_retention()), 6);
  EXPECT_TRUE(five_of_day0().empty());
  expect_point(hourly_of_day0()[0], day0, 60, 1770, 0, 59);

  // Hourly rollups are kept 730 days. At day0 + 730 d the day-8 5-minute
  // bucket is long gone too (1 row); the day-0 hourly bucket starts exactly
  // at the cutoff and stays until one millisecond later.
  clock_.set(day0 + days(730));
  EXPECT_EQ(ok(rmm_->apply_retention()), 1);
  EXPECT_EQ(hourly_of_day0().size(), 1u);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(ok(rmm_->apply_retention()), 1);
  EXPECT_TRUE(hourly_of_day0().empty());
  // The day-8 hourly bucket is younger than 730 days.
  auto later = history(web, day0 + days(8), day0 + days(8) + hours(1), Resolution::hourly);
  ASSERT_EQ(later.points.size(), 1u);
  expect_point(later.points[0], day0 + days(8), 1, 1000, 1000, 1000);
}

TEST_F(RmmServiceTest, OneRetentionRoundCatchesUpPastASilentDevicesLatestSample) {
  // A device that went silent long ago keeps its latest sample forever; it
  // sits among the oldest samples. It must not stop a retention round from
  // deleting everything else that is past retention.
  const Instant day0 = at("2026-11-27T09:00:00Z");
  Agent retired = enroll("retired-01");
  Agent busy = enroll("busy-01");
  clock_.set(day0);
  heartbeat(retired);
  // More samples than one delete batch (10,000), one a second.
  constexpr int kOld = 10'500;
  clock_.set(day0 + hours(3));
  deliver_series(busy, "cpu.pct", day0, seconds(1), kOld);
  clock_.set(day0 + days(8));
  heartbeat(busy);
  EXPECT_EQ(roll_up_all(), kOld + 2);
  EXPECT_EQ(ok(rmm_->apply_retention()), kOld);
  EXPECT_TRUE(history(busy, day0, day0 + hours(3), Resolution::raw).points.empty());
  EXPECT_EQ(history(busy, day0, day0 + hours(3), Resolution::hourly).points.size(), 3u);
  EXPECT_TRUE(ok(rmm_->get_device(admin_, retired.id)).latest);
}

}  // namespace
}  // namespace tend
