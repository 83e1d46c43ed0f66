// The `tablet` binary's flags (the shared conventions of the store):
//   tablet --endpoint 127.0.0.1:PORT --data-dir DIR --ns H:P[,H:P...]
//          [--log-level info] [--block-cache-mb 64]
//          [--snapshot-every-records 100000] [--wal-keep-extra-segments 2]
//          [--snapshots-to-keep 2] [--retention-interval-ms 10000] [--follower-grace-s 600]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kv::tablet {

struct TabletFlags {
  std::string endpoint = "127.0.0.1:9921";
  std::string data_dir;
  std::vector<std::string> nameservers{"127.0.0.1:6527"};
  std::string log_level = "info";
  uint32_t block_cache_mb = 64;
  // WAL retention and snapshots (cluster/tablet/README.md, "WAL retention").
  uint64_t snapshot_every_records = 100000;
  uint32_t wal_keep_extra_segments = 2;
  uint32_t snapshots_to_keep = 2;
  uint32_t retention_interval_ms = 10000;
  uint32_t follower_grace_s = 600;
};

// Parses and checks argv (cli::ParseFlagsOrExit). nullopt: go on; otherwise the
// exit code to end with: 0 after --help, 2 after one line on stderr naming the bad flag.
std::optional<int> ParseTabletFlags(int argc, char** argv, TabletFlags* flags);

}  // namespace kv::tablet
