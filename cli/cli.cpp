#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <curl/curl.h>

#include "cli/admin_commands.h"
#include "cli/billing_commands.h"
#include "cli/demo.h"
#include "cli/exit_codes.h"
#include "cli/object_commands.h"
#include "cli/rmm_commands.h"
#include "cli/ticket_commands.h"
#include "cli/work_commands.h"

namespace tend::cli {

int run(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"Tend: PSA and RMM for IT service providers", "tend"};
  app.set_version_flag("--version", TEND_VERSION);
  app.require_subcommand(1);
  int exit_code = kOk;
  add_admin_commands(app, exit_code);
  add_object_commands(app, exit_code);
  add_ticket_commands(app, exit_code);
  add_work_commands(app, exit_code);  // after tickets: adds `tend ticket charges`
  add_billing_commands(app, exit_code);  // after tickets: extends `tend report`
  add_demo_commands(app, exit_code);
  add_rmm_commands(app, exit_code);  // after demo: adds `tend demo devices`
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    curl_global_cleanup();
    return code == 0 ? kOk : kInvalid;
  }
  curl_global_cleanup();
  return exit_code;
}

}  // namespace tend::cli
