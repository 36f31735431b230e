// The audit trail: an append-only record of every change (who, when, what).
// Written in the same transaction as the change it describes.
#pragma once

#include <string>
#include <vector>

#include "core/ids.h"
#include "core/time.h"
#include "store/sql.h"

namespace tend::store {

struct AuditEvent {
  int64_t id = 0;
  Instant at;
  UserId actor_user_id;  // 0 for the local CLI or the system
  std::string actor;     // e-mail of the user, "cli" or "system"
  std::string action;    // "client.created", "user.role_changed" ...
  std::string entity_type;
  int64_t entity_id = 0;
  ClientId client_id;    // the client the entity belongs to, when any
  std::string details;   // a JSON object (changed fields: {"name": ["old", "new"]})
};

class AuditRepository {
 public:
  explicit AuditRepository(SqlConnection& connection) : sql_(connection) {}
  Status append(const AuditEvent& event);
  // Events of one entity, oldest first, after event id `after_id`, at most
  // `limit`.
  Result<std::vector<AuditEvent>> for_entity(std::string_view entity_type, int64_t entity_id, int64_t after_id,
                                             int limit);
  Result<int64_t> count();

 private:
  Sql sql_;
};

}  // namespace tend::store
