#include "app/import_service.h"

#include <map>
#include <set>

#include "app/audit.h"
#include "app/billing_service.h"
#include "app/crypto.h"
#include "app/json_codec.h"
#include "app/service_desk_codec.h"
#include "app/work_codec.h"
#include "app/work_rating.h"
#include "core/validation.h"

namespace tend {
namespace {

using nlohmann::json;
using store::Transaction;

constexpr size_t kMaxReportedErrors = 200;
constexpr int kFormatVersion = 1;

// The sections of a file, in the order they are imported (later ones refer
// to earlier ones).
constexpr const char* kSections[] = {"tax_categories", "work_types",  "clients",        "users",
                                     "technician_rates", "catalogue", "contracts",      "tickets",
                                     "service_usages",   "time_entries", "part_usages"};

// One import run inside one transaction.
class Importer {
 public:
  Importer(Transaction& tx, const Principal& actor, Instant now, const Config& config, TicketService& tickets)
      : tx_(tx), actor_(actor), now_(now), config_(config), tickets_(tickets) {}

  Result<ImportSummary> run(const json& document) {
    TEND_CHECK(check_document(document));
    if (auto provider = tx_.provider().get()) {
      currency_ = provider->currency;
      time_zone_ = provider->time_zone;
    }
    section(document, "tax_categories", [&](const json& r, const std::string& p) { tax_category(r, p); });
    section(document, "work_types", [&](const json& r, const std::string& p) { work_type(r, p); });
    section(document, "clients", [&](const json& r, const std::string& p) { client(r, p); });
    section(document, "users", [&](const json& r, const std::string& p) { user(r, p); });
    section(document, "technician_rates", [&](const json& r, const std::string& p) { technician_rate(r, p); });
    section(document, "catalogue", [&](const json& r, const std::string& p) { catalogue_item(r, p); });
    section(document, "contracts", [&](const json& r, const std::string& p) { contract(r, p); });
    section(document, "tickets", [&](const json& r, const std::string& p) { ticket(r, p); });
    section(document, "service_usages", [&](const json& r, const std::string& p) { service_usage(r, p); });
    section(document, "time_entries", [&](const json& r, const std::string& p) { time_entry(r, p); });
    section(document, "part_usages", [&](const json& r, const std::string& p) { part_usage(r, p); });
    if (error_count_ == 0) {
      for (ClientId client : touched_) {
        if (auto refreshed = refresh_client_rating(tx_, client, actor_, now_); !refreshed) {
          add_error("", refreshed.error());
        }
      }
    }
    if (error_count_ > 0) {
      std::string message = "the import file has " + std::to_string(error_count_) +
                            (error_count_ == 1 ? " problem" : " problems") + "; nothing was imported";
      if (error_count_ > kMaxReportedErrors) {
        message += " (the first " + std::to_string(kMaxReportedErrors) + " are listed)";
      }
      TEND_CHECK(std::move(errors_).status(message));
    }
    return summary_;
  }

 private:
  // ---- plumbing ----------------------------------------------------------------------------

  Status check_document(const json& document) {
    FieldErrors errors;
    if (!document.contains("tend_import")) {
      errors.add("tend_import", "is required: the format version (1); see docs/import-format.md");
    } else if (document["tend_import"] != kFormatVersion) {
      errors.add("tend_import", "this tend reads format version 1");
    }
    for (auto it = document.begin(); it != document.end(); ++it) {
      if (it.key() == "tend_import" || it.key() == "about") continue;
      bool known = false;
      for (const char* s : kSections) known = known || it.key() == s;
      if (!known) errors.add(it.key(), "is not a known section");
      else if (!it->is_array()) errors.add(it.key(), "must be an array of records");
    }
    return std::move(errors).status("the file is not a Tend import file");
  }

  template <class Fn>
  void section(const json& document, const char* name, Fn import_record) {
    if (!document.contains(name)) return;
    const json& records = document[name];
    for (size_t i = 0; i < records.size(); ++i) {
      const std::string prefix = std::string(name) + "[" + std::to_string(i) + "]";
      if (!records[i].is_object()) {
        add(prefix, "must be an object");
        continue;
      }
      declare(name, records[i]);
      import_record(records[i], prefix);
    }
  }

  // Notes the natural key of a record of the file, so that a later record
  // referring to it is not reported again when this one fails: the failing
  // record carries the error, its dependants only cascade from it.
  void declare(const std::string& section, const json& record) {
    static const std::map<std::string, std::pair<const char*, const char*>> kKeys = {
        {"tax_categories", {"code", "tax category"}}, {"work_types", {"code", "work type"}},
        {"clients", {"reference", "client"}},         {"users", {"email", "staff user"}},
        {"catalogue", {"sku", "catalogue item"}},     {"tickets", {"key", "ticket"}},
        {"service_usages", {"key", "service"}}};
    auto it = kKeys.find(section);
    if (it == kKeys.end()) return;
    const auto& [field, what] = it->second;
    if (record.contains(field) && record[field].is_string()) {
      declared_.insert(declared_key(what, record[field].get<std::string>()));
    }
  }
  static std::string declared_key(const std::string& what, const std::string& value) {
    return what + ":" + ascii_lower(trimmed(value));
  }

