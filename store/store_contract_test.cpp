#include "store/store_contract_test.h"

#include <atomic>
#include <set>
#include <thread>

#include "core/validation.h"

namespace tend::store {
namespace {

Instant at(int64_t seconds) { return from_unix_ms(1'790'000'000'000 + seconds * 1000); }

Client make_client(const std::string& name, int64_t seconds = 0) {
  Client c;
  c.name = name;
  c.created_at = at(seconds);
  c.updated_at = at(seconds);
  return c;
}

ClientId add_client(Store& store, const std::string& name, int64_t seconds = 0) {
  auto tx = store.write();
  EXPECT_TRUE(tx.has_value());
  auto id = tx->clients().insert(make_client(name, seconds));
  EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
  EXPECT_TRUE(tx->commit().has_value());
  return *id;
}

PageRequest page(int limit, std::string_view sort, std::string_view cursor = "") {
  auto r = make_page_request(limit, sort, cursor, {"name", "created_at", "updated_at"}, "name");
  EXPECT_TRUE(r.has_value());
  return *r;
}

}  // namespace

void StoreContract::SetUp() {
  directory_ = std::filesystem::temp_directory_path() /
               ("tend-store-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(directory_);
  std::filesystem::create_directories(directory_);
  auto opened = GetParam().open(directory_);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store_ = std::move(*opened);
}

void StoreContract::TearDown() {
  store_.reset();
  std::filesystem::remove_all(directory_);
}

void StoreContract::reopen() {
  store_.reset();
  auto opened = GetParam().open(directory_);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store_ = std::move(*opened);
}

CatalogueItem add_virus_removal(Transaction& tx, Instant at) {
  CatalogueItem virus;
  virus.kind = CatalogueKind::service;
  virus.sku = "SVC-VIRUS";
  virus.name = "Virus removal";
  virus.unit_cost = eur(0);
  virus.unit_price = eur(7900);
  virus.created_at = virus.updated_at = at;
  virus.id = ok(tx.catalogue().insert(virus));
  return virus;
}

TEST_P(StoreContract, StartsMigratedToTheNewestVersion) {
  auto version = store_->schema_version();
  ASSERT_TRUE(version.has_value());
  EXPECT_GE(*version, 1);
  reopen();
  EXPECT_EQ(*store_->schema_version(), *version);
}

TEST_P(StoreContract, ClientRoundTripsEveryField) {
  Client c = make_client("Bakkerij Jansen");
  c.reference = "BAK-01";
  c.currency = *Currency::parse("USD");
  c.vat_number = "NL001234567B01";
  c.email = "info@bakkerij-jansen.nl";
  c.phone = "+31 20 123 4567";
  c.website = "https://bakkerij-jansen.nl";
  c.address = {"Dorpsstraat 1", "achter", "1234 AB", "Zaandam", "Noord-Holland", "NL"};
  c.notes = "Ovens draaien vanaf 04:00.";
  c.archived_at = at(50);
  ClientId id;
  {
    auto tx = store_->write();
    id = *tx->clients().insert(c);
    ASSERT_TRUE(tx->commit().has_value());
  }
  reopen();
  auto tx = store_->read();
  auto got = tx->clients().get(id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->name, c.name);
  EXPECT_EQ(got->reference, c.reference);
  EXPECT_EQ(got->currency, c.currency);
  EXPECT_EQ(got->vat_number, c.vat_number);
  EXPECT_EQ(got->email, c.email);
  EXPECT_EQ(got->phone, c.phone);
  EXPECT_EQ(got->website, c.website);
  EXPECT_EQ(got->address, c.address);
  EXPECT_EQ(got->notes, c.notes);
  EXPECT_EQ(got->created_at, c.created_at);
  EXPECT_EQ(got->archived_at, c.archived_at);
}

TEST_P(StoreContract, MissingObjectsAreNotFound) {
  auto tx = store_->read();
  EXPECT_EQ(tx->clients().get(ClientId(999)).error().kind, ErrorKind::not_found);
  EXPECT_EQ(tx->sites().get(SiteId(999)).error().kind, ErrorKind::not_found);
  EXPECT_EQ(tx->users().find_by_email("nobody@example.com").error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, UpdateOfMissingClientIsNotFound) {
  auto tx = store_->write();
  Client c = make_client("Ghost");
  c.id = ClientId(12345);
  EXPECT_EQ(tx->clients().update(c).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, RollbackDiscardsEverything) {
  {
    auto tx = store_->write();
    ASSERT_TRUE(tx->clients().insert(make_client("Kept out")).has_value());
    // destroyed without commit
  }
  auto tx = store_->read();
  EXPECT_EQ(*tx->clients().count(ArchiveFilter::all), 0);
}

TEST_P(StoreContract, DuplicateReferenceIsAConflictAndLeavesNothing) {
  Client a = make_client("A");
  a.reference = "X1";
  {
    auto tx = store_->write();
    ASSERT_TRUE(tx->clients().insert(a).has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  {
    auto tx = store_->write();
    Client b = make_client("B");
    b.reference = "X1";
    auto inserted = tx->clients().insert(b);
    ASSERT_FALSE(inserted.has_value());
    EXPECT_EQ(inserted.error().kind, ErrorKind::conflict);
  }
  auto tx = store_->read();
  EXPECT_EQ(*tx->clients().count(ArchiveFilter::all), 1);
}

TEST_P(StoreContract, EmptyReferencesDoNotCollide) {
  add_client(*store_, "One");
  add_client(*store_, "Two");
  auto tx = store_->read();
  EXPECT_EQ(*tx->clients().count(ArchiveFilter::all), 2);
}

TEST_P(StoreContract, SiteOfUnknownClientIsRefused) {
  auto tx = store_->write();
  Site s;
  s.client_id = ClientId(777);
  s.name = "Nowhere";
  s.created_at = s.updated_at = at(0);
  auto inserted = tx->sites().insert(s);
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().kind, ErrorKind::invalid_input);
}

TEST_P(StoreContract, PaginatesByNameWithoutSkipsOrRepeats) {
  const std::vector<std::string> names = {"Zeeman", "Aalders", "Bakker", "bakker", "Çelik", "Dekker", "Ellis",
                                          "Fokker", "Groen", "Hendriks", "Jansen", "Klaassen", "De Vries"};
  for (const auto& n : names) add_client(*store_, n);
  for (bool descending : {false, true}) {
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      auto tx = store_->read();
      auto result = tx->clients().list({}, page(4, descending ? "-name" : "name", cursor));
      ASSERT_TRUE(result.has_value()) << result.error().message;
      for (const auto& c : result->items) seen.push_back(c.name);
      cursor = result->next_cursor;
      ++pages;
    } while (!cursor.empty() && pages < 20);
    ASSERT_EQ(seen.size(), names.size());
    for (size_t i = 1; i < seen.size(); ++i) {
      if (descending) {
        EXPECT_GE(name_key(seen[i - 1]), name_key(seen[i]));
      } else {
        EXPECT_LE(name_key(seen[i - 1]), name_key(seen[i]));
      }
    }
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), names.size());
  }
}

TEST_P(StoreContract, PaginatesByIntegerKeys) {
  for (int i = 0; i < 7; ++i) add_client(*store_, "C" + std::to_string(i), 100 - i * 10);
  std::vector<int64_t> created;
  std::string cursor;
  do {
    auto tx = store_->read();
    auto result = tx->clients().list({}, page(3, "created_at", cursor));
    ASSERT_TRUE(result.has_value());
    for (const auto& c : result->items) created.push_back(to_unix_ms(c.created_at));
    cursor = result->next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(created.size(), 7u);
  EXPECT_TRUE(std::is_sorted(created.begin(), created.end()));
}

TEST_P(StoreContract, PageContinuesCorrectlyWhenRowsAreInsertedBetweenPages) {
  for (const char* n : {"b", "d", "f", "h"}) add_client(*store_, n);
  std::string cursor;
  {
    auto tx = store_->read();
    auto first = tx->clients().list({}, page(2, "name"));
    cursor = first->next_cursor;
  }
  add_client(*store_, "a");  // before the cursor: not repeated
  add_client(*store_, "e");  // after the cursor: appears
  auto tx = store_->read();
  auto second = tx->clients().list({}, page(10, "name", cursor));
  std::vector<std::string> names;
  for (const auto& c : second->items) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"e", "f", "h"}));
}

