#include "core/billing.h"

#include <algorithm>
#include <charconv>

#include "core/rating.h"

namespace tend {
namespace {

using std::chrono::days;
using std::chrono::year_month;
using std::chrono::year_month_day;

constexpr const char* kBillableKindNames[] = {"time_entry", "part_usage", "service_usage", "block_purchase",
                                              "contract_fee"};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> parse_positive(std::string_view text) {
  if (!all_digits(text) || text.size() > 18 || text[0] == '0') return std::nullopt;
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

CivilDate first_of(year_month month) { return CivilDate(month / 1); }
CivilDate last_of(year_month month) { return CivilDate(month / std::chrono::last); }
year_month month_of(CivilDate day) {
  year_month_day ymd(day);
  return ymd.year() / ymd.month();
}

int year_of(CivilDate day) { return static_cast<int>(year_month_day(day).year()); }

// " — #123 Printer offline", or nothing without a label.
std::string label_suffix(const std::string& label) { return label.empty() ? "" : " — " + label; }

std::string component_label(const std::string& what) {
  if (what == "flat") return "monthly fee";
  return what;  // "workstations", "servers", "users"
}

std::string component_unit(const std::string& what) {
  if (what == "flat") return "month";
  if (what == "workstations") return "workstation";
  if (what == "servers") return "server";
  if (what == "users") return "user";
  return what;
}

Error bad_charge(const std::string& message) { return Error::invalid_field("charge", message); }

// Checks that a line came to what rating decided; a difference is a bug.
Status check_rated_amount(const InvoiceLine& line, const Money& rated) {
  if (line.amount == rated) return {};
  return std::unexpected(Error::internal("the line '" + line.description + "' comes to " +
                                         line.amount.to_string() + " but was rated at " + rated.to_string()));
}

}  // namespace

// ---- period -----------------------------------------------------------------------

std::string format_month(year_month month) {
  std::string text = format_civil_date(first_of(month));
  return text.substr(0, 7);
}

Result<year_month> parse_month(std::string_view text) {
  auto invalid = [&] {
    return std::unexpected(
        Error::invalid_field("period", "'" + std::string(text) + "' is not a month such as 2026-11"));
  };
  if (text.size() != 7 || text[4] != '-' || !all_digits(text.substr(0, 4)) || !all_digits(text.substr(5))) {
    return invalid();
  }
  int year = std::stoi(std::string(text.substr(0, 4)));
  unsigned month = static_cast<unsigned>(std::stoi(std::string(text.substr(5))));
  if (year < 2000 || month < 1 || month > 12) return invalid();
  return std::chrono::year(year) / std::chrono::month(month);
}

int64_t days_in_month(year_month month) {
  return static_cast<int64_t>(static_cast<unsigned>((month / std::chrono::last).day()));
}

BillingPeriod BillingPeriod::month(year_month month) {
  return BillingPeriod{first_of(month), last_of(month)};
}

Result<BillingPeriod> BillingPeriod::between(CivilDate first_day, CivilDate last_day) {
  FieldErrors errors;
  const int first_year = year_of(first_day);
  if (first_day == CivilDate{}) {
    errors.add("first_day", "is required");
  } else if (first_year < 2000 || first_year > 9999) {
    errors.add("first_day", "must be in the years 2000-9999");
  }
  if (last_day < first_day) {
    errors.add("last_day", "must not be before first_day");
  } else if ((last_day - first_day).count() + 1 > 366) {
    errors.add("last_day", "a billing period is at most 366 days");
  } else if (year_of(last_day) > 9999) {
    errors.add("last_day", "must be in the years 2000-9999");
  }
  TEND_CHECK(std::move(errors).status("the billing period is not valid"));
  return BillingPeriod{first_day, last_day};
}

Result<BillingPeriod> BillingPeriod::parse(std::string_view text) {
  if (text.size() == 7) return month(TEND_TRY(parse_month(text)));
  auto invalid = [&] {
    return std::unexpected(Error::invalid_field(
        "period", "'" + std::string(text) + "' is not a period such as 2026-11 or 2026-11-01..2026-11-15"));
  };
  auto dots = text.find("..");
  if (dots == std::string_view::npos) return invalid();
  auto first = parse_civil_date(text.substr(0, dots));
  auto last = parse_civil_date(text.substr(dots + 2));
  if (!first || !last) return invalid();
  auto period = between(*first, *last);
  if (!period) {
    std::string why = period.error().fields.empty() ? ""
                                                    : ": " + period.error().fields.front().field + " " +
                                                          period.error().fields.front().message;
    return std::unexpected(Error::invalid_field("period", "'" + std::string(text) + "' is not valid" + why));
  }
  return period;
}

int64_t BillingPeriod::days() const { return (last_day - first_day).count() + 1; }

bool BillingPeriod::is_calendar_month() const {
  year_month month = month_of(first_day);
  return first_day == first_of(month) && last_day == last_of(month);
}

std::vector<year_month> BillingPeriod::months() const {
  std::vector<year_month> out;
  for (year_month m = month_of(first_day); m <= month_of(last_day); m += std::chrono::months(1))
    out.push_back(m);
  return out;
}

std::string BillingPeriod::to_string() const {
  if (is_calendar_month()) return format_month(month_of(first_day));
  return format_civil_date(first_day) + ".." + format_civil_date(last_day);
}

// ---- proration --------------------------------------------------------------------

Result<Rational> month_share(int64_t covered_days, int64_t days_in_month) {
  if (days_in_month < 28 || days_in_month > 31) {
    return std::unexpected(Error::invalid_field("days_in_month", "must be between 28 and 31"));
  }
  if (covered_days < 0 || covered_days > days_in_month) {
    return std::unexpected(
        Error::invalid_field("covered_days", "must be between 0 and the days of the month"));
  }
  return Rational{covered_days, days_in_month}.reduced();
}

Result<Money> prorate_monthly(const Money& monthly, int64_t covered_days, int64_t days_in_month) {
  Rational share = TEND_TRY(month_share(covered_days, days_in_month));
  return line_amount(monthly, Rational{1, 1}, share);
}

Rational FeeSegment::share() const { return Rational{covered_days, days_in_month}.reduced(); }

Result<std::vector<FeeSegment>> fee_segments(const Contract& contract, year_month month) {
  if (contract.kind != ContractKind::managed) {
    return std::unexpected(Error::invalid("only a managed agreement has a monthly fee"));
  }
  if (!month.ok()) return std::unexpected(Error::invalid_field("period", "is not a valid month"));
  TEND_CHECK(validate(contract));
  std::vector<FeeSegment> out;
  CivilDate from = std::max(first_of(month), contract.starts_on);
  CivilDate to = last_of(month);
  if (auto last = last_day(contract); last && *last < to) to = *last;
  if (to < from) return out;

  const int64_t month_days = days_in_month(month);
  // The prices in force on `from` (validation puts the first on starts_on).
  size_t index = 0;
  for (size_t i = 0; i < contract.terms.size(); ++i) {
    if (contract.terms[i].effective_from <= from) index = i;
  }
  CivilDate segment_start = from;
  for (size_t i = index + 1; i < contract.terms.size(); ++i) {
    const CivilDate change = contract.terms[i].effective_from;
    if (change > to) break;
    out.push_back({segment_start, change - days(1), (change - segment_start).count(), month_days, index});
    segment_start = change;
    index = i;
  }
  out.push_back({segment_start, to, (to - segment_start).count() + 1, month_days, index});
  return out;
}

Result<std::vector<InvoiceLine>> recurring_fee_lines(const Contract& contract, year_month month,
                                                     const DeviceCounts& devices, const LineTax& tax) {
  std::vector<FeeSegment> segments = TEND_TRY(fee_segments(contract, month));
  if (devices.workstations < 0 || devices.servers < 0) {
    return std::unexpected(Error::invalid_field("devices", "counts must not be negative"));
  }
  const std::string item = contract_fee_key(contract.id, month);
  std::vector<InvoiceLine> out;
  for (const FeeSegment& segment : segments) {
    ManagedFee fee = TEND_TRY(managed_monthly_fee(contract, segment.from, devices));
    const bool whole_month = segment.covered_days == segment.days_in_month;
    const std::string when = whole_month
                                 ? format_month(month)
                                 : format_civil_date(segment.from) + " to " + format_civil_date(segment.to) +
                                       " (" + std::to_string(segment.covered_days) + " of " +
                                       std::to_string(segment.days_in_month) + " days)";
    for (const FeeLine& component : fee.lines) {
      if (component.quantity == 0 || component.unit_price.is_zero()) continue;
      InvoiceLine line;
      line.kind = LineKind::recurring_fee;
      line.description = contract.name + ": " + component_label(component.what) + ", " + when;
      line.quantity = Rational{component.quantity, 1};
      line.unit = component_unit(component.what);
      line.unit_price = component.unit_price;
      line.factor = segment.share();
      line.tax = tax;
      line.item_key = item;
      line.line_key = item + "/" + component.what + "@" + format_civil_date(segment.from);
      line.service_from = segment.from;
      line.service_to = segment.to;
      out.push_back(TEND_TRY(price_line(std::move(line), "lines[" + std::to_string(out.size()) + "]")));
    }
  }
  return out;
}

std::vector<HourBlock> blocks_to_bill(const Contract& contract, const BillingPeriod& period) {
  std::vector<HourBlock> out;
  if (contract.kind != ContractKind::block_hours) return out;
  for (const HourBlock& block : contract.blocks) {
    if (block.invoice_line_id != 0 || block.invoiced_at) continue;
    if (block.valid_from <= period.last_day) out.push_back(block);
  }
  return out;
}

Result<InvoiceLine> block_purchase_line(const Contract& contract, const HourBlock& block,
                                        const LineTax& tax) {
  InvoiceLine line;
  line.kind = LineKind::block_purchase;
  line.description = contract.name + ": prepaid hours " + block.label + ", " + format_hours(block.minutes) +
                     ", valid " + format_civil_date(block.valid_from) + " to " +
                     format_civil_date(block.valid_to);
  line.quantity = Rational{1, 1};
  line.unit = "block";
  line.unit_price = block.price;
  line.tax = tax;
  line.item_key = line.line_key = billable_key(block.id);
  line.service_from = block.valid_from;
  line.service_to = block.valid_to;
  return price_line(std::move(line));
}

// ---- arrears ----------------------------------------------------------------------

Result<std::optional<InvoiceLine>> time_line(const TimeToBill& time, Currency currency) {
  const TimeCharge& charge = time.charge;
  if (charge.basis == ChargeBasis::not_billable || charge.basis == ChargeBasis::fixed_price_service) {
    return std::optional<InvoiceLine>();
  }
  if (charge.basis == ChargeBasis::unpriced) {
    return std::unexpected(bad_charge("cannot be billed: no rate for " + time.work_type_name + " in " +
                                      std::string(currency.code()) + ", the client's currency"));
  }
  if (charge.basis == ChargeBasis::fixed_price || !(charge.amount.currency() == currency)) {
    return std::unexpected(bad_charge("is not a charge of a time entry in " + std::string(currency.code())));
  }
  InvoiceLine line;
  line.kind = LineKind::time;
  line.unit = "h";
  line.tax = time.tax;
  line.item_key = line.line_key = billable_key(time.entry.id);
  line.unit_price = Money::zero(currency);
  std::string what =
      time.work_type_name + " " + format_civil_date(time.entry.work_date) + label_suffix(time.ticket_label);

  auto charged = [&](const std::string& note) -> Status {
    if (!charge.rate.base || !(charge.rate.base->currency() == currency)) {
      return std::unexpected(bad_charge("has no rate in " + std::string(currency.code())));
    }
    line.quantity = Rational{charge.charged_minutes, 60};
    line.unit_price = *charge.rate.base;
    line.factor = charge.rate.multiplier;
    line.description = what + note;
    if (!(charge.rate.multiplier == Rational{1, 1})) {
      line.description += " (after hours x" + charge.rate.multiplier.to_string() + ")";
    }
    return {};
  };
  auto shown = [&](int64_t minutes, const std::string& note) {
    line.quantity = Rational{minutes, 60};
    line.description = what + note;
  };
  const std::string contract = time.contract_name.empty() ? "the agreement" : time.contract_name;
  switch (charge.basis) {
    case ChargeBasis::time_and_materials: TEND_CHECK(charged("")); break;
    case ChargeBasis::block_hours: {
      const int64_t prepaid = charge.billable_minutes - charge.charged_minutes;
      if (charge.charged_minutes > 0) {
        TEND_CHECK(charged(" (overage of " + contract +
                           (prepaid > 0 ? "; " + format_hours(prepaid) + " from prepaid hours)" : ")")));
      } else {
        shown(charge.billable_minutes, " (from prepaid hours, " + contract + ")");
      }
      break;
    }
    case ChargeBasis::covered: shown(charge.billable_minutes, " (covered by " + contract + ")"); break;
    case ChargeBasis::no_charge: shown(time.entry.actual_minutes, " (no charge)"); break;
    default: return std::unexpected(bad_charge("cannot be billed"));
  }
  InvoiceLine priced = TEND_TRY(price_line(std::move(line)));
  TEND_CHECK(check_rated_amount(priced, charge.amount));
  return std::optional<InvoiceLine>(std::move(priced));
}

Result<std::optional<InvoiceLine>> item_line(const ItemToBill& item, Currency currency) {
  const ItemCharge& charge = item.charge;
  const ItemUse& use = item.use;
  if (charge.basis == ChargeBasis::not_billable) return std::optional<InvoiceLine>();
  if (charge.basis == ChargeBasis::unpriced) {
    return std::unexpected(bad_charge("cannot be billed: " + use.item_name + " has no price in " +
                                      std::string(currency.code())));
  }
  if (!(charge.amount.currency() == currency) || !(use.unit_price.currency() == currency)) {
    return std::unexpected(
        bad_charge("is not in " + std::string(currency.code()) + ", the client's currency"));
  }
  InvoiceLine line;
  line.kind = use.kind == CatalogueKind::part ? LineKind::part : LineKind::service;
  line.unit = "pcs";
  line.tax = item.tax;
  line.item_key = line.line_key = use.kind == CatalogueKind::part ? billable_key(PartUsageId(use.id))
                                                                  : billable_key(ServiceUsageId(use.id));
  line.quantity = Rational{use.quantity, 1};
  line.unit_price = Money::zero(currency);
  line.description = use.item_name + " " + format_civil_date(use.on) + label_suffix(item.ticket_label);
  switch (charge.basis) {
    case ChargeBasis::time_and_materials:
    case ChargeBasis::fixed_price: line.unit_price = use.unit_price; break;
    case ChargeBasis::covered:
      line.description +=
          " (included in " + (item.contract_name.empty() ? "the agreement" : item.contract_name) + ")";
      break;
    case ChargeBasis::no_charge: line.description += " (no charge)"; break;
    default: return std::unexpected(bad_charge("is not a charge of a part or service"));
  }
  InvoiceLine priced = TEND_TRY(price_line(std::move(line)));
  TEND_CHECK(check_rated_amount(priced, charge.amount));
  return std::optional<InvoiceLine>(std::move(priced));
}

// ---- idempotency keys ---------------------------------------------------------------

const char* to_string(BillableKind kind) { return kBillableKindNames[static_cast<size_t>(kind)]; }

std::string BillableItemKey::to_string() const {
  std::string out = std::string(tend::to_string(kind)) + ":" + std::to_string(id);
  if (kind == BillableKind::contract_fee && month) out += ":" + format_month(*month);
  return out;
}

Result<BillableItemKey> BillableItemKey::parse(std::string_view text) {
  auto invalid = [&] {
    return std::unexpected(Error::invalid_field(
        "item_key", "'" + std::string(text) + "' is not a billable item such as time_entry:123"));
  };
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return invalid();
  std::string_view kind_text = text.substr(0, colon), rest = text.substr(colon + 1);
  std::optional<BillableKind> kind;
  for (size_t i = 0; i < std::size(kBillableKindNames); ++i) {
    if (kind_text == kBillableKindNames[i]) kind = static_cast<BillableKind>(i);
  }
  if (!kind) return invalid();
  BillableItemKey key;
  key.kind = *kind;
  std::string_view id_text = rest;
  if (*kind == BillableKind::contract_fee) {
    auto second = rest.find(':');
    if (second == std::string_view::npos) return invalid();
    id_text = rest.substr(0, second);
    auto month = parse_month(rest.substr(second + 1));
    if (!month) return invalid();
    key.month = *month;
  }
  auto id = parse_positive(id_text);
  if (!id) return invalid();
  key.id = *id;
  return key;
}

std::string billable_key(TimeEntryId id) {
  return BillableItemKey{BillableKind::time_entry, id.value()}.to_string();
}
std::string billable_key(PartUsageId id) {
  return BillableItemKey{BillableKind::part_usage, id.value()}.to_string();
}
std::string billable_key(ServiceUsageId id) {
  return BillableItemKey{BillableKind::service_usage, id.value()}.to_string();
}
std::string billable_key(HourBlockId id) {
  return BillableItemKey{BillableKind::block_purchase, id.value()}.to_string();
}
std::string contract_fee_key(ContractId id, year_month month) {
  return BillableItemKey{BillableKind::contract_fee, id.value(), month}.to_string();
}

std::string item_of_line_key(std::string_view line_key) {
  return std::string(line_key.substr(0, line_key.find('/')));
}

}  // namespace tend
