// The billing run's pure rules: the period, proration of monthly fees by
// days, the lines of a managed agreement's fee and of block-hour purchases
// (billed in advance), the lines of rated time, parts and services (billed
// in arrears), and the idempotency keys that put each billable item on at
// most one invoice line. No I/O, no clock: the app layer loads the inputs,
// calls these, and stores the result. docs/billing-rules.md states the
// rules with worked examples.
//
// Rules:
// * A billing period is a range of whole days, a calendar month by default
//   ("2026-11"); at most 366 days.
// * Recurring fees are billed per calendar month, in advance: a run for a
//   period bills the fee of every calendar month the period touches, once
//   (the key "contract_fee:<contract>:<YYYY-MM>" makes a second run, or an
//   overlapping period, bill nothing again).
// * Proration by days: a month is cut into segments at the agreement's
//   start, its last day (end, non-renewal, cancellation effective date) and
//   its price changes. Each segment bills each fee component at
//       unit price x quantity x covered_days / days_in_month
//   rounded half away from zero once per line (core/invoice.h). A full
//   month is billed exactly (factor 1). Consecutive segments that cover a
//   whole month at one price come to the full fee within half a minor unit
//   per segment.
// * Devices are the counts taken at the billing date (the caller counts
//   them from the RMM registry); a client without agents uses the manual
//   counts of the prices in force (managed_monthly_fee in core/contracts.h).
// * Arrears: time, parts and services are billed from the decisions of
//   core/coverage.h, at the amounts rated there; covered and no-charge work
//   is shown at zero so the client sees it, internal work and time under a
//   fixed-price service never reaches an invoice, unpriced work is refused.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/contracts.h"
#include "core/coverage.h"
#include "core/error.h"
#include "core/invoice.h"

namespace tend {

// ---- period -----------------------------------------------------------------------

// "2026-11".
std::string format_month(std::chrono::year_month month);
// Parses "YYYY-MM" (years 2000-9999); invalid_input (field "period").
Result<std::chrono::year_month> parse_month(std::string_view text);
// 28-31. Requires a valid month.
int64_t days_in_month(std::chrono::year_month month);

// The days a billing run bills: first_day..last_day, both inclusive.
struct BillingPeriod {
  CivilDate first_day{};
  CivilDate last_day{};

  // The calendar month.
  static BillingPeriod month(std::chrono::year_month month);
  // A range of days; invalid_input with field errors: first_day (required,
  // years 2000-9999), last_day (not before first_day; at most 366 days).
  static Result<BillingPeriod> between(CivilDate first_day, CivilDate last_day);
  // "2026-11" (a month) or "2026-11-01..2026-11-15"; invalid_input (field
  // "period") otherwise.
  static Result<BillingPeriod> parse(std::string_view text);

  // The number of days (>= 1).
  int64_t days() const;
  bool contains(CivilDate day) const { return first_day <= day && day <= last_day; }
  bool is_calendar_month() const;
  // The calendar months the period touches, in order.
  std::vector<std::chrono::year_month> months() const;
  // The inverse of parse.
  std::string to_string() const;

  friend bool operator==(const BillingPeriod&, const BillingPeriod&) = default;
};

// ---- proration --------------------------------------------------------------------

// The share of a month: covered_days / days_in_month (reduced). invalid_input
// unless 28 <= days_in_month <= 31 and 0 <= covered_days <= days_in_month.
Result<Rational> month_share(int64_t covered_days, int64_t days_in_month);
// A monthly amount for covered_days of a month, half away from zero (the
// same value as a line with quantity 1 and that share as its factor).
Result<Money> prorate_monthly(const Money& monthly, int64_t covered_days, int64_t days_in_month);

// Days of one month billed at one set of prices.
struct FeeSegment {
  CivilDate from{};  // inclusive
  CivilDate to{};    // inclusive, same month as `from`
  int64_t covered_days = 0;
  int64_t days_in_month = 0;
  size_t terms_index = 0;  // into contract.terms

