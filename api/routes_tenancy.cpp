// Routes of clients, sites and contacts.
#include "api/api.h"
#include "api/handler_support.h"

namespace tend::api {

namespace {
const RoleSet kContactEditors = {Role::admin, Role::technician, Role::finance, Role::portal};
}  // namespace

void Api::add_tenancy_routes() {
  auto& s = services_;
  // ---- clients -----------------------------------------------------------------
  add("GET", "/api/v1/clients", kEveryone, "list clients", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "status", "currency"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kClientSorts), "name"));
    store::ClientFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    filter.archived = TEND_TRY(archive_of(c));
    filter.currency = std::string(c.query("currency").value_or(""));
    return page_response(TEND_TRY(s.tenancy.list_clients(c.principal, filter, page)));
  });
  add("POST", "/api/v1/clients", kEditors, "create a client", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(s.tenancy.create_client(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/clients/{id}", kEveryone, "read a client", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.tenancy.get_client(c.principal, TEND_TRY(id_of<ClientId>(c)))));
  });
  add("PATCH", "/api/v1/clients/{id}", kEditors, "change a client", [&s](RequestContext& c) -> Result<HttpResponse> {
    ClientId id = TEND_TRY(id_of<ClientId>(c));
    return object_response(200, TEND_TRY(s.tenancy.update_client(c.principal, id, TEND_TRY(body_of(c)))));
  });
  add("POST", "/api/v1/clients/{id}/archive", kAdmin, "archive a client", [&s](RequestContext& c) -> Result<HttpResponse> {
    ClientId id = TEND_TRY(id_of<ClientId>(c));
    return object_response(200, TEND_TRY(s.tenancy.set_client_archived(c.principal, id, true)));
  });
  add("POST", "/api/v1/clients/{id}/restore", kAdmin, "restore an archived client",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ClientId id = TEND_TRY(id_of<ClientId>(c));
        return object_response(200, TEND_TRY(s.tenancy.set_client_archived(c.principal, id, false)));
      });

  // ---- sites -------------------------------------------------------------------
  add("GET", "/api/v1/sites", kEveryone, "list sites", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "status", "client_id"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kSiteSorts), "name"));
    store::SiteFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    filter.archived = TEND_TRY(archive_of(c));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    return page_response(TEND_TRY(s.tenancy.list_sites(c.principal, filter, page)));
  });
  add("POST", "/api/v1/sites", kEditors, "create a site", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(s.tenancy.create_site(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/sites/{id}", kEveryone, "read a site", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.tenancy.get_site(c.principal, TEND_TRY(id_of<SiteId>(c)))));
  });
  add("PATCH", "/api/v1/sites/{id}", kEditors, "change a site", [&s](RequestContext& c) -> Result<HttpResponse> {
    SiteId id = TEND_TRY(id_of<SiteId>(c));
    return object_response(200, TEND_TRY(s.tenancy.update_site(c.principal, id, TEND_TRY(body_of(c)))));
  });
  add("POST", "/api/v1/sites/{id}/archive", kEditors, "archive a site", [&s](RequestContext& c) -> Result<HttpResponse> {
    SiteId id = TEND_TRY(id_of<SiteId>(c));
    return object_response(200, TEND_TRY(s.tenancy.set_site_archived(c.principal, id, true)));
  });
  add("POST", "/api/v1/sites/{id}/restore", kEditors, "restore an archived site",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        SiteId id = TEND_TRY(id_of<SiteId>(c));
        return object_response(200, TEND_TRY(s.tenancy.set_site_archived(c.principal, id, false)));
      });

  // ---- contacts ----------------------------------------------------------------
  add("GET", "/api/v1/contacts", kEveryone, "list contacts", [&s](RequestContext& c) -> Result<HttpResponse> {
    TEND_CHECK(only_query(c, {"limit", "cursor", "sort", "q", "status", "client_id", "site_id", "email"}));
    auto page = TEND_TRY(page_of(c, sorts(store::kContactSorts), "name"));
    store::ContactFilter filter;
    filter.text = std::string(c.query("q").value_or(""));
    filter.archived = TEND_TRY(archive_of(c));
    filter.client = ClientId(TEND_TRY(query_int(c, "client_id", 0)));
    filter.site = SiteId(TEND_TRY(query_int(c, "site_id", 0)));
    filter.email = std::string(c.query("email").value_or(""));
    return page_response(TEND_TRY(s.tenancy.list_contacts(c.principal, filter, page)));
  });
  add("POST", "/api/v1/contacts", kContactEditors, "create a contact", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(201, TEND_TRY(s.tenancy.create_contact(c.principal, TEND_TRY(body_of(c)))));
  });
  add("GET", "/api/v1/contacts/{id}", kEveryone, "read a contact", [&s](RequestContext& c) -> Result<HttpResponse> {
    return object_response(200, TEND_TRY(s.tenancy.get_contact(c.principal, TEND_TRY(id_of<ContactId>(c)))));
  });
  add("PATCH", "/api/v1/contacts/{id}", kContactEditors, "change a contact",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ContactId id = TEND_TRY(id_of<ContactId>(c));
        return object_response(200, TEND_TRY(s.tenancy.update_contact(c.principal, id, TEND_TRY(body_of(c)))));
      });
  add("POST", "/api/v1/contacts/{id}/archive", kContactEditors, "archive a contact",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ContactId id = TEND_TRY(id_of<ContactId>(c));
        return object_response(200, TEND_TRY(s.tenancy.set_contact_archived(c.principal, id, true)));
      });
  add("POST", "/api/v1/contacts/{id}/restore", kContactEditors, "restore an archived contact",
      [&s](RequestContext& c) -> Result<HttpResponse> {
        ContactId id = TEND_TRY(id_of<ContactId>(c));
        return object_response(200, TEND_TRY(s.tenancy.set_contact_archived(c.principal, id, false)));
      });

}

}  // namespace tend::api
