// Golden cases of rating, rounding, coverage and managed fees: every JSON
// file in tests/golden/rating/ and tests/golden/coverage/ is a set of cases
// worked out by hand (the "why" says how). The format is described in
// tests/golden/README.md; adding a case is adding a JSON object.
//
// The runner turns the files into the values of core/coverage.h and
// core/contracts.h (core has no JSON) and compares every expected field.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/contracts.h"
#include "core/coverage.h"

namespace tend {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::filesystem::path> golden_files(const char* folder) {
  std::vector<std::filesystem::path> files;
  auto dir = std::filesystem::path(TEND_SOURCE_DIR) / "tests/golden" / folder;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Throws with a readable message: a malformed golden file is a test bug.
[[noreturn]] void bad(const std::string& what) { throw std::runtime_error("golden file: " + what); }

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) bad(what + ": " + r.error().message);
  return std::move(*r);
}

CivilDate date_of(const json& v) { return must(parse_civil_date(v.get<std::string>()), "date"); }

Money money_of(const json& v, Currency currency) { return must(Money::parse(currency, v.get<std::string>()), "amount"); }

// What a file (and its cases) defines; a case may replace any part.
struct Setup {
  Currency currency = Currency::eur();
  std::map<std::string, RatingWorkType> work_types;  // by code
  json client_rates = json::object();
  json contracts = json::array();
  json locked_rows = json::array();
};

WorkTypeId work_type_id(const Setup& s, const json& code) {
  auto it = s.work_types.find(code.get<std::string>());
  if (it == s.work_types.end()) bad("unknown work type " + code.dump());
  return it->second.id;
}

Contract contract_of(const Setup& s, const json& j) {
  Contract c;
  c.id = ContractId(j.at("id").get<int64_t>());
  c.kind = must(parse_contract_kind(j.at("kind").get<std::string>()), "kind");
  c.name = j.at("name").get<std::string>();
  c.currency = j.contains("currency") ? must(Currency::parse(j["currency"].get<std::string>()), "currency") : s.currency;
  c.starts_on = date_of(j.at("starts_on"));
  if (j.contains("ends_on")) c.ends_on = date_of(j["ends_on"]);
  c.term_months = j.value("term_months", 0);
  c.auto_renew = j.value("auto_renew", false);
  c.notice_days = j.value("notice_days", 0);
  for (const auto& code : j.value("covered_work_types", json::array())) c.covered_work_types.push_back(work_type_id(s, code));
  for (const auto& item : j.value("covered_items", json::array())) c.covered_items.push_back(CatalogueItemId(item.get<int64_t>()));
  const json rates = j.value("rates", json::object());
  for (const auto& [code, rate] : rates.items()) {
    c.rates.push_back({work_type_id(s, json(code)), money_of(rate, c.currency)});
  }
  if (j.contains("overage_rate")) c.overage_rate = money_of(j["overage_rate"], c.currency);
  c.rollover = j.value("rollover", false);
  for (const auto& b : j.value("blocks", json::array())) {
    HourBlock block;
    block.id = HourBlockId(b.at("id").get<int64_t>());
    block.contract_id = c.id;
    block.label = b.at("label").get<std::string>();
    Rational hours = must(Rational::parse_decimal(b.at("hours").get<std::string>()), "hours");
    block.minutes = hours.numerator * 60 / hours.denominator;
    block.price = b.contains("price") ? money_of(b["price"], c.currency) : Money::zero(c.currency);
    block.valid_from = date_of(b.at("valid_from"));
    block.valid_to = date_of(b.at("valid_to"));
    c.blocks.push_back(block);
  }
  for (const auto& t : j.value("terms", json::array())) {
    ManagedTerms terms;
    terms.effective_from = date_of(t.at("effective_from"));
    auto amount = [&](const char* key) {
      return t.contains(key) ? money_of(t[key], c.currency) : Money::zero(c.currency);
    };
    terms.flat_fee = amount("flat_fee");
    terms.per_workstation = amount("per_workstation");
    terms.per_server = amount("per_server");
    terms.per_user = amount("per_user");
    terms.user_count = t.value("user_count", 0);
    terms.manual_workstations = t.value("manual_workstations", 0);
    terms.manual_servers = t.value("manual_servers", 0);
    c.terms.push_back(terms);
  }
  if (j.contains("cancellation_effective_on")) c.cancellation_effective_on = date_of(j["cancellation_effective_on"]);
  if (auto valid = validate(c); !valid) {
    std::string fields;
    for (const auto& f : valid.error().fields) fields += " " + f.field + ": " + f.message + ";";
    bad("contract " + c.name + " is not valid:" + fields);
  }
  return c;
}

