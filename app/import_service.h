// `tend import FILE.json`: loads clients (with sites, contacts, rates and
// billing settings), users, tax categories, work types, technicians' cost
// rates, the catalogue, contracts, tickets, fixed-price services, time
// entries and part usage in ONE write transaction: all or nothing. The format is
// documented in docs/import-format.md (example: docs/import-example.json).
//
// References between records use natural keys: clients by `reference`,
// users by e-mail, work types and tax categories by `code`, catalogue items
// by `sku`, SLA policies and ticket statuses by name, tickets and services
// by the `key` given in the file (or an existing ticket by "ticket_id").
// A reference resolves to a record of the same file first, then to one
// already in the database.
//
// Errors name the record and the field ("time_entries[3].work_type: no
// work type 'remot' in the file or the database"); every problem of the
// file is reported at once (up to 200), and nothing is stored.
#pragma once

#include <nlohmann/json.hpp>

#include "app/context.h"
#include "app/ticket_service.h"
#include "core/users.h"

namespace tend {

// How many records of each kind an import stored (or would store).
struct ImportSummary {
  bool dry_run = false;
  int64_t tax_categories = 0;
  int64_t work_types = 0;
  int64_t clients = 0;
  int64_t sites = 0;
  int64_t contacts = 0;
  int64_t client_rates = 0;
  int64_t users = 0;
  int64_t technician_rates = 0;
  int64_t catalogue_items = 0;
  int64_t contracts = 0;
  int64_t tickets = 0;
  int64_t service_usages = 0;
  int64_t time_entries = 0;
  int64_t part_usages = 0;
};

nlohmann::json to_json(const ImportSummary& summary);

// Thread-safe (stateless besides the context).
class ImportService {
 public:
  ImportService(AppContext context, TicketService& tickets) : context_(context), tickets_(tickets) {}

  // Imports `document` as `caller` (an administrator). With `dry_run` every
  // record is checked and stored inside the transaction, which is then
  // rolled back. invalid_input with field errors for a bad file.
  Result<ImportSummary> run(const Principal& caller, const nlohmann::json& document, bool dry_run);

 private:
  AppContext context_;
  TicketService& tickets_;
};

}  // namespace tend
