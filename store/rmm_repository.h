// Repositories of the RMM tables (store/migrations/sqlite/0003_rmm.sql):
// enrollment tokens, devices, check definitions and states, the device
// timeline, ingested samples and metric rollups. Cheap value objects bound to
// one Transaction (build them from tx.connection()); use them only inside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "core/rmm/registry.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

class EnrollmentTokenRepository {
 public:
  explicit EnrollmentTokenRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a token with the hash of its secret; returns its id.
  Result<rmm::EnrollmentTokenId> insert(const rmm::EnrollmentToken& token, std::string_view secret_hash);
  Result<rmm::EnrollmentToken> get(rmm::EnrollmentTokenId id);
  // not_found when no token has this hash.
  Result<rmm::EnrollmentToken> find_by_hash(std::string_view secret_hash);
  // Tokens of a site (or of every site when `site` is 0), newest first.
  Result<std::vector<rmm::EnrollmentToken>> list(ClientId client, SiteId site, int limit);
  Status add_use(rmm::EnrollmentTokenId id);
  Status revoke(rmm::EnrollmentTokenId id, Instant at);

 private:
  Sql sql_;
};

// Filters of the device list. `online` and `failing` are tri-state.
struct DeviceFilter {
  ClientId client;
  SiteId site;
  std::optional<rmm::DeviceClass> device_class;
  std::optional<bool> online;
  std::optional<bool> failing;   // true: at least one check warns or fails
  bool include_revoked = false;
  std::string text;              // matched against the name
};

inline constexpr std::string_view kDeviceSorts[] = {"name", "created_at"};

class DeviceRepository {
 public:
  explicit DeviceRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a device, its credential hash and an empty status row.
  Result<rmm::DeviceId> insert(const rmm::Device& device, std::string_view credential_hash,
                               rmm::EnrollmentTokenId token);
  Result<rmm::Device> get(rmm::DeviceId id);
  // The device holding a credential (revoked devices hold none).
  Result<rmm::Device> find_by_credential(std::string_view credential_hash);
  // A non-revoked device of `client` with this machine id (re-enrollment).
  Result<std::optional<rmm::Device>> find_by_machine(ClientId client, std::string_view machine_id);
  // Writes name, hostname, class, class_manual, os_name, agent_version,
  // site, updated_at.
  Status update(const rmm::Device& device);
  // Replaces the credential and starts the sequence again (re-enrollment).
  Status replace_credential(rmm::DeviceId id, std::string_view credential_hash, Instant at);
  // Removes the credential: the agent is refused from now on.
  Status revoke(rmm::DeviceId id, Instant at);
  Status bump_checks_version(rmm::DeviceId id);
  Result<rmm::DeviceStatus> status(rmm::DeviceId id);
  Result<Page<rmm::DeviceRow>> list(const DeviceFilter& filter, const PageRequest& page);
  // Devices not revoked (optionally of one client): the billable count.
  Result<int64_t> count_active(ClientId client);
  // Marks devices offline whose last check-in is older than `seen_before`;
  // returns their ids.
  Result<std::vector<rmm::DeviceId>> mark_offline(Instant seen_before);

 private:
  Sql sql_;
};

class DeviceCheckRepository {
 public:
  explicit DeviceCheckRepository(SqlConnection& connection) : sql_(connection) {}
  Result<rmm::DeviceCheckId> insert(rmm::DeviceId device, const rmm::CheckDefinition& check, Instant at);
  // The check and the device it belongs to; not_found for deleted checks.
  Result<std::pair<rmm::DeviceId, rmm::CheckDefinition>> get(rmm::DeviceCheckId id);
  Status update(const rmm::CheckDefinition& check, Instant at);
  Status remove(rmm::DeviceCheckId id, Instant at);
  Result<std::vector<rmm::CheckDefinition>> for_device(rmm::DeviceId device);
  Result<std::vector<rmm::CheckStatus>> states(rmm::DeviceId device);

 private:
  Sql sql_;
};

