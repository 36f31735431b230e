// Generated billing data (bench/README.md, "Billing run"; the billing crash
// test in tests/billing_crash_slow_test.cpp): clients with contracts, devices,
// tickets and a month of approved, billable work, written through the
// store's repositories in batches of clients per transaction — the rows the
// app itself writes — and finished with refresh_client_rating per client,
// so the stored billable minutes and block ledgers are what the server
// would have stored when the work was approved.
//
// Per client (index c, from 0):
// * a managed agreement from 2026-01-01 (12-month terms, auto-renewing):
//   flat fee 250.00, 25.00 per workstation, 75.00 per server; every third
//   client (c % 3 == 0) has it cover remote support at no charge;
// * c % 3 == 1: a block-hours contract with four quarterly 10 h blocks of
//   850.00 in the year and overage at 95.00/h;
//   c % 3 == 2: a time-and-materials contract with its own remote rate;
// * the rest up to `contracts_per_client`: ended time-and-materials
//   contracts of earlier years (history that rating must skip);
// * `devices_per_client` devices enrolled in 2025, one in five a server;
// * `tickets_per_client` tickets and `entries_per_client` approved,
//   billable time entries on them, spread over `month` (5-180 minutes,
//   three work types, one in ten after hours);
// * `parts_per_client` approved part usages and `services_per_client`
//   approved fixed-price service usages in the month.
//
// Deterministic for a seed. Expects an empty store (or one made by `tend
// init`); configuration rows (tax category, work types, catalogue,
// technicians) are added with fixed codes, so a second call fails with a
// conflict.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace tend {

struct BillingDataShape {
  int64_t clients = 10'000;
  int contracts_per_client = 5;
  int devices_per_client = 10;
  int tickets_per_client = 10;
  int entries_per_client = 100;
  int parts_per_client = 2;
  int services_per_client = 1;
  std::string month = "2026-10";  // the month the work is dated in ("YYYY-MM")
  uint64_t seed = 1;
  int64_t clients_per_transaction = 250;
};

// What was written.
struct BillingDataSummary {
  int64_t clients = 0, contracts = 0, devices = 0, tickets = 0, time_entries = 0, part_usages = 0,
          service_usages = 0;
};

// Writes the data set into `store` (see file comment). invalid_input for a
// bad shape; conflict when the configuration rows already exist.
Result<BillingDataSummary> generate_billing_data(store::Store& store, const BillingDataShape& shape, Instant now);

}  // namespace tend
