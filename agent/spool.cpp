#include "agent/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tend::agent {
namespace {

constexpr size_t kHeader = 4 + 4 + 8 + 8;
constexpr uint32_t kMaxPayload = 16u << 20;

uint32_t crc32(const unsigned char* data, size_t size, uint32_t crc = 0) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void put_u32(unsigned char* p, uint32_t v) { std::memcpy(p, &v, 4); }
void put_i64(unsigned char* p, int64_t v) { std::memcpy(p, &v, 8); }
uint32_t get_u32(const unsigned char* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
int64_t get_i64(const unsigned char* p) { int64_t v; std::memcpy(&v, p, 8); return v; }

Error io_error(const std::string& what) {
  return Error::unavailable(what + ": " + std::strerror(errno));
}

bool read_all(int fd, void* buffer, size_t size) {
  auto* p = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* buffer, size_t size) {
  const auto* p = static_cast<const unsigned char*>(buffer);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string segment_name(int64_t first_seq) {
  char name[48];
  std::snprintf(name, sizeof name, "seg-%020lld.log", static_cast<long long>(first_seq));
  return name;
}

// Reads "<acked> <dropped>" from DIR/acked.
void read_acked(const std::string& dir, int64_t& acked, int64_t& dropped) {
  std::FILE* f = std::fopen((dir + "/acked").c_str(), "re");
  if (!f) return;
  long long a = 0, d = 0;
  if (std::fscanf(f, "%lld %lld", &a, &d) == 2) {
    acked = a;
    dropped = d;
  }
  std::fclose(f);
}

std::vector<std::string> segment_files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 8 && name.compare(0, 4, "seg-") == 0 && name.compare(name.size() - 4, 4, ".log") == 0) {
      out.push_back(dir + "/" + name);
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Spool::Spool(Spool&& other) noexcept { *this = std::move(other); }

Spool& Spool::operator=(Spool&& other) noexcept {
  if (this != &other) {
    close_writer();
    dir_ = std::move(other.dir_);
    limits_ = other.limits_;
    segments_ = std::move(other.segments_);
    writer_fd_ = other.writer_fd_;
    other.writer_fd_ = -1;
    next_seq_ = other.next_seq_;
    acked_seq_ = other.acked_seq_;
    dropped_total_ = other.dropped_total_;
  }
  return *this;
}

Spool::~Spool() { close_writer(); }

void Spool::close_writer() {
  if (writer_fd_ >= 0) ::close(writer_fd_);
  writer_fd_ = -1;
}

Result<Spool> Spool::open(const std::string& dir, SpoolLimits limits, bool read_only) {
  if (!read_only && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::unexpected(io_error("cannot create " + dir));
  }
  Spool spool;
  spool.read_only_ = read_only;
  spool.dir_ = dir;
  spool.limits_ = limits;
  read_acked(dir, spool.acked_seq_, spool.dropped_total_);
  auto files = segment_files(dir);
  for (size_t i = 0; i < files.size(); ++i) {
    Segment s;
    s.path = files[i];
    TEND_CHECK(spool.scan_segment(s, !read_only && i + 1 == files.size()));
    if (s.records == 0 && i + 1 != files.size() && !read_only) {
      ::unlink(s.path.c_str());
      continue;
    }
    spool.segments_.push_back(s);
  }
  int64_t last = spool.acked_seq_;
  for (const auto& s : spool.segments_) last = std::max(last, s.last_seq);
  spool.next_seq_ = last + 1;
  return spool;
}

Status Spool::scan_segment(Segment& s, bool repair) {
  int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(io_error("cannot open " + s.path));
  int64_t offset = 0;
  std::string payload;
  for (;;) {
    unsigned char header[kHeader];
    if (!read_all(fd, header, kHeader)) break;
    uint32_t size = get_u32(header);
    if (size > kMaxPayload) break;
    payload.resize(size);
    if (size > 0 && !read_all(fd, payload.data(), size)) break;
    uint32_t crc = crc32(header + 8, 16);
    crc = crc32(reinterpret_cast<const unsigned char*>(payload.data()), size, crc);
    if (crc != get_u32(header + 4)) break;
    int64_t seq = get_i64(header + 8);
    if (s.records == 0) s.first_seq = seq;
    s.last_seq = seq;
    s.last_at_ms = get_i64(header + 16);
    ++s.records;
    offset += static_cast<int64_t>(kHeader + size);
  }
  ::close(fd);
  struct stat st {};
  if (::stat(s.path.c_str(), &st) == 0 && st.st_size > offset) {
    // A torn or damaged tail: only the last segment can have one (appends go
    // there). Cut it so new records follow the last good one.
    if (repair && ::truncate(s.path.c_str(), offset) != 0) return std::unexpected(io_error("cannot repair " + s.path));
  }
  s.bytes = offset;
  return {};
}

Status Spool::append(int64_t at_ms, std::string_view payload, int64_t now_ms) {
  if (payload.size() > kMaxPayload) return std::unexpected(Error::too_large("record too large for the spool"));
  if (segments_.empty() || segments_.back().bytes >= limits_.segment_bytes) {
    close_writer();
    Segment s;
    s.path = dir_ + "/" + segment_name(next_seq_);
    s.first_seq = next_seq_;
    segments_.push_back(s);
    sync_dir(dir_);
  }
  Segment& s = segments_.back();
  if (writer_fd_ < 0) {
    writer_fd_ = ::open(s.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (writer_fd_ < 0) return std::unexpected(io_error("cannot open " + s.path));
  }
  std::string frame(kHeader + payload.size(), '\0');
  auto* p = reinterpret_cast<unsigned char*>(frame.data());
  put_u32(p, static_cast<uint32_t>(payload.size()));
  put_i64(p + 8, next_seq_);
  put_i64(p + 16, at_ms);
  std::memcpy(p + kHeader, payload.data(), payload.size());
  put_u32(p + 4, crc32(p + 8, 16 + payload.size()));
  if (!write_all(writer_fd_, frame.data(), frame.size()) || ::fdatasync(writer_fd_) != 0) {
    Error error = io_error("cannot write the spool");
    // Cut whatever part was written so the file stays well formed.
    ::ftruncate(writer_fd_, s.bytes);
    return std::unexpected(std::move(error));
  }
  if (s.records == 0) s.first_seq = next_seq_;
  s.last_seq = next_seq_;
  s.last_at_ms = at_ms;
  s.bytes += static_cast<int64_t>(frame.size());
  ++s.records;
  ++next_seq_;
  return enforce_limits(now_ms);
}

int64_t Spool::total_bytes() const {
  int64_t total = 0;
  for (const auto& s : segments_) total += s.bytes;
  return total;
}

int64_t Spool::pending_count() const {
  int64_t n = 0;
  for (const auto& s : segments_) {
    if (s.records == 0 || s.last_seq <= acked_seq_) continue;
    n += s.first_seq > acked_seq_ ? s.records : s.last_seq - acked_seq_;
  }
  return n;
}

Status Spool::drop_oldest() {
  Segment s = segments_.front();
  if (segments_.size() == 1) close_writer();
  int64_t lost = 0;
  if (s.records > 0 && s.last_seq > acked_seq_) lost = s.first_seq > acked_seq_ ? s.records : s.last_seq - acked_seq_;
  if (::unlink(s.path.c_str()) != 0 && errno != ENOENT) return std::unexpected(io_error("cannot drop " + s.path));
  segments_.erase(segments_.begin());
  if (lost > 0) {
    dropped_total_ += lost;
    // The dropped records count as handled: delivery continues after them.
    acked_seq_ = std::max(acked_seq_, s.last_seq);
    TEND_CHECK(write_acked());
  }
  return {};
}

Status Spool::enforce_limits(int64_t now_ms) {
  while (segments_.size() > 1 && total_bytes() > limits_.max_bytes) TEND_CHECK(drop_oldest());
  while (!segments_.empty() && segments_.front().records > 0 &&
         now_ms - segments_.front().last_at_ms > limits_.max_age_ms) {
    TEND_CHECK(drop_oldest());
  }
  return {};
}

Result<std::vector<SpooledRecord>> Spool::pending(size_t max_records, size_t max_bytes) const {
  std::vector<SpooledRecord> out;
  size_t bytes = 0;
  for (const auto& s : segments_) {
    if (s.records == 0 || s.last_seq <= acked_seq_) continue;
    int fd = ::open(s.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error("cannot read " + s.path));
    int64_t offset = 0;
    while (offset < s.bytes) {
      unsigned char header[kHeader];
      if (!read_all(fd, header, kHeader)) break;
      uint32_t size = get_u32(header);
      int64_t seq = get_i64(header + 8);
      offset += static_cast<int64_t>(kHeader + size);
      if (seq <= acked_seq_) {
        if (::lseek(fd, size, SEEK_CUR) < 0) break;
        continue;
      }
      if (!out.empty() && (out.size() >= max_records || bytes + size > max_bytes)) {
        ::close(fd);
        return out;
      }
      SpooledRecord r;
      r.seq = seq;
      r.at_ms = get_i64(header + 16);
      r.payload.resize(size);
      if (size > 0 && !read_all(fd, r.payload.data(), size)) break;
      bytes += size;
      out.push_back(std::move(r));
    }
    ::close(fd);
  }
  return out;
}

Status Spool::write_acked() {
  std::string tmp = dir_ + "/acked.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(io_error("cannot write " + tmp));
  char text[64];
  int n = std::snprintf(text, sizeof text, "%lld %lld\n", static_cast<long long>(acked_seq_),
                        static_cast<long long>(dropped_total_));
  bool ok = write_all(fd, text, static_cast<size_t>(n)) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (dir_ + "/acked").c_str()) != 0) {
    return std::unexpected(io_error("cannot write " + dir_ + "/acked"));
  }
  sync_dir(dir_);
  return {};
}

Status Spool::acknowledge(int64_t seq) {
  if (seq <= acked_seq_) return {};
  acked_seq_ = std::min(seq, next_seq_ - 1);
  // Durable before any segment goes: the sequence must never restart lower.
  TEND_CHECK(write_acked());
  while (!segments_.empty() && segments_.front().records > 0 && segments_.front().last_seq <= acked_seq_) {
    if (segments_.size() == 1) close_writer();
    ::unlink(segments_.front().path.c_str());
    segments_.erase(segments_.begin());
  }
  return {};
}

Result<SpoolSummary> summarize_spool(const std::string& dir) {
  auto spool = Spool::open(dir, SpoolLimits{INT64_MAX, INT64_MAX, INT64_MAX}, true);
  if (!spool) return std::unexpected(spool.error());
  return SpoolSummary{spool->acked_seq(), spool->dropped_total(), spool->pending_count(), spool->total_bytes()};
}

}  // namespace tend::agent
