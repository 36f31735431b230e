#include "app/tenancy_service.h"

#include "app/audit.h"
#include "app/json_codec.h"
#include "core/validation.h"

namespace tend {
namespace {

using store::Transaction;

Error not_visible(const char* what) { return Error::not_found(std::string(what) + " not found"); }

// Loads a client the caller may see; not_found otherwise.
Result<Client> visible_client(Transaction& tx, const Principal& caller, ClientId id) {
  if (!caller.can_see_client(id)) return std::unexpected(not_visible("client"));
  return tx.clients().get(id);
}

// The client a new site/contact will belong to must be visible and active.
Status check_parent_client(Transaction& tx, const Principal& caller, ClientId id) {
  if (!id.valid()) return std::unexpected(Error::invalid_field("client_id", "is required"));
  auto client = visible_client(tx, caller, id);
  if (!client) {
    if (client.error().kind == ErrorKind::not_found) {
      return std::unexpected(Error::invalid_field("client_id", "no such client"));
    }
    return std::unexpected(client.error());
  }
  if (client->archived()) return std::unexpected(Error::invalid_field("client_id", "the client is archived"));
  return {};
}

Status check_contact_site(Transaction& tx, const Contact& c) {
  if (!c.site_id.valid()) return {};
  auto site = tx.sites().get(c.site_id);
  if (!site || site->client_id != c.client_id) {
    return std::unexpected(Error::invalid_field("site_id", "no such site for this client"));
  }
  return {};
}

}  // namespace

// ---- clients ---------------------------------------------------------------

Result<Client> TenancyService::create_client(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  Client c;
  c.created_at = c.updated_at = now;
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Client> {
    if (!body.contains("currency")) {
      if (auto provider = tx.provider().get()) c.currency = provider->currency;
    }
    TEND_CHECK(apply_json(c, body));
    auto id = tx.clients().insert(c);
    if (!id && id.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("reference", "another client already has this reference"));
    }
    c.id = TEND_TRY(std::move(id));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.created", "client", c.id.value(), c.id, to_json(c))));
    return c;
  });
}

Result<Client> TenancyService::get_client(const Principal& caller, ClientId id) {
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return visible_client(tx, caller, id); });
}

Result<Client> TenancyService::update_client(const Principal& caller, ClientId id, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Client> {
    const Client before = TEND_TRY(visible_client(tx, caller, id));
    Client after = before;
    TEND_CHECK(apply_json(after, body));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.clients().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) {
      return std::unexpected(Error::invalid_field("reference", "another client already has this reference"));
    }
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "client.updated", "client", id.value(), id, changes)));
    return after;
  });
}

Result<Client> TenancyService::set_client_archived(const Principal& caller, ClientId id, bool archived) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Client> {
    Client c = TEND_TRY(visible_client(tx, caller, id));
    if (c.archived() == archived) return c;
    c.archived_at = archived ? std::optional<Instant>(now) : std::nullopt;
    c.updated_at = now;
    TEND_CHECK(tx.clients().update(c));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, archived ? "client.archived" : "client.restored", "client", id.value(), id)));
    return c;
  });
}

Result<Page<Client>> TenancyService::list_clients(const Principal& caller, store::ClientFilter filter,
                                                  const PageRequest& page) {
  if (caller.is_portal()) filter.only_client = caller.client_id;
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.clients().list(filter, page); });
}

// ---- sites -----------------------------------------------------------------

namespace {

Result<Site> visible_site(Transaction& tx, const Principal& caller, SiteId id) {
  auto site = TEND_TRY(tx.sites().get(id));
  if (!caller.can_see_client(site.client_id)) return std::unexpected(not_visible("site"));
  return site;
}

Result<Contact> visible_contact(Transaction& tx, const Principal& caller, ContactId id) {
  auto contact = TEND_TRY(tx.contacts().get(id));
  if (!caller.can_see_client(contact.client_id)) return std::unexpected(not_visible("contact"));
  return contact;
}

}  // namespace

