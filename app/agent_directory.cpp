#include "app/agent_directory.h"

#include "app/crypto.h"
#include "store/rmm_repository.h"

namespace tend {

Result<AgentIdentity> AgentDirectory::authenticate(std::string_view credential) {
  if (!credential.starts_with(kCredentialPrefix) || credential.size() > 200) {
    return std::unexpected(Error::unauthenticated("not a device credential"));
  }
  std::string hash = token_hash(credential);
  uint64_t generation = 0;
  {
    std::shared_lock lock(mutex_);
    auto it = by_hash_.find(hash);
    if (it != by_hash_.end()) return it->second;
    generation = generation_;
  }
  auto device = store::in_read_transaction(store_, [&](store::Transaction& tx) {
    return store::DeviceRepository(tx.connection()).find_by_credential(hash);
  });
  if (!device) {
    if (device.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::unauthenticated("unknown or revoked device credential; enroll the agent again"));
    }
    return std::unexpected(device.error());
  }
  AgentIdentity identity{device->id, device->client_id, device->site_id};
  std::unique_lock lock(mutex_);
  if (generation != generation_) return identity;  // a revoke ran meanwhile: do not cache
  by_hash_[hash] = identity;
  hash_of_device_[device->id.value()] = hash;
  return identity;
}

void AgentDirectory::forget(rmm::DeviceId device) {
  std::unique_lock lock(mutex_);
  ++generation_;
  auto it = hash_of_device_.find(device.value());
  if (it == hash_of_device_.end()) return;
  by_hash_.erase(it->second);
  hash_of_device_.erase(it);
}

void AgentDirectory::checks_changed(rmm::DeviceId device) {
  std::lock_guard lock(changed_mutex_);
  changed_checks_.insert(device.value());
}

std::unordered_set<int64_t> AgentDirectory::take_changed_checks() {
  std::lock_guard lock(changed_mutex_);
  return std::exchange(changed_checks_, {});
}

}  // namespace tend
