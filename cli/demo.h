// `tend demo seed`: fills a fresh data directory with a demo provider (a
// Dutch IT service company), its clients, sites, contacts and users.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

void add_demo_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
