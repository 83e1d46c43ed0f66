// The command side of `repair wal`: the CLI base its two subcommands share
// (cmd_wal_salvage.cc, cmd_wal_truncate_tail.cc). DIR, --apply and
// --quarantine are parsed once; Run repairs (or only plans), lets the
// subcommand print, and maps how it went to the exit code: 1 refused,
// 0 otherwise, with a dry run's reminder on stderr.
#pragma once

#include <string>

#include "cli/command.h"
#include "repair/wal_repair.h"

namespace kv::repair {

class WalRepairCommand : public cli::Command {
 public:
  void AddFlags(CLI::App* app) final;
  int Run(const cli::CommonFlags& common) final;

 protected:
  // How the repair went, once printed.
  struct Outcome {
    std::string refusal;        // non-empty: refused, saying why
    bool would_change = false;  // the plan changes the folder (applied with --apply)
  };
  // Repairs (or plans) dir() with options(), prints the result as a table or
  // JSON lines; an error stops before anything was printed.
  virtual Result<Outcome> RepairAndPrint(bool json) = 0;
  virtual std::string ApplyHelp() const = 0;
  virtual std::string QuarantineHelp() const { return "quarantine root (default: DIR/quarantine)"; }
  // What the dry run's reminder asks for: "rerun with --apply" and this.
  virtual std::string DryRunAction() const { return ""; }

  const std::string& dir() const { return dir_; }
  const WalRepairOptions& options() const { return options_; }

 private:
  std::string dir_;
  WalRepairOptions options_;
};

}  // namespace kv::repair
