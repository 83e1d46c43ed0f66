// `ops showopstatus [--table T] [--pid P]`: the ops the nameserver holds,
// finished ones included (OpenMLDB's columns), sorted by id. --json gives one
// object per op with its tasks and params.
#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "ops/cluster_command.h"
#include "ops/display.h"

namespace kv::ops {
namespace {

nlohmann::json OpJson(const v1::OpInfo& op) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const v1::OpTaskInfo& t : op.tasks()) {
    tasks.push_back(
        {{"type", t.type()}, {"status", t.status()}, {"attempts", t.attempts()}, {"last_error", t.last_error()}});
  }
  nlohmann::json params = nlohmann::json::parse(op.params_json(), nullptr, /*allow_exceptions=*/false);
  return {{"op_id", op.id()},
          {"op_type", op.type()},
          {"name", op.table()},
          {"tid", op.tid()},
          {"pid", op.whole_table() ? nlohmann::json(nullptr) : nlohmann::json(op.pid())},
          {"status", op.status()},
          {"cur_task", op.current_task()},
          {"created_ms", op.created_ms()},
          {"start_ms", op.start_ms()},
          {"end_ms", op.end_ms()},
          {"error", op.error()},
          {"params", params.is_discarded() ? nlohmann::json(op.params_json()) : params},
          {"tasks", tasks}};
}

// How long it ran (or has been running).
std::string ExecuteTime(const v1::OpInfo& op) {
  if (op.start_ms() <= 0) return "-";
  const int64_t until =
      op.end_ms() > 0
          ? op.end_ms()
          : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  return HumanAge(static_cast<uint64_t>(std::max<int64_t>(0, until - op.start_ms())));
}

class ShowOpStatusCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"showopstatus"}; }
  std::string Help() const override {
    return "Show the administrative ops (failover, recovery, ...): status, current task, times, error";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--table", table_, "only this table's ops")->type_name("NAME");
    app->add_option("--pid", pid_, "only this partition's ops (needs --table)")->type_name("PID");
  }

  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    if (pid_ && table_.empty()) return Fail(Status::InvalidArgument("--pid needs --table"));
    auto ops = client.ShowOpStatus(table_, pid_);
    if (!ops.ok()) return Fail(ops.status());
    cli::Table table(
        {"op_id", "op_type", "name", "pid", "status", "start_time", "execute_time", "end_time", "cur_task", "error"});
    for (const v1::OpInfo& op : *ops) {
      if (common.json) {
        cli::PrintJsonLine(OpJson(op));
        continue;
      }
      table.AddRow({std::to_string(op.id()), op.type(), op.table(), op.whole_table() ? "*" : std::to_string(op.pid()),
                    op.status(), WallClockTime(op.start_ms()), ExecuteTime(op), WallClockTime(op.end_ms()),
                    op.current_task(), op.error()});
    }
    if (!common.json) table.Print();
    return cli::kExitOk;
  }

 private:
  std::string table_;
  std::optional<uint32_t> pid_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ShowOpStatusCommand;
KV_REGISTER_COMMAND(ShowOpStatusCommand);