class DeviceEventRepository {
 public:
  explicit DeviceEventRepository(SqlConnection& connection) : sql_(connection) {}
  Status append(const rmm::DeviceEvent& event);
  // Events of a device, newest first, before event id `before` (0: from
  // the newest), optionally of one kind.
  Result<std::vector<rmm::DeviceEvent>> list(rmm::DeviceId device, std::string_view kind, int64_t before, int limit);

 private:
  Sql sql_;
};

// A stored agent record.
struct StoredSample {
  int64_t id = 0;
  rmm::DeviceId device_id;
  int64_t seq = 0;
  Instant at;
  std::string metrics;   // "metric_id=value;..."
  std::string checks;    // JSON array or ""
};

// The hot path of ingestion plus history queries and upkeep.
class SampleRepository {
 public:
  explicit SampleRepository(SqlConnection& connection) : sql_(connection) {}

  // Status columns ingestion reads before storing a batch of a device.
  struct IngestState {
    int64_t last_seq = 0;
    bool online = false;
    int64_t dropped_total = 0;
  };
  Result<IngestState> ingest_state(rmm::DeviceId device);
  Result<int64_t> insert(rmm::DeviceId device, int64_t seq, Instant at, Instant received_at,
                         std::string_view metrics, std::string_view checks);
  Status update_status(rmm::DeviceId device, int64_t last_seq, Instant seen_at, int64_t latest_sample_id,
                       int64_t dropped_total, int64_t spooled);
  Status set_failing(rmm::DeviceId device, int64_t failing_checks);
  Status upsert_check_state(rmm::DeviceId device, rmm::DeviceCheckId check, rmm::CheckState state, Instant since,
                            Instant checked_at);

  // Metric names and their ids.
  Result<std::vector<std::pair<int64_t, std::string>>> metric_names();
  Result<int64_t> add_metric_name(std::string_view name);
  // not_found when the metric was never seen.
  Result<int64_t> metric_id(std::string_view name);

  Result<std::optional<StoredSample>> latest(rmm::DeviceId device);
  // Samples of a device with from <= at < to, oldest first, at most `limit`:
  // the oldest ones, or with `newest` the newest ones (still oldest first).
  Result<std::vector<StoredSample>> range(rmm::DeviceId device, Instant from, Instant to, int limit,
                                          bool newest = false);
  // Samples with id > after_id in id order, at most `limit` (rollups).
  Result<std::vector<StoredSample>> after(int64_t after_id, int limit);
  // Adds aggregates into a rollup bucket (count/sum add, min/max widen).
  Status add_rollup(rmm::DeviceId device, int64_t metric_id, int resolution_seconds, int64_t bucket_ms,
                    int64_t count, double sum, double min, double max);
  // Rollup buckets with from <= bucket < to, oldest first; when there are
  // more than `limit`, the newest `limit` of them.
  Result<std::vector<rmm::MetricPoint>> rollups(rmm::DeviceId device, int64_t metric_id, int resolution_seconds,
                                                Instant from, Instant to, int limit);
  // Among the `limit` oldest-received samples with id <= max_id (already
  // rolled up) that are no device's latest, deletes those measured before
  // `cutoff`; returns how many went. Latest samples are left out of the
  // window itself, so the latest samples of long-silent devices (the oldest
  // rows) cannot fill it: fewer than `limit` deleted means the window reached
  // samples younger than `cutoff`.
  Result<int64_t> delete_raw_before(Instant cutoff, int64_t max_id, int limit);
  Result<int64_t> delete_rollups_before(int resolution_seconds, Instant cutoff);

  Result<int64_t> progress(std::string_view name);
  Status set_progress(std::string_view name, int64_t value);

  // Current inventory document of a device ("" when none yet).
  Result<std::string> inventory(rmm::DeviceId device);
  Status set_inventory(rmm::DeviceId device, std::string_view json, Instant at);

 private:
  Sql sql_;
};

}  // namespace tend::store
