// The base of the `ops` commands that talk to one tablet directly, as
// OpenMLDB's tablet client does (loadtable, gettablestatus), not through the
// nameserver: the tablet's endpoint is the first positional, --timeout-ms
// bounds the one call, and failures get the exit codes of ops/exit_status.h
// (a bad endpoint is usage, exit 2; no answer or a refusal is exit 1).
#pragma once

#include <grpcpp/client_context.h>

#include <string>

#include "cli/command.h"
#include "cluster/client/channels.h"
#include "cluster/proto/kv.grpc.pb.h"

namespace kv::ops {

class TabletCommand : public cli::Command {
 public:
  explicit TabletCommand(int default_timeout_ms) : timeout_ms_(default_timeout_ms) {}
  void AddFlags(CLI::App* app) final;
  int Run(const cli::CommonFlags& common) final;

 protected:
  virtual void AddCommandFlags(CLI::App* app) = 0;
  // A usage problem CLI11 cannot see (say, one of two optional positionals);
  // InvalidArgument is exit 2.
  virtual Status CheckUsage() const { return Status::OK(); }
  virtual int RunWith(v1::Tablet::Stub& tablet, const cli::CommonFlags& common) = 0;

  const std::string& endpoint() const { return endpoint_; }
  // For the command's call: the --timeout-ms deadline from now.
  void SetDeadline(grpc::ClientContext* ctx) const;
  // No answer (IOError) or the tablet's error, as a Status saying what was asked of which tablet.
  Status Check(const grpc::Status& rpc, const v1::Error& error, const std::string& what) const;

 private:
  std::string endpoint_;
  int timeout_ms_;
  client::Channels channels_;
};

}  // namespace kv::ops
