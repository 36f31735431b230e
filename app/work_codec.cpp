#include "app/work_codec.h"

#include <algorithm>

#include "core/validation.h"

namespace tend {
namespace {

using nlohmann::json;

// A strict reader of one JSON object (see app/json_codec.h's JsonReader),
// with the value types of work and contracts: money, dates, decimals and id
// lists.
class Fields {
 public:
  Fields(const json& object, FieldErrors& errors, std::string prefix = "")
      : object_(object), errors_(errors), prefix_(std::move(prefix)) {}

  std::string path(std::string_view key) const { return prefix_ + std::string(key); }
  bool has(std::string_view key) const { return object_.contains(std::string(key)); }
  const json& at(std::string_view key) const { return object_.at(std::string(key)); }
  void error(std::string_view key, std::string message) { errors_.add(path(key), std::move(message)); }

  void only(std::initializer_list<std::string_view> allowed, std::initializer_list<std::string_view> read_only = {}) {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      bool ro = std::find(read_only.begin(), read_only.end(), key) != read_only.end();
      errors_.add(path(key), ro ? "is read-only" : "is not a known field");
    }
  }
  void text(std::string_view key, std::string& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (v.is_null()) out.clear();
    else if (v.is_string()) out = v.get<std::string>();
    else error(key, "must be a string");
  }
  void boolean(std::string_view key, bool& out) {
    if (!has(key)) return;
    if (at(key).is_boolean()) out = at(key).get<bool>();
    else error(key, "must be true or false");
  }
  void integer(std::string_view key, int64_t& out) {
    if (!has(key)) return;
    if (at(key).is_number_integer()) out = at(key).get<int64_t>();
    else error(key, "must be an integer");
  }
  void integer(std::string_view key, int& out) {
    int64_t v = out;
    integer(key, v);
    if (v < INT32_MIN || v > INT32_MAX) error(key, "is out of range");
    else out = static_cast<int>(v);
  }
  void optional_integer(std::string_view key, std::optional<int64_t>& out) {
    if (!has(key)) return;
    if (at(key).is_null()) out.reset();
    else if (at(key).is_number_integer()) out = at(key).get<int64_t>();
    else error(key, "must be an integer or null");
  }
  template <class Tag>
  void id(std::string_view key, Id<Tag>& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (v.is_null()) out = Id<Tag>();
    else if (v.is_number_integer() && v.get<int64_t>() > 0) out = Id<Tag>(v.get<int64_t>());
    else error(key, "must be a positive id");
  }
  template <class Tag>
  void id_list(std::string_view key, std::vector<Id<Tag>>& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (!v.is_array()) {
      error(key, "must be an array of ids");
      return;
    }
    std::vector<Id<Tag>> ids;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number_integer() || v[i].get<int64_t>() <= 0) {
        error(std::string(key) + "[" + std::to_string(i) + "]", "must be a positive id");
      } else {
        ids.push_back(Id<Tag>(v[i].get<int64_t>()));
      }
    }
    out = std::move(ids);
  }
  void instant(std::string_view key, std::optional<Instant>& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (v.is_null()) {
      out.reset();
      return;
    }
    if (!v.is_string()) {
      error(key, "must be an RFC 3339 time such as 2026-11-27T10:15:00Z");
      return;
    }
    auto parsed = parse_rfc3339(v.get<std::string>());
    if (!parsed) error(key, parsed.error().message);
    else out = *parsed;
  }
  void date(std::string_view key, CivilDate& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (!v.is_string()) {
      error(key, "must be a date such as 2026-11-27");
      return;
    }
    auto parsed = parse_civil_date(v.get<std::string>());
    if (!parsed) error(key, parsed.error().message);
    else out = *parsed;
  }
  void optional_date(std::string_view key, std::optional<CivilDate>& out) {
    if (!has(key)) return;
    if (at(key).is_null()) {
      out.reset();
      return;
    }
    CivilDate d = out.value_or(CivilDate{});
    size_t before = errors_.empty() ? 0 : 1;
    date(key, d);
    if (before == (errors_.empty() ? 0 : 1)) out = d;
  }
  void money(std::string_view key, Currency currency, Money& out) {
    if (!has(key)) return;
    const json& v = at(key);
    if (v.is_number_integer()) {
      __int128 minor = static_cast<__int128>(v.get<int64_t>()) * currency.minor_per_major();
      if (minor > INT64_MAX || minor < INT64_MIN) error(key, "is too large");
      else out = Money(currency, static_cast<int64_t>(minor));
      return;
    }
    if (!v.is_string()) {
      error(key, "must be an amount as a string, e.g. \"95.00\"");
      return;
    }
    auto parsed = Money::parse(currency, v.get<std::string>());
    if (!parsed) error(key, parsed.error().message);
    else out = *parsed;
  }
  void optional_money(std::string_view key, Currency currency, std::optional<Money>& out) {
    if (!has(key)) return;
    if (at(key).is_null()) {
      out.reset();
      return;
    }
    Money m = out.value_or(Money::zero(currency));
    bool was_empty = errors_.empty();
    money(key, currency, m);
    if (!was_empty || errors_.empty()) out = m;
  }
  void decimal(std::string_view key, Rational& out, std::string_view what) {
    if (!has(key)) return;
    const json& v = at(key);
    std::string text;
    if (v.is_number_integer()) text = std::to_string(v.get<int64_t>());
    else if (v.is_string()) text = v.get<std::string>();
    else {
      error(key, "must be a decimal as a string, e.g. \"1.5\"");
      return;
    }
    auto parsed = parse_decimal_field(text, what);
    if (!parsed) error(key, parsed.error().message);
    else out = *parsed;
  }
  void optional_decimal(std::string_view key, std::optional<Rational>& out, std::string_view what) {
    if (!has(key)) return;
    if (at(key).is_null()) {
      out.reset();
      return;
    }
    Rational r = out.value_or(Rational{0, 1});
    bool was_empty = errors_.empty();
    decimal(key, r, what);
    if (!was_empty || errors_.empty()) out = r;
  }
  template <class Enum, class Parse>
  void enumeration(std::string_view key, Enum& out, Parse parse) {
    if (!has(key)) return;
    if (!at(key).is_string()) {
      error(key, "must be a string");
      return;
    }
    auto parsed = parse(at(key).get<std::string>());
    if (!parsed) error(key, parsed.error().message);
    else out = *parsed;
  }
  // Each element of an array of objects, read with a nested Fields.
  template <class Fn>
  void objects(std::string_view key, Fn read) {
    if (!has(key)) return;
    const json& v = at(key);
    if (!v.is_array()) {
      error(key, "must be an array");
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string item_path = path(key) + "[" + std::to_string(i) + "]";
      if (!v[i].is_object()) {
        errors_.add(item_path, "must be an object");
        continue;
      }
      Fields nested(v[i], errors_, item_path + ".");
      read(nested, i);
    }
  }
  FieldErrors& errors() { return errors_; }

 private:
  const json& object_;
  FieldErrors& errors_;
  std::string prefix_;
};

