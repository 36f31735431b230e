// Work and what it is worth: tax categories, work types, technicians' cost
// rates, clients' rate overrides, time entries, the catalogue of parts and
// fixed-price services, stock movements, and the use of parts and services
// on tickets.
//
// Rules (docs/rating-and-contracts.md says the same with examples):
//
// * Money is integer minor units in one currency. Work type rates and
//   catalogue prices are in the provider's currency; a client billed in
//   another currency needs its own rates (client or contract overrides, an
//   explicit unit price on a part or service).
// * A time entry keeps its actual minutes and its billable minutes apart.
//   Billable minutes come from the rounding rule (core/rating.h) unless a
//   permitted role overrides them, with a reason.
// * Time entries, part usages and service usages go draft -> approved ->
//   invoiced. Only approved items are billed; an invoiced item is locked:
//   it is never changed again (corrections are credit notes). Removing an
//   item that is not invoiced keeps it as history (removed_at).
// * Stock is a ledger of movements (receipts, usage, returns, corrections),
//   never an overwritten number. It may go below zero; that is flagged.
//
// Everything here is pure: values and validation, no I/O, no clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/money.h"
#include "core/time.h"

namespace tend {

// A calendar date (a work date, a contract's start). Stored as "YYYY-MM-DD".
using CivilDate = std::chrono::sys_days;

// "YYYY-MM-DD" of a civil date.
std::string format_civil_date(CivilDate date);
// Parses "YYYY-MM-DD"; invalid_input (without field) otherwise.
Result<CivilDate> parse_civil_date(std::string_view text);
// The calendar date of `instant` in the IANA zone `time_zone`; invalid_input
// for an unknown zone.
Result<CivilDate> local_date(Instant instant, std::string_view time_zone);

// The first instant of `date` in the IANA zone `time_zone` (local midnight,
// or the first instant after a DST gap); invalid_input for an unknown zone.
Result<Instant> start_of_day(CivilDate date, std::string_view time_zone);

// How a time entry is charged. Wire spelling = enumerator name.
enum class Billing {
  billable,      // charged (unless a contract covers it)
  non_billable,  // internal work: cost only, never on an invoice
  no_charge,     // shown to the client at no charge
};
// Where an item is in its life. Wire spelling = enumerator name.
enum class WorkStatus { draft, approved, invoiced };
// What a catalogue item is. Wire spelling = enumerator name.
enum class CatalogueKind { part, service };
// Why stock moved. `return_` is spelled "return".
enum class StockMovementKind { receipt, usage, return_, correction };

const char* to_string(Billing billing);
const char* to_string(WorkStatus status);
const char* to_string(CatalogueKind kind);
const char* to_string(StockMovementKind kind);
// The inverses; invalid_input (without field) naming the accepted values.
Result<Billing> parse_billing(std::string_view text);
Result<WorkStatus> parse_work_status(std::string_view text);
Result<CatalogueKind> parse_catalogue_kind(std::string_view text);
Result<StockMovementKind> parse_stock_movement_kind(std::string_view text);

// Parses a decimal multiplier or percentage text ("1.5", "21") into a
// Rational; invalid_input (without field) naming `what` otherwise.
Result<Rational> parse_decimal_field(std::string_view text, std::string_view what);

// A tax category with its rate in percent (Dutch VAT: 21, 9, 0).
struct TaxCategory {
  TaxCategoryId id;
  std::string code;  // unique, e.g. "NL21"
  std::string name;  // "BTW hoog 21%"
  Rational rate_percent;
  bool active = true;
  Instant created_at;
  Instant updated_at;
};

// Field errors: code (letters, digits, '-', '_', '.'; 1-40), name (1-100),
// rate_percent (0-100).
Status validate(const TaxCategory& category);

// A kind of work with its default rate and rounding rule.
struct WorkType {
  WorkTypeId id;
  std::string code;  // unique, e.g. "remote"
  std::string name;  // "Remote support"
  Money hourly_rate = Money::zero(Currency::eur());  // the default rate (provider currency)
  // Billable minutes of a ticket's entries of this type are at least the
  // minimum and rounded up to a multiple of the increment (0: no minimum,
  // 0 or 1: whole minutes). See core/rating.h.
  int64_t minimum_minutes = 0;
  int64_t rounding_increment_minutes = 0;
  // Applied to the rate of entries marked after_hours (1 = no surcharge).
  Rational after_hours_multiplier{1, 1};
  TaxCategoryId tax_category_id;  // optional
  bool active = true;
  Instant created_at;
  Instant updated_at;
};

// Field errors: code, name (1-100), hourly_rate (>= 0), minimum_minutes and
// rounding_increment_minutes (0-1440), after_hours_multiplier (1-10).
Status validate(const WorkType& work_type);

// A staff user's internal cost per hour, for profitability.
struct TechnicianRate {
  UserId user_id;
  Money cost_rate = Money::zero(Currency::eur());
  Instant updated_at;
};

// A client's own hourly rate for a work type (in the client's currency);
// it wins over the work type's default.
struct ClientRate {
  ClientId client_id;
  WorkTypeId work_type_id;
  Money hourly_rate = Money::zero(Currency::eur());
  Instant updated_at;
};

// The longest single time entry: one day.
inline constexpr int64_t kMaxEntryMinutes = 24 * 60;

// Time worked on a ticket.
struct TimeEntry {
  TimeEntryId id;
  TicketId ticket_id;
  ClientId client_id;  // the ticket's client (copied for lists and rating)
  UserId user_id;      // the technician who did the work
  WorkTypeId work_type_id;
  CivilDate work_date{};  // in the provider's time zone
  std::optional<Instant> started_at;
  std::optional<Instant> ended_at;
  int64_t actual_minutes = 0;  // 0 allowed: records a small act (a call to voicemail)
  Billing billing = Billing::billable;
  bool after_hours = false;
  // Computed by the rounding rule and stored; equals billable_override when set.
  int64_t billable_minutes = 0;
  std::optional<int64_t> billable_override;
  std::string override_reason;
  ServiceUsageId service_usage_id;  // set: part of a fixed-price service, not billed by the hour
  Money cost_rate = Money::zero(Currency::eur());  // the technician's cost rate when logged
  std::string notes;
  WorkStatus status = WorkStatus::draft;
  std::optional<Instant> approved_at;
  UserId approved_by_id;
  int64_t invoice_line_id = 0;  // set by billing with status invoiced
  std::optional<Instant> invoiced_at;
  UserId created_by_id;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> removed_at;

