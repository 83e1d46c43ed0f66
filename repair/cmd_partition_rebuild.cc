// `repair partition rebuild DIR`: rebuild db/ from the newest good snapshot and
// the WAL (or the WAL alone from offset 1); the old db/ goes to quarantine.
// Dry run unless --apply; dropping offsets the DB had applied needs --accept-loss.
#include "repair/partition_repair_command.h"

namespace kv::repair {
namespace {

class PartitionRebuildCommand : public PartitionRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"partition", "rebuild"}; }
  std::string Help() const override {
    return "Rebuild the DB from the newest good snapshot and the WAL; the old db/ goes to quarantine "
           "(dry run unless --apply)";
  }

 protected:
  void AddOwnFlags(CLI::App* app) override {
    app->add_flag("--accept-loss", accept_loss_,
                  "apply even when the DB had applied offsets the WAL no longer holds (they stay in the "
                  "quarantined DB)");
  }
  std::string OwnArgs() const override { return accept_loss_ ? "--accept-loss" : ""; }
  Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) override {
    PartitionRepairOptions o = options;
    o.accept_loss = accept_loss_;
    return RebuildPartition(dir, o);
  }

 private:
  bool accept_loss_ = false;
};

}  // namespace

KV_REGISTER_COMMAND(PartitionRebuildCommand)

}  // namespace kv::repair
