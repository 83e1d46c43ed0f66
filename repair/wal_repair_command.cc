#include "repair/wal_repair_command.h"

#include <cstdio>

namespace kv::repair {

void WalRepairCommand::AddFlags(CLI::App* app) {
  app->add_option("DIR", dir_, "the WAL folder")->required();
  app->add_flag("--apply", options_.apply, ApplyHelp());
  app->add_option("--quarantine", options_.quarantine_root, QuarantineHelp());
}

int WalRepairCommand::Run(const cli::CommonFlags& common) {
  options_.command = WalRepairCommandLine(Path().back(), dir_, options_);
  Result<Outcome> outcome = RepairAndPrint(common.json);
  if (!outcome.ok()) return cli::ReportError(outcome.status());
  if (!outcome->refusal.empty()) {
    std::fprintf(stderr, "repair: refused: %s\n", outcome->refusal.c_str());
    return cli::kExitFailed;
  }
  if (outcome->would_change && !options_.apply) {
    std::fprintf(stderr, "repair: dry run, nothing changed; rerun with --apply%s\n", DryRunAction().c_str());
  }
  return cli::kExitOk;
}

}  // namespace kv::repair
