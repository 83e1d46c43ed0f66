// `repair`: offline repair that never loses what it touches. Dry run unless
// --apply; what it removes or rewrites goes to quarantine; refuses while a
// server holds the data's lock (invariant 8). One subcommand per cmd_*.cc.
#include "cli/command.h"

int main(int argc, char** argv) {
  return kv::cli::RunTool("repair", "Offline repair of the store's files (dry run unless --apply)",
                          kv::cli::TakeRegisteredCommands(), argc, argv);
}
