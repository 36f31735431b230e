#include "api/router.h"

#include <gtest/gtest.h>

#include "api/http.h"

namespace tend::api {
namespace {

Route route(std::string method, std::string pattern) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  return r;
}

TEST(Router, MatchesPatternsAndCapturesParameters) {
  Router router;
  router.add(route("GET", "/api/v1/clients"));
  router.add(route("GET", "/api/v1/clients/{id}"));
  router.add(route("PATCH", "/api/v1/clients/{id}"));
  router.add(route("POST", "/api/v1/clients/{id}/archive"));

  auto m = router.match("GET", "/api/v1/clients/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/clients/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].second, "42");

  EXPECT_EQ(router.match("GET", "/api/v1/clients").route->pattern, "/api/v1/clients");
  EXPECT_EQ(router.match("GET", "/api/v1/clients/").route, nullptr);
  EXPECT_EQ(router.match("GET", "/api/v1/nothing").route, nullptr);
  EXPECT_TRUE(router.match("GET", "/api/v1/nothing").allowed_methods.empty());
}

TEST(Router, ReportsAllowedMethodsForAKnownPath) {
  Router router;
  router.add(route("GET", "/api/v1/clients/{id}"));
  router.add(route("PATCH", "/api/v1/clients/{id}"));
  auto m = router.match("DELETE", "/api/v1/clients/1");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST(RoleSet, ContainsWhatItWasGiven) {
  RoleSet editors{Role::admin, Role::technician};
  EXPECT_TRUE(editors.contains(Role::admin));
  EXPECT_FALSE(editors.contains(Role::portal));
  EXPECT_TRUE(RoleSet::everyone().contains(Role::portal));
  EXPECT_FALSE(RoleSet::staff().contains(Role::portal));
}

TEST(Query, DecodesPercentAndPlus) {
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(parse_query("q=M%C3%BCller+Bouw&limit=5&flag", q));
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].second, "Müller Bouw");
  EXPECT_EQ(q[2].first, "flag");
  std::vector<std::pair<std::string, std::string>> bad;
  EXPECT_FALSE(parse_query("q=%G1", bad));
  EXPECT_FALSE(parse_query("q=%4", bad));
}

}  // namespace
}  // namespace tend::api
