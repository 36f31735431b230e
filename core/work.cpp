#include "core/work.h"

#include <date/tz.h>

#include <algorithm>
#include <set>

#include "core/validation.h"

namespace tend {
namespace {

void check(FieldErrors& errors, const std::string& field, const std::string& message) {
  if (!message.empty()) errors.add(field, message);
}

// Codes and SKUs: printable ASCII identifiers without spaces.
std::string check_code(std::string_view text, size_t max_chars, std::string_view extra_chars) {
  if (text.empty()) return "is required";
  if (text.size() > max_chars) return "must be at most " + std::to_string(max_chars) + " characters";
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              extra_chars.find(c) != std::string_view::npos;
    if (!ok) return "may contain only letters, digits and " + std::string(extra_chars);
  }
  return {};
}

template <class Enum, size_t N>
Result<Enum> parse_enum(std::string_view text, const char* const (&names)[N], const char* what) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  std::string accepted;
  for (size_t i = 0; i < N; ++i) accepted += (i ? ", " : "") + std::string(names[i]);
  return std::unexpected(Error::invalid("unknown " + std::string(what) + " '" + std::string(text) + "': use one of " +
                                        accepted));
}

constexpr const char* kBillingNames[] = {"billable", "non_billable", "no_charge"};
constexpr const char* kWorkStatusNames[] = {"draft", "approved", "invoiced"};
constexpr const char* kCatalogueKindNames[] = {"part", "service"};
constexpr const char* kStockKindNames[] = {"receipt", "usage", "return", "correction"};

void check_money_not_negative(FieldErrors& errors, const std::string& field, const Money& m) {
  if (m.is_negative()) errors.add(field, "must not be negative");
}

void check_work_status(FieldErrors& errors, WorkStatus status, int64_t invoice_line_id,
                       const std::optional<Instant>& invoiced_at) {
  if (status != WorkStatus::invoiced && (invoice_line_id != 0 || invoiced_at)) {
    errors.add("status", "only an invoiced item refers to an invoice");
  }
}

}  // namespace

std::string format_civil_date(CivilDate date) { return format_date(std::chrono::year_month_day(date)); }

Result<CivilDate> parse_civil_date(std::string_view text) {
  auto ymd = TEND_TRY(parse_date(text));
  return CivilDate(ymd);
}

Result<CivilDate> local_date(Instant instant, std::string_view time_zone) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(time_zone));
  } catch (const std::exception&) {
    return std::unexpected(Error::invalid("unknown time zone '" + std::string(time_zone) + "'"));
  }
  auto local = zone->to_local(instant);
  return CivilDate(std::chrono::floor<std::chrono::days>(local.time_since_epoch()));
}

Result<Instant> start_of_day(CivilDate day, std::string_view time_zone) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(time_zone));
  } catch (const std::exception&) {
    return std::unexpected(Error::invalid("unknown time zone '" + std::string(time_zone) + "'"));
  }
  date::local_days local{day.time_since_epoch()};
  auto info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) {
    // Midnight does not exist that day: the first instant after the gap.
    return std::chrono::time_point_cast<Duration>(info.first.end);
  }
  return std::chrono::time_point_cast<Duration>(zone->to_sys(local, date::choose::earliest));
}

const char* to_string(Billing billing) { return kBillingNames[static_cast<size_t>(billing)]; }
const char* to_string(WorkStatus status) { return kWorkStatusNames[static_cast<size_t>(status)]; }
const char* to_string(CatalogueKind kind) { return kCatalogueKindNames[static_cast<size_t>(kind)]; }
const char* to_string(StockMovementKind kind) { return kStockKindNames[static_cast<size_t>(kind)]; }

Result<Billing> parse_billing(std::string_view text) { return parse_enum<Billing>(text, kBillingNames, "billing"); }
Result<WorkStatus> parse_work_status(std::string_view text) {
  return parse_enum<WorkStatus>(text, kWorkStatusNames, "status");
}
Result<CatalogueKind> parse_catalogue_kind(std::string_view text) {
  return parse_enum<CatalogueKind>(text, kCatalogueKindNames, "catalogue kind");
}
Result<StockMovementKind> parse_stock_movement_kind(std::string_view text) {
  return parse_enum<StockMovementKind>(text, kStockKindNames, "stock movement kind");
}