  // covered_days / days_in_month, reduced.
  Rational share() const;
  friend bool operator==(const FeeSegment&, const FeeSegment&) = default;
};

// The segments of `month` for a managed agreement: the days it is active
// (core/contracts.h active_on), cut at each price change; empty when it is
// not active in the month. invalid_input when the contract is not managed
// or does not validate (its field errors).
Result<std::vector<FeeSegment>> fee_segments(const Contract& contract, std::chrono::year_month month);

// The lines of a managed agreement's fee for `month`: per segment, one line
// per component with a quantity and a price (flat 1 x flat fee;
// workstations, servers by class x their prices; users x per user), factor
// = the segment's share (1 for a full month), kind recurring_fee, unit
// "month", service_from/to = the segment, tax `tax`, item key
// contract_fee_key(contract, month) and line key
// "<item>/<component>@<YYYY-MM-DD of the segment start>". Components with
// quantity or price 0 make no line. `devices` are the counts at the billing
// date. Errors of fee_segments and price_line.
Result<std::vector<InvoiceLine>> recurring_fee_lines(const Contract& contract, std::chrono::year_month month,
                                                     const DeviceCounts& devices, const LineTax& tax);

// The blocks of a block-hours contract that a run for `period` bills in
// advance: not yet invoiced (invoice_line_id 0 and no invoiced_at) and valid
// from on or before the period's last day. In the contract's block order.
std::vector<HourBlock> blocks_to_bill(const Contract& contract, const BillingPeriod& period);

// The line of a block purchase: "Prepaid hours <label>: 10 h, valid
// 2026-10-01 to 2026-12-31", 1 x its price, kind block_purchase, key
// billable_key(block.id). Errors of price_line.
Result<InvoiceLine> block_purchase_line(const Contract& contract, const HourBlock& block, const LineTax& tax);

// ---- arrears ----------------------------------------------------------------------

// A rated time entry the run may bill (approved, not yet invoiced).
struct TimeToBill {
  RatingEntry entry;
  TimeCharge charge;           // from rate_client_work (core/coverage.h)
  std::string work_type_name;  // "Remote support"
  std::string ticket_label;    // "#123 Printer offline"
  std::string contract_name;   // of charge.contract, for covered / block lines
  LineTax tax;                 // already effective for the client
};

// The line of a time entry, or nullopt when it never reaches an invoice
// (not_billable, fixed_price_service). Quantity is hours (charged minutes /
// 60): time and materials and block overage at the charge's base rate with
// the after-hours multiplier as factor (the amount equals the rated
// amount); covered, no charge and fully prepaid work at price 0 with the
// billable hours. Key billable_key(entry.id). Errors: invalid_input (field
// "charge") for unpriced work or a charge in another currency; internal
// when the line does not come to the rated amount (a bug).
Result<std::optional<InvoiceLine>> time_line(const TimeToBill& time, Currency currency);

// A rated part or service use the run may bill.
struct ItemToBill {
  ItemUse use;
  ItemCharge charge;  // from rate_item (core/coverage.h)
  std::string ticket_label;
  std::string contract_name;  // of charge.contract, for included items
  LineTax tax;
};

// The line of a part (kind part) or a fixed-price service (kind service):
// quantity x unit price, or price 0 when included in an agreement or no
// charge; nullopt for not_billable. Key billable_key(PartUsageId or
// ServiceUsageId). Errors as time_line.
Result<std::optional<InvoiceLine>> item_line(const ItemToBill& item, Currency currency);

// ---- idempotency keys ---------------------------------------------------------------

// What a billable item is. Wire spelling = enumerator name.
enum class BillableKind { time_entry, part_usage, service_usage, block_purchase, contract_fee };
const char* to_string(BillableKind kind);

// A billable item: each is billed on at most one invoice line (a fee: on
// one set of lines created together). Deterministic: the same item always
// has the same key.
struct BillableItemKey {
  BillableKind kind = BillableKind::time_entry;
  int64_t id = 0;                                // > 0
  std::optional<std::chrono::year_month> month;  // contract_fee only

  // "time_entry:123", "contract_fee:45:2026-11".
  std::string to_string() const;
  // The inverse; invalid_input (field "item_key") for anything else.
  static Result<BillableItemKey> parse(std::string_view text);
  friend bool operator==(const BillableItemKey&, const BillableItemKey&) = default;
};

std::string billable_key(TimeEntryId id);
std::string billable_key(PartUsageId id);
std::string billable_key(ServiceUsageId id);
std::string billable_key(HourBlockId id);
std::string contract_fee_key(ContractId id, std::chrono::year_month month);
// The item part of a line key: "contract_fee:45:2026-11/flat@2026-11-01" ->
// "contract_fee:45:2026-11"; a key without '/' is its own item.
std::string item_of_line_key(std::string_view line_key);

}  // namespace tend
