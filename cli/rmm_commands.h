// `tend enrollment create|list|revoke`, `tend device list|show|revoke` and
// `tend demo devices` (simulated devices for the demo).
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the RMM commands; `tend demo devices` joins the existing `demo`
// command, so call this after add_demo_commands.
void add_rmm_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
