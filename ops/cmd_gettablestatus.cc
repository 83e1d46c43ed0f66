// `ops gettablestatus EP [TID PID]`: OpenMLDB's gettablestatus, one tablet's
// own view of its replicas (GetStatus): role, term, last (term, offset),
// applied offset, record count, state (kTableNormal / kTableLoading), lease.
#include "ops/exit_status.h"
#include "ops/display.h"
#include "ops/tablet_command.h"

namespace kv::ops {
namespace {

class GetTableStatusCommand : public TabletCommand {
 public:
  GetTableStatusCommand() : TabletCommand(/*default_timeout_ms=*/5000) {}
  std::vector<std::string> Path() const override { return {"gettablestatus"}; }
  std::string Help() const override {
    return "Show a tablet's replicas as the tablet sees them (all, or the one of TID PID)";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("tid", tid_, "table id (with PID)");
    app->add_option("pid", pid_, "partition id");
  }

  Status CheckUsage() const override {
    if (tid_.has_value() != pid_.has_value()) return Status::InvalidArgument("give both TID and PID, or neither");
    return Status::OK();
  }

  int RunWith(v1::Tablet::Stub& tablet, const cli::CommonFlags& common) override {
    v1::GetStatusRequest request;
    std::string what = "gettablestatus";
    if (tid_) {
      request.add_partitions()->set_tid(*tid_);
      request.mutable_partitions(0)->set_pid(*pid_);
      what += " " + std::to_string(*tid_) + " " + std::to_string(*pid_);
    }
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::GetStatusResponse response;
    const grpc::Status rpc = tablet.GetStatus(&ctx, request, &response);  // before response.error() is read
    const Status s = Check(rpc, response.error(), what);
    if (!s.ok()) return Fail(s);
    PrintTabletStatus({response.replicas().begin(), response.replicas().end()}, common.json);
    return cli::kExitOk;
  }

 private:
  std::optional<uint32_t> tid_, pid_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::GetTableStatusCommand;
KV_REGISTER_COMMAND(GetTableStatusCommand);