void id_or_null(wire::JsonWriter& w, std::string_view key, int64_t id) {
  w.key(key);
  if (id > 0) w.integer(id);
  else w.null();
}

void instant_field(wire::JsonWriter& w, std::string_view key, Instant t) {
  w.key(key);
  w.string(format_rfc3339(t));
}

void opt_instant_field(wire::JsonWriter& w, std::string_view key, const std::optional<Instant>& t) {
  w.key(key);
  write_json(w, t);
}

void date_field(wire::JsonWriter& w, std::string_view key, CivilDate d) { w.field(key, format_civil_date(d)); }

void opt_date_field(wire::JsonWriter& w, std::string_view key, const std::optional<CivilDate>& d) {
  w.key(key);
  if (d) w.string(format_civil_date(*d));
  else w.null();
}

void money_field(wire::JsonWriter& w, std::string_view key, const Money& m) { w.field(key, m.to_decimal()); }

void opt_money_field(wire::JsonWriter& w, std::string_view key, const std::optional<Money>& m) {
  w.key(key);
  if (m) w.string(m->to_decimal());
  else w.null();
}

template <class T>
json dom_of(const T& value) {
  std::string text;
  wire::JsonWriter w(text);
  write_json(w, value);
  return json::parse(text);
}

template <class Tag>
void id_array(wire::JsonWriter& w, std::string_view key, const std::vector<Id<Tag>>& ids) {
  w.key(key);
  w.begin_array();
  for (auto id : ids) w.integer(id.value());
  w.end_array();
}

void write_block(wire::JsonWriter& w, const HourBlock& b) {
  w.begin_object();
  w.field("id", b.id.value());
  w.field("label", b.label);
  w.field("hours", Rational{b.minutes, 60}.to_string());
  w.field("minutes", b.minutes);
  money_field(w, "price", b.price);
  date_field(w, "valid_from", b.valid_from);
  date_field(w, "valid_to", b.valid_to);
  opt_instant_field(w, "warned_80_at", b.warned_80_at);
  opt_instant_field(w, "warned_95_at", b.warned_95_at);
  id_or_null(w, "invoice_line_id", b.invoice_line_id);
  opt_instant_field(w, "invoiced_at", b.invoiced_at);
  w.end_object();
}

void write_terms(wire::JsonWriter& w, const ManagedTerms& t) {
  w.begin_object();
  date_field(w, "effective_from", t.effective_from);
  money_field(w, "flat_fee", t.flat_fee);
  money_field(w, "per_workstation", t.per_workstation);
  money_field(w, "per_server", t.per_server);
  money_field(w, "per_user", t.per_user);
  w.field("user_count", t.user_count);
  w.field("manual_workstations", t.manual_workstations);
  w.field("manual_servers", t.manual_servers);
  w.field("note", t.note);
  instant_field(w, "recorded_at", t.recorded_at);
  w.field("recorded_by", t.recorded_by);
  w.end_object();
}