  void add(const std::string& field, const std::string& message) {
    if (++error_count_ <= kMaxReportedErrors) errors_.add(field, message);
  }

  // Records `error` under the record at `prefix`: its field errors with the
  // prefix, or its message on the record itself.
  void add_error(const std::string& prefix, const Error& error) {
    if (error.fields.empty()) {
      add(prefix.empty() ? "import" : prefix, error.message);
      return;
    }
    for (const auto& f : error.fields) add(prefix + "." + f.field, f.message);
  }

  template <class T>
  std::optional<T> check(const std::string& prefix, Result<T> result) {
    if (!result) {
      add_error(prefix, result.error());
      return std::nullopt;
    }
    return std::move(*result);
  }

  bool check(const std::string& prefix, Status status) {
    if (!status) add_error(prefix, status.error());
    return status.has_value();
  }

  // The string value of `key` in `record` (empty when absent); an error when
  // it is there but not a string.
  std::optional<std::string> text_of(const json& record, const char* key, const std::string& prefix) {
    if (!record.contains(key) || record[key].is_null()) return std::nullopt;
    if (!record[key].is_string()) {
      add(prefix + "." + key, "must be a string");
      return std::nullopt;
    }
    return record[key].get<std::string>();
  }

  // Moves the reference `key` out of `body` and resolves it with `find`;
  // records "no <what> '<value>' in the file or the database" when it does
  // not resolve. Returns nullopt when absent or unresolved.
  template <class Find>
  auto resolve(json& body, const char* key, const std::string& prefix, const char* what, Find find)
      -> std::optional<std::remove_cvref_t<decltype(*find(std::string()))>> {
    if (!body.contains(key)) return std::nullopt;
    json value = body[key];
    body.erase(key);
    if (value.is_null()) return std::nullopt;
    if (!value.is_string()) {
      add(prefix + "." + key, "must be a string");
      return std::nullopt;
    }
    auto found = find(value.get<std::string>());
    if (!found && declared_.count(declared_key(what, value.get<std::string>()))) {
      return std::nullopt;  // that record of the file failed and says why
    }
    if (!found) {
      add(prefix + "." + key, std::string("no ") + what + " '" + value.get<std::string>() +
                                  "' in the file or the database");
      return std::nullopt;
    }
    return *found;
  }

  // ---- lookups: the file first, then the database ---------------------------------------------

  std::optional<TaxCategoryId> find_tax(const std::string& code) {
    if (auto it = taxes_.find(code); it != taxes_.end()) return it->second;
    if (auto t = tx_.tax_categories().find_by_code(code)) return taxes_[code] = t->id;
    return std::nullopt;
  }
  std::optional<WorkType> find_work_type(const std::string& code) {
    if (auto it = work_types_.find(code); it != work_types_.end()) return it->second;
    if (auto t = tx_.work_types().find_by_code(code)) return work_types_[code] = *t;
    return std::nullopt;
  }
  std::optional<Client> find_client(const std::string& reference) {
    if (!clients_loaded_) {
      clients_loaded_ = true;
      store::ClientFilter filter;
      filter.archived = store::ArchiveFilter::all;
      std::string cursor;
      while (true) {
        auto page = make_page_request(PageRequest::kMaxLimit, "created_at", cursor,
                                      {std::begin(store::kClientSorts), std::end(store::kClientSorts)}, "created_at");
        if (!page) break;
        auto clients = tx_.clients().list(filter, *page);
        if (!clients) break;
        for (auto& c : clients->items) {
          if (!c.reference.empty() && !clients_.count(c.reference)) clients_[c.reference] = c;
        }
        if (clients->next_cursor.empty()) break;
        cursor = clients->next_cursor;
      }
    }
    if (auto it = clients_.find(reference); it != clients_.end()) return it->second;
    return std::nullopt;
  }
  std::optional<UserId> find_user(const std::string& email) {
    const std::string key = ascii_lower(trimmed(email));
    if (auto it = users_.find(key); it != users_.end()) return it->second;
    if (auto u = tx_.users().find_by_email(key)) {
      if (u->role != Role::portal) return users_[key] = u->id;
    }
    return std::nullopt;
  }
  std::optional<CatalogueItem> find_item(const std::string& sku) {
    if (auto it = items_.find(sku); it != items_.end()) return it->second;
    if (auto i = tx_.catalogue().find_by_sku(sku)) return items_[sku] = *i;
    return std::nullopt;
  }
  std::optional<SlaPolicyId> find_policy(const std::string& name) {
    auto policies = tx_.sla_policies().list();
    if (!policies) return std::nullopt;
    for (const auto& p : *policies) {
      if (name_key(p.name) == name_key(name)) return p.id;
    }
    return std::nullopt;
  }
  std::optional<TicketStatusId> find_status(const std::string& name) {
    auto statuses = tx_.ticket_statuses().list();
    if (!statuses) return std::nullopt;
    for (const auto& s : *statuses) {
      if (name_key(s.name) == name_key(name)) return s.id;
    }
    return std::nullopt;
  }
  // A ticket of the file by key, or an existing one by "ticket_id".
  std::optional<Ticket> ticket_of(json& body, const std::string& prefix) {
    if (body.contains("ticket_id")) {
      json id = body["ticket_id"];
      body.erase("ticket_id");
      if (!id.is_number_integer()) {
        add(prefix + ".ticket_id", "must be a positive id");
        return std::nullopt;
      }
      auto t = tx_.tickets().get(TicketId(id.get<int64_t>()));
      if (!t) {
        add(prefix + ".ticket_id", "no such ticket in the database");
        return std::nullopt;
      }
      return *t;
    }
    if (!body.contains("ticket")) {
      add(prefix + ".ticket", "is required (the key of a ticket in the file, or ticket_id)");
      return std::nullopt;
    }
    return resolve(body, "ticket", prefix, "ticket", [&](const std::string& key) -> std::optional<Ticket> {
      if (auto it = tickets_by_key_.find(key); it != tickets_by_key_.end()) return it->second;
      return std::nullopt;
    });
  }

