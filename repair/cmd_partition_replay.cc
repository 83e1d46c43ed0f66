// `repair partition replay DIR`: apply the WAL into the DB from its applied
// offset, as opening the replica does. Dry run unless --apply.
#include "repair/partition_repair_command.h"

namespace kv::repair {
namespace {

class PartitionReplayCommand : public PartitionRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"partition", "replay"}; }
  std::string Help() const override {
    return "Apply the WAL into the DB from its applied offset, cutting a torn tail into quarantine "
           "(dry run unless --apply)";
  }

 protected:
  Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) override {
    return ReplayPartition(dir, options);
  }
};

}  // namespace

KV_REGISTER_COMMAND(PartitionReplayCommand)

}  // namespace kv::repair
