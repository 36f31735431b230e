#include "agent/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tend::agent {
namespace {

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tend-spool-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::vector<int64_t> seqs(const std::vector<SpooledRecord>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r.seq);
  return out;
}

TEST_F(SpoolTest, RecordsSurviveReopenAndAcknowledgementRemovesThem) {
  {
    auto spool = Spool::open(dir_.string(), {});
    ASSERT_TRUE(spool.has_value());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(spool->append(1000 + i, "record " + std::to_string(i), 1000).has_value());
    EXPECT_EQ(spool->next_seq(), 6);
  }
  auto spool = Spool::open(dir_.string(), {});
  ASSERT_TRUE(spool.has_value());
  EXPECT_EQ(spool->pending_count(), 5);
  auto pending = spool->pending(3, 1 << 20);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(seqs(*pending), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ((*pending)[2].payload, "record 2");
  ASSERT_TRUE(spool->acknowledge(3).has_value());
  EXPECT_EQ(seqs(*spool->pending(10, 1 << 20)), (std::vector<int64_t>{4, 5}));
  ASSERT_TRUE(spool->acknowledge(5).has_value());
  EXPECT_EQ(spool->pending_count(), 0);
  // Sequence numbers never restart, even with an empty spool.
  auto reopened = Spool::open(dir_.string(), {});
  EXPECT_EQ(reopened->next_seq(), 6);
}

TEST_F(SpoolTest, ATornTailIsCutOnOpen) {
  {
    auto spool = Spool::open(dir_.string(), {});
    ASSERT_TRUE(spool->append(1, "one", 1).has_value());
    ASSERT_TRUE(spool->append(2, "two", 2).has_value());
  }
  std::string segment;
  for (auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().filename().string().starts_with("seg-")) segment = e.path().string();
  }
  {
    std::ofstream out(segment, std::ios::app | std::ios::binary);
    out << "\x10\x00\x00\x00garbage";  // half a record, as a crash mid-append leaves it
  }
  auto spool = Spool::open(dir_.string(), {});
  ASSERT_TRUE(spool.has_value());
  EXPECT_EQ(spool->pending_count(), 2);
  ASSERT_TRUE(spool->append(3, "three", 3).has_value());
  EXPECT_EQ(seqs(*spool->pending(10, 1 << 20)), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(SpoolTest, TheSizeLimitDropsTheOldestSegmentsAndCountsThem) {
  SpoolLimits limits;
  limits.segment_bytes = 100;
  limits.max_bytes = 300;
  auto spool = Spool::open(dir_.string(), limits);
  ASSERT_TRUE(spool.has_value());
  std::string payload(60, 'x');  // 84 bytes framed: two records per segment
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(spool->append(i, payload, i).has_value());
  EXPECT_LE(spool->total_bytes(), 300 + 200);
  EXPECT_GT(spool->dropped_total(), 0);
  auto pending = spool->pending(100, 1 << 20);
  ASSERT_FALSE(pending->empty());
  // What is left is the newest records, contiguous up to the last one.
  EXPECT_EQ(pending->back().seq, 20);
  EXPECT_EQ(pending->front().seq, 20 - static_cast<int64_t>(pending->size()) + 1);
  EXPECT_EQ(spool->dropped_total() + static_cast<int64_t>(pending->size()), 20);
  auto reopened = Spool::open(dir_.string(), limits);
  EXPECT_EQ(reopened->dropped_total(), spool->dropped_total());
}

TEST_F(SpoolTest, TheAgeLimitDropsOldRecords) {
  SpoolLimits limits;
  limits.segment_bytes = 50;
  limits.max_age_ms = 1000;
  auto spool = Spool::open(dir_.string(), limits);
  ASSERT_TRUE(spool->append(0, std::string(40, 'a'), 0).has_value());
  ASSERT_TRUE(spool->append(5000, std::string(40, 'b'), 5000).has_value());
  EXPECT_EQ(spool->dropped_total(), 1);
  EXPECT_EQ(seqs(*spool->pending(10, 1 << 20)), (std::vector<int64_t>{2}));
}

}  // namespace
}  // namespace tend::agent
