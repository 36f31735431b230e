// The `tend` command line: server, data-directory administration and the
// object commands. exe/tend.cpp calls run().
#pragma once

namespace tend::cli {

// Parses arguments, runs the command, returns the process exit code
// (cli/exit_codes.h). Messages for people go to stderr, results to stdout.
int run(int argc, char** argv);

}  // namespace tend::cli
