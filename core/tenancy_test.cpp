#include "core/tenancy.h"

#include <gtest/gtest.h>

#include "core/users.h"

namespace tend {
namespace {

bool has_field(const Status& s, const std::string& field) {
  if (s) return false;
  for (const auto& f : s.error().fields) {
    if (f.field == field) return true;
  }
  return false;
}

TEST(Tenancy, ClientValidationReportsEveryField) {
  Client c;
  c.name = " ";
  c.email = "not-an-email";
  c.address.country = "Netherlands";
  auto s = validate(c);
  EXPECT_TRUE(has_field(s, "name"));
  EXPECT_TRUE(has_field(s, "email"));
  EXPECT_TRUE(has_field(s, "address.country"));
  c.name = "Bakkerij Jansen";
  c.email = "";
  c.address.country = "NL";
  EXPECT_TRUE(validate(c).has_value());
}

TEST(Tenancy, SiteNeedsClientAndKnownZone) {
  Site s;
  s.name = "Hoofdkantoor";
  s.time_zone = "Mars/Olympus";
  auto status = validate(s);
  EXPECT_TRUE(has_field(status, "client_id"));
  EXPECT_TRUE(has_field(status, "time_zone"));
}

TEST(Users, PortalUsersBelongToExactlyOneClient) {
  User u;
  u.email = "anna@bakkerij.nl";
  u.name = "Anna";
  u.role = Role::portal;
  EXPECT_TRUE(has_field(validate(u), "client_id"));
  u.client_id = ClientId(7);
  EXPECT_TRUE(validate(u).has_value());
  u.role = Role::technician;
  EXPECT_TRUE(has_field(validate(u), "client_id"));
}

TEST(Users, RolesRoundTrip) {
  for (Role r : {Role::admin, Role::technician, Role::finance, Role::read_only, Role::portal}) {
    EXPECT_EQ(*parse_role(to_string(r)), r);
  }
  EXPECT_FALSE(parse_role("superuser").has_value());
}

TEST(Principal, PortalSeesOnlyItsClient) {
  Principal p;
  p.role = Role::portal;
  p.client_id = ClientId(3);
  EXPECT_TRUE(p.can_see_client(ClientId(3)));
  EXPECT_FALSE(p.can_see_client(ClientId(4)));
  EXPECT_TRUE(Principal::local_admin().can_see_client(ClientId(4)));
}

}  // namespace
}  // namespace tend
