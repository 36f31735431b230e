// Repositories for SLA calendars, SLA policies and clients' default
// policies. Cheap value objects bound to one Transaction (store/store.h).
#pragma once

#include <optional>
#include <vector>

#include "core/ids.h"
#include "core/ticket.h"
#include "store/sql.h"

namespace tend::store {

class SlaCalendarRepository {
 public:
  explicit SlaCalendarRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a validated calendar; conflict when the name is taken.
  Result<SlaCalendarId> insert(const SlaCalendarRecord& calendar);
  // not_found when there is no such calendar.
  Result<SlaCalendarRecord> get(SlaCalendarId id);
  // Writes name, definition and updated_at. not_found / conflict (name).
  Status update(const SlaCalendarRecord& calendar);
  // Every calendar, by name (a provider has a handful).
  Result<std::vector<SlaCalendarRecord>> list();

 private:
  Sql sql_;
};

class SlaPolicyRepository {
 public:
  explicit SlaPolicyRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a validated policy; conflict when the name is taken or it is a
  // second global default (clear the old default first).
  Result<SlaPolicyId> insert(const SlaPolicyRecord& policy);
  Result<SlaPolicyRecord> get(SlaPolicyId id);
  Status update(const SlaPolicyRecord& policy);
  // Every policy, by name.
  Result<std::vector<SlaPolicyRecord>> list();
  // The global default policy, if one is marked.
  Result<std::optional<SlaPolicyRecord>> global_default();
  // Unmarks the current global default (if any).
  Status clear_global_default(Instant now);

  // A client's default policy (0 when it has none).
  Result<SlaPolicyId> client_default(ClientId client);
  // Sets (or with an invalid id, removes) a client's default policy.
  Status set_client_default(ClientId client, SlaPolicyId policy, Instant now);

 private:
  Sql sql_;
};

// The compact text forms the calendar definition is stored in (exposed for
// tests): "mon 08:30-12:00 13:00-17:00;tue 08:30-17:00" and
// "2026-12-25,2026-12-26".
std::string encode_calendar_hours(const CalendarSpec& spec);
std::string encode_calendar_holidays(const CalendarSpec& spec);
void decode_calendar_text(std::string_view hours, std::string_view holidays, CalendarSpec& spec);

}  // namespace tend::store
