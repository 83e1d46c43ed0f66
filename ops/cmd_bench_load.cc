// `ops bench load`: YCSB's load phase (ops/bench_command.h, docs/ops.md "bench").
#include "ops/bench_command.h"

namespace kv::ops {
namespace {

class BenchLoadCommand : public BenchCommand {
 public:
  BenchLoadCommand() : BenchCommand(bench::Phase::kLoad) {}
  std::vector<std::string> Path() const override { return {"bench", "load"}; }
  std::string Help() const override { return "Insert the workload's recordcount records into TABLE (YCSB's load phase)"; }
};

}  // namespace
}  // namespace kv::ops

using kv::ops::BenchLoadCommand;
KV_REGISTER_COMMAND(BenchLoadCommand);
