#include "store/tenancy_repository.h"

#include "core/validation.h"

namespace tend::store {
namespace {

// Column lists shared by SELECTs and the row readers below; keep in step.
constexpr const char* kClientColumns =
    "SELECT id, name, reference, currency, vat_number, email, phone, website, address_line1, "
    "address_line2, postal_code, city, region, country, notes, created_at, updated_at, archived_at "
    "FROM clients";

Address read_address(const Rows& r, int first) {
  return {r.text(first), r.text(first + 1), r.text(first + 2),
          r.text(first + 3), r.text(first + 4), r.text(first + 5)};
}

std::optional<Instant> read_opt_instant(const Rows& r, int column) {
  if (r.is_null(column)) return std::nullopt;
  return from_unix_ms(r.i64(column));
}

// Fills `c` from the current row (in place: a page of clients is read
// into its vector without a move per row).
Status read_client_into(const Rows& r, Client& c) {
  c.id = ClientId(r.i64(0));
  c.name = r.text(1);
  c.reference = r.opt_text(2).value_or("");
  auto currency = Currency::parse(r.text(3));
  if (!currency) return std::unexpected(Error::internal("stored client has unknown currency " + r.text(3)));
  c.currency = *currency;
  c.vat_number = r.text(4);
  c.email = r.text(5);
  c.phone = r.text(6);
  c.website = r.text(7);
  c.address = read_address(r, 8);
  c.notes = r.text(14);
  c.created_at = from_unix_ms(r.i64(15));
  c.updated_at = from_unix_ms(r.i64(16));
  c.archived_at = read_opt_instant(r, 17);
  return {};
}

Result<Client> read_client(const Rows& r) {
  Client c;
  TEND_CHECK(read_client_into(r, c));
  return c;
}

constexpr const char* kSiteColumns =
    "SELECT id, client_id, name, address_line1, address_line2, postal_code, city, region, country, "
    "time_zone, notes, created_at, updated_at, archived_at FROM sites";

Site read_site(const Rows& r) {
  Site s;
  s.id = SiteId(r.i64(0));
  s.client_id = ClientId(r.i64(1));
  s.name = r.text(2);
  s.address = read_address(r, 3);
  s.time_zone = r.text(9);
  s.notes = r.text(10);
  s.created_at = from_unix_ms(r.i64(11));
  s.updated_at = from_unix_ms(r.i64(12));
  s.archived_at = read_opt_instant(r, 13);
  return s;
}

constexpr const char* kContactColumns =
    "SELECT id, client_id, site_id, name, email, phone, title, is_primary, notes, created_at, updated_at, "
    "archived_at FROM contacts";

Contact read_contact(const Rows& r) {
  Contact c;
  c.id = ContactId(r.i64(0));
  c.client_id = ClientId(r.i64(1));
  c.site_id = SiteId(r.opt_i64(2).value_or(0));
  c.name = r.text(3);
  c.email = r.text(4);
  c.phone = r.text(5);
  c.title = r.text(6);
  c.is_primary = r.i64(7) != 0;
  c.notes = r.text(8);
  c.created_at = from_unix_ms(r.i64(9));
  c.updated_at = from_unix_ms(r.i64(10));
  c.archived_at = read_opt_instant(r, 11);
  return c;
}

std::optional<int64_t> opt_ms(const std::optional<Instant>& t) {
  return t ? std::optional<int64_t>(to_unix_ms(*t)) : std::nullopt;
}

std::optional<std::string> opt_text(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Status require_changed(int64_t changed, const char* what) {
  if (changed == 0) return std::unexpected(Error::not_found(std::string(what) + " not found"));
  return {};
}

std::string sort_key_text(int64_t v) { return std::to_string(v); }

}  // namespace

// ---- clients ---------------------------------------------------------------

Result<ClientId> ClientRepository::insert(const Client& c) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO clients (name, name_key, reference, currency, vat_number, email, phone, website, "
      "address_line1, address_line2, postal_code, city, region, country, notes, created_at, updated_at, "
      "archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      c.name, name_key(c.name), opt_text(c.reference), c.currency.code(), c.vat_number, c.email, c.phone,
      c.website, c.address.line1, c.address.line2, c.address.postal_code, c.address.city, c.address.region,
      c.address.country, c.notes, to_unix_ms(c.created_at), to_unix_ms(c.updated_at), opt_ms(c.archived_at)));
  return ClientId(id);
}

Result<Client> ClientRepository::get(ClientId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kClientColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("client not found"));
  return read_client(*rows);
}

Status ClientRepository::update(const Client& c) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE clients SET name = ?, name_key = ?, reference = ?, currency = ?, vat_number = ?, email = ?, "
      "phone = ?, website = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?, region = ?, "
      "country = ?, notes = ?, updated_at = ?, archived_at = ? WHERE id = ?",
      c.name, name_key(c.name), opt_text(c.reference), c.currency.code(), c.vat_number, c.email, c.phone,
      c.website, c.address.line1, c.address.line2, c.address.postal_code, c.address.city, c.address.region,
      c.address.country, c.notes, to_unix_ms(c.updated_at), opt_ms(c.archived_at), c.id.value()));
  return require_changed(changed, "client");
}

