// Registers `tend client|site|contact|user|ticket <action>`.
#pragma once

#include <CLI/CLI.hpp>

namespace tend::cli {

// Adds the object commands to `app`; a command's exit code is stored in
// `exit_code` (which must outlive parsing).
void add_object_commands(CLI::App& app, int& exit_code);

}  // namespace tend::cli
