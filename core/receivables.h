// Receivables: payments, their allocation to open invoices, and AR ageing.
// Pure: the app layer loads the open invoices and stores the allocations.
// docs/billing-rules.md states the rules with examples.
//
// Rules:
// * A payment (amount > 0, date, method, reference) is allocated to open
//   invoices of its client in its currency: oldest first by default (due
//   date, then issue date, then number), or as the person says. What is not
//   allocated stays on the client's account as unallocated credit. The
//   allocations plus the unallocated rest are always exactly the payment.
// * An invoice's open amount = total - allocated payments - issued credit
//   notes that reference it.
// * Ageing as of a date: each open amount goes into one bucket by the days
//   it is past its due date (as_of - due_on): current (not yet due, or due
//   today), 1-30, 31-60, 61-90, 90+. The buckets of a client always add up
//   to its open balance.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/invoice.h"
#include "core/money.h"
#include "core/work.h"

namespace tend {

using PaymentId = Id<struct PaymentTag>;

// How a payment came in. Wire spelling = enumerator name.
enum class PaymentMethod { bank_transfer, direct_debit, card, cash, other };
const char* to_string(PaymentMethod method);
Result<PaymentMethod> parse_payment_method(std::string_view text);

// Money received from a client.
struct Payment {
  PaymentId id;
  ClientId client_id;
  Money amount = Money::zero(Currency::eur());
  CivilDate received_on{};
  PaymentMethod method = PaymentMethod::bank_transfer;
  std::string reference;  // the bank's reference, a card receipt ...
  std::string notes;
};

// Field errors: client_id (required), amount (> 0, in `client_currency`,
// at most kMaxLineAmountMinor), received_on (required), reference (at most
// 200), notes (at most 2000).
Status validate(const Payment& payment, Currency client_currency);

// An issued invoice with money still open (the input of allocation and
// ageing). Credit notes not applied to an invoice appear with a negative
// open amount.
struct OpenInvoice {
  InvoiceId id;
  ClientId client_id;
  std::string number;
  CivilDate issued_on{};
  CivilDate due_on{};
  Money open = Money::zero(Currency::eur());
};

// A part of a payment applied to one invoice.
struct Allocation {
  InvoiceId invoice;
  Money amount = Money::zero(Currency::eur());

  friend bool operator==(const Allocation&, const Allocation&) = default;
};

// Where a payment went.
struct PaymentAllocation {
  std::vector<Allocation> allocations;  // in the order applied; amounts > 0
  Money unallocated = Money::zero(Currency::eur());
};

// Allocates `amount` (> 0) to the invoices with a positive open amount,
// oldest first (due_on, then issued_on, then number, then id); each takes
// at most its open amount. invalid_input (field "amount") when the amount
// is not positive. Invoices in another currency than the payment are
// skipped; the caller passes the invoices of the payment's client.
Result<PaymentAllocation> allocate_oldest_first(const Money& amount, std::span<const OpenInvoice> open);

// Allocates `amount` as `requested` says. Field errors: allocations[i].invoice
// (not among `open`, or listed twice), allocations[i].amount (not > 0, more
// than the invoice's open amount, other currency), and "allocations" when
// they add up to more than the payment. The rest is unallocated.
Result<PaymentAllocation> allocate_explicitly(const Money& amount, std::span<const OpenInvoice> open,
                                              std::span<const Allocation> requested);

// The ageing buckets, in order.
enum class AgeingBucket { current, days_1_30, days_31_60, days_61_90, days_over_90 };
inline constexpr size_t kAgeingBuckets = 5;
// "current", "1-30", "31-60", "61-90", "90+".
const char* to_string(AgeingBucket bucket);
// The bucket of an amount due on `due_on`, as of `as_of`.
AgeingBucket ageing_bucket(CivilDate due_on, CivilDate as_of);
// Days past due as of `as_of` (0 when not yet due).
int64_t days_overdue(CivilDate due_on, CivilDate as_of);

// One client's receivables as of a date, in one currency.
struct ClientAgeing {
  ClientId client_id;
  Currency currency = Currency::eur();
  std::array<Money, kAgeingBuckets> buckets{Money::zero(Currency::eur()), Money::zero(Currency::eur()),
                                            Money::zero(Currency::eur()), Money::zero(Currency::eur()),
                                            Money::zero(Currency::eur())};
  Money total = Money::zero(Currency::eur());  // = sum of the buckets = sum of open amounts
  int64_t invoices = 0;
  int64_t oldest_days_overdue = 0;  // of an amount > 0
};

// Ages the open amounts per client and currency as of `as_of` (invoices
// issued after as_of are left out, as are zero amounts). Sorted by client
// id, then currency code.
std::vector<ClientAgeing> age_receivables(std::span<const OpenInvoice> open, CivilDate as_of);

}  // namespace tend
