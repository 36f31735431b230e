#include "store/audit_repository.h"

namespace tend::store {

Status AuditRepository::append(const AuditEvent& e) {
  TEND_CHECK(sql_.execute(
      "INSERT INTO audit_events (at, actor_user_id, actor, action, entity_type, entity_id, client_id, details) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      to_unix_ms(e.at), e.actor_user_id, e.actor, e.action, e.entity_type, e.entity_id, e.client_id,
      e.details.empty() ? std::string("{}") : e.details));
  return {};
}

Result<std::vector<AuditEvent>> AuditRepository::for_entity(std::string_view entity_type, int64_t entity_id,
                                                            int64_t after_id, int limit) {
  auto rows = TEND_TRY(sql_.query(
      "SELECT id, at, actor_user_id, actor, action, entity_type, entity_id, client_id, details FROM audit_events "
      "WHERE entity_type = ? AND entity_id = ? AND id > ? ORDER BY id LIMIT ?",
      entity_type, entity_id, after_id, static_cast<int64_t>(limit)));
  std::vector<AuditEvent> out;
  while (TEND_TRY(rows->next())) {
    AuditEvent e;
    e.id = rows->i64(0);
    e.at = from_unix_ms(rows->i64(1));
    e.actor_user_id = UserId(rows->opt_i64(2).value_or(0));
    e.actor = rows->text(3);
    e.action = rows->text(4);
    e.entity_type = rows->text(5);
    e.entity_id = rows->i64(6);
    e.client_id = ClientId(rows->opt_i64(7).value_or(0));
    e.details = rows->text(8);
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> AuditRepository::count() { return sql_.scalar("SELECT count(*) FROM audit_events"); }

}  // namespace tend::store
