// `ops`: the operator's CLI for a running cluster (data and admin commands
// against the nameserver given by --ns or $KV_NS) and for the local
// playground. Each subcommand lives in its own cmd_*.cc and registers itself.
#include "cli/command.h"

int main(int argc, char** argv) {
  return kv::cli::RunTool("ops", "Operate the replicated store: data, administration, local playground",
                          kv::cli::TakeRegisteredCommands(), argc, argv);
}