Result<Rational> parse_decimal_field(std::string_view text, std::string_view what) {
  auto parsed = Rational::parse_decimal(text);
  if (!parsed) {
    return std::unexpected(Error::invalid("'" + std::string(text) + "' is not a decimal " + std::string(what) +
                                          " (write it like \"1.5\")"));
  }
  return parsed;
}

Status validate(const TaxCategory& t) {
  FieldErrors errors;
  check(errors, "code", check_code(t.code, 40, "-_."));
  check(errors, "name", check_required_text(t.name, 100));
  if (t.rate_percent < Rational{0, 1} || t.rate_percent > Rational{100, 1}) {
    errors.add("rate_percent", "must be between 0 and 100");
  }
  return std::move(errors).status();
}

Status validate(const WorkType& w) {
  FieldErrors errors;
  check(errors, "code", check_code(w.code, 40, "-_."));
  check(errors, "name", check_required_text(w.name, 100));
  check_money_not_negative(errors, "hourly_rate", w.hourly_rate);
  if (w.minimum_minutes < 0 || w.minimum_minutes > kMaxEntryMinutes) {
    errors.add("minimum_minutes", "must be between 0 and 1440");
  }
  if (w.rounding_increment_minutes < 0 || w.rounding_increment_minutes > kMaxEntryMinutes) {
    errors.add("rounding_increment_minutes", "must be between 0 and 1440");
  }
  if (w.after_hours_multiplier < Rational{1, 1} || w.after_hours_multiplier > Rational{10, 1}) {
    errors.add("after_hours_multiplier", "must be between 1 and 10");
  }
  return std::move(errors).status();
}