TEST_P(StoreContract, FiltersClients) {
  ClientId a = add_client(*store_, "Müller Bouw");
  add_client(*store_, "Jansen Bakkerij");
  ClientId archived = add_client(*store_, "Oud Bedrijf");
  {
    auto tx = store_->write();
    Client c = *tx->clients().get(archived);
    c.archived_at = at(10);
    ASSERT_TRUE(tx->clients().update(c).has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  auto tx = store_->read();
  ClientFilter by_text;
  by_text.text = "muller";
  auto r = tx->clients().list(by_text, page(10, "name"));
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].id, a);

  ClientFilter wildcard;
  wildcard.text = "%";
  EXPECT_TRUE(tx->clients().list(wildcard, page(10, "name"))->items.empty());

  EXPECT_EQ(tx->clients().list({}, page(10, "name"))->items.size(), 2u);
  ClientFilter only_archived;
  only_archived.archived = ArchiveFilter::archived;
  EXPECT_EQ(tx->clients().list(only_archived, page(10, "name"))->items.size(), 1u);
  ClientFilter all;
  all.archived = ArchiveFilter::all;
  EXPECT_EQ(tx->clients().list(all, page(10, "name"))->items.size(), 3u);
  ClientFilter scoped;
  scoped.only_client = a;
  EXPECT_EQ(tx->clients().list(scoped, page(10, "name"))->items.size(), 1u);
}

