// The repository of maintenance schedules (core/schedule.h). A cheap value
// object bound to one Transaction (store/store.h).
#pragma once

#include <optional>
#include <vector>

#include "core/paging.h"
#include "core/schedule.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

struct ScheduleFilter {
  ClientId client;  // 0: every client
  std::string text;  // matches the name
};

inline constexpr std::string_view kScheduleSorts[] = {"name", "created_at", "next_run_at"};

class ScheduleRepository {
 public:
  explicit ScheduleRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a schedule with its checklist; returns the id.
  Result<ScheduleId> insert(const MaintenanceSchedule& schedule);
  // not_found when there is no such schedule.
  Result<MaintenanceSchedule> get(ScheduleId id);
  // Writes every field but created_at, and replaces the checklist.
  Status update(const MaintenanceSchedule& schedule);
  Result<Page<MaintenanceSchedule>> list(const ScheduleFilter& filter, const PageRequest& page);
  // Active schedules whose next run is at or before `now`, earliest first,
  // at most `limit` (an index range scan).
  Result<std::vector<ScheduleId>> due(Instant now, int limit);
  // The earliest next run of any schedule.
  Result<std::optional<Instant>> next_run();

 private:
  Status write_items(const MaintenanceSchedule& schedule, bool replace);
  Result<std::vector<std::string>> items(ScheduleId id);
  Sql sql_;
};

}  // namespace tend::store