  // ---- sections ------------------------------------------------------------------------------------

  void tax_category(const json& record, const std::string& prefix) {
    TaxCategory t;
    t.created_at = t.updated_at = now_;
    if (!check(prefix, apply_json(t, record))) return;
    auto id = tx_.tax_categories().insert(t);
    if (!id && id.error().kind == ErrorKind::conflict) {
      add(prefix + ".code", "a tax category '" + t.code + "' already exists");
      return;
    }
    if (auto stored = check(prefix, std::move(id))) {
      taxes_[t.code] = *stored;
      ++summary_.tax_categories;
    }
  }

  void work_type(const json& record, const std::string& prefix) {
    json body = record;
    auto tax = resolve(body, "tax_category", prefix, "tax category",
                       [&](const std::string& code) { return find_tax(code); });
    WorkType t;
    t.hourly_rate = Money::zero(currency_);
    t.created_at = t.updated_at = now_;
    if (!check(prefix, apply_json(t, body, currency_))) return;
    if (tax) t.tax_category_id = *tax;
    auto id = tx_.work_types().insert(t);
    if (!id && id.error().kind == ErrorKind::conflict) {
      add(prefix + ".code", "a work type '" + t.code + "' already exists");
      return;
    }
    if (auto stored = check(prefix, std::move(id))) {
      t.id = *stored;
      work_types_[t.code] = t;
      ++summary_.work_types;
    }
  }

  void client(const json& record, const std::string& prefix) {
    json body = record;
    json sites = body.contains("sites") ? body["sites"] : json::array();
    json contacts = body.contains("contacts") ? body["contacts"] : json::array();
    json rates = body.contains("rates") ? body["rates"] : json::array();
    json billing = body.contains("billing") ? body["billing"] : json();
    body.erase("billing");
    body.erase("sites");
    body.erase("contacts");
    body.erase("rates");
    auto policy = resolve(body, "sla_policy", prefix, "SLA policy",
                          [&](const std::string& name) { return find_policy(name); });
    Client c;
    c.currency = currency_;
    c.created_at = c.updated_at = now_;
    if (!check(prefix, apply_json(c, body))) return;
    if (c.reference.empty()) {
      add(prefix + ".reference", "is required in an import (other records refer to the client by it)");
      return;
    }
    if (find_client(c.reference)) {
      add(prefix + ".reference", "a client with reference '" + c.reference + "' already exists");
      return;
    }
    auto id = check(prefix, tx_.clients().insert(c));
    if (!id) return;
    c.id = *id;
    clients_[c.reference] = c;
    ++summary_.clients;
    if (policy) check(prefix + ".sla_policy", tx_.sla_policies().set_client_default(c.id, *policy, now_));
    if (!billing.is_null()) {
      store::ClientBilling b;
      b.client_id = c.id;
      b.updated_at = now_;
      if (!billing.is_object()) {
        add(prefix + ".billing", "must be an object: {\"tax_treatment\"?, \"payment_terms_days\"?}");
      } else if (check(prefix + ".billing", apply_client_billing(b, billing))) {
        check(prefix + ".billing", tx_.billing_settings().put_client(b));
      }
    }
    std::map<std::string, SiteId> site_ids;
    if (!sites.is_array()) add(prefix + ".sites", "must be an array");
    for (size_t i = 0; sites.is_array() && i < sites.size(); ++i) {
      const std::string site_prefix = prefix + ".sites[" + std::to_string(i) + "]";
      if (!sites[i].is_object()) {
        add(site_prefix, "must be an object");
        continue;
      }
      json site_body = sites[i];
      site_body["client_id"] = c.id.value();
      Site s;
      s.time_zone = time_zone_;
      s.created_at = s.updated_at = now_;
      if (!check(site_prefix, apply_json(s, site_body, true))) continue;
      if (auto site_id = check(site_prefix, tx_.sites().insert(s))) {
        site_ids[name_key(s.name)] = *site_id;
        ++summary_.sites;
      }
    }
    if (!contacts.is_array()) add(prefix + ".contacts", "must be an array");
    for (size_t i = 0; contacts.is_array() && i < contacts.size(); ++i) {
      const std::string contact_prefix = prefix + ".contacts[" + std::to_string(i) + "]";
      if (!contacts[i].is_object()) {
        add(contact_prefix, "must be an object");
        continue;
      }
      json contact_body = contacts[i];
      auto site = resolve(contact_body, "site", contact_prefix, "site of this client",
                          [&](const std::string& name) -> std::optional<SiteId> {
                            auto it = site_ids.find(name_key(name));
                            return it == site_ids.end() ? std::nullopt : std::optional<SiteId>(it->second);
                          });
      contact_body["client_id"] = c.id.value();
      Contact k;
      k.created_at = k.updated_at = now_;
      if (!check(contact_prefix, apply_json(k, contact_body, true))) continue;
      if (site) k.site_id = *site;
      if (auto contact_id = check(contact_prefix, tx_.contacts().insert(k))) {
        if (!k.email.empty()) contacts_[ascii_lower(k.email)] = *contact_id;
        ++summary_.contacts;
      }
    }
    if (!rates.is_array()) add(prefix + ".rates", "must be an array");
    for (size_t i = 0; rates.is_array() && i < rates.size(); ++i) {
      const std::string rate_prefix = prefix + ".rates[" + std::to_string(i) + "]";
      client_rate(rates[i], rate_prefix, c);
    }
  }