TEST_P(StoreContract, SitesAndContactsBelongToClients) {
  ClientId client = add_client(*store_, "Bakkerij");
  ClientId other = add_client(*store_, "Other");
  auto tx = store_->write();
  Site s;
  s.client_id = client;
  s.name = "Winkel";
  s.time_zone = "Europe/Amsterdam";
  s.created_at = s.updated_at = at(0);
  SiteId site = *tx->sites().insert(s);
  Contact c;
  c.client_id = client;
  c.site_id = site;
  c.name = "Anna de Vries";
  c.email = "Anna@Bakkerij.NL";
  c.is_primary = true;
  c.created_at = c.updated_at = at(0);
  ContactId contact = *tx->contacts().insert(c);
  Contact loose;
  loose.client_id = other;
  loose.name = "Piet";
  loose.created_at = loose.updated_at = at(0);
  ASSERT_TRUE(tx->contacts().insert(loose).has_value());
  ASSERT_TRUE(tx->commit().has_value());

  auto rtx = store_->read();
  auto got = *rtx->contacts().get(contact);
  EXPECT_EQ(got.site_id, site);
  EXPECT_EQ(got.email, "anna@bakkerij.nl");
  EXPECT_TRUE(got.is_primary);
  ContactFilter of_client;
  of_client.client = client;
  EXPECT_EQ(rtx->contacts().list(of_client, *make_page_request(10, "name", "", {"name"}, "name"))->items.size(), 1u);
  ContactFilter by_email;
  by_email.email = "ANNA@bakkerij.nl";
  EXPECT_EQ(rtx->contacts().list(by_email, *make_page_request(10, "name", "", {"name"}, "name"))->items.size(), 1u);
  SiteFilter sites_of_other;
  sites_of_other.client = other;
  EXPECT_TRUE(rtx->sites().list(sites_of_other, *make_page_request(10, "name", "", {"name"}, "name"))->items.empty());
}

