// Repositories for clients, sites and contacts. Cheap value objects bound to
// one Transaction; use them only inside it (store/store.h).
#pragma once

#include <optional>
#include <string>

#include "core/paging.h"
#include "core/tenancy.h"
#include "store/list_query.h"
#include "store/sql.h"

namespace tend::store {

// Filters of a client list. `only_client` restricts to one client (portal
// scoping); `text` matches the name case- and accent-insensitively.
struct ClientFilter {
  std::string text;
  ArchiveFilter archived = ArchiveFilter::active;
  std::string currency;
  ClientId only_client;
};

// Sort fields of the client list: "name", "created_at", "updated_at".
inline constexpr std::string_view kClientSorts[] = {"name", "created_at", "updated_at"};

class ClientRepository {
 public:
  explicit ClientRepository(SqlConnection& connection) : sql_(connection) {}
  // Stores a new client; returns its id. conflict when the reference is taken.
  Result<ClientId> insert(const Client& client);
  // not_found when there is no such client.
  Result<Client> get(ClientId id);
  // Writes every editable field, updated_at and archived_at. not_found when
  // the client does not exist; conflict when the reference is taken.
  Status update(const Client& client);
  Result<Page<Client>> list(const ClientFilter& filter, const PageRequest& page);
  Result<int64_t> count(ArchiveFilter archived);

 private:
  Sql sql_;
};

struct SiteFilter {
  std::string text;
  ArchiveFilter archived = ArchiveFilter::active;
  ClientId client;  // 0: every client
};

inline constexpr std::string_view kSiteSorts[] = {"name", "created_at"};

class SiteRepository {
 public:
  explicit SiteRepository(SqlConnection& connection) : sql_(connection) {}
  Result<SiteId> insert(const Site& site);
  Result<Site> get(SiteId id);
  Status update(const Site& site);
  Result<Page<Site>> list(const SiteFilter& filter, const PageRequest& page);

 private:
  Sql sql_;
};

struct ContactFilter {
  std::string text;
  ArchiveFilter archived = ArchiveFilter::active;
  ClientId client;
  SiteId site;
  std::string email;  // exact, case-insensitive
};

inline constexpr std::string_view kContactSorts[] = {"name", "created_at"};

class ContactRepository {
 public:
  explicit ContactRepository(SqlConnection& connection) : sql_(connection) {}
  Result<ContactId> insert(const Contact& contact);
  Result<Contact> get(ContactId id);
  Status update(const Contact& contact);
  Result<Page<Contact>> list(const ContactFilter& filter, const PageRequest& page);

 private:
  Sql sql_;
};

}  // namespace tend::store
