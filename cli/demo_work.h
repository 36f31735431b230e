// The work part of `tend demo seed` (cli/demo.cpp), made the way a provider
// moves in: one import document (docs/import-format.md) sent to
// POST /api/v1/import.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/api_client.h"
#include "core/time.h"

namespace tend::cli {

// What was imported, for the summary line.
struct DemoWorkSummary {
  int64_t work_types = 0;
  int64_t catalogue_items = 0;
  int64_t contracts = 0;
  int64_t tickets = 0;
  int64_t time_entries = 0;
  int64_t part_usages = 0;
};

// The demo's import document for an installation seeded by the client and
// service desk demos: Dutch VAT categories, work types, technicians' cost
// rates, a catalogue with parts and a flat-fee virus removal, break/fix
// clients with recent time and parts, a client with block hours (one block
// nearly used up), and managed clients with agreements (one with a price
// change, one cancelled). Dates are relative to `now`. `bakery_ticket` is
// the id of the bakery's "laptop slow" ticket (0: the import creates one).
nlohmann::json demo_work_document(Instant now, int64_t bakery_ticket);

// Sends the document through `api` (as an administrator). Returns an exit
// code; problems are printed by check_reply.
int seed_work(ApiClient& api, DemoWorkSummary& summary);

}  // namespace tend::cli
