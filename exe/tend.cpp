// The tend binary: server, CLI and admin commands (see cli/).
#include "cli/cli.h"

int main(int argc, char** argv) { return tend::cli::run(argc, argv); }
