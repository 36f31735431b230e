// The JSON shape of work and contracts: tax categories, work types,
// technicians, client rates, time entries, timers, the catalogue, stock
// movements, part and service usages, contracts (with terms, blocks and
// their ledger), managed fees and the charges of a ticket or client. Used by
// the API, the CLI and the audit trail, like app/json_codec.h.
//
// Money is written as a decimal string in major units ("95.00") next to a
// "currency" field, and read the same way (a JSON integer is accepted as a
// whole amount; never a JSON fraction, which would be a binary double). Dates are "YYYY-MM-DD". Readers are strict: unknown and
// read-only fields are field errors, every problem is reported at once, and
// only the fields present are applied.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/json_codec.h"
#include "core/contracts.h"
#include "core/coverage.h"
#include "core/users.h"
#include "core/work.h"

namespace tend {

// ---- views that are not stored as such --------------------------------------------------

// A staff user with the cost rate set for them (if any).
struct Technician {
  User user;
  std::optional<TechnicianRate> rate;
};

// A time entry with what it is worth.
struct TimeEntryCharge {
  TimeEntry entry;
  TimeCharge charge;
  std::string work_type_name;
  std::string contract_name;  // of charge.contract, if any
  TaxCategoryId tax_category_id;
  Money cost = Money::zero(Currency::eur());
  std::string explanation;
};

// A part or service used on a ticket with what it is worth.
struct ItemUseCharge {
  int64_t usage_id = 0;
  TicketId ticket_id;
  CatalogueItemId item_id;
  CatalogueKind kind = CatalogueKind::part;
  std::string sku;
  std::string name;
  CivilDate on{};
  int64_t quantity = 1;
  Money unit_price = Money::zero(Currency::eur());
  Money cost = Money::zero(Currency::eur());
  WorkStatus status = WorkStatus::draft;
  TaxCategoryId tax_category_id;
  ItemCharge charge;
  std::string contract_name;
  std::string explanation;
  std::vector<std::string> serial_numbers;
};

// Everything charged for a ticket or a client over a period.
struct WorkCharges {
  ClientId client_id;
  TicketId ticket_id;  // 0 for a client's period
  Currency currency = Currency::eur();
  std::vector<TimeEntryCharge> time;
  std::vector<ItemUseCharge> parts;
  std::vector<ItemUseCharge> services;
  Money charged_total = Money::zero(Currency::eur());
  Money cost_total = Money::zero(Currency::eur());  // labour + parts + services at cost
};

// A contract with what follows from it on a day.
struct ContractDetails {
  Contract contract;
  CivilDate as_of{};
  std::string client_name;
  bool active = false;
  std::optional<CivilDate> last_day;
  std::optional<CivilDate> renewal_date;
  std::optional<CivilDate> notice_deadline;  // the last day to cancel at the renewal
  std::vector<BlockBalance> balances;         // block hours
  std::optional<ManagedFee> fee;              // managed: the fee on as_of
};

// A block-hours contract's balance ledger.
struct ContractLedger {
  Contract contract;
  std::vector<BlockBalance> balances;
  std::vector<BlockLedgerRow> rows;
};

// A managed agreement's monthly fee on a day.
struct ContractFee {
  ContractId contract_id;
  CivilDate on{};
  DeviceCounts agents;
  ManagedFee fee;
};

// ---- writers --------------------------------------------------------------------------------

void write_json(wire::JsonWriter& w, const TaxCategory& category);
void write_json(wire::JsonWriter& w, const WorkType& work_type);
void write_json(wire::JsonWriter& w, const Technician& technician);
void write_json(wire::JsonWriter& w, const ClientRate& rate);
void write_json(wire::JsonWriter& w, const TimeEntry& entry);
void write_json(wire::JsonWriter& w, const RunningTimer& timer);
void write_json(wire::JsonWriter& w, const CatalogueItem& item);
void write_json(wire::JsonWriter& w, const StockMovement& movement);
void write_json(wire::JsonWriter& w, const PartUsage& usage);
void write_json(wire::JsonWriter& w, const ServiceUsage& usage);
void write_json(wire::JsonWriter& w, const Contract& contract);
void write_json(wire::JsonWriter& w, const ContractDetails& details);
void write_json(wire::JsonWriter& w, const ContractLedger& ledger);
void write_json(wire::JsonWriter& w, const ContractFee& fee);
void write_json(wire::JsonWriter& w, const TimeEntryCharge& charge, bool with_costs);
void write_json(wire::JsonWriter& w, const ItemUseCharge& charge, bool with_costs);
// Costs (labour and purchase prices) are internal: left out for portal users.
void write_json(wire::JsonWriter& w, const WorkCharges& charges, bool with_costs);

// DOMs for the audit trail (parsed from write_json's output).
nlohmann::json to_json(const TaxCategory& category);
nlohmann::json to_json(const WorkType& work_type);
nlohmann::json to_json(const TimeEntry& entry);
nlohmann::json to_json(const CatalogueItem& item);
nlohmann::json to_json(const PartUsage& usage);
nlohmann::json to_json(const ServiceUsage& usage);
nlohmann::json to_json(const Contract& contract);

// "95.00" in major units.
std::string money_text(const Money& money);

// ---- readers ----------------------------------------------------------------------------------

// Tax categories: code, name, rate_percent, active.
Status apply_json(TaxCategory& category, const nlohmann::json& body);
// Work types: code, name, hourly_rate (in `currency`), minimum_minutes,
// rounding_increment_minutes, after_hours_multiplier, tax_category_id,
// active.
Status apply_json(WorkType& work_type, const nlohmann::json& body, Currency currency);

// Which time entry fields a caller may write.
enum class TimeEntryInput {
  create,  // ticket_id, user_id, work_type_id, work_date, started_at, ended_at, minutes, billing, after_hours, service_usage_id, notes
  update,  // the same but ticket_id
  billable_override,  // update + billable_minutes and override_reason (finance and admin)
};
// Applies the fields present (structure and types; references are checked
// by app/work_service.cpp, validate(TimeEntry) runs afterwards). A null
// billable_minutes removes an override.
Status apply_json(TimeEntry& entry, const nlohmann::json& body, TimeEntryInput mode);

// Catalogue items: kind and sku (create), name, description, unit_cost,
// unit_price or markup_percent (null clears), tax_category_id,
// reorder_level, active. Amounts in `currency`.
Status apply_json(CatalogueItem& item, const nlohmann::json& body, bool creating, Currency currency);

// Contracts. On create: client_id, kind, name, reference, starts_on,
// ends_on, term_months, auto_renew, notice_days, sla_policy_id,
// covered_work_types, covered_items, rates [{work_type_id, hourly_rate}],
// overage_rate, rollover, notes, terms {flat_fee, per_workstation,
// per_server, per_user, user_count, manual_workstations, manual_servers}
// (managed), blocks [{label, hours, price, valid_from, valid_to}] (block
// hours). On update: the same but client_id, kind, starts_on, terms and
// blocks. Amounts are in contract.currency (set by the caller first).
Status apply_json(Contract& contract, const nlohmann::json& body, bool creating);

// A block purchase: label, hours (decimal, e.g. "10" or "7.5") or minutes,
// price, valid_from, valid_to.
Status apply_json(HourBlock& block, const nlohmann::json& body, Currency currency, std::string_view prefix = "");

// New managed prices: effective_from (required) and any of flat_fee,
// per_workstation, per_server, per_user, user_count, manual_workstations,
// manual_servers, note; the fields not given keep the values in force.
Status apply_json(ManagedTerms& terms, const nlohmann::json& body, Currency currency, std::string_view prefix = "",
                  bool require_date = true);

}  // namespace tend
