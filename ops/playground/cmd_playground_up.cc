// `ops playground up --tablets N [--dir D] [--zk-cluster H:P --zk-root-path /p [--nameservers 2]]`:
// a local cluster of real processes on free loopback ports.
#include <cstdio>

#include "cli/table.h"
#include "ops/exit_status.h"
#include "ops/playground/playground_command.h"

namespace kv::ops {
namespace {

class PlaygroundUpCommand : public PlaygroundCommand {
 public:
  std::string Help() const override {
    return "Start a nameserver and N tablets in the background on free loopback ports; wait until all serve";
  }
  int Run(const cli::CommonFlags& common) override {
    auto wait = timeout();
    if (!wait.ok()) return Fail(wait.status());
    options_.dir = dir();
    options_.timeout = *wait;
    if (Status ok = Playground::CheckOptions(options_); !ok.ok()) return Fail(ok);
    std::fprintf(stderr, "starting %d nameserver(s) and %d tablets in %s ...\n", options_.nameservers, options_.tablets,
                 options_.dir.c_str());
    auto playground = Playground::Up(options_);
    if (!playground.ok()) return Fail(playground.status());
    PrintServers(playground->Display(), common.json);
    if (common.json) {
      cli::PrintJsonLine({{"dir", playground->state().dir}, {"ns", playground->NameserverList()}});
    } else {
      std::fprintf(stderr, "ready; to use it: export KV_NS=%s\n", playground->NameserverList().c_str());
    }
    return cli::kExitOk;
  }

 protected:
  std::string Name() const override { return "up"; }
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--tablets", options_.tablets, "how many tablets")->capture_default_str();
    app->add_option("--nameservers", options_.nameservers,
                    "1, or 2 with --zk-cluster: an active and a standby nameserver")
        ->capture_default_str();
    app->add_option("--bin-dir", options_.bin_dir,
                    "where the nameserver and tablet binaries are (default: beside ops, or its build tree)");
    app->add_option("--zk-cluster", options_.zk_cluster, "keep metadata in ZooKeeper at HOST:PORT[,...]");
    app->add_option("--zk-root-path", options_.zk_root_path, "the ZooKeeper path for this cluster's metadata");
    AddTimeoutFlag(app, 30000, "how long the servers may take to come up");
  }

 private:
  PlaygroundOptions options_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaygroundUpCommand;
KV_REGISTER_COMMAND(PlaygroundUpCommand);