  void client_rate(const json& record, const std::string& prefix, const Client& c) {
    if (!record.is_object()) {
      add(prefix, "must be an object");
      return;
    }
    json body = record;
    auto type = resolve(body, "work_type", prefix, "work type",
                        [&](const std::string& code) { return find_work_type(code); });
    if (!record.contains("work_type")) add(prefix + ".work_type", "is required");
    auto rate_text = text_of(body, "hourly_rate", prefix);
    if (!rate_text) {
      if (!body.contains("hourly_rate")) add(prefix + ".hourly_rate", "is required");
      return;
    }
    auto rate = Money::parse(c.currency, *rate_text);
    if (!rate) {
      add(prefix + ".hourly_rate", rate.error().message);
      return;
    }
    if (!type) return;
    if (check(prefix, tx_.rates().set_client_rate({c.id, type->id, *rate, now_}))) ++summary_.client_rates;
  }

  void user(const json& record, const std::string& prefix) {
    json body = record;
    auto client = resolve(body, "client", prefix, "client", [&](const std::string& ref) { return find_client(ref); });
    std::optional<std::string> cost;
    if (body.contains("cost_rate")) {
      cost = text_of(body, "cost_rate", prefix);
      body.erase("cost_rate");
    }
    std::optional<std::string> password;
    if (body.contains("password")) {
      password = text_of(body, "password", prefix);
      body.erase("password");
    }
    User u;
    u.created_at = u.updated_at = now_;
    if (client) body["client_id"] = client->id.value();
    if (!check(prefix, apply_json(u, body, {}))) return;
    u.email = ascii_lower(trimmed(u.email));
    if (password) {
      if (auto m = check_password(*password); !m.empty()) {
        add(prefix + ".password", m);
        return;
      }
      auto hash = check(prefix + ".password", hash_password(*password, config_.auth.password_cost));
      if (!hash) return;
      u.password_hash = *hash;
    }
    auto id = tx_.users().insert(u);
    if (!id && id.error().kind == ErrorKind::conflict) {
      add(prefix + ".email", "a user with this e-mail address already exists");
      return;
    }
    auto stored = check(prefix, std::move(id));
    if (!stored) return;
    if (u.role != Role::portal) users_[u.email] = *stored;
    ++summary_.users;
    if (cost) set_cost_rate(*stored, *cost, prefix + ".cost_rate");
  }

  void set_cost_rate(UserId user, const std::string& text, const std::string& field) {
    auto rate = Money::parse(currency_, text);
    if (!rate) {
      add(field, rate.error().message);
      return;
    }
    if (rate->is_negative()) {
      add(field, "must not be negative");
      return;
    }
    if (check(field, tx_.rates().set_technician({user, *rate, now_}))) ++summary_.technician_rates;
  }

  void technician_rate(const json& record, const std::string& prefix) {
    json body = record;
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "user" && it.key() != "cost_rate") add(prefix + "." + it.key(), "is not a known field");
    }
    if (!body.contains("user")) add(prefix + ".user", "is required (an e-mail address)");
    auto user_id = resolve(body, "user", prefix, "staff user", [&](const std::string& email) { return find_user(email); });
    auto cost = text_of(body, "cost_rate", prefix);
    if (!cost) {
      if (!body.contains("cost_rate")) add(prefix + ".cost_rate", "is required");
      return;
    }
    if (user_id) set_cost_rate(*user_id, *cost, prefix + ".cost_rate");
  }

