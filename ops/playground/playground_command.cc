#include "ops/playground/playground_command.h"

#include "cli/table.h"
#include "ops/exit_status.h"

namespace kv::ops {

void PlaygroundCommand::AddFlags(CLI::App* app) {
  app->add_option("--dir", dir_, "the playground's folder (holds playground.json)")->capture_default_str();
  AddCommandFlags(app);
}

void PlaygroundCommand::AddTimeoutFlag(CLI::App* app, int default_ms, const std::string& help) {
  timeout_ms_ = default_ms;
  app->add_option("--timeout-ms", timeout_ms_, help)->type_name("MS")->capture_default_str();
}

Result<std::chrono::milliseconds> PlaygroundCommand::timeout() const {
  if (timeout_ms_ <= 0) return Status::InvalidArgument("--timeout-ms must be positive");
  return std::chrono::milliseconds(timeout_ms_);
}

void PrintServers(const std::vector<ServerView>& servers, bool json) {
  cli::Table table({"name", "role", "endpoint", "pid", "state", "data_dir"});
  for (const ServerView& v : servers) {
    const ServerRecord& s = v.server;
    if (json) {
      cli::PrintJsonLine({{"name", s.name},
                          {"role", s.role},
                          {"endpoint", s.endpoint},
                          {"pid", s.process.pid},
                          {"state", ProcessStateName(v.state)},
                          {"data_dir", s.data_dir}});
    } else {
      table.AddRow({s.name, s.role, s.endpoint, std::to_string(s.process.pid), ProcessStateName(v.state),
                    s.data_dir});
    }
  }
  if (!json) table.Print();
}

void PlaygroundSignalCommand::AddCommandFlags(CLI::App* app) {
  app->add_option("server", server_, "tablet-N, nameserver, or an endpoint")->required();
}

int PlaygroundSignalCommand::Run(const cli::CommonFlags& common) {
  auto playground = Playground::Open(dir());
  if (!playground.ok()) return Fail(playground.status());
  auto server = playground->Find(server_);
  if (!server.ok()) return Fail(server.status());
  const Status signalled = playground->Signal(server_, sig_);
  if (!signalled.ok()) return Fail(signalled);
  if (common.json) {
    cli::PrintJsonLine({{"name", server->name}, {"endpoint", server->endpoint}, {"pid", server->process.pid},
                        {"action", name_}});
  } else {
    std::printf("%s %s (%s, pid %d)\n", done_.c_str(), server->name.c_str(), server->endpoint.c_str(),
                server->process.pid);
  }
  return cli::kExitOk;
}

}  // namespace kv::ops
