// The base of every `ops` command that talks to a running cluster: it adds
// --ns and --timeout-ms, connects the client, and reports failures with the
// exit codes of ops/exit_status.h. A missing table's error points at
// `ops showtable`.
#pragma once

#include <string>

#include "cli/command.h"
#include "cluster/client/kv_client.h"

namespace kv::ops {

class ClusterCommand : public cli::Command {
 public:
  void AddFlags(CLI::App* app) final;
  int Run(const cli::CommonFlags& common) final;

 protected:
  virtual void AddCommandFlags(CLI::App* app) = 0;
  virtual int RunWith(client::Client& client, const cli::CommonFlags& common) = 0;
  // Prints the failure (with a hint for a missing table) and returns its exit code.
  static int Fail(const Status& s);

 private:
  std::string ns_;
  int timeout_ms_ = 5000;
};

}  // namespace kv::ops
