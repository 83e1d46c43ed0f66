// `inspect`: read-only forensics over WAL segments, SST files, partitions and
// tablets' data dirs. Never changes a byte (invariant 8). Each subcommand lives
// in its own cmd_*.cc and registers itself.
#include "cli/command.h"

int main(int argc, char** argv) {
  return kv::cli::RunTool("inspect", "Read-only forensics over the store's files (never writes)",
                          kv::cli::TakeRegisteredCommands(), argc, argv);
}
