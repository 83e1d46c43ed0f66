// `repair partition truncate DIR --after OFFSET`: cut the replica's log and
// data back to OFFSET (what a divergent follower needs); the cut records,
// snapshots past the cut and a replaced DB go to quarantine. Dry run unless --apply.
#include <charconv>

#include "repair/partition_repair_command.h"

namespace kv::repair {
namespace {

class PartitionTruncateCommand : public PartitionRepairCommand {
 public:
  std::vector<std::string> Path() const override { return {"partition", "truncate"}; }
  std::string Help() const override {
    return "Cut the replica's log and data back to --after OFFSET, saving what is cut in quarantine "
           "(dry run unless --apply)";
  }

 protected:
  void AddOwnFlags(CLI::App* app) override {
    app->add_option("--after", after_, "the last offset kept")->type_name("OFFSET")->required();
  }
  std::string OwnArgs() const override { return "--after " + after_; }
  Result<PartitionRepairResult> Repair(const std::string& dir, const PartitionRepairOptions& options) override {
    // Decimal only: CLI11 would take "-1" as a huge number and "010" as octal.
    uint64_t after = 0;
    const char* end = after_.data() + after_.size();
    auto [p, ec] = std::from_chars(after_.data(), end, after);
    if (after_.empty() || ec != std::errc() || p != end) {
      return Status::InvalidArgument("--after '" + after_ + "' is not a non-negative whole number");
    }
    return TruncatePartition(dir, after, options);
  }

 private:
  std::string after_;
};

}  // namespace

KV_REGISTER_COMMAND(PartitionTruncateCommand)

}  // namespace kv::repair
