#include "app/audit.h"

namespace tend {

store::AuditEvent audit_event(const Principal& principal, Instant at, std::string action, std::string entity_type,
                              int64_t entity_id, ClientId client, const nlohmann::json& details) {
  store::AuditEvent e;
  e.at = at;
  e.actor_user_id = principal.user_id;
  e.actor = principal.email;
  e.action = std::move(action);
  e.entity_type = std::move(entity_type);
  e.entity_id = entity_id;
  e.client_id = client;
  e.details = details.is_null() ? "{}" : details.dump();
  return e;
}

nlohmann::json changed_fields(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json out = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    auto old = before.find(it.key());
    if (old == before.end() || *old != it.value()) {
      out[it.key()] = nlohmann::json::array({old == before.end() ? nlohmann::json() : *old, it.value()});
    }
  }
  return out;
}

}  // namespace tend
