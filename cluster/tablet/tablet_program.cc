// The tablet program: flags, signals, logs, the server until SIGTERM or SIGINT
// (cluster/tablet/README.md). `tablet`'s main is this; a test build of it
// (tests/tablet_power_cut_main.cc) adjusts the options first.
#include "cluster/tablet/tablet_program.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdio>
#include <cstring>
#include <exception>

#include "cluster/client/mutex_checks.h"
#include "cluster/tablet/flags.h"
#include "cluster/tablet/log.h"

namespace kv::tablet {
namespace {


// The tablet's and the storage library's loggers, to stderr until the data dir is locked.
void LogToStderr(const std::string& level) {
  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  for (const char* name : {"kv.tablet", "kv.storage"}) {
    auto logger = std::make_shared<spdlog::logger>(name, stderr_sink);
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
  }
}

// Only once the lock is held: another tablet on the same dir must not write into its log.
void AlsoLogTo(const std::string& path) {
  auto file_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  for (const char* name : {"kv.tablet", "kv.storage"}) spdlog::get(name)->sinks().push_back(file_sink);
  spdlog::flush_every(std::chrono::seconds(1));
}

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "tablet: %s\n", message.c_str());
  return code;
}

int RunTabletProgram(int argc, char** argv, const std::function<void(TabletServerOptions*)>& adjust) {
  TabletFlags flags;
  if (std::optional<int> exit_code = ParseTabletFlags(argc, argv, &flags)) return *exit_code;

  // A write past RLIMIT_FSIZE then fails with EFBIG, as a full disk fails
  // with ENOSPC: the replica's WAL writer stops and it is reopened later,
  // instead of the whole process being killed.
  ::signal(SIGXFSZ, SIG_IGN);

  // Every thread started from here on inherits the block; main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  LogToStderr(flags.log_level);
  auto data_dir = DataDir::Open(flags.data_dir);
  if (!data_dir.ok()) return Fail(data_dir.status().message(), data_dir.status().IsInvalidArgument() ? 2 : 1);
  AlsoLogTo(flags.data_dir + "/tablet.log");

  TabletServerOptions options;
  options.endpoint = flags.endpoint;
  options.nameservers = flags.nameservers;
  options.tablet.storage.block_cache_bytes = uint64_t{flags.block_cache_mb} << 20;
  RetentionOptions& retention = options.tablet.partition.retention;
  retention.snapshot_every_records = flags.snapshot_every_records;
  retention.wal_keep_extra_segments = flags.wal_keep_extra_segments;
  retention.snapshots_to_keep = flags.snapshots_to_keep;
  retention.interval = std::chrono::milliseconds(flags.retention_interval_ms);
  retention.follower_grace = std::chrono::seconds(flags.follower_grace_s);
  if (adjust) adjust(&options);
  auto server = TabletServer::Start(std::move(data_dir).value(), options);
  if (!server.ok()) {
    Log().error("cannot start: {}", server.status().message());
    return Fail("cannot start: " + server.status().message(), 1);
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  Log().info("{}: shutting down", strsignal(signal));
  (*server)->Shutdown();
  Log().info("stopped");
  spdlog::shutdown();
  return 0;
}


}  // namespace

int TabletMain(int argc, char** argv, const std::function<void(TabletServerOptions*)>& adjust) {
  kv::client::DisableMutexDeadlockDetection();
  try {
    return RunTabletProgram(argc, argv, adjust);
  } catch (const std::exception& e) {
    // Libraries return Status; an exception here (e.g. the log file cannot be opened) ends the process in one line.
    return Fail(std::string("internal error: ") + e.what(), 1);
  }
}

}  // namespace kv::tablet