  bool locked() const { return status == WorkStatus::invoiced; }
  bool removed() const { return removed_at.has_value(); }
};

// Field errors: ticket_id, user_id, work_type_id (required), actual_minutes
// (0-1440), ended_at (after started_at; minutes must match the span when
// both are given), billable_override (0-1440) with override_reason
// (1-500) required alongside it, notes (at most 10000).
Status validate(const TimeEntry& entry);

// Whole minutes between two instants, rounded half up (30 s counts as a
// minute). Negative spans give 0.
int64_t minutes_between(Instant from, Instant to);

// A running timer of a technician (at most one each).
struct RunningTimer {
  UserId user_id;
  TicketId ticket_id;
  WorkTypeId work_type_id;
  Instant started_at;
  Billing billing = Billing::billable;
  bool after_hours = false;
  std::string notes;
};

// A catalogue item: a part (stocked) or a fixed-price service.
struct CatalogueItem {
  CatalogueItemId id;
  CatalogueKind kind = CatalogueKind::part;
  std::string sku;  // unique
  std::string name;
  std::string description;
  Money unit_cost = Money::zero(Currency::eur());
  // The price is either explicit or a markup in percent on the cost.
  std::optional<Money> unit_price;
  std::optional<Rational> markup_percent;
  TaxCategoryId tax_category_id;  // optional
  int64_t reorder_level = 0;      // parts: flag when stock falls to or below it
  bool active = true;
  Instant created_at;
  Instant updated_at;
  // Read-only, from the stock ledger (parts).
  int64_t stock_on_hand = 0;

