// Commands of time, parts, services, contracts and import:
//   tend time log|start|stop|status|list|approve
//   tend ticket charges|approve-work (extends `tend ticket`)
//   tend work-type list, tend catalogue list|add|receive
//   tend part use, tend service add
//   tend contract list|show|ledger|fee
//   tend import FILE.json [--dry-run]
// Like every object command they send REST requests, in-process on a data
// directory (as the local administrator) or over HTTP to a server.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the commands to `app`; must run after add_object_commands (it extends
// the `ticket` command). A command's exit code goes to `exit_code`.
void add_work_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