  void catalogue_item(const json& record, const std::string& prefix) {
    json body = record;
    auto tax = resolve(body, "tax_category", prefix, "tax category",
                       [&](const std::string& code) { return find_tax(code); });
    std::optional<int64_t> initial_stock;
    if (body.contains("initial_stock")) {
      if (!body["initial_stock"].is_number_integer() || body["initial_stock"].get<int64_t>() < 0) {
        add(prefix + ".initial_stock", "must be a whole number of 0 or more");
      } else {
        initial_stock = body["initial_stock"].get<int64_t>();
      }
      body.erase("initial_stock");
    }
    CatalogueItem item;
    item.unit_cost = Money::zero(currency_);
    item.created_at = item.updated_at = now_;
    if (!check(prefix, apply_json(item, body, true, currency_))) return;
    if (tax) item.tax_category_id = *tax;
    auto id = tx_.catalogue().insert(item);
    if (!id && id.error().kind == ErrorKind::conflict) {
      add(prefix + ".sku", "an item with SKU '" + item.sku + "' already exists");
      return;
    }
    auto stored = check(prefix, std::move(id));
    if (!stored) return;
    item.id = *stored;
    if (initial_stock && *initial_stock > 0 && item.kind == CatalogueKind::part) {
      check(prefix + ".initial_stock",
            tx_.catalogue().add_movement({StockMovementId(), item.id, StockMovementKind::receipt, *initial_stock,
                                          PartUsageId(), "imported stock", now_, actor_.user_id, actor_.email}));
      item.stock_on_hand = *initial_stock;
    }
    items_[item.sku] = item;
    ++summary_.catalogue_items;
  }

  // Replaces a list of names (codes, SKUs) in `body[key]` by ids.
  template <class Id, class Find>
  void resolve_list(json& body, const char* key, const std::string& prefix, const char* what, Find find) {
    if (!body.contains(key)) return;
    if (!body[key].is_array()) {
      add(prefix + "." + key, "must be an array");
      body.erase(key);
      return;
    }
    json ids = json::array();
    for (size_t i = 0; i < body[key].size(); ++i) {
      const json& v = body[key][i];
      const std::string field = prefix + "." + key + "[" + std::to_string(i) + "]";
      if (!v.is_string()) {
        add(field, "must be a string");
        continue;
      }
      auto id = find(v.get<std::string>());
      if (!id) add(field, std::string("no ") + what + " '" + v.get<std::string>() + "' in the file or the database");
      else ids.push_back(id->value());
    }
    body[key] = ids;
  }

  void contract(const json& record, const std::string& prefix) {
    json body = record;
    std::optional<std::string> key;
    if (body.contains("key")) {
      key = text_of(body, "key", prefix);
      body.erase("key");
    }
    json price_changes = body.contains("price_changes") ? body["price_changes"] : json::array();
    json cancellation = body.contains("cancellation") ? body["cancellation"] : json();
    body.erase("price_changes");
    body.erase("cancellation");
    if (!body.contains("client")) add(prefix + ".client", "is required (the client's reference)");
    auto client = resolve(body, "client", prefix, "client", [&](const std::string& ref) { return find_client(ref); });
    auto policy = resolve(body, "sla_policy", prefix, "SLA policy",
                          [&](const std::string& name) { return find_policy(name); });
    resolve_list<WorkTypeId>(body, "covered_work_types", prefix, "work type",
                             [&](const std::string& code) -> std::optional<WorkTypeId> {
                               auto t = find_work_type(code);
                               return t ? std::optional<WorkTypeId>(t->id) : std::nullopt;
                             });
    resolve_list<CatalogueItemId>(body, "covered_items", prefix, "catalogue item",
                                  [&](const std::string& sku) -> std::optional<CatalogueItemId> {
                                    auto i = find_item(sku);
                                    return i ? std::optional<CatalogueItemId>(i->id) : std::nullopt;
                                  });
    if (body.contains("rates") && body["rates"].is_array()) {
      for (size_t i = 0; i < body["rates"].size(); ++i) {
        json& rate = body["rates"][i];
        if (!rate.is_object()) continue;
        const std::string rate_prefix = prefix + ".rates[" + std::to_string(i) + "]";
        auto type = resolve(rate, "work_type", rate_prefix, "work type",
                            [&](const std::string& code) { return find_work_type(code); });
        if (type) rate["work_type_id"] = type->id.value();
      }
    }
    if (!client) return;
    body["client_id"] = client->id.value();
    Contract c;
    c.currency = client->currency;
    c.created_at = c.updated_at = now_;
    if (body.contains("kind") && body["kind"] == "managed" && !body.contains("auto_renew")) c.auto_renew = true;
    if (!check(prefix, apply_json(c, body, true))) return;
    if (policy) c.sla_policy_id = *policy;
    for (auto& t : c.terms) {
      t.recorded_at = now_;
      t.recorded_by = actor_.email;
    }
    for (auto& b : c.blocks) b.created_at = now_;
    if (!price_changes.is_array()) add(prefix + ".price_changes", "must be an array");
    for (size_t i = 0; price_changes.is_array() && i < price_changes.size(); ++i) {
      const std::string change_prefix = prefix + ".price_changes[" + std::to_string(i) + "]";
      if (!price_changes[i].is_object() || c.terms.empty()) {
        add(change_prefix, c.terms.empty() ? "only a managed agreement with terms has price changes" : "must be an object");
        continue;
      }
      ManagedTerms t = c.terms.back();
      t.note.clear();
      if (!check(change_prefix, apply_json(t, price_changes[i], c.currency, "", true))) continue;
      t.recorded_at = now_;
      t.recorded_by = actor_.email;
      c.terms.push_back(t);
    }
    if (!cancellation.is_null()) {
      if (!cancellation.is_object() || !cancellation.contains("effective_on") || !cancellation["effective_on"].is_string()) {
        add(prefix + ".cancellation", "must be {\"effective_on\": \"YYYY-MM-DD\", \"reason\": \"...\"}");
      } else {
        auto effective = parse_civil_date(cancellation["effective_on"].get<std::string>());
        if (!effective) add(prefix + ".cancellation.effective_on", effective.error().message);
        else c.cancellation_effective_on = *effective;
        c.cancellation_reason = cancellation.value("reason", "");
        c.cancelled_at = now_;
        c.cancelled_by = actor_.email;
      }
    }
    if (!check(prefix, validate(c))) return;
    auto id = tx_.contracts().insert(c);
    if (!id && id.error().kind == ErrorKind::conflict) {
      add(prefix + ".reference", "a contract with reference '" + c.reference + "' already exists");
      return;
    }
    if (!check(prefix, std::move(id))) return;
    if (key) contracts_[*key] = c.id;
    touched_.insert(c.client_id);
    ++summary_.contracts;
  }

