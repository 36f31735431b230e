// The agent's on-disk spool: every record is appended (and fsync'd) before
// delivery is even tried, so nothing written is lost to a crash, a kill -9 or
// a server outage. Records carry per-agent sequence numbers that only grow;
// the server acknowledges the highest stored one and the spool then forgets
// everything up to it.
//
// Layout of DIR: seg-<first seq>.log files of framed records
//   [u32 payload length][u32 crc32 of the rest][i64 seq][i64 at_ms][payload]
// and `acked` ("<acked seq> <dropped total>\n", replaced atomically). A torn
// last record (crash mid-append) is cut off on open.
//
// Bounded: when the total size passes max_bytes, or the newest record of a
// segment is older than max_age, whole segments are dropped, oldest first,
// and the records lost that were never acknowledged are counted in
// dropped_total (reported to the server). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace tend::agent {

struct SpoolLimits {
  int64_t max_bytes = 64LL << 20;          // all segments together
  int64_t segment_bytes = 1LL << 20;       // a new segment starts past this
  int64_t max_age_ms = 7LL * 24 * 3600 * 1000;
};

struct SpooledRecord {
  int64_t seq = 0;
  int64_t at_ms = 0;
  std::string payload;
};

class Spool {
 public:
  // Opens (creating) the spool in `dir`; repairs a torn tail. unavailable
  // when the directory cannot be used.
  // `read_only` (for status readers while an agent runs) changes nothing.
  static Result<Spool> open(const std::string& dir, SpoolLimits limits, bool read_only = false);
  Spool(Spool&&) noexcept;
  Spool& operator=(Spool&&) noexcept;
  ~Spool();

  // The sequence number the next record gets.
  int64_t next_seq() const { return next_seq_; }
  // Appends a record with seq = next_seq() and makes it durable (fdatasync)
  // before returning; then applies the limits (`now_ms` for the age limit).
  Status append(int64_t at_ms, std::string_view payload, int64_t now_ms);
  // Unacknowledged records in order, starting after the acknowledged
  // sequence, at most `max_records` and about `max_bytes` of payload (at
  // least one record when any is pending).
  Result<std::vector<SpooledRecord>> pending(size_t max_records, size_t max_bytes) const;
  // Records that the server stored everything up to `seq` (durably), and
  // deletes segments that hold nothing newer.
  Status acknowledge(int64_t seq);
  // Drops segments past the age limit (also done by append).
  Status enforce_limits(int64_t now_ms);

  int64_t acked_seq() const { return acked_seq_; }
  int64_t dropped_total() const { return dropped_total_; }
  // Records waiting for acknowledgement.
  int64_t pending_count() const;
  int64_t total_bytes() const;

 private:
  struct Segment {
    std::string path;
    int64_t first_seq = 0;
    int64_t last_seq = 0;      // 0 while empty
    int64_t last_at_ms = 0;
    int64_t bytes = 0;
    int64_t records = 0;
  };
  Spool() = default;
  Status scan_segment(Segment& segment, bool repair);
  bool read_only_ = false;
  Status write_acked();
  Status drop_oldest();
  void close_writer();

  std::string dir_;
  SpoolLimits limits_;
  std::vector<Segment> segments_;  // oldest first
  int writer_fd_ = -1;             // the last segment, open for append
  int64_t next_seq_ = 1;
  int64_t acked_seq_ = 0;
  int64_t dropped_total_ = 0;
};

// Reads the `acked` file of a spool directory without opening the spool
// (for `tend-agent status`): acked seq, dropped total, pending records.
struct SpoolSummary {
  int64_t acked_seq = 0;
  int64_t dropped_total = 0;
  int64_t pending = 0;
  int64_t bytes = 0;
};
Result<SpoolSummary> summarize_spool(const std::string& dir);

}  // namespace tend::agent
