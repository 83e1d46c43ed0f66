// `ops bench run`: YCSB's run phase (ops/bench_command.h, docs/ops.md "bench").
#include "ops/bench_command.h"

namespace kv::ops {
namespace {

class BenchRunCommand : public BenchCommand {
 public:
  BenchRunCommand() : BenchCommand(bench::Phase::kRun) {}
  std::vector<std::string> Path() const override { return {"bench", "run"}; }
  std::string Help() const override { return "Run the workload's operationcount operations of its mix against TABLE (YCSB's run phase)"; }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::BenchRunCommand;
KV_REGISTER_COMMAND(BenchRunCommand);