void write_balance(wire::JsonWriter& w, const BlockBalance& b, const HourBlock* block) {
  w.begin_object();
  w.field("block_id", b.block_id.value());
  if (block) {
    w.field("label", block->label);
    date_field(w, "valid_from", block->valid_from);
    date_field(w, "valid_to", block->valid_to);
  }
  w.field("purchased_minutes", b.purchased_minutes);
  w.field("rolled_in_minutes", b.rolled_in_minutes);
  w.field("used_minutes", b.used_minutes);
  w.field("rolled_out_minutes", b.rolled_out_minutes);
  w.field("remaining_minutes", b.remaining());
  w.field("used_per_mille", b.used_per_mille());
  w.field("warning", block_warning_level(b));
  w.end_object();
}

void write_balances(wire::JsonWriter& w, const Contract& c, const std::vector<BlockBalance>& balances) {
  w.key("balances");
  w.begin_array();
  for (const auto& b : balances) {
    const HourBlock* block = nullptr;
    for (const auto& candidate : c.blocks) {
      if (candidate.id == b.block_id) block = &candidate;
    }
    write_balance(w, b, block);
  }
  w.end_array();
}

void write_fee(wire::JsonWriter& w, const ManagedFee& fee) {
  w.begin_object();
  date_field(w, "terms_effective_from", fee.terms_effective_from);
  w.field("devices_from_agents", fee.devices_from_agents);
  w.key("lines");
  w.begin_array();
  for (const auto& l : fee.lines) {
    w.begin_object();
    w.field("what", l.what);
    w.field("quantity", l.quantity);
    money_field(w, "unit_price", l.unit_price);
    money_field(w, "amount", l.amount);
    w.end_object();
  }
  w.end_array();
  money_field(w, "total", fee.total);
  w.field("currency", fee.total.currency().code());
  w.end_object();
}

}  // namespace

std::string money_text(const Money& money) { return money.to_decimal(); }

// ---- writers ------------------------------------------------------------------------------------