  void ticket(const json& record, const std::string& prefix) {
    json body = record;
    auto key = text_of(body, "key", prefix);
    body.erase("key");
    if (!key || key->empty()) {
      add(prefix + ".key", "is required (time entries and services refer to the ticket by it)");
      return;
    }
    if (tickets_by_key_.count(*key)) {
      add(prefix + ".key", "is used twice in the file");
      return;
    }
    if (!body.contains("client")) add(prefix + ".client", "is required (the client's reference)");
    auto client = resolve(body, "client", prefix, "client", [&](const std::string& ref) { return find_client(ref); });
    auto status = resolve(body, "status", prefix, "ticket status",
                          [&](const std::string& name) { return find_status(name); });
    auto assignee = resolve(body, "assignee", prefix, "staff user",
                            [&](const std::string& email) { return find_user(email); });
    auto policy = resolve(body, "sla_policy", prefix, "SLA policy",
                          [&](const std::string& name) { return find_policy(name); });
    std::optional<std::string> site_name, contact_email;
    if (body.contains("site")) {
      site_name = text_of(body, "site", prefix);
      body.erase("site");
    }
    if (body.contains("contact")) {
      contact_email = text_of(body, "contact", prefix);
      body.erase("contact");
    }
    if (!client) return;
    body["client_id"] = client->id.value();
    Ticket t;
    t.source = TicketSource::api;
    std::optional<Instant> created_at;
    if (!check(prefix, apply_json(t, body, TicketInput::create, &created_at))) return;
    if (status) t.status_id = *status;
    if (assignee) t.assignee_id = *assignee;
    if (policy) t.sla_policy_id = *policy;
    if (site_name) {
      auto sites = tx_.sites().list({"", store::ArchiveFilter::all, client->id},
                                    *make_page_request(PageRequest::kMaxLimit, "name", "", {"name", "created_at"}, "name"));
      bool found = false;
      for (const auto& s : sites ? sites->items : std::vector<Site>{}) {
        if (name_key(s.name) == name_key(*site_name)) {
          t.site_id = s.id;
          found = true;
        }
      }
      if (!found) add(prefix + ".site", "no site '" + *site_name + "' of this client");
    }
    if (contact_email) {
      auto it = contacts_.find(ascii_lower(*contact_email));
      if (it == contacts_.end()) add(prefix + ".contact", "no contact '" + *contact_email + "' in the file");
      else t.contact_id = it->second;
    }
    t.created_at = created_at.value_or(now_);
    if (t.created_at > now_) {
      add(prefix + ".created_at", "must not be in the future");
      return;
    }
    if (!check(prefix, validate(t))) return;
    if (error_count_ > 0) return;  // create_in needs every reference to be right
    auto created = check(prefix, tickets_.create_in(tx_, actor_, t, now_));
    if (!created) return;
    tickets_by_key_[*key] = *created;
    ++summary_.tickets;
  }

  // The unit price of an imported part or service: "unit_price" in the
  // client's currency, else the catalogue price when the currencies agree.
  std::optional<Money> price_for(json& body, const CatalogueItem& item, const Client& client, const std::string& prefix) {
    if (body.contains("unit_price")) {
      auto text = text_of(body, "unit_price", prefix);
      body.erase("unit_price");
      if (!text) return std::nullopt;
      auto price = Money::parse(client.currency, *text);
      if (!price) {
        add(prefix + ".unit_price", price.error().message);
        return std::nullopt;
      }
      return *price;
    }
    if (!(item.price().currency() == client.currency)) {
      add(prefix + ".unit_price", "is required: the catalogue is in " + std::string(item.price().currency().code()) +
                                      ", the client is billed in " + std::string(client.currency.code()));
      return std::nullopt;
    }
    return item.price();
  }

  std::optional<WorkStatus> status_of(json& body, const std::string& prefix) {
    WorkStatus status = WorkStatus::draft;
    if (body.contains("status")) {
      auto text = text_of(body, "status", prefix);
      body.erase("status");
      if (!text) return std::nullopt;
      auto parsed = parse_work_status(*text);
      if (!parsed) {
        add(prefix + ".status", parsed.error().message);
        return std::nullopt;
      }
      status = *parsed;
    }
    return status;
  }

