// The command side of `repair partition`: the CLI base of its planning
// subcommands (one cmd_partition_*.cc each). The repairs themselves are
// repair/partition_repair.h's, free of any CLI code, so tests call them directly.
#pragma once

#include <string>

#include "cli/command.h"
#include "repair/partition_repair.h"

namespace kv::repair {

// The shape every planning `repair partition` subcommand shares: DIR, --apply
// and --quarantine parsed once; Run repairs, prints and maps the exit code.
class PartitionRepairCommand : public cli::Command {
 public:
  void AddFlags(CLI::App* app) final;
  int Run(const cli::CommonFlags& common) final;

 protected:
  virtual void AddOwnFlags(CLI::App* app) {}
  // The subcommand's own arguments, as given, for the quarantine manifest's command line.
  virtual std::string OwnArgs() const { return ""; }
  // InvalidArgument (exit 2) for a bad flag value.
  virtual Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) = 0;

 private:
  std::string dir_;
  PartitionRepairOptions options_;
};

}  // namespace kv::repair