Result<Page<Client>> ClientRepository::list(const ClientFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {
      {"name", "name_key", false}, {"created_at", "created_at", true}, {"updated_at", "updated_at", true}};
  ListQuery q(kClientColumns, "id");
  q.archived(filter.archived);
  q.contains("name_key", filter.text);
  if (!filter.currency.empty()) q.where_text("currency = ?", filter.currency);
  if (filter.only_client.valid()) q.where("id = ?", filter.only_client.value());
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<Client> items;
  items.reserve(static_cast<size_t>(page.limit) + 1);
  while (TEND_TRY(rows->next())) TEND_CHECK(read_client_into(*rows, items.emplace_back()));
  return finish_page(std::move(items), page, [&](const Client& c) {
    if (sort.field == "name") return name_key(c.name);
    return sort_key_text(to_unix_ms(sort.field == "created_at" ? c.created_at : c.updated_at));
  });
}

Result<int64_t> ClientRepository::count(ArchiveFilter archived) {
  switch (archived) {
    case ArchiveFilter::active: return sql_.scalar("SELECT count(*) FROM clients WHERE archived_at IS NULL");
    case ArchiveFilter::archived:
      return sql_.scalar("SELECT count(*) FROM clients WHERE archived_at IS NOT NULL");
    case ArchiveFilter::all: return sql_.scalar("SELECT count(*) FROM clients");
  }
  return 0;
}

// ---- sites -----------------------------------------------------------------

Result<SiteId> SiteRepository::insert(const Site& s) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO sites (client_id, name, name_key, address_line1, address_line2, postal_code, city, region, "
      "country, time_zone, notes, created_at, updated_at, archived_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      s.client_id.value(), s.name, name_key(s.name), s.address.line1, s.address.line2, s.address.postal_code,
      s.address.city, s.address.region, s.address.country, s.time_zone, s.notes, to_unix_ms(s.created_at),
      to_unix_ms(s.updated_at), opt_ms(s.archived_at)));
  return SiteId(id);
}

Result<Site> SiteRepository::get(SiteId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kSiteColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("site not found"));
  return read_site(*rows);
}

Status SiteRepository::update(const Site& s) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE sites SET name = ?, name_key = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, "
      "city = ?, region = ?, country = ?, time_zone = ?, notes = ?, updated_at = ?, archived_at = ? "
      "WHERE id = ?",
      s.name, name_key(s.name), s.address.line1, s.address.line2, s.address.postal_code, s.address.city,
      s.address.region, s.address.country, s.time_zone, s.notes, to_unix_ms(s.updated_at),
      opt_ms(s.archived_at), s.id.value()));
  return require_changed(changed, "site");
}

Result<Page<Site>> SiteRepository::list(const SiteFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "name_key", false}, {"created_at", "created_at", true}};
  ListQuery q(kSiteColumns, "id");
  q.archived(filter.archived);
  q.contains("name_key", filter.text);
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<Site> items;
  while (TEND_TRY(rows->next())) items.push_back(read_site(*rows));
  return finish_page(std::move(items), page, [&](const Site& s) {
    return sort.field == "name" ? name_key(s.name) : sort_key_text(to_unix_ms(s.created_at));
  });
}

// ---- contacts --------------------------------------------------------------

Result<ContactId> ContactRepository::insert(const Contact& c) {
  int64_t id = TEND_TRY(sql_.scalar(
      "INSERT INTO contacts (client_id, site_id, name, name_key, email, phone, title, is_primary, notes, "
      "created_at, updated_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      c.client_id.value(), c.site_id, c.name, name_key(c.name), ascii_lower(c.email), c.phone, c.title,
      c.is_primary, c.notes, to_unix_ms(c.created_at), to_unix_ms(c.updated_at), opt_ms(c.archived_at)));
  return ContactId(id);
}

Result<Contact> ContactRepository::get(ContactId id) {
  auto rows = TEND_TRY(sql_.query(std::string(kContactColumns) + " WHERE id = ?", id.value()));
  if (!TEND_TRY(rows->next())) return std::unexpected(Error::not_found("contact not found"));
  return read_contact(*rows);
}

Status ContactRepository::update(const Contact& c) {
  int64_t changed = TEND_TRY(sql_.execute(
      "UPDATE contacts SET site_id = ?, name = ?, name_key = ?, email = ?, phone = ?, title = ?, "
      "is_primary = ?, notes = ?, updated_at = ?, archived_at = ? WHERE id = ?",
      c.site_id, c.name, name_key(c.name), ascii_lower(c.email), c.phone, c.title, c.is_primary, c.notes,
      to_unix_ms(c.updated_at), opt_ms(c.archived_at), c.id.value()));
  return require_changed(changed, "contact");
}

Result<Page<Contact>> ContactRepository::list(const ContactFilter& filter, const PageRequest& page) {
  static constexpr SortColumn kColumns[] = {{"name", "name_key", false}, {"created_at", "created_at", true}};
  ListQuery q(kContactColumns, "id");
  q.archived(filter.archived);
  q.contains("name_key", filter.text);
  if (filter.client.valid()) q.where("client_id = ?", filter.client.value());
  if (filter.site.valid()) q.where("site_id = ?", filter.site.value());
  if (!filter.email.empty()) q.where_text("email = ?", ascii_lower(filter.email));
  const SortColumn& sort = find_sort(page, kColumns);
  std::string statement = TEND_TRY(q.render(page, sort));
  auto rows = TEND_TRY(sql_.connection().query(statement, q.params()));
  std::vector<Contact> items;
  while (TEND_TRY(rows->next())) items.push_back(read_contact(*rows));
  return finish_page(std::move(items), page, [&](const Contact& c) {
    return sort.field == "name" ? name_key(c.name) : sort_key_text(to_unix_ms(c.created_at));
  });
}

}  // namespace tend::store
