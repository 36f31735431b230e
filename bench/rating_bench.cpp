// Rating and coverage at scale (issue 4): 1,000,000 time entries of 10,000
// clients against 10,000 contracts, on one core.
//
// The data set: each client has one contract, in turn a managed agreement
// (covers remote work, a rate for on-site), block hours (four quarterly
// blocks of 10 h, rollover on every other client, overage at 95/h) or time
// and materials with a rate override; 100 entries per client over 10
// tickets and 3 work types across 2026, one in ten after hours, one in
// twenty non-billable, one in fifty overridden. Everything is built once;
// an iteration rates every client (rounding groups, coverage, block
// allocation, amounts), as a billing run does after loading the rows.
//
//   BM_RateAndCover            rating + coverage of all 1,000,000 entries
//   BM_RateCoverAndExplain     the same plus the text explanation of each
//
// Results and the command are in bench/README.md.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/coverage.h"

namespace tend {
namespace {

using std::chrono::days;

constexpr int kClients = 10'000;
constexpr int kEntriesPerClient = 100;
constexpr int kTicketsPerClient = 10;

CivilDate day(int y, unsigned m, unsigned d) { return CivilDate(std::chrono::year(y) / m / d); }
Money eur(int64_t cents) { return Money(Currency::eur(), cents); }

struct Client {
  std::vector<Contract> contracts;
  std::vector<ClientRate> rates;
  std::vector<RatingEntry> entries;
};

struct DataSet {
  std::vector<RatingWorkType> work_types;
  std::vector<Client> clients;
  int64_t entries = 0;
  int64_t contracts = 0;
};

const DataSet& data_set() {
  static const DataSet data = [] {
    DataSet d;
    d.work_types = {{WorkTypeId(1), "Remote support", eur(9500), {15, 15}, {3, 2}},
                    {WorkTypeId(2), "On-site", eur(11000), {60, 30}, {3, 2}},
                    {WorkTypeId(3), "Travel", eur(5500), {0, 15}, {1, 1}}};
    std::mt19937_64 random(20261127);
    int64_t next_entry = 1;
    int64_t next_block = 1;
    d.clients.resize(kClients);
    for (int c = 0; c < kClients; ++c) {
      Client& client = d.clients[static_cast<size_t>(c)];
      Contract contract;
      contract.id = ContractId(c + 1);
      contract.client_id = ClientId(c + 1);
      contract.starts_on = day(2026, 1, 1);
      switch (c % 3) {
        case 0:
          contract.kind = ContractKind::managed;
          contract.name = "Managed " + std::to_string(c);
          contract.term_months = 12;
          contract.auto_renew = true;
          contract.covered_work_types = {WorkTypeId(1)};
          contract.rates = {{WorkTypeId(2), eur(9000)}};
          break;
        case 1:
          contract.kind = ContractKind::block_hours;
          contract.name = "Blocks " + std::to_string(c);
          contract.overage_rate = eur(9500);
          contract.rollover = c % 2 == 0;
          for (int q = 0; q < 4; ++q) {
            HourBlock b;
            b.id = HourBlockId(next_block++);
            b.contract_id = contract.id;
            b.label = "2026-Q" + std::to_string(q + 1);
            b.minutes = 600;
            b.price = eur(85000);
            b.valid_from = day(2026, static_cast<unsigned>(1 + 3 * q), 1);
            b.valid_to = (q == 3 ? day(2027, 1, 1) : day(2026, static_cast<unsigned>(4 + 3 * q), 1)) - days(1);
            contract.blocks.push_back(b);
          }
          break;
        default:
          contract.kind = ContractKind::time_and_materials;
          contract.name = "T&M " + std::to_string(c);
          contract.rates = {{WorkTypeId(1), eur(8500)}};
          break;
      }
      client.contracts.push_back(std::move(contract));
      if (c % 4 == 0) client.rates.push_back({ClientId(c + 1), WorkTypeId(3), eur(5000), Instant()});
      client.entries.reserve(kEntriesPerClient);
      for (int e = 0; e < kEntriesPerClient; ++e) {
        RatingEntry r;
        r.id = TimeEntryId(next_entry++);
        r.ticket = TicketId(static_cast<int64_t>(c) * kTicketsPerClient + static_cast<int64_t>(random() % kTicketsPerClient));
        r.work_type = WorkTypeId(static_cast<int64_t>(1 + random() % 3));
        r.work_date = day(2026, 1, 1) + days(static_cast<int>(random() % 365));
        r.actual_minutes = static_cast<int64_t>(random() % 180);
        r.after_hours = random() % 10 == 0;
        if (random() % 20 == 0) r.billing = Billing::non_billable;
        if (random() % 50 == 0) r.fixed_billable_minutes = r.actual_minutes / 2;
        client.entries.push_back(r);
      }
      d.entries += kEntriesPerClient;
      d.contracts += static_cast<int64_t>(client.contracts.size());
    }
    return d;
  }();
  return data;
}

ClientRatingInput input_of(const DataSet& d, const Client& c) {
  ClientRatingInput in;
  in.currency = Currency::eur();
  in.contracts = c.contracts;
  in.client_rates = c.rates;
  in.work_types = d.work_types;
  return in;
}

void BM_RateAndCover(benchmark::State& state) {
  const DataSet& d = data_set();
  for (auto _ : state) {
    int64_t charged = 0;
    int64_t covered = 0;
    for (const auto& client : d.clients) {
      ClientRating rating = rate_client_work(input_of(d, client), client.entries);
      for (const auto& t : rating.time) {
        charged += t.amount.minor_units();
        covered += t.basis == ChargeBasis::covered || t.basis == ChargeBasis::block_hours;
      }
    }
    benchmark::DoNotOptimize(charged);
    benchmark::DoNotOptimize(covered);
  }
  state.SetItemsProcessed(state.iterations() * d.entries);
  state.counters["entries"] = static_cast<double>(d.entries);
  state.counters["contracts"] = static_cast<double>(d.contracts);
}
BENCHMARK(BM_RateAndCover)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_RateCoverAndExplain(benchmark::State& state) {
  const DataSet& d = data_set();
  for (auto _ : state) {
    size_t text = 0;
    for (const auto& client : d.clients) {
      ClientRatingInput in = input_of(d, client);
      ClientRating rating = rate_client_work(in, client.entries);
      ExplainContext context{in};
      for (size_t i = 0; i < rating.time.size(); ++i) text += explain(context, rating.time[i], client.entries[i]).size();
    }
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations() * d.entries);
}
BENCHMARK(BM_RateCoverAndExplain)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace tend

BENCHMARK_MAIN();
