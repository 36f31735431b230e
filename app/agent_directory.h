// The server's in-memory knowledge of agent credentials, so authenticating a
// check-in costs one hash and one map lookup rather than a database read.
//
// Misses are read from the store and remembered. Anything that changes a
// device's credential or checks (revoke, re-enrollment, check edits) calls
// forget()/checks_changed() after its transaction commits. One server node
// per SQLite database, so there is no other node to tell.
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/rmm/agent_protocol.h"
#include "store/store.h"

namespace tend {

// Who a device credential belongs to.
struct AgentIdentity {
  rmm::DeviceId device_id;
  ClientId client_id;
  SiteId site_id;
};

// Thread-safe.
class AgentDirectory {
 public:
  explicit AgentDirectory(store::Store& store) : store_(store) {}

  // Resolves a device credential (the secret the agent sends). unauthenticated
  // for unknown or revoked credentials; unavailable when the store is busy.
  Result<AgentIdentity> authenticate(std::string_view credential);
  // Drops what is cached for `device` (after revoke or re-enrollment).
  void forget(rmm::DeviceId device);
  // Notes that a device's check definitions changed; the writer reloads them.
  void checks_changed(rmm::DeviceId device);
  // Takes the set of devices whose checks changed since the last call.
  std::unordered_set<int64_t> take_changed_checks();

  // The credential prefix agents use ("tend_dev_").
  static constexpr std::string_view kCredentialPrefix = "tend_dev_";

 private:
  store::Store& store_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, AgentIdentity> by_hash_;
  std::unordered_map<int64_t, std::string> hash_of_device_;
  uint64_t generation_ = 0;  // bumped by forget(): a lookup that raced with it is not cached
  std::mutex changed_mutex_;
  std::unordered_set<int64_t> changed_checks_;
};

}  // namespace tend
