#include "core/receivables.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/validation.h"

namespace tend {
namespace {

constexpr const char* kPaymentMethodNames[] = {"bank_transfer", "direct_debit", "card", "cash", "other"};
constexpr const char* kBucketNames[] = {"current", "1-30", "31-60", "61-90", "90+"};

bool older(const OpenInvoice& a, const OpenInvoice& b) {
  return std::tie(a.due_on, a.issued_on, a.number, a.id) < std::tie(b.due_on, b.issued_on, b.number, b.id);
}

}  // namespace

const char* to_string(PaymentMethod method) { return kPaymentMethodNames[static_cast<size_t>(method)]; }

Result<PaymentMethod> parse_payment_method(std::string_view text) {
  for (size_t i = 0; i < std::size(kPaymentMethodNames); ++i) {
    if (text == kPaymentMethodNames[i]) return static_cast<PaymentMethod>(i);
  }
  return std::unexpected(Error::invalid("unknown payment method '" + std::string(text) +
                                        "': use bank_transfer, direct_debit, card, cash or other"));
}

Status validate(const Payment& payment, Currency client_currency) {
  FieldErrors errors;
  if (!payment.client_id.valid()) errors.add("client_id", "is required");
  if (!(payment.amount.currency() == client_currency)) {
    errors.add("amount", "must be in " + std::string(client_currency.code()) + ", the client's currency");
  } else if (payment.amount.minor_units() <= 0) {
    errors.add("amount", "must be more than zero");
  } else if (payment.amount.minor_units() > kMaxLineAmountMinor) {
    errors.add("amount", "is too large");
  }
  if (payment.received_on == CivilDate{}) errors.add("received_on", "is required");
  if (auto m = check_optional_text(payment.reference, 200); !m.empty()) errors.add("reference", m);
  if (auto m = check_optional_text(payment.notes, 2000); !m.empty()) errors.add("notes", m);
  return std::move(errors).status("the payment has invalid fields");
}

Result<PaymentAllocation> allocate_oldest_first(const Money& amount, std::span<const OpenInvoice> open) {
  if (amount.minor_units() <= 0)
    return std::unexpected(Error::invalid_field("amount", "must be more than zero"));
  std::vector<const OpenInvoice*> order;
  for (const OpenInvoice& invoice : open) {
    if (invoice.open.currency() == amount.currency() && invoice.open.minor_units() > 0)
      order.push_back(&invoice);
  }
  std::sort(order.begin(), order.end(),
            [](const OpenInvoice* a, const OpenInvoice* b) { return older(*a, *b); });
  PaymentAllocation out;
  Money left = amount;
  for (const OpenInvoice* invoice : order) {
    if (left.is_zero()) break;
    Money take = std::min(left, invoice->open);
    out.allocations.push_back({invoice->id, take});
    left -= take;
  }
  out.unallocated = left;
  return out;
}

Result<PaymentAllocation> allocate_explicitly(const Money& amount, std::span<const OpenInvoice> open,
                                              std::span<const Allocation> requested) {
  if (amount.minor_units() <= 0)
    return std::unexpected(Error::invalid_field("amount", "must be more than zero"));
  FieldErrors errors;
  PaymentAllocation out;
  __int128 sum = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    const Allocation& a = requested[i];
    const std::string field = "allocations[" + std::to_string(i) + "]";
    auto it = std::find_if(open.begin(), open.end(), [&](const OpenInvoice& o) { return o.id == a.invoice; });
    bool twice = std::any_of(requested.begin(), requested.begin() + static_cast<std::ptrdiff_t>(i),
                             [&](const Allocation& earlier) { return earlier.invoice == a.invoice; });
    if (it == open.end()) {
      errors.add(field + ".invoice", "is not an open invoice of the client");
      continue;
    }
    if (twice) {
      errors.add(field + ".invoice", "is listed twice");
      continue;
    }
    if (!(a.amount.currency() == amount.currency()) || !(it->open.currency() == amount.currency())) {
      errors.add(field + ".amount", "must be in " + std::string(amount.currency().code()));
      continue;
    }
    if (a.amount.minor_units() <= 0) {
      errors.add(field + ".amount", "must be more than zero");
      continue;
    }
    if (a.amount > it->open) {
      errors.add(field + ".amount",
                 "is more than the " + it->open.to_string() + " open on invoice " + it->number);
      continue;
    }
    sum += a.amount.minor_units();
    out.allocations.push_back(a);
  }
  if (errors.empty() && sum > amount.minor_units()) {
    errors.add("allocations", "add up to more than the payment of " + amount.to_string());
  }
  TEND_CHECK(std::move(errors).status("the allocation is not valid"));
  out.unallocated = Money(amount.currency(), amount.minor_units() - static_cast<int64_t>(sum));
  return out;
}

const char* to_string(AgeingBucket bucket) { return kBucketNames[static_cast<size_t>(bucket)]; }

int64_t days_overdue(CivilDate due_on, CivilDate as_of) {
  return std::max<int64_t>(0, (as_of - due_on).count());
}

AgeingBucket ageing_bucket(CivilDate due_on, CivilDate as_of) {
  const int64_t days = days_overdue(due_on, as_of);
  if (days <= 0) return AgeingBucket::current;
  if (days <= 30) return AgeingBucket::days_1_30;
  if (days <= 60) return AgeingBucket::days_31_60;
  if (days <= 90) return AgeingBucket::days_61_90;
  return AgeingBucket::days_over_90;
}

std::vector<ClientAgeing> age_receivables(std::span<const OpenInvoice> open, CivilDate as_of) {
  std::map<std::tuple<ClientId, std::string>, ClientAgeing> clients;
  for (const OpenInvoice& invoice : open) {
    if (invoice.open.is_zero() || as_of < invoice.issued_on) continue;
    const Currency currency = invoice.open.currency();
    auto [it, inserted] = clients.try_emplace({invoice.client_id, std::string(currency.code())});
    ClientAgeing& row = it->second;
    if (inserted) {
      row.client_id = invoice.client_id;
      row.currency = currency;
      row.total = Money::zero(currency);
      row.buckets.fill(Money::zero(currency));
    }
    row.buckets[static_cast<size_t>(ageing_bucket(invoice.due_on, as_of))] += invoice.open;
    row.total += invoice.open;
    ++row.invoices;
    if (!invoice.open.is_negative()) {
      row.oldest_days_overdue = std::max(row.oldest_days_overdue, days_overdue(invoice.due_on, as_of));
    }
  }
  std::vector<ClientAgeing> out;
  out.reserve(clients.size());
  for (auto& [key, row] : clients) out.push_back(std::move(row));
  return out;
}

}  // namespace tend
