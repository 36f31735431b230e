#include "core/receivables.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

namespace tend {
namespace {

using std::chrono::days;

const Currency kEur = Currency::eur();
Money eur(int64_t cents) { return Money(kEur, cents); }
CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }

template <class Property>
bool check_seeded(const std::string& description, Property&& property) {
  rc::detail::TestParams params;
  params.seed = 20261101;
  params.maxSuccess = 300;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = description;
  auto result = rc::detail::checkTestable(std::forward<Property>(property), metadata, params);
  if (!result.template is<rc::detail::SuccessResult>()) rc::detail::printResultMessage(result, std::cerr);
  return result.template is<rc::detail::SuccessResult>();
}

OpenInvoice open_invoice(int64_t id, CivilDate issued, int terms, int64_t cents, int64_t client = 3) {
  return OpenInvoice{InvoiceId(id), ClientId(client),     "2026-" + std::to_string(100000 + id).substr(0, 6),
                     issued,        issued + days(terms), eur(cents)};
}

Money allocated(const PaymentAllocation& a) {
  Money total = a.unallocated;
  for (const auto& x : a.allocations) total += x.amount;
  return total;
}

TEST(Payment, Validation) {
  Payment p;
  p.client_id = ClientId(3);
  p.amount = eur(10000);
  p.received_on = day(2026, 12, 5);
  p.reference = "NL12BANK 2026-000042";
  EXPECT_TRUE(validate(p, kEur).has_value());
  Payment bad;
  bad.amount = eur(0);
  bad.reference = std::string(201, 'x');
  auto r = validate(bad, kEur);
  ASSERT_FALSE(r.has_value());
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"client_id", "amount", "received_on", "reference"}));
  p.amount = Money(*Currency::parse("USD"), 100);
  EXPECT_EQ(validate(p, kEur).error().fields.at(0).field, "amount");
  EXPECT_EQ(*parse_payment_method("direct_debit"), PaymentMethod::direct_debit);
  EXPECT_FALSE(parse_payment_method("cheque").has_value());
}

TEST(Allocation, OldestFirstByDueDate) {
  std::vector<OpenInvoice> open = {open_invoice(3, day(2026, 11, 1), 14, 20000),
                                   open_invoice(1, day(2026, 9, 1), 30, 10000),   // due 1 Oct
                                   open_invoice(2, day(2026, 9, 20), 7, 5000),    // due 27 Sep: oldest
                                   open_invoice(4, day(2026, 8, 1), 14, 0),       // nothing open
                                   open_invoice(5, day(2026, 8, 1), 14, -3000)};  // a credit
  auto a = allocate_oldest_first(eur(12000), open);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->allocations, (std::vector<Allocation>{{InvoiceId(2), eur(5000)}, {InvoiceId(1), eur(7000)}}));
  EXPECT_EQ(a->unallocated, eur(0));
  // More than is open: the rest stays on account.
  auto all = allocate_oldest_first(eur(40000), open);
  EXPECT_EQ(all->allocations.size(), 3u);
  EXPECT_EQ(all->unallocated, eur(5000));
  EXPECT_EQ(allocate_oldest_first(eur(0), open).error().fields.at(0).field, "amount");
  // Invoices in another currency are not touched.
  std::vector<OpenInvoice> dollars = {open[0]};
  dollars[0].open = Money(*Currency::parse("USD"), 100);
  EXPECT_EQ(allocate_oldest_first(eur(100), dollars)->unallocated, eur(100));
}

TEST(Allocation, ExplicitAllocationIsChecked) {
  std::vector<OpenInvoice> open = {open_invoice(1, day(2026, 9, 1), 30, 10000),
                                   open_invoice(2, day(2026, 10, 1), 30, 5000)};
  std::vector<Allocation> wanted = {{InvoiceId(2), eur(5000)}, {InvoiceId(1), eur(2000)}};
  auto a = allocate_explicitly(eur(10000), open, wanted);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->allocations, wanted);
  EXPECT_EQ(a->unallocated, eur(3000));

  std::vector<Allocation> bad = {
      {InvoiceId(9), eur(100)}, {InvoiceId(1), eur(10001)}, {InvoiceId(2), eur(0)}, {InvoiceId(1), eur(100)}};
  auto r = allocate_explicitly(eur(10000), open, bad);
  ASSERT_FALSE(r.has_value());
  std::vector<std::string> fields;
  for (const auto& f : r.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"allocations[0].invoice", "allocations[1].amount",
                                              "allocations[2].amount", "allocations[3].invoice"}));
  auto too_much = allocate_explicitly(eur(6000), open, wanted);
  ASSERT_FALSE(too_much.has_value());
  EXPECT_EQ(too_much.error().fields.at(0).field, "allocations");
}

TEST(Allocation, PropertyNeverLosesACent) {
  EXPECT_TRUE(check_seeded("allocations + unallocated = payment; no invoice gets more than is open", [] {
    const int n = *rc::gen::inRange(0, 20);
    std::vector<OpenInvoice> open;
    for (int i = 0; i < n; ++i) {
      open.push_back(open_invoice(i + 1, day(2026, 1, 1) + days(*rc::gen::inRange(0, 365)),
                                  *rc::gen::inRange(0, 60), *rc::gen::inRange<int64_t>(-50'000, 500'000)));
    }
    const Money payment = eur(*rc::gen::inRange<int64_t>(1, 3'000'000));
    auto oldest = allocate_oldest_first(payment, open);
    RC_ASSERT(oldest.has_value());
    RC_ASSERT(allocated(*oldest) == payment);
    RC_ASSERT(!oldest->unallocated.is_negative());
    for (const auto& a : oldest->allocations) {
      auto it =
          std::find_if(open.begin(), open.end(), [&](const OpenInvoice& o) { return o.id == a.invoice; });
      RC_ASSERT(it != open.end());
      RC_ASSERT(a.amount.minor_units() > 0);
      RC_ASSERT(a.amount <= it->open);
    }
    // Explicit: a random share of each invoice, accepted only within the payment.
    std::vector<Allocation> wanted;
    for (const auto& o : open) {
      if (o.open.minor_units() > 0 && *rc::gen::arbitrary<bool>()) {
        wanted.push_back({o.id, eur(*rc::gen::inRange<int64_t>(1, o.open.minor_units() + 1))});
      }
    }
    auto explicit_ = allocate_explicitly(payment, open, wanted);
    if (explicit_) {
      RC_ASSERT(allocated(*explicit_) == payment);
      RC_ASSERT(!explicit_->unallocated.is_negative());
    } else {
      RC_ASSERT(explicit_.error().fields.at(0).field == "allocations");
    }
  }));
}

