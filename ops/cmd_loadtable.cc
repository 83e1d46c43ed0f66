// `ops loadtable EP TABLE TID PID`: OpenMLDB's loadtable for the manual
// restore (docs/ops.md "Manual restore of a partition"). The tablet at EP opens
// its folder partitions/<TID>_<PID>, put back by the operator, without a
// restart (LoadReplica); it leads only once the nameserver says so.
#include "ops/exit_status.h"
#include "ops/display.h"
#include "ops/tablet_command.h"

namespace kv::ops {
namespace {

class LoadTableCommand : public TabletCommand {
 public:
  // Opening replays the WAL from the applied offset: a large replica takes a while.
  LoadTableCommand() : TabletCommand(/*default_timeout_ms=*/600000) {}
  std::vector<std::string> Path() const override { return {"loadtable"}; }
  std::string Help() const override {
    return "Open a replica folder put back on a tablet (manual restore), without restarting the tablet";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name (the folder's replica.json must name it)")->required();
    app->add_option("tid", tid_, "table id")->required();
    app->add_option("pid", pid_, "partition id")->required();
  }

  int RunWith(v1::Tablet::Stub& tablet, const cli::CommonFlags& common) override {
    v1::LoadReplicaRequest request;
    request.mutable_partition()->set_tid(tid_);
    request.mutable_partition()->set_pid(pid_);
    request.set_table_name(table_);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::LoadReplicaResponse response;
    const grpc::Status rpc = tablet.LoadReplica(&ctx, request, &response);
    const std::string what = "loadtable " + table_ + " " + std::to_string(tid_) + " " + std::to_string(pid_);
    const Status s = Check(rpc, response.error(), what);
    if (!s.ok()) return Fail(s);
    PrintTabletStatus({response.status()}, common.json);
    return cli::kExitOk;
  }

 private:
  std::string table_;
  uint32_t tid_ = 0, pid_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::LoadTableCommand;
KV_REGISTER_COMMAND(LoadTableCommand);
