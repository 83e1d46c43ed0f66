#include "ops/cluster_command.h"

#include <algorithm>
#include <cstdlib>

#include "cli/endpoints.h"
#include "ops/endpoints.h"
#include "ops/exit_status.h"

namespace kv::ops {

void ClusterCommand::AddFlags(CLI::App* app) {
  app->add_option("--ns", ns_, std::string("nameserver endpoints HOST:PORT[,HOST:PORT] (default: $") + kNsEnv + ")")
      ->type_name("ENDPOINTS")
      ->check(cli::EndpointListValidator("nameserver"));
  app->add_option("--timeout-ms", timeout_ms_, "give up after this long, retries included")
      ->type_name("MS")
      ->capture_default_str();
  AddCommandFlags(app);
}

int ClusterCommand::Run(const cli::CommonFlags& common) {
  if (timeout_ms_ <= 0) return Fail(Status::InvalidArgument("--timeout-ms must be positive"));
  auto nameservers = ResolveNameservers(ns_, std::getenv(kNsEnv));
  if (!nameservers.ok()) return Fail(nameservers.status());
  client::ClientOptions options;
  options.nameservers = std::move(nameservers).value();
  options.retry.overall = std::chrono::milliseconds(timeout_ms_);
  options.retry.per_rpc = std::min(options.retry.per_rpc, options.retry.overall);
  auto connected = client::Client::Connect(std::move(options));
  if (!connected.ok()) return Fail(connected.status());
  return RunWith(**connected, common);
}

int ClusterCommand::Fail(const Status& s) {
  if (s.IsNotFound()) return ops::Fail(Status::NotFound(s.message() + " (see `ops showtable`)"));
  return ops::Fail(s);
}

}  // namespace kv::ops