  // The selling price: unit_price, else unit_cost x (1 + markup/100)
  // rounded half away from zero to a minor unit.
  Money price() const;
  bool below_reorder_level() const { return kind == CatalogueKind::part && stock_on_hand <= reorder_level; }
};

// Field errors: sku (letters, digits, '-', '_', '.', '/'; 1-64), name
// (1-200), description (at most 2000), unit_cost (>= 0), unit_price (>= 0,
// same currency as the cost), markup_percent (0-1000; not together with
// unit_price; one of the two is required), reorder_level (>= 0); a service
// has no reorder level.
Status validate(const CatalogueItem& item);

// One movement in the stock ledger of a part.
struct StockMovement {
  StockMovementId id;
  CatalogueItemId item_id;
  StockMovementKind kind = StockMovementKind::receipt;
  int64_t quantity = 0;  // signed: receipts and returns add, usage subtracts
  PartUsageId part_usage_id;  // for usage and return
  std::string note;
  Instant at;
  UserId actor_id;
  std::string actor;
  int64_t balance_after = 0;  // read-only: stock on hand after this movement
};

// Field errors: quantity (non-zero; receipts > 0), note (at most 500;
// required for corrections).
Status validate(const StockMovement& movement);

// The stock of a part after a movement: below zero is allowed but flagged,
// and so is reaching the reorder level.
struct StockLevel {
  int64_t on_hand = 0;
  bool below_zero = false;
  bool reorder = false;  // at or below the item's reorder level
};
// The level of `item` (whose stock_on_hand is the ledger's sum) after a
// movement of `quantity` (signed).
StockLevel stock_after(const CatalogueItem& item, int64_t quantity);

// The largest quantity of one part or service line.
inline constexpr int64_t kMaxQuantity = 1'000'000;

// Parts used on a ticket.
struct PartUsage {
  PartUsageId id;
  TicketId ticket_id;
  ClientId client_id;
  CatalogueItemId item_id;
  int64_t quantity = 1;
  Money unit_price = Money::zero(Currency::eur());  // in the client's currency
  Money unit_cost = Money::zero(Currency::eur());   // from the catalogue when used
  std::vector<std::string> serial_numbers;
  CivilDate used_on{};
  std::string notes;
  WorkStatus status = WorkStatus::draft;
  std::optional<Instant> approved_at;
  UserId approved_by_id;
  int64_t invoice_line_id = 0;
  std::optional<Instant> invoiced_at;
  UserId created_by_id;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> removed_at;

  bool locked() const { return status == WorkStatus::invoiced; }
  bool removed() const { return removed_at.has_value(); }
};

// Field errors: ticket_id, item_id (required), quantity (1-1000000),
// unit_price (>= 0), serial_numbers (at most `quantity`, each 1-100
// characters, no duplicates), notes.
Status validate(const PartUsage& usage);

// A fixed-price service sold on a ticket (charged once; time logged under it
// is not billed again by the hour but counts as cost).
struct ServiceUsage {
  ServiceUsageId id;
  TicketId ticket_id;
  ClientId client_id;
  CatalogueItemId item_id;
  int64_t quantity = 1;
  Money unit_price = Money::zero(Currency::eur());
  Money unit_cost = Money::zero(Currency::eur());
  CivilDate performed_on{};
  std::string notes;
  WorkStatus status = WorkStatus::draft;
  std::optional<Instant> approved_at;
  UserId approved_by_id;
  int64_t invoice_line_id = 0;
  std::optional<Instant> invoiced_at;
  UserId created_by_id;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> removed_at;

  bool locked() const { return status == WorkStatus::invoiced; }
  bool removed() const { return removed_at.has_value(); }
};

// Field errors: ticket_id, item_id (required), quantity (1-1000000),
// unit_price (>= 0), notes.
Status validate(const ServiceUsage& usage);

// The labour cost of `minutes` at an hourly cost rate, rounded half away
// from zero to a minor unit.
Money labour_cost(int64_t minutes, const Money& hourly_cost);

}  // namespace tend