Result<Site> TenancyService::create_site(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  Site s;
  s.created_at = s.updated_at = now;
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Site> {
    if (!body.contains("time_zone")) {
      if (auto provider = tx.provider().get()) s.time_zone = provider->time_zone;
    }
    TEND_CHECK(apply_json(s, body, true));
    TEND_CHECK(check_parent_client(tx, caller, s.client_id));
    s.id = TEND_TRY(tx.sites().insert(s));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "site.created", "site", s.id.value(), s.client_id, to_json(s))));
    return s;
  });
}

Result<Site> TenancyService::get_site(const Principal& caller, SiteId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return visible_site(tx, caller, id); });
}

Result<Site> TenancyService::update_site(const Principal& caller, SiteId id, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Site> {
    const Site before = TEND_TRY(visible_site(tx, caller, id));
    Site after = before;
    TEND_CHECK(apply_json(after, body, false));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    TEND_CHECK(tx.sites().update(after));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "site.updated", "site", id.value(), after.client_id, changes)));
    return after;
  });
}

Result<Site> TenancyService::set_site_archived(const Principal& caller, SiteId id, bool archived) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Site> {
    Site s = TEND_TRY(visible_site(tx, caller, id));
    if (s.archived() == archived) return s;
    s.archived_at = archived ? std::optional<Instant>(now) : std::nullopt;
    s.updated_at = now;
    TEND_CHECK(tx.sites().update(s));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, archived ? "site.archived" : "site.restored", "site", id.value(), s.client_id)));
    return s;
  });
}

Result<Page<Site>> TenancyService::list_sites(const Principal& caller, store::SiteFilter filter,
                                              const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<Site>{};
    filter.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.sites().list(filter, page); });
}

// ---- contacts --------------------------------------------------------------

Result<Contact> TenancyService::create_contact(const Principal& caller, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  Contact c;
  c.created_at = c.updated_at = now;
  if (caller.is_portal()) c.client_id = caller.client_id;
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contact> {
    TEND_CHECK(apply_json(c, body, true));
    TEND_CHECK(check_parent_client(tx, caller, c.client_id));
    TEND_CHECK(check_contact_site(tx, c));
    c.id = TEND_TRY(tx.contacts().insert(c));
    c.email = ascii_lower(c.email);
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "contact.created", "contact", c.id.value(), c.client_id, to_json(c))));
    return c;
  });
}

Result<Contact> TenancyService::get_contact(const Principal& caller, ContactId id) {
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return visible_contact(tx, caller, id); });
}

Result<Contact> TenancyService::update_contact(const Principal& caller, ContactId id, const nlohmann::json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contact> {
    const Contact before = TEND_TRY(visible_contact(tx, caller, id));
    Contact after = before;
    TEND_CHECK(apply_json(after, body, false));
    after.email = ascii_lower(after.email);
    TEND_CHECK(check_contact_site(tx, after));
    nlohmann::json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    TEND_CHECK(tx.contacts().update(after));
    TEND_CHECK(tx.audit().append(
        audit_event(caller, now, "contact.updated", "contact", id.value(), after.client_id, changes)));
    return after;
  });
}

Result<Contact> TenancyService::set_contact_archived(const Principal& caller, ContactId id, bool archived) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contact> {
    Contact c = TEND_TRY(visible_contact(tx, caller, id));
    if (c.archived() == archived) return c;
    c.archived_at = archived ? std::optional<Instant>(now) : std::nullopt;
    c.updated_at = now;
    TEND_CHECK(tx.contacts().update(c));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, archived ? "contact.archived" : "contact.restored",
                                             "contact", id.value(), c.client_id)));
    return c;
  });
}

Result<Page<Contact>> TenancyService::list_contacts(const Principal& caller, store::ContactFilter filter,
                                                    const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<Contact>{};
    filter.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store,
                                    [&](Transaction& tx) { return tx.contacts().list(filter, page); });
}

}  // namespace tend