  void set_status(WorkStatus status, WorkStatus& out_status, std::optional<Instant>& approved_at, UserId& approved_by,
                  std::optional<Instant>& invoiced_at) {
    out_status = status;
    if (status != WorkStatus::draft) {
      approved_at = now_;
      approved_by = actor_.user_id;
    }
    if (status == WorkStatus::invoiced) invoiced_at = now_;
  }

  std::optional<CivilDate> date_of(json& body, const char* key, const std::string& prefix, CivilDate fallback) {
    if (!body.contains(key)) return fallback;
    auto text = text_of(body, key, prefix);
    body.erase(key);
    if (!text) return std::nullopt;
    auto parsed = parse_civil_date(*text);
    if (!parsed) {
      add(prefix + "." + key, parsed.error().message);
      return std::nullopt;
    }
    return *parsed;
  }

  std::optional<Client> client_of_ticket(const Ticket& t, const std::string& prefix) {
    return check(prefix, tx_.clients().get(t.client_id));
  }

  // What a part or service usage record starts with: its ticket, the
  // catalogue item (which must be of `kind`), status, quantity and the
  // ticket's client. Each field is checked even when a reference fails;
  // nullopt when any failed (the errors are recorded).
  struct UsageHead {
    std::optional<Ticket> ticket;
    std::optional<CatalogueItem> item;
    std::optional<WorkStatus> status;
    std::optional<int64_t> quantity;
    std::optional<Client> client;
  };
  std::optional<UsageHead> usage_head(json& body, const std::string& prefix, CatalogueKind kind) {
    UsageHead h;
    h.ticket = ticket_of(body, prefix);
    if (!body.contains("sku")) add(prefix + ".sku", "is required");
    h.item = resolve(body, "sku", prefix, "catalogue item", [&](const std::string& sku) { return find_item(sku); });
    h.status = status_of(body, prefix);
    if (body.contains("quantity")) {
      if (!body["quantity"].is_number_integer()) add(prefix + ".quantity", "must be an integer");
      else h.quantity = body["quantity"].get<int64_t>();
    }
    if (!h.ticket || !h.item || !h.status) return std::nullopt;
    if (h.item->kind != kind) {
      add(prefix + ".sku", "'" + h.item->sku + (kind == CatalogueKind::part
                                                    ? "' is a service, not a part (use service_usages)"
                                                    : "' is a part, not a service (use part_usages)"));
      return std::nullopt;
    }
    h.client = client_of_ticket(*h.ticket, prefix);
    if (!h.client) return std::nullopt;
    return h;
  }

  // A new usage of the head's item on its ticket, stamped as imported.
  template <class Usage>
  Usage new_usage(const UsageHead& h) {
    Usage u;
    u.ticket_id = h.ticket->id;
    u.client_id = h.ticket->client_id;
    u.item_id = h.item->id;
    u.unit_cost = h.item->unit_cost;
    if (h.quantity) u.quantity = *h.quantity;
    u.created_by_id = actor_.user_id;
    u.created_at = u.updated_at = now_;
    return u;
  }