TEST(Ageing, BucketBoundaries) {
  const CivilDate due = day(2026, 10, 1);
  EXPECT_EQ(ageing_bucket(due, due - days(5)), AgeingBucket::current);
  EXPECT_EQ(ageing_bucket(due, due), AgeingBucket::current);  // due today is not overdue
  EXPECT_EQ(ageing_bucket(due, due + days(1)), AgeingBucket::days_1_30);
  EXPECT_EQ(ageing_bucket(due, due + days(30)), AgeingBucket::days_1_30);
  EXPECT_EQ(ageing_bucket(due, due + days(31)), AgeingBucket::days_31_60);
  EXPECT_EQ(ageing_bucket(due, due + days(60)), AgeingBucket::days_31_60);
  EXPECT_EQ(ageing_bucket(due, due + days(61)), AgeingBucket::days_61_90);
  EXPECT_EQ(ageing_bucket(due, due + days(90)), AgeingBucket::days_61_90);
  EXPECT_EQ(ageing_bucket(due, due + days(91)), AgeingBucket::days_over_90);
  EXPECT_EQ(days_overdue(due, due - days(3)), 0);
  EXPECT_EQ(days_overdue(due, due + days(45)), 45);
  EXPECT_STREQ(to_string(AgeingBucket::days_over_90), "90+");
}

TEST(Ageing, PerClientAndCurrency) {
  const CivilDate as_of = day(2026, 12, 31);
  std::vector<OpenInvoice> open = {
      open_invoice(1, day(2026, 12, 20), 14, 10000, 3),  // current
      open_invoice(2, day(2026, 11, 1), 14, 20000, 3),   // due 15 Nov: 46 days
      open_invoice(3, day(2026, 7, 1), 14, 30000, 3),    // due 15 Jul: 169 days
      open_invoice(4, day(2026, 12, 1), 14, 5000, 2),    // due 15 Dec: 16 days
      open_invoice(5, day(2027, 1, 2), 14, 99900, 2),    // issued after as_of: left out
      open_invoice(6, day(2026, 12, 1), 14, 0, 2),       // nothing open
  };
  open.push_back(open_invoice(7, day(2026, 12, 1), 14, 700, 3));
  open.back().open = Money(*Currency::parse("USD"), 700);
  auto rows = age_receivables(open, as_of);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].client_id, ClientId(2));
  EXPECT_EQ(rows[0].buckets[1], eur(5000));
  EXPECT_EQ(rows[0].total, eur(5000));
  EXPECT_EQ(rows[0].invoices, 1);
  EXPECT_EQ(rows[1].client_id, ClientId(3));
  EXPECT_EQ(rows[1].currency.code(), "EUR");
  EXPECT_EQ(rows[1].buckets[0], eur(10000));
  EXPECT_EQ(rows[1].buckets[2], eur(20000));
  EXPECT_EQ(rows[1].buckets[4], eur(30000));
  EXPECT_EQ(rows[1].total, eur(60000));
  EXPECT_EQ(rows[1].oldest_days_overdue, 169);
  EXPECT_EQ(rows[2].currency.code(), "USD");
}

TEST(Ageing, PropertyBucketsPartitionTheOpenBalance) {
  EXPECT_TRUE(check_seeded("every open amount is in exactly one bucket of its client", [] {
    const int n = *rc::gen::inRange(0, 40);
    const CivilDate as_of = day(2026, 6, 1) + days(*rc::gen::inRange(0, 365));
    std::vector<OpenInvoice> open;
    for (int i = 0; i < n; ++i) {
      open.push_back(open_invoice(i + 1, day(2026, 1, 1) + days(*rc::gen::inRange(0, 500)),
                                  *rc::gen::inRange(0, 60), *rc::gen::inRange<int64_t>(-20'000, 2'000'000),
                                  *rc::gen::inRange(1, 5)));
    }
    auto rows = age_receivables(open, as_of);
    for (const auto& row : rows) {
      Money expected = eur(0), buckets = eur(0);
      int64_t count = 0;
      for (const auto& o : open) {
        if (o.client_id == row.client_id && !(as_of < o.issued_on) && !o.open.is_zero()) {
          expected += o.open;
          ++count;
        }
      }
      for (const auto& b : row.buckets) buckets += b;
      RC_ASSERT(buckets == row.total);
      RC_ASSERT(row.total == expected);
      RC_ASSERT(row.invoices == count);
    }
    int64_t listed = 0;
    for (const auto& row : rows) listed += row.invoices;
    int64_t ageable = 0;
    for (const auto& o : open) ageable += (!(as_of < o.issued_on) && !o.open.is_zero()) ? 1 : 0;
    RC_ASSERT(listed == ageable);
  }));
}

}  // namespace
}  // namespace tend
