// The nameserver daemon: flags, logging and signals around NameServerProcess.
// Bad flags: one line on stderr, exit 2. SIGTERM / SIGINT: clean stop, exit 0.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command.h"
#include "cli/endpoints.h"
#include "cli/parse_flags.h"
#include "cluster/client/mutex_checks.h"
#include "cluster/nameserver/nameserver_process.h"
#include "common/file.h"

namespace {

using kv::cli::kExitFailed;
using kv::cli::kExitUsage;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "nameserver: %s\n", message.c_str());
  return code;
}

// DATA_DIR/nameserver.log and stderr.
kv::Status SetUpLogging(const std::string& data_dir, const std::string& level) {
  KV_RETURN_IF_ERROR(kv::CreateDirs(data_dir));
  try {
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(data_dir + "/nameserver.log");
    auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("nameserver", spdlog::sinks_init_list{file, err});
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  } catch (const spdlog::spdlog_ex& e) {
    return kv::Status::IOError("cannot open the log in " + data_dir + ": " + e.what());
  }
  return kv::Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  kv::client::DisableMutexDeadlockDetection();
  kv::ns::NameServerOptions options;
  int64_t offline_ms = options.timing.tablet_offline_timeout.count();
  int64_t lease_ms = options.timing.lease.count();
  int64_t heartbeat_ms = options.timing.heartbeat_interval.count();
  int64_t tablet_rpc_ms = options.timing.tablet_rpc_timeout.count();
  int64_t catch_up_ms = options.timing.catch_up_timeout.count();
  int64_t zk_session_ms = options.zk_session_timeout.count();
  std::string log_level = "info";

  CLI::App app("Keeps the cluster's metadata, watches the tablets, places tables (docs/cluster.md).", "nameserver");
  app.add_option("--endpoint", options.endpoint, "host:port to listen on (port 0: any free port)")
      ->check(kv::cli::EndpointValidator("nameserver", kv::cli::PortZero::kAllowed))
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "the log, and the embedded metadata store when no ZooKeeper")
      ->required();
  app.add_option("--zk-cluster", options.zk_cluster, "ZooKeeper host:port[,host:port...]: metadata and election there");
  app.add_option("--zk-root-path", options.zk_root_path, "ZooKeeper znode under which everything lives")
      ->capture_default_str();
  app.add_option("--zk-session-timeout-ms", zk_session_ms, "a standby takes over this long after the active one dies")
      ->capture_default_str();
  app.add_option("--tablet-offline-timeout-ms", offline_ms, "no heartbeat this long: the tablet is kTabletOffline")
      ->capture_default_str();
  app.add_option("--lease-ms", lease_ms, "leader lease granted per heartbeat (< the offline timeout)")
      ->capture_default_str();
  app.add_option("--heartbeat-interval-ms", heartbeat_ms, "how often tablets are told to heartbeat")
      ->capture_default_str();
  app.add_option("--tablet-rpc-timeout-ms", tablet_rpc_ms, "deadline of each call to a tablet")->capture_default_str();
  app.add_option("--catch-up-timeout-ms", catch_up_ms,
                 "an op waits this long per attempt for a new or returning replica to catch up with its leader")
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  if (std::optional<int> exit_code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *exit_code;
  options.timing = {.tablet_offline_timeout = std::chrono::milliseconds(offline_ms),
                    .lease = std::chrono::milliseconds(lease_ms),
                    .heartbeat_interval = std::chrono::milliseconds(heartbeat_ms),
                    .tablet_rpc_timeout = std::chrono::milliseconds(tablet_rpc_ms),
                    .catch_up_timeout = std::chrono::milliseconds(catch_up_ms)};
  options.zk_session_timeout = std::chrono::milliseconds(zk_session_ms);
  if (kv::Status timing = kv::ns::ValidateTiming(options.timing); !timing.ok()) {
    return Fail(kExitUsage, timing.message());
  }
  if (kv::Status logging = SetUpLogging(options.data_dir, log_level); !logging.ok()) {
    return Fail(kExitFailed, logging.message());
  }

  // Blocked before any thread starts, so every thread inherits the mask and
  // the signals wait for sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto process = kv::ns::NameServerProcess::Start(options);
  if (!process.ok()) {
    spdlog::error("cannot start: {}", process.status().message());
    return process.status().IsInvalidArgument() ? kExitUsage : kExitFailed;
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("signal {}: stopping", signal);
  (*process)->Stop();
  return 0;
}
