// Registers `tend init|serve|migrate|backup|restore|token|sla`.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the administration commands; each stores its exit code in `exit_code`.
void add_admin_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