int64_t minutes_between(Instant from, Instant to) {
  int64_t ms = to_unix_ms(to) - to_unix_ms(from);
  if (ms <= 0) return 0;
  return (ms + 30'000) / 60'000;
}

Status validate(const TimeEntry& e) {
  FieldErrors errors;
  if (!e.ticket_id.valid()) errors.add("ticket_id", "is required");
  if (!e.user_id.valid()) errors.add("user_id", "is required");
  if (!e.work_type_id.valid()) errors.add("work_type_id", "is required");
  if (e.actual_minutes < 0 || e.actual_minutes > kMaxEntryMinutes) {
    errors.add("minutes", "must be between 0 and 1440 (one day)");
  }
  if (e.started_at.has_value() != e.ended_at.has_value()) {
    errors.add(e.started_at ? "ended_at" : "started_at", "give both started_at and ended_at, or neither");
  } else if (e.started_at && *e.ended_at < *e.started_at) {
    errors.add("ended_at", "must not be before started_at");
  } else if (e.started_at && minutes_between(*e.started_at, *e.ended_at) != e.actual_minutes) {
    errors.add("minutes", "must match the time between started_at and ended_at (" +
                              std::to_string(minutes_between(*e.started_at, *e.ended_at)) + ")");
  }
  if (e.billable_override) {
    if (*e.billable_override < 0 || *e.billable_override > kMaxEntryMinutes) {
      errors.add("billable_minutes", "must be between 0 and 1440");
    }
    if (trimmed(e.override_reason).empty()) errors.add("override_reason", "is required when billable minutes are overridden");
  }
  check(errors, "override_reason", check_optional_text(e.override_reason, 500));
  check(errors, "notes", check_optional_text(e.notes, 10000));
  check_money_not_negative(errors, "cost_rate", e.cost_rate);
  check_work_status(errors, e.status, e.invoice_line_id, e.invoiced_at);
  return std::move(errors).status();
}

Money CatalogueItem::price() const {
  if (unit_price) return *unit_price;
  Rational markup = markup_percent.value_or(Rational{0, 1});
  // cost x (100 + markup) / 100, one rounding.
  Rational factor{markup.numerator + 100 * markup.denominator, 100 * markup.denominator};
  return unit_cost.times(factor);
}

Status validate(const CatalogueItem& item) {
  FieldErrors errors;
  check(errors, "sku", check_code(item.sku, 64, "-_./"));
  check(errors, "name", check_required_text(item.name, 200));
  check(errors, "description", check_optional_text(item.description, 2000));
  check_money_not_negative(errors, "unit_cost", item.unit_cost);
  if (item.unit_price) {
    check_money_not_negative(errors, "unit_price", *item.unit_price);
    if (!(item.unit_price->currency() == item.unit_cost.currency())) {
      errors.add("unit_price", "must be in the same currency as the cost");
    }
    if (item.markup_percent) errors.add("markup_percent", "give either unit_price or markup_percent, not both");
  } else if (!item.markup_percent) {
    errors.add("unit_price", "give unit_price or markup_percent");
  }
  if (item.markup_percent && (*item.markup_percent < Rational{0, 1} || *item.markup_percent > Rational{1000, 1})) {
    errors.add("markup_percent", "must be between 0 and 1000");
  }
  if (item.reorder_level < 0 || item.reorder_level > kMaxQuantity) errors.add("reorder_level", "must be between 0 and 1000000");
  if (item.kind == CatalogueKind::service && item.reorder_level != 0) {
    errors.add("reorder_level", "a service has no stock");
  }
  return std::move(errors).status();
}

Status validate(const StockMovement& m) {
  FieldErrors errors;
  if (!m.item_id.valid()) errors.add("item_id", "is required");
  if (m.quantity == 0) errors.add("quantity", "must not be zero");
  if (m.quantity > kMaxQuantity || m.quantity < -kMaxQuantity) errors.add("quantity", "is out of range");
  if (m.kind == StockMovementKind::receipt && m.quantity < 0) {
    errors.add("quantity", "a receipt adds stock: use a positive quantity (or a correction)");
  }
  check(errors, "note", check_optional_text(m.note, 500));
  if (m.kind == StockMovementKind::correction && trimmed(m.note).empty()) {
    errors.add("note", "say why the stock is corrected");
  }
  return std::move(errors).status();
}

Status validate(const PartUsage& u) {
  FieldErrors errors;
  if (!u.ticket_id.valid()) errors.add("ticket_id", "is required");
  if (!u.item_id.valid()) errors.add("item_id", "is required");
  if (u.quantity < 1 || u.quantity > kMaxQuantity) errors.add("quantity", "must be between 1 and 1000000");
  check_money_not_negative(errors, "unit_price", u.unit_price);
  if (static_cast<int64_t>(u.serial_numbers.size()) > std::max<int64_t>(u.quantity, 0)) {
    errors.add("serial_numbers", "there are more serial numbers than parts");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < u.serial_numbers.size(); ++i) {
    const std::string field = "serial_numbers[" + std::to_string(i) + "]";
    check(errors, field, check_required_text(u.serial_numbers[i], 100));
    if (!seen.insert(u.serial_numbers[i]).second) errors.add(field, "is listed twice");
  }
  check(errors, "notes", check_optional_text(u.notes, 10000));
  check_work_status(errors, u.status, u.invoice_line_id, u.invoiced_at);
  return std::move(errors).status();
}

Status validate(const ServiceUsage& u) {
  FieldErrors errors;
  if (!u.ticket_id.valid()) errors.add("ticket_id", "is required");
  if (!u.item_id.valid()) errors.add("item_id", "is required");
  if (u.quantity < 1 || u.quantity > kMaxQuantity) errors.add("quantity", "must be between 1 and 1000000");
  check_money_not_negative(errors, "unit_price", u.unit_price);
  check(errors, "notes", check_optional_text(u.notes, 10000));
  check_work_status(errors, u.status, u.invoice_line_id, u.invoiced_at);
  return std::move(errors).status();
}

StockLevel stock_after(const CatalogueItem& item, int64_t quantity) {
  StockLevel level;
  level.on_hand = item.stock_on_hand + quantity;
  level.below_zero = level.on_hand < 0;
  level.reorder = item.kind == CatalogueKind::part && level.on_hand <= item.reorder_level;
  return level;
}

Money labour_cost(int64_t minutes, const Money& hourly_cost) { return hourly_cost.times(Rational{minutes, 60}); }

}  // namespace tend
