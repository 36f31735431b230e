// Use cases of RMM part 1: enrollment tokens, enrollment, the device
// registry, check definitions, the device timeline and metric history, plus
// the upkeep that marks devices offline and rolls metrics up.
//
// Scoping as in TenancyService: staff see every device; a portal user sees
// only its own client's devices and gets not_found for the rest. Every change
// made by a person is one transaction with its audit entry. Ingestion itself
// is IngestService.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/agent_directory.h"
#include "app/context.h"
#include "core/paging.h"
#include "core/rmm/registry.h"
#include "core/users.h"
#include "store/rmm_repository.h"

namespace tend {

struct CreatedEnrollmentToken {
  rmm::EnrollmentToken token;
  std::string secret;  // shown once
};

struct EnrollOutcome {
  rmm::Device device;
  std::string credential;  // shown once; stored only as a hash
  rmm::AgentConfig config;
};

// A check result as stored with a sample.
struct StoredCheckResult {
  Instant at;
  rmm::CheckResult result;
};

// The latest sample of a device, decoded.
struct LatestSample {
  Instant at;
  int64_t seq = 0;
  std::vector<rmm::MetricValue> metrics;
  std::vector<rmm::CheckResult> checks;
};

struct DeviceDetail {
  rmm::DeviceRow row;
  std::vector<rmm::CheckDefinition> checks;
  std::vector<rmm::CheckStatus> check_states;
  std::optional<LatestSample> latest;
  nlohmann::json inventory;  // null until the first inventory arrives
};

struct MetricHistory {
  std::string metric;
  rmm::Resolution resolution = rmm::Resolution::raw;
  std::vector<rmm::MetricPoint> points;
};

// Thread-safe (stateless besides the context and the directory).
class RmmService {
 public:
  RmmService(AppContext context, AgentDirectory& directory) : context_(context), directory_(directory) {}

  // A new token for an active site the caller may see. `expires_at` defaults
  // to 7 days from now and must lie in the future; max_uses (when set) >= 1.
  Result<CreatedEnrollmentToken> create_enrollment_token(const Principal& caller, SiteId site,
                                                         std::optional<int64_t> max_uses,
                                                         std::optional<Instant> expires_at);
  Result<std::vector<rmm::EnrollmentToken>> list_enrollment_tokens(const Principal& caller, ClientId client,
                                                                   SiteId site);
  Result<rmm::EnrollmentToken> revoke_enrollment_token(const Principal& caller, rmm::EnrollmentTokenId id);

  // Registers a machine with an enrollment token (no signed-in caller).
  // unauthenticated when the token is unknown, revoked, expired or used up
  // (one message for all, so tokens cannot be probed). The same machine id
  // at the same client keeps its device: a new credential replaces the old
  // one and the sequence starts again. New devices get the default checks.
  Result<EnrollOutcome> enroll(const rmm::EnrollRequest& request);

  Result<Page<rmm::DeviceRow>> list_devices(const Principal& caller, store::DeviceFilter filter,
                                            const PageRequest& page);
  Result<DeviceDetail> get_device(const Principal& caller, rmm::DeviceId id);
  // Applies "name" and "class" (a class set here is kept: detection no
  // longer changes it; "class": null hands it back to detection).
  Result<rmm::Device> update_device(const Principal& caller, rmm::DeviceId id, const nlohmann::json& body);
  // Revokes the device credential: its agent gets 401 from now on.
  Result<rmm::Device> revoke_device(const Principal& caller, rmm::DeviceId id);

  Result<std::vector<rmm::CheckDefinition>> list_checks(const Principal& caller, rmm::DeviceId id);
  Result<rmm::CheckDefinition> add_check(const Principal& caller, rmm::DeviceId id, const nlohmann::json& body);
  Result<rmm::CheckDefinition> update_check(const Principal& caller, rmm::DeviceCheckId id, const nlohmann::json& body);
  Status delete_check(const Principal& caller, rmm::DeviceCheckId id);

  // The timeline, newest first (see rmm::DeviceEvent for the kinds).
  Result<std::vector<rmm::DeviceEvent>> events(const Principal& caller, rmm::DeviceId id, std::string_view kind,
                                               int64_t before, int limit);
  // History of one metric over [from, to). Without `resolution` the rule of
  // rmm::choose_resolution picks it. At most 5,000 points, oldest first:
  // when the range holds more, the newest 5,000 (a chart shows up to now).
  Result<MetricHistory> history(const Principal& caller, rmm::DeviceId id, const std::string& metric, Instant from,
                                Instant to, std::optional<rmm::Resolution> resolution);
  // Stored results of one check (or all when `check` is 0) over [from, to),
  // oldest first, at most `limit`.
  Result<std::vector<StoredCheckResult>> check_results(const Principal& caller, rmm::DeviceId id,
                                                       rmm::DeviceCheckId check, Instant from, Instant to, int limit);
  // The number of active (not revoked) devices, of one client or all.
  Result<int64_t> count_active_devices(ClientId client);

  // Upkeep (run by `tend serve` in the background):
  // marks devices offline that missed rmm.offline_after_missed check-ins and
  // writes an "offline" event for each; returns how many.
  Result<int64_t> mark_offline_devices();
  // Rolls up to `max_samples` new samples into the 5-minute and hourly
  // rollups; returns how many samples it read.
  Result<int64_t> roll_up(int max_samples);
  // Deletes raw samples and rollups past their retention; returns rows deleted.
  Result<int64_t> apply_retention();

 private:
  AppContext context_;
  AgentDirectory& directory_;
};

// Decodes agent_samples.metrics ("id=value;...") with the metric names.
std::vector<std::pair<int64_t, double>> decode_packed_metrics(std::string_view text);

}  // namespace tend
