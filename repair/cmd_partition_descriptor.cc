// `repair partition descriptor DIR --table NAME`: write a new replica.json when
// it is missing or unreadable (the old file goes to quarantine). Dry run unless --apply.
#include "repair/partition_repair_command.h"

namespace kv::repair {
namespace {

class PartitionDescriptorCommand : public PartitionRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"partition", "descriptor"}; }
  std::string Help() const override {
    return "Write a new replica.json when it is missing or unreadable: a follower at the newest term the files "
           "show (dry run unless --apply)";
  }

 protected:
  void AddOwnFlags(CLI::App* app) override {
    app->add_option("--table", table_, "the table's name")->type_name("NAME")->required();
  }
  std::string OwnArgs() const override { return "--table " + table_; }
  Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) override {
    return RewriteDescriptor(dir, table_, options);
  }

 private:
  std::string table_;
};

}  // namespace

KV_REGISTER_COMMAND(PartitionDescriptorCommand)

}  // namespace kv::repair