  void service_usage(const json& record, const std::string& prefix) {
    json body = record;
    std::optional<std::string> key;
    if (body.contains("key")) {
      key = text_of(body, "key", prefix);
      body.erase("key");
    }
    auto head = usage_head(body, prefix, CatalogueKind::service);
    if (!head) return;
    const auto& [ticket, item, status, quantity, client] = *head;
    auto u = new_usage<ServiceUsage>(*head);
    auto price = price_for(body, *item, *client, prefix);
    auto performed = date_of(body, "performed_on", prefix, *local_date(now_, time_zone_));
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "quantity" && it.key() != "notes") add(prefix + "." + it.key(), "is not a known field");
    }
    if (auto notes = text_of(body, "notes", prefix)) u.notes = *notes;
    if (!price || !performed) return;
    u.unit_price = *price;
    u.performed_on = *performed;
    set_status(*status, u.status, u.approved_at, u.approved_by_id, u.invoiced_at);
    if (!check(prefix, validate(u))) return;
    auto id = check(prefix, tx_.service_usages().insert(u));
    if (!id) return;
    if (key) services_[*key] = std::make_pair(*id, u.ticket_id);
    ++summary_.service_usages;
  }

  void time_entry(const json& record, const std::string& prefix) {
    json body = record;
    auto ticket = ticket_of(body, prefix);
    if (!body.contains("user")) add(prefix + ".user", "is required (the technician's e-mail address)");
    auto user_id = resolve(body, "user", prefix, "staff user", [&](const std::string& email) { return find_user(email); });
    if (!body.contains("work_type")) add(prefix + ".work_type", "is required (a work type code)");
    auto type = resolve(body, "work_type", prefix, "work type", [&](const std::string& code) { return find_work_type(code); });
    std::optional<std::pair<ServiceUsageId, TicketId>> service;
    if (body.contains("service")) {
      service = resolve(body, "service", prefix, "service",
                        [&](const std::string& key) -> std::optional<std::pair<ServiceUsageId, TicketId>> {
                          auto it = services_.find(key);
                          return it == services_.end() ? std::nullopt : std::optional(it->second);
                        });
    }
    auto status = status_of(body, prefix);
    if (!ticket || !user_id || !type || !status) return;
    if (service && service->second != ticket->id) {
      add(prefix + ".service", "the service belongs to another ticket");
      return;
    }
    TimeEntry e;
    e.ticket_id = ticket->id;
    e.client_id = ticket->client_id;
    body["user_id"] = user_id->value();
    body["work_type_id"] = type->id.value();
    if (!body.contains("work_date")) {
      add(prefix + ".work_date", "is required");
      return;
    }
    if (!check(prefix, apply_json(e, body, TimeEntryInput::billable_override))) return;
    if (service) e.service_usage_id = service->first;
    auto cost = tx_.rates().technician(*user_id);
    e.cost_rate = cost && *cost ? (*cost)->cost_rate : Money::zero(currency_);
    if (e.billable_override) e.billable_minutes = *e.billable_override;
    set_status(*status, e.status, e.approved_at, e.approved_by_id, e.invoiced_at);
    e.created_by_id = actor_.user_id;
    e.created_at = e.updated_at = now_;
    if (!check(prefix, validate(e))) return;
    if (auto id = check(prefix, tx_.time_entries().insert(e))) {
      touched_.insert(e.client_id);
      ++summary_.time_entries;
    }
  }

  void part_usage(const json& record, const std::string& prefix) {
    json body = record;
    auto head = usage_head(body, prefix, CatalogueKind::part);
    if (!head) return;
    const auto& [ticket, item, status, quantity, client] = *head;
    auto u = new_usage<PartUsage>(*head);
    auto price = price_for(body, *item, *client, prefix);
    auto used_on = date_of(body, "used_on", prefix, *local_date(now_, time_zone_));
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "quantity" && it.key() != "notes" && it.key() != "serial_numbers") {
        add(prefix + "." + it.key(), "is not a known field");
      }
    }
    if (auto notes = text_of(body, "notes", prefix)) u.notes = *notes;
    if (body.contains("serial_numbers")) {
      if (!body["serial_numbers"].is_array()) add(prefix + ".serial_numbers", "must be an array of strings");
      else {
        for (const auto& s : body["serial_numbers"]) {
          if (s.is_string()) u.serial_numbers.push_back(s.get<std::string>());
          else add(prefix + ".serial_numbers", "must be an array of strings");
        }
      }
    }
    if (!price || !used_on) return;
    u.unit_price = *price;
    u.used_on = *used_on;
    set_status(*status, u.status, u.approved_at, u.approved_by_id, u.invoiced_at);
    if (!check(prefix, validate(u))) return;
    auto id = check(prefix, tx_.part_usages().insert(u));
    if (!id) return;
    check(prefix, tx_.catalogue().add_movement({StockMovementId(), item->id, StockMovementKind::usage, -u.quantity, *id,
                                                "imported usage", now_, actor_.user_id, actor_.email}));
    ++summary_.part_usages;
  }

  Transaction& tx_;
  const Principal& actor_;
  const Instant now_;
  const Config& config_;
  TicketService& tickets_;
  Currency currency_ = Currency::eur();
  std::string time_zone_ = "Europe/Amsterdam";
  FieldErrors errors_;
  size_t error_count_ = 0;
  ImportSummary summary_;
  std::map<std::string, TaxCategoryId> taxes_;
  std::map<std::string, WorkType> work_types_;
  bool clients_loaded_ = false;
  std::map<std::string, Client> clients_;
  std::map<std::string, UserId> users_;
  std::map<std::string, ContactId> contacts_;
  std::map<std::string, CatalogueItem> items_;
  std::map<std::string, ContractId> contracts_;
  std::map<std::string, Ticket> tickets_by_key_;
  std::set<std::string> declared_;  // "what:key" of every record of the file (declare())
  std::map<std::string, std::pair<ServiceUsageId, TicketId>> services_;
  std::set<ClientId> touched_;
};

}  // namespace

json to_json(const ImportSummary& s) {
  return {{"dry_run", s.dry_run},
          {"tax_categories", s.tax_categories},
          {"work_types", s.work_types},
          {"clients", s.clients},
          {"sites", s.sites},
          {"contacts", s.contacts},
          {"client_rates", s.client_rates},
          {"users", s.users},
          {"technician_rates", s.technician_rates},
          {"catalogue_items", s.catalogue_items},
          {"contracts", s.contracts},
          {"tickets", s.tickets},
          {"service_usages", s.service_usages},
          {"time_entries", s.time_entries},
          {"part_usages", s.part_usages}};
}

Result<ImportSummary> ImportService::run(const Principal& caller, const json& document, bool dry_run) {
  const Instant now = context_.clock.now();
  auto tx = context_.store.write();
  if (!tx) return std::unexpected(tx.error());
  Importer importer(*tx, caller, now, context_.config, tickets_);
  ImportSummary summary = TEND_TRY(importer.run(document));
  summary.dry_run = dry_run;
  if (dry_run) return summary;  // the transaction rolls back when it goes out of scope
  TEND_CHECK(tx->audit().append(audit_event(caller, now, "import.completed", "import", 0, ClientId(), to_json(summary))));
  TEND_CHECK(tx->commit());
  return summary;
}

}  // namespace tend
