// Commands of billing:
//   tend billing run --period 2026-11 [--client ID] [--dry-run] [--json]
//   tend billing export --format xero|xero_credit_notes|quickbooks --period 2026-11 [--out FILE]
//   tend invoice list|show|issue|send|credit|delete|pdf|add-line|remove-line
//   tend provider bank [--iban X] [--bic Y] [--account-holder Z] (the bank
//     details printed on invoices; changing them needs an admin)
//   tend provider logo --set FILE | --out FILE | --remove (the PNG printed
//     on invoices; setting and removing need an admin)
//   tend payment add|list
//   tend report ar|statement (extends `tend report`)
// Like every object command they send REST requests, in-process on a data
// directory (as the local administrator) or over HTTP to a server.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the commands to `app`. A command's exit code goes to `exit_code`.
void add_billing_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
