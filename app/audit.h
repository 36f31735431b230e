// Building audit trail entries inside use cases.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/users.h"
#include "store/audit_repository.h"

namespace tend {

// An audit event for `principal` acting on an entity at `at`. `details` is
// a JSON object; for updates, {"field": [old, new], ...}.
store::AuditEvent audit_event(const Principal& principal, Instant at, std::string action, std::string entity_type,
                              int64_t entity_id, ClientId client, const nlohmann::json& details = {});

// The fields whose values differ between two flat JSON objects, as
// {"field": [before, after]}. Nested objects are compared as a whole.
nlohmann::json changed_fields(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace tend
