// Tenancy: the provider's clients, their sites and contacts.
//
// One Tend data directory serves one provider (the IT service company); see
// docs/adr/0005-tenancy.md. Nothing with history is ever deleted: objects are
// archived (archived_at set) and can be restored.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/ids.h"
#include "core/money.h"
#include "core/time.h"

namespace tend {

// A postal address. Every field is optional; `country` is ISO 3166 alpha-2.
struct Address {
  std::string line1;
  std::string line2;
  std::string postal_code;
  std::string city;
  std::string region;
  std::string country;

  friend bool operator==(const Address&, const Address&) = default;
};

// A customer of the provider.
struct Client {
  ClientId id;
  std::string name;
  std::string reference;  // the provider's own code for the client; unique when not empty
  Currency currency = Currency::eur();  // every invoice of the client is in this currency
  std::string vat_number;
  std::string email;
  std::string phone;
  std::string website;
  Address address;
  std::string notes;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> archived_at;

  bool archived() const { return archived_at.has_value(); }
};

// A location of a client (an office, a shop). Devices and contacts hang off
// sites; its time zone drives local schedules.
struct Site {
  SiteId id;
  ClientId client_id;
  std::string name;
  Address address;
  std::string time_zone = "Europe/Amsterdam";
  std::string notes;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> archived_at;

  bool archived() const { return archived_at.has_value(); }
};

// A person at a client. Portal users are linked to a contact.
struct Contact {
  ContactId id;
  ClientId client_id;
  SiteId site_id;  // optional: 0 when the contact is not tied to a site
  std::string name;
  std::string email;
  std::string phone;
  std::string title;
  bool is_primary = false;
  std::string notes;
  Instant created_at;
  Instant updated_at;
  std::optional<Instant> archived_at;

  bool archived() const { return archived_at.has_value(); }
};

// Field-level validation of the editable fields (ids and times are not
// checked). Errors name fields as the API spells them ("address.country").
Status validate(const Client& client);
Status validate(const Site& site);
Status validate(const Contact& contact);

}  // namespace tend
