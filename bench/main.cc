// `wal-bench`: measures the WAL library (append at each durability level, group
// commit, scan and verify against cat) and makes test logs for the other tools.
// One subcommand per cmd_*.cc; with no arguments it runs `all`.
#include "cli/command.h"

int main(int argc, char** argv) {
  char all[] = "all";
  char* default_argv[] = {argv[0], all, nullptr};
  if (argc == 1) {
    argc = 2;
    argv = default_argv;
  }
  return kv::cli::RunTool("wal-bench", "Benchmarks of the WAL library, and a maker of test logs",
                          kv::cli::TakeRegisteredCommands(), argc, argv);
}
