// Use cases for clients, sites and contacts.
//
// Scoping: staff see every client; a portal user sees only its own client
// and gets not_found (never forbidden) for anything else, so the existence
// of other clients' objects is not revealed. Role checks per operation are
// declared on the routes (api/routes.cpp); this service enforces tenancy.
// Every change is one transaction with its audit entry.
#pragma once

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "core/paging.h"
#include "core/tenancy.h"
#include "core/users.h"
#include "store/tenancy_repository.h"

namespace tend {

// Thread-safe (stateless besides the context).
class TenancyService {
 public:
  explicit TenancyService(AppContext context) : context_(context) {}

  // Creates from a JSON body (see app/json_codec.h); the result as stored.
  Result<Client> create_client(const Principal& caller, const nlohmann::json& body);
  Result<Client> get_client(const Principal& caller, ClientId id);
  // Applies the fields present in `body`.
  Result<Client> update_client(const Principal& caller, ClientId id, const nlohmann::json& body);
  // Archives (or restores) a client; idempotent.
  Result<Client> set_client_archived(const Principal& caller, ClientId id, bool archived);
  Result<Page<Client>> list_clients(const Principal& caller, store::ClientFilter filter, const PageRequest& page);

  // A site's client must exist, be visible and not archived.
  Result<Site> create_site(const Principal& caller, const nlohmann::json& body);
  Result<Site> get_site(const Principal& caller, SiteId id);
  Result<Site> update_site(const Principal& caller, SiteId id, const nlohmann::json& body);
  Result<Site> set_site_archived(const Principal& caller, SiteId id, bool archived);
  Result<Page<Site>> list_sites(const Principal& caller, store::SiteFilter filter, const PageRequest& page);

  // A portal caller's contacts always belong to its own client. A contact's
  // site must belong to the same client.
  Result<Contact> create_contact(const Principal& caller, const nlohmann::json& body);
  Result<Contact> get_contact(const Principal& caller, ContactId id);
  Result<Contact> update_contact(const Principal& caller, ContactId id, const nlohmann::json& body);
  Result<Contact> set_contact_archived(const Principal& caller, ContactId id, bool archived);
  Result<Page<Contact>> list_contacts(const Principal& caller, store::ContactFilter filter, const PageRequest& page);

 private:
  AppContext context_;
};

}  // namespace tend