Setup setup_of(const json& file) {
  Setup s;
  if (file.contains("currency")) s.currency = must(Currency::parse(file["currency"].get<std::string>()), "currency");
  int64_t next_id = 1;
  const json work_types = file.value("work_types", json::object());
  for (const auto& [code, t] : work_types.items()) {
    RatingWorkType type;
    type.id = WorkTypeId(t.value("id", next_id));
    next_id = type.id.value() + 1;
    type.name = t.at("name").get<std::string>();
    Currency rate_currency = t.contains("currency") ? must(Currency::parse(t["currency"].get<std::string>()), "currency")
                                                    : Currency::eur();
    type.hourly_rate = money_of(t.at("hourly_rate"), rate_currency);
    type.rounding = {t.value("minimum_minutes", int64_t{0}), t.value("increment_minutes", int64_t{0})};
    type.after_hours_multiplier = must(Rational::parse_decimal(t.value("after_hours_multiplier", "1")), "multiplier");
    s.work_types.emplace(code, type);
  }
  s.client_rates = file.value("client_rates", json::object());
  s.contracts = file.value("contracts", json::array());
  return s;
}

std::string show(const Money& m) { return m.to_decimal(); }

// Runs one case and checks every expectation it states.
void run_case(const Setup& file_setup, const json& c, const std::string& where) {
  Setup s = file_setup;
  if (c.contains("currency")) s.currency = must(Currency::parse(c["currency"].get<std::string>()), "currency");
  if (c.contains("client_rates")) s.client_rates = c["client_rates"];
  if (c.contains("contracts")) s.contracts = c["contracts"];
  std::vector<RatingWorkType> types;
  for (const auto& [code, t] : s.work_types) types.push_back(t);
  std::vector<ClientRate> client_rates;
  for (const auto& [code, rate] : s.client_rates.items()) {
    client_rates.push_back({ClientId(1), work_type_id(s, json(code)), money_of(rate, s.currency), Instant()});
  }
  std::vector<Contract> contracts;
  for (const auto& j : s.contracts) contracts.push_back(contract_of(s, j));
  std::vector<BlockLedgerRow> locked;
  for (const auto& r : c.value("locked_rows", json::array())) {
    locked.push_back({must(parse_block_ledger_kind(r.at("kind").get<std::string>()), "kind"),
                      HourBlockId(r.value("block", int64_t{0})), TimeEntryId(r.at("entry").get<int64_t>()),
                      HourBlockId(), date_of(r.at("date")), r.at("minutes").get<int64_t>(), true});
  }
  std::vector<RatingEntry> entries;
  for (const auto& e : c.value("entries", json::array())) {
    RatingEntry r;
    r.id = TimeEntryId(e.at("id").get<int64_t>());
    r.ticket = TicketId(e.value("ticket", int64_t{1}));
    r.work_type = work_type_id(s, e.at("work_type"));
    r.work_date = date_of(e.at("date"));
    r.actual_minutes = e.at("minutes").get<int64_t>();
    r.billing = must(parse_billing(e.value("billing", "billable")), "billing");
    r.after_hours = e.value("after_hours", false);
    r.under_fixed_price_service = e.value("fixed_price_service", false);
    if (e.contains("billable_override")) r.fixed_billable_minutes = e["billable_override"].get<int64_t>();
    if (e.value("invoiced", false)) {
      r.invoiced = true;
      r.fixed_billable_minutes = e.at("stored_billable_minutes").get<int64_t>();
    }
    entries.push_back(r);
  }
  ClientRatingInput input;
  input.currency = s.currency;
  input.contracts = contracts;
  input.client_rates = client_rates;
  input.work_types = types;
  input.locked_block_rows = locked;
  ClientRating rating = rate_client_work(input, entries);
  ExplainContext context{input};
  const json& expect = c.at("expect");
  Money total = Money::zero(s.currency);
  for (const auto& t : rating.time) total += t.amount;

  for (const auto& want : expect.value("entries", json::array())) {
    const TimeEntryId id(want.at("id").get<int64_t>());
    auto at = std::find_if(rating.time.begin(), rating.time.end(), [&](const TimeCharge& t) { return t.entry == id; });
    ASSERT_NE(at, rating.time.end()) << where << ": no entry " << id.value();
    const TimeCharge& got = *at;
    const RatingEntry& entry = entries[static_cast<size_t>(at - rating.time.begin())];
    const std::string label = where + " entry " + std::to_string(id.value());
    if (want.contains("billable_minutes")) {
      EXPECT_EQ(got.billable_minutes, want["billable_minutes"].get<int64_t>()) << label;
    }
    if (want.contains("basis")) {
      EXPECT_EQ(to_string(got.basis), want["basis"].get<std::string>()) << label;
    }
    if (want.contains("amount")) {
      EXPECT_EQ(show(got.amount), want["amount"].get<std::string>()) << label;
    }
    if (want.contains("charged_minutes")) {
      EXPECT_EQ(got.charged_minutes, want["charged_minutes"].get<int64_t>()) << label;
    }
    if (want.contains("contract")) {
      EXPECT_EQ(got.contract.value(), want["contract"].get<int64_t>()) << label;
    }
    if (want.contains("rate_source")) {
      EXPECT_EQ(to_string(got.rate.source), want["rate_source"].get<std::string>()) << label;
    }
    if (want.contains("overage_minutes")) {
      EXPECT_EQ(got.blocks.overage_minutes, want["overage_minutes"].get<int64_t>()) << label;
    }
    if (want.contains("blocks")) {
      json uses = json::array();
      for (const auto& u : got.blocks.uses) uses.push_back({{"block", u.block.value()}, {"minutes", u.minutes}});
      EXPECT_EQ(uses, want["blocks"]) << label;
    }
    if (want.contains("explanation")) {
      EXPECT_EQ(explain(context, got, entry), want["explanation"].get<std::string>()) << label;
    }
  }
  for (const auto& want : expect.value("items", json::array())) {
    const json* spec = nullptr;
    for (const auto& i : c.at("items")) {
      if (i.at("id") == want.at("id")) spec = &i;
    }
    ASSERT_NE(spec, nullptr) << where << ": no item " << want["id"];
    ItemUse use;
    use.id = spec->at("id").get<int64_t>();
    use.item = CatalogueItemId(spec->at("item").get<int64_t>());
    use.item_name = spec->at("name").get<std::string>();
    use.kind = must(parse_catalogue_kind(spec->at("kind").get<std::string>()), "kind");
    use.on = date_of(spec->at("date"));
    use.quantity = spec->value("quantity", int64_t{1});
    Currency price_currency = spec->contains("price_currency")
                                  ? must(Currency::parse((*spec)["price_currency"].get<std::string>()), "currency")
                                  : s.currency;
    use.unit_price = money_of(spec->at("unit_price"), price_currency);
    ItemCharge got = rate_item(input, use);
    total += got.amount;
    const std::string label = where + " item " + std::to_string(use.id);
    if (want.contains("basis")) {
      EXPECT_EQ(to_string(got.basis), want["basis"].get<std::string>()) << label;
    }
    if (want.contains("amount")) {
      EXPECT_EQ(show(got.amount), want["amount"].get<std::string>()) << label;
    }
    if (want.contains("contract")) {
      EXPECT_EQ(got.contract.value(), want["contract"].get<int64_t>()) << label;
    }
    if (want.contains("explanation")) {
      EXPECT_EQ(explain(context, got, use), want["explanation"].get<std::string>()) << label;
    }
  }
  if (expect.contains("total")) {
    EXPECT_EQ(show(total), expect["total"].get<std::string>()) << where << " total";
  }
  for (const auto& want : expect.value("balances", json::array())) {
    const HourBlockId block(want.at("block").get<int64_t>());
    const BlockBalance* found = nullptr;
    for (const auto& ledger : rating.ledgers) {
      for (const auto& b : ledger.allocation.balances) {
        if (b.block_id == block) found = &b;
      }
    }
    ASSERT_NE(found, nullptr) << where << ": no balance for block " << block.value();
    const std::string label = where + " block " + std::to_string(block.value());
    if (want.contains("used")) {
      EXPECT_EQ(found->used_minutes, want["used"].get<int64_t>()) << label;
    }
    if (want.contains("remaining")) {
      EXPECT_EQ(found->remaining(), want["remaining"].get<int64_t>()) << label;
    }
    if (want.contains("rolled_in")) {
      EXPECT_EQ(found->rolled_in_minutes, want["rolled_in"].get<int64_t>()) << label;
    }
    if (want.contains("rolled_out")) {
      EXPECT_EQ(found->rolled_out_minutes, want["rolled_out"].get<int64_t>()) << label;
    }
    if (want.contains("warning")) {
      EXPECT_EQ(block_warning_level(*found), want["warning"].get<int>()) << label;
    }
  }
}