void write_json(wire::JsonWriter& w, const TaxCategory& t) {
  w.begin_object();
  w.field("id", t.id.value());
  w.field("code", t.code);
  w.field("name", t.name);
  w.field("rate_percent", t.rate_percent.to_string());
  w.field("active", t.active);
  instant_field(w, "created_at", t.created_at);
  instant_field(w, "updated_at", t.updated_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const WorkType& t) {
  w.begin_object();
  w.field("id", t.id.value());
  w.field("code", t.code);
  w.field("name", t.name);
  money_field(w, "hourly_rate", t.hourly_rate);
  w.field("currency", t.hourly_rate.currency().code());
  w.field("minimum_minutes", t.minimum_minutes);
  w.field("rounding_increment_minutes", t.rounding_increment_minutes);
  w.field("after_hours_multiplier", t.after_hours_multiplier.to_string());
  id_or_null(w, "tax_category_id", t.tax_category_id.value());
  w.field("active", t.active);
  instant_field(w, "created_at", t.created_at);
  instant_field(w, "updated_at", t.updated_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const Technician& t) {
  w.begin_object();
  w.field("user_id", t.user.id.value());
  w.field("name", t.user.name);
  w.field("email", t.user.email);
  w.field("role", to_string(t.user.role));
  w.field("active", t.user.active);
  w.key("cost_rate");
  if (t.rate) w.string(t.rate->cost_rate.to_decimal());
  else w.null();
  w.key("currency");
  if (t.rate) w.string(t.rate->cost_rate.currency().code());
  else w.null();
  w.key("updated_at");
  write_json(w, t.rate ? std::optional<Instant>(t.rate->updated_at) : std::nullopt);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ClientRate& r) {
  w.begin_object();
  w.field("client_id", r.client_id.value());
  w.field("work_type_id", r.work_type_id.value());
  money_field(w, "hourly_rate", r.hourly_rate);
  w.field("currency", r.hourly_rate.currency().code());
  instant_field(w, "updated_at", r.updated_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const TimeEntry& e) {
  w.begin_object();
  w.field("id", e.id.value());
  w.field("ticket_id", e.ticket_id.value());
  w.field("client_id", e.client_id.value());
  w.field("user_id", e.user_id.value());
  w.field("work_type_id", e.work_type_id.value());
  date_field(w, "work_date", e.work_date);
  opt_instant_field(w, "started_at", e.started_at);
  opt_instant_field(w, "ended_at", e.ended_at);
  w.field("minutes", e.actual_minutes);
  w.field("billable_minutes", e.billable_minutes);
  w.key("billable_override");
  if (e.billable_override) w.integer(*e.billable_override);
  else w.null();
  w.field("override_reason", e.override_reason);
  w.field("billing", to_string(e.billing));
  w.field("after_hours", e.after_hours);
  id_or_null(w, "service_usage_id", e.service_usage_id.value());
  money_field(w, "cost_rate", e.cost_rate);
  w.field("notes", e.notes);
  w.field("status", to_string(e.status));
  opt_instant_field(w, "approved_at", e.approved_at);
  id_or_null(w, "approved_by_id", e.approved_by_id.value());
  id_or_null(w, "invoice_line_id", e.invoice_line_id);
  opt_instant_field(w, "invoiced_at", e.invoiced_at);
  id_or_null(w, "created_by_id", e.created_by_id.value());
  instant_field(w, "created_at", e.created_at);
  instant_field(w, "updated_at", e.updated_at);
  opt_instant_field(w, "removed_at", e.removed_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const RunningTimer& t) {
  w.begin_object();
  w.field("user_id", t.user_id.value());
  w.field("ticket_id", t.ticket_id.value());
  w.field("work_type_id", t.work_type_id.value());
  instant_field(w, "started_at", t.started_at);
  w.field("billing", to_string(t.billing));
  w.field("after_hours", t.after_hours);
  w.field("notes", t.notes);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const CatalogueItem& i) {
  w.begin_object();
  w.field("id", i.id.value());
  w.field("kind", to_string(i.kind));
  w.field("sku", i.sku);
  w.field("name", i.name);
  w.field("description", i.description);
  money_field(w, "unit_cost", i.unit_cost);
  opt_money_field(w, "unit_price", i.unit_price);
  w.key("markup_percent");
  if (i.markup_percent) w.string(i.markup_percent->to_string());
  else w.null();
  money_field(w, "price", i.price());
  w.field("currency", i.unit_cost.currency().code());
  id_or_null(w, "tax_category_id", i.tax_category_id.value());
  w.field("reorder_level", i.reorder_level);
  w.key("stock_on_hand");
  if (i.kind == CatalogueKind::part) w.integer(i.stock_on_hand);
  else w.null();
  w.field("below_reorder_level", i.below_reorder_level());
  w.field("active", i.active);
  instant_field(w, "created_at", i.created_at);
  instant_field(w, "updated_at", i.updated_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const StockMovement& m) {
  w.begin_object();
  w.field("id", m.id.value());
  w.field("item_id", m.item_id.value());
  w.field("kind", to_string(m.kind));
  w.field("quantity", m.quantity);
  id_or_null(w, "part_usage_id", m.part_usage_id.value());
  w.field("note", m.note);
  instant_field(w, "at", m.at);
  w.field("actor", m.actor);
  w.field("balance_after", m.balance_after);
  w.end_object();
}

namespace {

template <class Usage>
void write_usage_common(wire::JsonWriter& w, const Usage& u) {
  w.field("id", u.id.value());
  w.field("ticket_id", u.ticket_id.value());
  w.field("client_id", u.client_id.value());
  w.field("item_id", u.item_id.value());
  w.field("quantity", u.quantity);
  money_field(w, "unit_price", u.unit_price);
  w.field("currency", u.unit_price.currency().code());
  money_field(w, "unit_cost", u.unit_cost);
  w.field("notes", u.notes);
  w.field("status", to_string(u.status));
  opt_instant_field(w, "approved_at", u.approved_at);
  id_or_null(w, "approved_by_id", u.approved_by_id.value());
  id_or_null(w, "invoice_line_id", u.invoice_line_id);
  opt_instant_field(w, "invoiced_at", u.invoiced_at);
  id_or_null(w, "created_by_id", u.created_by_id.value());
  instant_field(w, "created_at", u.created_at);
  instant_field(w, "updated_at", u.updated_at);
  opt_instant_field(w, "removed_at", u.removed_at);
}

}  // namespace

void write_json(wire::JsonWriter& w, const PartUsage& u) {
  w.begin_object();
  write_usage_common(w, u);
  date_field(w, "used_on", u.used_on);
  w.key("serial_numbers");
  w.begin_array();
  for (const auto& s : u.serial_numbers) w.string(s);
  w.end_array();
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ServiceUsage& u) {
  w.begin_object();
  write_usage_common(w, u);
  date_field(w, "performed_on", u.performed_on);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const Contract& c) {
  w.begin_object();
  w.field("id", c.id.value());
  w.field("client_id", c.client_id.value());
  w.field("kind", to_string(c.kind));
  w.field("name", c.name);
  w.field("reference", c.reference);
  w.field("currency", c.currency.code());
  date_field(w, "starts_on", c.starts_on);
  opt_date_field(w, "ends_on", c.ends_on);
  w.field("term_months", c.term_months);
  w.field("auto_renew", c.auto_renew);
  w.field("notice_days", c.notice_days);
  opt_date_field(w, "last_day", last_day(c));
  id_or_null(w, "sla_policy_id", c.sla_policy_id.value());
  id_array(w, "covered_work_types", c.covered_work_types);
  id_array(w, "covered_items", c.covered_items);
  w.key("rates");
  w.begin_array();
  for (const auto& r : c.rates) {
    w.begin_object();
    w.field("work_type_id", r.work_type_id.value());
    money_field(w, "hourly_rate", r.hourly_rate);
    w.end_object();
  }
  w.end_array();
  opt_money_field(w, "overage_rate", c.overage_rate);
  w.field("rollover", c.rollover);
  w.key("blocks");
  w.begin_array();
  for (const auto& b : c.blocks) write_block(w, b);
  w.end_array();
  w.key("terms");
  w.begin_array();
  for (const auto& t : c.terms) write_terms(w, t);
  w.end_array();
  w.key("cancellation");
  if (c.cancellation_effective_on) {
    w.begin_object();
    date_field(w, "effective_on", *c.cancellation_effective_on);
    opt_instant_field(w, "recorded_at", c.cancelled_at);
    w.field("reason", c.cancellation_reason);
    w.field("by", c.cancelled_by);
    w.end_object();
  } else {
    w.null();
  }
  w.field("notes", c.notes);
  instant_field(w, "created_at", c.created_at);
  instant_field(w, "updated_at", c.updated_at);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ContractDetails& d) {
  w.begin_object();
  w.key("contract");
  write_json(w, d.contract);
  w.field("client_name", d.client_name);
  date_field(w, "as_of", d.as_of);
  w.field("active", d.active);
  opt_date_field(w, "last_day", d.last_day);
  opt_date_field(w, "renewal_date", d.renewal_date);
  opt_date_field(w, "notice_deadline", d.notice_deadline);
  write_balances(w, d.contract, d.balances);
  w.key("fee");
  if (d.fee) write_fee(w, *d.fee);
  else w.null();
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ContractLedger& l) {
  w.begin_object();
  w.field("contract_id", l.contract.id.value());
  w.field("name", l.contract.name);
  write_balances(w, l.contract, l.balances);
  w.key("rows");
  w.begin_array();
  for (const auto& row : l.rows) {
    w.begin_object();
    w.field("kind", to_string(row.kind));
    id_or_null(w, "block_id", row.block_id.value());
    id_or_null(w, "time_entry_id", row.time_entry_id.value());
    id_or_null(w, "other_block_id", row.other_block_id.value());
    date_field(w, "on", row.on);
    w.field("minutes", row.minutes);
    w.field("locked", row.locked);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ContractFee& f) {
  w.begin_object();
  w.field("contract_id", f.contract_id.value());
  date_field(w, "on", f.on);
  w.key("agents");
  w.begin_object();
  w.field("workstations", f.agents.workstations);
  w.field("servers", f.agents.servers);
  w.end_object();
  w.key("fee");
  write_fee(w, f.fee);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const TimeEntryCharge& c, bool with_costs) {
  w.begin_object();
  w.field("time_entry_id", c.entry.id.value());
  w.field("ticket_id", c.entry.ticket_id.value());
  w.field("user_id", c.entry.user_id.value());
  date_field(w, "work_date", c.entry.work_date);
  w.field("work_type_id", c.entry.work_type_id.value());
  w.field("work_type", c.work_type_name);
  w.field("minutes", c.entry.actual_minutes);
  w.field("billable_minutes", c.charge.billable_minutes);
  w.field("charged_minutes", c.charge.charged_minutes);
  w.field("billing", to_string(c.entry.billing));
  w.field("after_hours", c.entry.after_hours);
  w.field("status", to_string(c.entry.status));
  w.field("basis", to_string(c.charge.basis));
  id_or_null(w, "contract_id", c.charge.contract.value());
  w.field("contract", c.contract_name);
  w.key("hourly_rate");
  if (auto rate = c.charge.rate.effective();
      rate && (c.charge.basis == ChargeBasis::time_and_materials || c.charge.basis == ChargeBasis::block_hours)) {
    w.string(rate->to_decimal());
  } else {
    w.null();
  }
  w.field("rate_source", to_string(c.charge.rate.source));
  w.key("blocks");
  w.begin_array();
  for (const auto& use : c.charge.blocks.uses) {
    w.begin_object();
    w.field("block_id", use.block.value());
    w.field("minutes", use.minutes);
    w.field("used_after", use.used_after);
    w.field("capacity", use.capacity);
    w.end_object();
  }
  w.end_array();
  w.field("overage_minutes", c.charge.blocks.overage_minutes);
  money_field(w, "amount", c.charge.amount);
  id_or_null(w, "tax_category_id", c.tax_category_id.value());
  if (with_costs) money_field(w, "cost", c.cost);
  w.field("explanation", c.explanation);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const ItemUseCharge& c, bool with_costs) {
  w.begin_object();
  w.field(c.kind == CatalogueKind::part ? "part_usage_id" : "service_usage_id", c.usage_id);
  w.field("ticket_id", c.ticket_id.value());
  w.field("item_id", c.item_id.value());
  w.field("sku", c.sku);
  w.field("name", c.name);
  date_field(w, c.kind == CatalogueKind::part ? "used_on" : "performed_on", c.on);
  w.field("quantity", c.quantity);
  money_field(w, "unit_price", c.unit_price);
  w.field("status", to_string(c.status));
  w.field("basis", to_string(c.charge.basis));
  id_or_null(w, "contract_id", c.charge.contract.value());
  w.field("contract", c.contract_name);
  money_field(w, "amount", c.charge.amount);
  id_or_null(w, "tax_category_id", c.tax_category_id.value());
  if (c.kind == CatalogueKind::part) {
    w.key("serial_numbers");
    w.begin_array();
    for (const auto& s : c.serial_numbers) w.string(s);
    w.end_array();
  }
  if (with_costs) money_field(w, "cost", c.cost);
  w.field("explanation", c.explanation);
  w.end_object();
}

void write_json(wire::JsonWriter& w, const WorkCharges& c, bool with_costs) {
  w.begin_object();
  w.field("client_id", c.client_id.value());
  id_or_null(w, "ticket_id", c.ticket_id.value());
  w.field("currency", c.currency.code());
  w.key("time");
  w.begin_array();
  for (const auto& t : c.time) write_json(w, t, with_costs);
  w.end_array();
  w.key("parts");
  w.begin_array();
  for (const auto& p : c.parts) write_json(w, p, with_costs);
  w.end_array();
  w.key("services");
  w.begin_array();
  for (const auto& s : c.services) write_json(w, s, with_costs);
  w.end_array();
  w.key("totals");
  w.begin_object();
  money_field(w, "charged", c.charged_total);
  if (with_costs) money_field(w, "cost", c.cost_total);
  w.end_object();
  w.end_object();
}

json to_json(const TaxCategory& t) { return dom_of(t); }
json to_json(const WorkType& t) { return dom_of(t); }
json to_json(const TimeEntry& e) { return dom_of(e); }
json to_json(const CatalogueItem& i) { return dom_of(i); }
json to_json(const PartUsage& u) { return dom_of(u); }
json to_json(const ServiceUsage& u) { return dom_of(u); }
json to_json(const Contract& c) { return dom_of(c); }

// ---- readers ----------------------------------------------------------------------------------------

Status apply_json(TaxCategory& t, const json& body) {
  FieldErrors errors;
  Fields f(body, errors);
  f.only({"code", "name", "rate_percent", "active"}, {"id", "created_at", "updated_at"});
  f.text("code", t.code);
  f.text("name", t.name);
  f.decimal("rate_percent", t.rate_percent, "percentage");
  f.boolean("active", t.active);
  TEND_CHECK(std::move(errors).status());
  return validate(t);
}

Status apply_json(WorkType& t, const json& body, Currency currency) {
  FieldErrors errors;
  Fields f(body, errors);
  f.only({"code", "name", "hourly_rate", "minimum_minutes", "rounding_increment_minutes", "after_hours_multiplier",
          "tax_category_id", "active"},
         {"id", "currency", "created_at", "updated_at"});
  f.text("code", t.code);
  f.text("name", t.name);
  f.money("hourly_rate", currency, t.hourly_rate);
  f.integer("minimum_minutes", t.minimum_minutes);
  f.integer("rounding_increment_minutes", t.rounding_increment_minutes);
  f.decimal("after_hours_multiplier", t.after_hours_multiplier, "multiplier");
  f.id("tax_category_id", t.tax_category_id);
  f.boolean("active", t.active);
  TEND_CHECK(std::move(errors).status());
  return validate(t);
}

Status apply_json(TimeEntry& e, const json& body, TimeEntryInput mode) {
  FieldErrors errors;
  Fields f(body, errors);
  const std::initializer_list<std::string_view> read_only = {
      "id", "client_id", "status", "cost_rate", "approved_at", "approved_by_id", "invoice_line_id", "invoiced_at",
      "created_by_id", "created_at", "updated_at", "removed_at", "billable_override"};
  switch (mode) {
    case TimeEntryInput::create:
      f.only({"ticket_id", "user_id", "work_type_id", "work_date", "started_at", "ended_at", "minutes", "billing",
              "after_hours", "service_usage_id", "notes"},
             read_only);
      break;
    case TimeEntryInput::update:
      f.only({"user_id", "work_type_id", "work_date", "started_at", "ended_at", "minutes", "billing", "after_hours",
              "service_usage_id", "notes"},
             {"id", "ticket_id", "client_id", "status", "cost_rate", "approved_at", "approved_by_id",
              "invoice_line_id", "invoiced_at", "created_by_id", "created_at", "updated_at", "removed_at",
              "billable_override", "billable_minutes", "override_reason"});
      break;
    case TimeEntryInput::billable_override:
      f.only({"user_id", "work_type_id", "work_date", "started_at", "ended_at", "minutes", "billing", "after_hours",
              "service_usage_id", "notes", "billable_minutes", "override_reason"},
             {"id", "ticket_id", "client_id", "status", "cost_rate", "approved_at", "approved_by_id",
              "invoice_line_id", "invoiced_at", "created_by_id", "created_at", "updated_at", "removed_at",
              "billable_override"});
      break;
  }
  if (mode == TimeEntryInput::create) f.id("ticket_id", e.ticket_id);
  f.id("user_id", e.user_id);
  f.id("work_type_id", e.work_type_id);
  f.date("work_date", e.work_date);
  f.instant("started_at", e.started_at);
  f.instant("ended_at", e.ended_at);
  // With start and end but no minutes, the minutes follow from the span.
  if (!f.has("minutes") && (f.has("started_at") || f.has("ended_at")) && e.started_at && e.ended_at) {
    e.actual_minutes = minutes_between(*e.started_at, *e.ended_at);
  }
  f.integer("minutes", e.actual_minutes);
  f.enumeration("billing", e.billing, parse_billing);
  f.boolean("after_hours", e.after_hours);
  f.id("service_usage_id", e.service_usage_id);
  f.text("notes", e.notes);
  if (mode == TimeEntryInput::billable_override) {
    f.optional_integer("billable_minutes", e.billable_override);
    f.text("override_reason", e.override_reason);
    if (f.has("billable_minutes") && !e.billable_override) e.override_reason.clear();
  }
  TEND_CHECK(std::move(errors).status());
  return validate(e);
}

Status apply_json(CatalogueItem& i, const json& body, bool creating, Currency currency) {
  FieldErrors errors;
  Fields f(body, errors);
  if (creating) {
    f.only({"kind", "sku", "name", "description", "unit_cost", "unit_price", "markup_percent", "tax_category_id",
            "reorder_level", "active"},
           {"id", "price", "currency", "stock_on_hand", "below_reorder_level", "created_at", "updated_at"});
    f.enumeration("kind", i.kind, parse_catalogue_kind);
  } else {
    f.only({"sku", "name", "description", "unit_cost", "unit_price", "markup_percent", "tax_category_id",
            "reorder_level", "active"},
           {"id", "kind", "price", "currency", "stock_on_hand", "below_reorder_level", "created_at", "updated_at"});
  }
  f.text("sku", i.sku);
  f.text("name", i.name);
  f.text("description", i.description);
  f.money("unit_cost", currency, i.unit_cost);
  f.optional_money("unit_price", currency, i.unit_price);
  f.optional_decimal("markup_percent", i.markup_percent, "percentage");
  // Setting one way of pricing clears the other.
  if (f.has("unit_price") && !f.has("markup_percent") && i.unit_price) i.markup_percent.reset();
  if (f.has("markup_percent") && !f.has("unit_price") && i.markup_percent) i.unit_price.reset();
  f.id("tax_category_id", i.tax_category_id);
  f.integer("reorder_level", i.reorder_level);
  f.boolean("active", i.active);
  TEND_CHECK(std::move(errors).status());
  return validate(i);
}

namespace {

void read_terms_fields(Fields& f, ManagedTerms& t, Currency currency) {
  f.money("flat_fee", currency, t.flat_fee);
  f.money("per_workstation", currency, t.per_workstation);
  f.money("per_server", currency, t.per_server);
  f.money("per_user", currency, t.per_user);
  f.integer("user_count", t.user_count);
  f.integer("manual_workstations", t.manual_workstations);
  f.integer("manual_servers", t.manual_servers);
  f.text("note", t.note);
}

void read_block_fields(Fields& f, HourBlock& b, Currency currency) {
  f.text("label", b.label);
  if (f.has("hours") && f.has("minutes")) f.error("hours", "give hours or minutes, not both");
  if (f.has("hours")) {
    Rational hours{0, 1};
    f.decimal("hours", hours, "number of hours");
    Rational minutes{hours.numerator * 60, hours.denominator};
    if (minutes.reduced().denominator != 1) f.error("hours", "must be a whole number of minutes");
    else b.minutes = minutes.reduced().numerator;
  }
  f.integer("minutes", b.minutes);
  f.money("price", currency, b.price);
  f.date("valid_from", b.valid_from);
  f.date("valid_to", b.valid_to);
}

}  // namespace

Status apply_json(Contract& c, const json& body, bool creating) {
  FieldErrors errors;
  Fields f(body, errors);
  const std::initializer_list<std::string_view> computed = {"id", "currency", "last_day", "cancellation",
                                                            "created_at", "updated_at"};
  if (creating) {
    f.only({"client_id", "kind", "name", "reference", "starts_on", "ends_on", "term_months", "auto_renew",
            "notice_days", "sla_policy_id", "covered_work_types", "covered_items", "rates", "overage_rate", "rollover",
            "notes", "terms", "blocks"},
           computed);
    f.id("client_id", c.client_id);
    f.enumeration("kind", c.kind, parse_contract_kind);
    f.date("starts_on", c.starts_on);
  } else {
    f.only({"name", "reference", "ends_on", "term_months", "auto_renew", "notice_days", "sla_policy_id",
            "covered_work_types", "covered_items", "rates", "overage_rate", "rollover", "notes"},
           {"id", "client_id", "kind", "currency", "starts_on", "last_day", "cancellation", "created_at",
            "updated_at", "terms", "blocks"});
  }
  f.text("name", c.name);
  f.text("reference", c.reference);
  f.optional_date("ends_on", c.ends_on);
  f.integer("term_months", c.term_months);
  f.boolean("auto_renew", c.auto_renew);
  f.integer("notice_days", c.notice_days);
  f.id("sla_policy_id", c.sla_policy_id);
  f.id_list("covered_work_types", c.covered_work_types);
  f.id_list("covered_items", c.covered_items);
  if (f.has("rates")) {
    c.rates.clear();
    f.objects("rates", [&](Fields& r, size_t) {
      r.only({"work_type_id", "hourly_rate"});
      ContractRate rate;
      rate.hourly_rate = Money::zero(c.currency);
      r.id("work_type_id", rate.work_type_id);
      if (!r.has("hourly_rate")) r.error("hourly_rate", "is required");
      r.money("hourly_rate", c.currency, rate.hourly_rate);
      c.rates.push_back(rate);
    });
  }
  f.optional_money("overage_rate", c.currency, c.overage_rate);
  f.boolean("rollover", c.rollover);
  f.text("notes", c.notes);
  if (creating && f.has("terms")) {
    if (!body.at("terms").is_object()) {
      f.error("terms", "must be an object with the prices (flat_fee, per_workstation ...)");
    } else {
      ManagedTerms t;
      t.flat_fee = t.per_workstation = t.per_server = t.per_user = Money::zero(c.currency);
      Fields nested(body.at("terms"), errors, "terms.");
      nested.only({"flat_fee", "per_workstation", "per_server", "per_user", "user_count", "manual_workstations",
                   "manual_servers", "note"});
      read_terms_fields(nested, t, c.currency);
      t.effective_from = c.starts_on;
      c.terms = {t};
    }
  }
  if (creating && f.has("blocks")) {
    c.blocks.clear();
    f.objects("blocks", [&](Fields& b, size_t) {
      b.only({"label", "hours", "minutes", "price", "valid_from", "valid_to"});
      HourBlock block;
      block.price = Money::zero(c.currency);
      read_block_fields(b, block, c.currency);
      c.blocks.push_back(block);
    });
  }
  TEND_CHECK(std::move(errors).status());
  return validate(c);
}

Status apply_json(HourBlock& b, const json& body, Currency currency, std::string_view prefix) {
  FieldErrors errors;
  Fields f(body, errors, std::string(prefix));
  f.only({"label", "hours", "minutes", "price", "valid_from", "valid_to"}, {"id", "invoice_line_id"});
  for (const char* required : {"label", "price", "valid_from", "valid_to"}) {
    if (!f.has(required)) f.error(required, "is required");
  }
  if (!f.has("hours") && !f.has("minutes")) f.error("hours", "is required");
  read_block_fields(f, b, currency);
  TEND_CHECK(std::move(errors).status());
  FieldErrors semantic;
  if (b.minutes < 1 || b.minutes > 100'000 * 60) semantic.add(std::string(prefix) + "hours", "must be between 1 minute and 100000 hours");
  if (b.price.is_negative()) semantic.add(std::string(prefix) + "price", "must not be negative");
  if (b.valid_to < b.valid_from) semantic.add(std::string(prefix) + "valid_to", "must not be before valid_from");
  if (auto m = check_required_text(b.label, 50); !m.empty()) semantic.add(std::string(prefix) + "label", m);
  return std::move(semantic).status();
}

Status apply_json(ManagedTerms& t, const json& body, Currency currency, std::string_view prefix, bool require_date) {
  FieldErrors errors;
  Fields f(body, errors, std::string(prefix));
  f.only({"effective_from", "flat_fee", "per_workstation", "per_server", "per_user", "user_count",
          "manual_workstations", "manual_servers", "note"},
         {"recorded_at", "recorded_by"});
  if (require_date && !f.has("effective_from")) f.error("effective_from", "is required");
  f.date("effective_from", t.effective_from);
  read_terms_fields(f, t, currency);
  TEND_CHECK(std::move(errors).status());
  return {};
}

}  // namespace tend
