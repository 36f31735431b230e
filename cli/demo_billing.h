// The billing part of `tend demo seed` (cli/demo.cpp): six months of
// history, made through the API the way a provider would have made it —
// a billing run per month, the drafts issued on the first day of the next
// month, sent, and paid (most in full, one partly, some not at all, so the
// AR ageing has current and overdue money), plus one credit note.
#pragma once

#include "cli/api_client.h"
#include "core/time.h"

namespace tend::cli {

// What was made, for the summary line.
struct DemoBillingSummary {
  int invoices = 0;      // issued invoices
  int credit_notes = 0;  // issued credit notes
  int payments = 0;
  int open_invoices = 0;  // not (fully) paid
};

// Sets the tax of recurring fees to the category with code "NL21" (made by
// the work demo), then bills the six calendar months before the month of
// `now` (provider zone Europe/Amsterdam) as described above. Payments and
// issue dates are never after today. Expects the work demo to have been
// imported (cli/demo_work.h). Returns an exit code; problems are printed by
// check_reply.
int seed_billing(ApiClient& api, Instant now, DemoBillingSummary& summary);

}  // namespace tend::cli
