// Typed identifiers: a ClientId cannot be passed where a SiteId is expected.
// Ids are positive 64-bit integers assigned by the store; 0 means "none".
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace tend {

template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  constexpr explicit Id(int64_t value) : value_(value) {}
  constexpr int64_t value() const { return value_; }
  constexpr bool valid() const { return value_ > 0; }
  constexpr explicit operator bool() const { return valid(); }
  friend constexpr auto operator<=>(const Id&, const Id&) = default;

 private:
  int64_t value_ = 0;
};

using ClientId = Id<struct ClientTag>;
using SiteId = Id<struct SiteTag>;
using ContactId = Id<struct ContactTag>;
using UserId = Id<struct UserTag>;
using SessionId = Id<struct SessionTag>;
using ApiTokenId = Id<struct ApiTokenTag>;
// Service desk (core/ticket.h, core/schedule.h).
using TicketId = Id<struct TicketTag>;
using TicketStatusId = Id<struct TicketStatusTag>;
using QueueId = Id<struct QueueTag>;
using TicketNoteId = Id<struct TicketNoteTag>;
using ChecklistItemId = Id<struct ChecklistItemTag>;
using SlaCalendarId = Id<struct SlaCalendarTag>;
using SlaPolicyId = Id<struct SlaPolicyTag>;
using ScheduleId = Id<struct ScheduleTag>;
// Devices (the RMM issue); tickets link them. Redeclaring this alias with the
// same type elsewhere is harmless.
using DeviceId = Id<struct DeviceTag>;
// Time, parts, services and contracts (core/work.h, core/contracts.h).
using TaxCategoryId = Id<struct TaxCategoryTag>;
using WorkTypeId = Id<struct WorkTypeTag>;
using TimeEntryId = Id<struct TimeEntryTag>;
using CatalogueItemId = Id<struct CatalogueItemTag>;
using StockMovementId = Id<struct StockMovementTag>;
using PartUsageId = Id<struct PartUsageTag>;
using ServiceUsageId = Id<struct ServiceUsageTag>;
using ContractId = Id<struct ContractTag>;
using HourBlockId = Id<struct HourBlockTag>;

}  // namespace tend

template <class Tag>
struct std::hash<tend::Id<Tag>> {
  size_t operator()(const tend::Id<Tag>& id) const noexcept { return std::hash<int64_t>{}(id.value()); }
};
