// `repair partition drop-snapshot DIR (--snapshot NAME | --damaged)`: move a
// snapshot folder, or every one that fails verification, into quarantine.
// Dry run unless --apply; dropping the only good snapshot the WAL continues
// from (when the WAL starts after offset 1) needs --accept-loss.
#include "repair/partition_repair_command.h"

namespace kv::repair {
namespace {

class PartitionDropSnapshotCommand : public PartitionRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"partition", "drop-snapshot"}; }
  std::string Help() const override {
    return "Move a snapshot (--snapshot NAME) or every damaged one (--damaged) into quarantine "
           "(dry run unless --apply)";
  }

 protected:
  void AddOwnFlags(CLI::App* app) override {
    app->add_option("--snapshot", which_.name, "the snapshot's folder name under snapshots/, or its offset")
        ->type_name("NAME");
    app->add_flag("--damaged", which_.damaged, "every snapshot that does not hold what its manifest says");
    app->add_flag("--accept-loss", accept_loss_,
                  "apply even when the snapshot is the only good one the WAL continues from (the offsets before "
                  "the WAL then exist only in db/)");
  }
  std::string OwnArgs() const override {
    std::string args = which_.damaged ? "--damaged" : "--snapshot " + which_.name;
    return accept_loss_ ? args + " --accept-loss" : args;
  }
  Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) override {
    PartitionRepairOptions o = options;
    o.accept_loss = accept_loss_;
    return DropSnapshots(dir, which_, o);
  }

 private:
  SnapshotSelection which_;
  bool accept_loss_ = false;
};

}  // namespace

KV_REGISTER_COMMAND(PartitionDropSnapshotCommand)

}  // namespace kv::repair
