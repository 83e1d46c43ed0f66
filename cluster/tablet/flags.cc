#include "cluster/tablet/flags.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace kv::tablet {
namespace {

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "tablet: %s (see `tablet --help`)\n", message.c_str());
  return 2;
}

}  // namespace

bool IsEndpoint(const std::string& text, int min_port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() - colon > 6) return false;
  int port = 0;
  for (size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    port = port * 10 + (text[i] - '0');
  }
  return port >= min_port && port <= 65535;
}

int ParseTabletFlags(int argc, char** argv, TabletFlags* flags) {
  CLI::App app("Tablet server of the replicated store: hosts partition replicas in a data dir, serves reads and "
               "writes, replicates leader -> followers. Logs to DATA_DIR/tablet.log and stderr; SIGTERM or SIGINT "
               "stops it cleanly.",
               "tablet");
  std::string nameservers = flags->nameservers.front();
  app.add_option("--endpoint", flags->endpoint, "host:port to serve on (port 0: any free port)")->capture_default_str();
  app.add_option("--data-dir", flags->data_dir, "the tablet's data dir (made if missing; locked while running)")
      ->required();
  app.add_option("--ns", nameservers, "nameserver endpoints, comma-separated (a standby points to the active one)")
      ->capture_default_str();
  app.add_option("--log-level", flags->log_level, "trace|debug|info|warn|error|critical|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  app.add_option("--block-cache-mb", flags->block_cache_mb, "RocksDB block cache shared by every replica, in MiB")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  app.add_option("--snapshot-every-records", flags->snapshot_every_records,
                 "a replica takes a snapshot once this many records were applied since its newest one")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--wal-keep-extra-segments", flags->wal_keep_extra_segments,
                 "WAL segments kept beyond what the newest snapshot and the followers need")
      ->check(CLI::Range(0u, 1u << 20))
      ->capture_default_str();
  app.add_option("--snapshots-to-keep", flags->snapshots_to_keep, "snapshots kept per replica, the newest ones")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  app.add_option("--retention-interval-ms", flags->retention_interval_ms,
                 "how often each replica is looked at for a snapshot and obsolete WAL segments")
      ->check(CLI::Range(10u, 24u * 3600 * 1000))
      ->capture_default_str();
  app.add_option("--follower-grace-s", flags->follower_grace_s,
                 "a follower silent this long no longer holds the leader's WAL back (it gets a snapshot when back)")
      ->check(CLI::Range(1u, 30u * 24 * 3600))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return UsageError(e.what());
  }
  if (!IsEndpoint(flags->endpoint, 0)) {
    return UsageError("--endpoint " + flags->endpoint + " is not host:port");
  }
  if (flags->data_dir.empty()) return UsageError("--data-dir is empty");
  flags->nameservers = SplitCommas(nameservers);
  for (const std::string& ns : flags->nameservers) {
    if (!IsEndpoint(ns, 1)) return UsageError("--ns: \"" + ns + "\" is not host:port");
  }
  return -1;
}

}  // namespace kv::tablet