TEST_P(StoreContract, UsersHaveUniqueCaseInsensitiveEmails) {
  auto tx = store_->write();
  User u;
  u.email = "Admin@Example.com";
  u.name = "Admin";
  u.role = Role::admin;
  u.password_hash = "hash";
  u.created_at = u.updated_at = at(0);
  UserId id = *tx->users().insert(u);
  u.email = "admin@example.COM";
  auto dup = tx->users().insert(u);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().kind, ErrorKind::conflict);
  auto found = tx->users().find_by_email("ADMIN@example.com");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->email, "admin@example.com");
  EXPECT_EQ(*tx->users().count_active_admins(), 1);
}

TEST_P(StoreContract, PortalUsersMustHaveAClient) {
  auto tx = store_->write();
  User u;
  u.email = "portal@example.com";
  u.name = "Portal";
  u.role = Role::portal;
  u.created_at = u.updated_at = at(0);
  EXPECT_FALSE(tx->users().insert(u).has_value());
}

TEST_P(StoreContract, SessionsExpireAndRevoke) {
  UserId user;
  {
    auto tx = store_->write();
    User u;
    u.email = "t@example.com";
    u.name = "Tech";
    u.role = Role::technician;
    u.created_at = u.updated_at = at(0);
    user = *tx->users().insert(u);
    ASSERT_TRUE(tx->sessions().insert(user, "h1", at(0), at(3600), "127.0.0.1", "test").has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  {
    auto tx = store_->read();
    auto found = tx->sessions().find_active("h1", at(10));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user.id, user);
    EXPECT_EQ(found->user.role, Role::technician);
    EXPECT_FALSE(tx->sessions().find_active("h1", at(3600)).has_value());  // expired
    EXPECT_FALSE(tx->sessions().find_active("h2", at(10)).has_value());
  }
  {
    auto tx = store_->write();
    ASSERT_TRUE(tx->sessions().revoke("h1", at(20)).has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  auto tx = store_->read();
  EXPECT_FALSE(tx->sessions().find_active("h1", at(30)).has_value());
}

TEST_P(StoreContract, InactiveUsersCredentialsStopWorking) {
  auto tx = store_->write();
  User u;
  u.email = "x@example.com";
  u.name = "X";
  u.role = Role::finance;
  u.created_at = u.updated_at = at(0);
  u.id = *tx->users().insert(u);
  ASSERT_TRUE(tx->sessions().insert(u.id, "hs", at(0), at(999), "", "").has_value());
  ApiToken t;
  t.user_id = u.id;
  t.name = "accounting sync";
  t.prefix = "tend_pat_abc";
  t.created_at = at(0);
  ApiTokenId token = *tx->api_tokens().insert(t, "ht");
  EXPECT_TRUE(tx->api_tokens().find_active("ht", at(1)).has_value());
  u.active = false;
  ASSERT_TRUE(tx->users().update(u).has_value());
  EXPECT_FALSE(tx->sessions().find_active("hs", at(1)).has_value());
  EXPECT_FALSE(tx->api_tokens().find_active("ht", at(1)).has_value());
  EXPECT_EQ(tx->api_tokens().list_for_user(u.id)->size(), 1u);
  EXPECT_TRUE(tx->api_tokens().revoke(token, at(2)).has_value());
  EXPECT_EQ(tx->api_tokens().revoke(ApiTokenId(999), at(2)).error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, AuditTrailIsAppendOnlyAndOrdered) {
  ClientId client = add_client(*store_, "Audited");
  auto tx = store_->write();
  for (int i = 0; i < 3; ++i) {
    AuditEvent e;
    e.at = at(i);
    e.actor = "cli";
    e.action = "client.updated";
    e.entity_type = "client";
    e.entity_id = client.value();
    e.client_id = client;
    e.details = "{\"n\":" + std::to_string(i) + "}";
    ASSERT_TRUE(tx->audit().append(e).has_value());
  }
  ASSERT_TRUE(tx->commit().has_value());
  auto rtx = store_->read();
  auto events = *rtx->audit().for_entity("client", client.value(), 0, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].details, "{\"n\":2}");
  EXPECT_LT(events[0].id, events[1].id);
}

TEST_P(StoreContract, ProviderSettingsUpsert) {
  auto tx = store_->write();
  EXPECT_EQ(tx->provider().get().error().kind, ErrorKind::not_found);
  ProviderSettings p;
  p.name = "Tend IT B.V.";
  p.bank_account = "NL91ABNA0417164300";
  p.updated_at = at(0);
  ASSERT_TRUE(tx->provider().put(p).has_value());
  p.payment_terms_days = 30;
  p.bank_account_holder = "Stichting Derdengelden Tend";
  ASSERT_TRUE(tx->provider().put(p).has_value());
  auto got = *tx->provider().get();
  EXPECT_EQ(got.payment_terms_days, 30);
  EXPECT_EQ(got.bank_account, "NL91ABNA0417164300");
  EXPECT_EQ(got.bank_account_holder, "Stichting Derdengelden Tend");
}

TEST_P(StoreContract, TheLogoKeepsEveryByteAndIsReplacedAndRemoved) {
  auto tx = ok(store_->write());
  EXPECT_FALSE(ok(tx.provider().logo()).has_value());
  ProviderLogo logo;
  logo.png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(300, '\xff');  // NULs and high bytes
  logo.width = 300;
  logo.height = 100;
  logo.updated_at = at(1);
  ok(tx.provider().put_logo(logo));
  auto got = ok(tx.provider().logo());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->png, logo.png);
  EXPECT_EQ(got->width, 300);
  EXPECT_EQ(got->height, 100);
  EXPECT_EQ(got->updated_at, at(1));
  logo.png += "more";
  logo.width = 320;
  ok(tx.provider().put_logo(logo));  // replaces
  EXPECT_EQ(ok(tx.provider().logo())->png, logo.png);
  EXPECT_EQ(ok(tx.provider().logo())->width, 320);
  ok(tx.provider().remove_logo());
  EXPECT_FALSE(ok(tx.provider().logo()).has_value());
  EXPECT_EQ(tx.provider().remove_logo().error().kind, ErrorKind::not_found);
}

TEST_P(StoreContract, ReadersSeeASnapshot) {
  add_client(*store_, "First");
  auto reader = store_->read();
  EXPECT_EQ(*reader->clients().count(ArchiveFilter::all), 1);
  add_client(*store_, "Second");
  EXPECT_EQ(*reader->clients().count(ArchiveFilter::all), 1);  // same snapshot
  auto fresh = store_->read();
  EXPECT_EQ(*fresh->clients().count(ArchiveFilter::all), 2);
}

TEST_P(StoreContract, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto tx = store_->write();
        if (!tx || !tx->clients().insert(make_client("T" + std::to_string(t) + "-" + std::to_string(i))) ||
            !tx->commit()) {
          ++failures;
        }
        auto r = store_->read();
        if (!r || !r->clients().count(ArchiveFilter::all)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = store_->read();
  EXPECT_EQ(*tx->clients().count(ArchiveFilter::all), kThreads * kPerThread);
}

TEST_P(StoreContract, BackupIsAConsistentCopy) {
  for (int i = 0; i < 20; ++i) add_client(*store_, "B" + std::to_string(i));
  auto target = directory_ / "backup.db";
  ASSERT_TRUE(store_->backup_to(target.string()).has_value());
  EXPECT_EQ(store_->backup_to(target.string()).error().kind, ErrorKind::conflict);
  EXPECT_TRUE(std::filesystem::exists(target));
  EXPECT_TRUE(store_->check_integrity().has_value());
}

TEST_P(StoreContract, StatsCountTransactions) {
  add_client(*store_, "S");
  auto tx = store_->read();
  StoreStats s = store_->stats();
  EXPECT_GE(s.write_commits, 1);
  EXPECT_GE(s.read_transactions, 1);
  EXPECT_GE(s.read_connections_in_use, 1);
}

}  // namespace tend::store
