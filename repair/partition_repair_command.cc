#include "repair/partition_repair_command.h"

namespace kv::repair {

void PartitionRepairCommand::AddFlags(CLI::App* app) {
  app->add_option("DIR", dir_, "the replica folder, DATA_DIR/partitions/<tid>_<pid>")->required();
  app->add_flag("--apply", options_.apply, "act (default: only print the plan)");
  app->add_option("--quarantine", options_.quarantine_root,
                  "quarantine root, on the same filesystem as DIR (default: DATA_DIR/quarantine, or DIR/quarantine "
                  "when DIR is not under a partitions/ folder)");
  AddOwnFlags(app);
}

int PartitionRepairCommand::Run(const cli::CommonFlags& common) {
  options_.command = PartitionRepairCommandLine(Path().back(), dir_, options_, OwnArgs());
  auto result = Repair(dir_, options_);
  if (!result.ok()) return cli::ReportError(result.status());
  return PrintPartitionRepair(*result, options_, common.json);
}

}  // namespace kv::repair
