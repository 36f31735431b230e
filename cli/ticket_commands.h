// The service desk commands beyond add/list/show/update (which live in
// cli/object_commands.cpp): `tend ticket note|notes|timeline|statuses` and
// `tend report sla`. Like every object command they send REST requests,
// in-process on a data directory or over HTTP to a server.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the commands to `app`; must run after add_object_commands (it extends
// the `ticket` command). A command's exit code goes to `exit_code`.
void add_ticket_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
