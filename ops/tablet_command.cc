#include "ops/tablet_command.h"

#include <chrono>

#include "cli/endpoints.h"
#include "cluster/client/errors.h"
#include "ops/exit_status.h"

namespace kv::ops {

void TabletCommand::AddFlags(CLI::App* app) {
  app->add_option("endpoint", endpoint_, "the tablet to ask (HOST:PORT)")
      ->required()
      ->check(cli::EndpointValidator("tablet"));
  app->add_option("--timeout-ms", timeout_ms_, "give up after this long")->type_name("MS")->capture_default_str();
  AddCommandFlags(app);
}

int TabletCommand::Run(const cli::CommonFlags& common) {
  if (timeout_ms_ <= 0) return Fail(Status::InvalidArgument("--timeout-ms must be positive"));
  if (Status usage = CheckUsage(); !usage.ok()) return Fail(usage);
  return RunWith(channels_.Tablet(endpoint_), common);
}

void TabletCommand::SetDeadline(grpc::ClientContext* ctx) const {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
}

Status TabletCommand::Check(const grpc::Status& rpc, const v1::Error& error, const std::string& what) const {
  const std::string context = what + " on tablet " + endpoint_;
  if (rpc.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return Status::FailedPrecondition(context + ": the tablet does not know this call (an older version?)");
  }
  KV_RETURN_IF_ERROR(client::FromGrpc(rpc, context));
  return client::FromError(error, context);
}

}  // namespace kv::ops