// A managed fee case: {"contract": id, "date", "agents": {...}, "expect": {...}}.
void run_fee(const Setup& s, const json& c, const std::string& where) {
  const json* spec = nullptr;
  for (const auto& j : s.contracts) {
    if (j.at("id") == c.at("contract")) spec = &j;
  }
  ASSERT_NE(spec, nullptr) << where;
  Contract contract = contract_of(s, *spec);
  DeviceCounts agents{c.at("agents").value("workstations", int64_t{0}), c.at("agents").value("servers", int64_t{0})};
  auto fee = managed_monthly_fee(contract, date_of(c.at("date")), agents);
  const json& expect = c.at("expect");
  if (expect.contains("error")) {
    EXPECT_FALSE(fee.has_value()) << where;
    return;
  }
  ASSERT_TRUE(fee.has_value()) << where << ": " << fee.error().message;
  if (expect.contains("total")) {
    EXPECT_EQ(show(fee->total), expect["total"].get<std::string>()) << where;
  }
  if (expect.contains("devices_from_agents")) {
    EXPECT_EQ(fee->devices_from_agents, expect["devices_from_agents"].get<bool>()) << where;
  }
  if (expect.contains("terms_effective_from")) {
    EXPECT_EQ(format_civil_date(fee->terms_effective_from), expect["terms_effective_from"].get<std::string>()) << where;
  }
}

size_t run_folder(const char* folder) {
  size_t checked = 0;
  for (const auto& file : golden_files(folder)) {
    SCOPED_TRACE(file.filename().string());
    json doc = json::parse(read_text(file));
    Setup setup = setup_of(doc);
    for (const auto& c : doc.value("cases", json::array())) {
      const std::string where = file.filename().string() + " " + c.at("id").get<std::string>() + " (" +
                                c.value("why", "") + ")";
      run_case(setup, c, where);
      ++checked;
    }
    for (const auto& c : doc.value("fees", json::array())) {
      run_fee(setup, c, file.filename().string() + " " + c.at("id").get<std::string>());
      ++checked;
    }
  }
  return checked;
}

TEST(RatingGolden, EveryCaseMatchesItsHandWorkedResult) { EXPECT_GE(run_folder("rating"), 15u); }

TEST(CoverageGolden, EveryCaseMatchesItsHandWorkedResult) { EXPECT_GE(run_folder("coverage"), 12u); }

}  // namespace
}  // namespace tend
