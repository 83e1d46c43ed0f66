// The playground's state file, DIR/playground.json: what `ops playground up`
// started, so that later commands (display, kill, restart, down, clean) find
// the same processes by PID and start them again the same way.
//
// {"format_version": 1, "dir": ABS, "created": UTC, "zk_cluster": "", "zk_root_path": "",
//  "nameserver_binary": PATH, "tablet_binary": PATH, "tablet_flags": [...],
//  "servers": [{"name": "tablet-1", "role": "tablet", "endpoint": "127.0.0.1:PORT",
//               "data_dir": ABS, "args": [...], "pid": N, "start_time": TICKS}, ...]}
// Written atomically (temp file, fsync, rename): a crash leaves the old or the new one.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "ops/playground/process.h"

namespace kv::ops {

inline constexpr int kPlaygroundFormatVersion = 1;
inline constexpr const char* kPlaygroundStateFile = "playground.json";
inline constexpr const char* kRoleNameserver = "nameserver";
inline constexpr const char* kRoleTablet = "tablet";

struct ServerRecord {
  std::string name;  // "nameserver", "nameserver-2" (a standby), "tablet-1", "tablet-2", ...
  std::string role;  // kRoleNameserver or kRoleTablet
  std::string endpoint;
  std::string data_dir;
  std::vector<std::string> args;  // the command line after the binary
  ProcessId process;

  std::string stdout_path() const { return data_dir + "/stdout.log"; }
  std::string stderr_path() const { return data_dir + "/stderr.log"; }
};

struct PlaygroundState {
  std::string dir;  // absolute
  std::string created;
  std::string zk_cluster;
  std::string zk_root_path;
  std::string nameserver_binary;
  std::string tablet_binary;
  std::vector<std::string> tablet_flags;  // extra flags of every tablet, scale-out's included
  std::vector<ServerRecord> servers;

  const std::string& BinaryOf(const ServerRecord& server) const {
    return server.role == kRoleNameserver ? nameserver_binary : tablet_binary;
  }
  std::vector<std::string> EndpointsOf(const std::string& role) const;
};

std::string PlaygroundStatePath(const std::string& dir);
Status SaveState(const PlaygroundState& state);
// InvalidArgument when dir holds no state file or a damaged one, or one
// written by a newer format.
Result<PlaygroundState> LoadState(const std::string& dir);

}  // namespace kv::ops
