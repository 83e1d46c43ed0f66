#include "cluster/tablet/flags.h"

#include <CLI/CLI.hpp>

#include "cli/endpoints.h"
#include "cli/parse_flags.h"

namespace kv::tablet {

std::optional<int> ParseTabletFlags(int argc, char** argv, TabletFlags* flags) {
  CLI::App app("Tablet server of the replicated store: hosts partition replicas in a data dir, serves reads and "
               "writes, replicates leader -> followers. Logs to DATA_DIR/tablet.log and stderr; SIGTERM or SIGINT "
               "stops it cleanly.",
               "tablet");
  std::string nameservers = flags->nameservers.front();
  const CLI::Validator not_empty(
      [](std::string& value) { return value.empty() ? std::string("is empty") : std::string(); }, "");
  app.add_option("--endpoint", flags->endpoint, "host:port to serve on (port 0: any free port)")
      ->check(cli::EndpointValidator("tablet", cli::PortZero::kAllowed))
      ->capture_default_str();
  app.add_option("--data-dir", flags->data_dir, "the tablet's data dir (made if missing; locked while running)")
      ->required()
      ->check(not_empty);
  app.add_option("--ns", nameservers, "nameserver endpoints, comma-separated (a standby points to the active one)")
      ->check(cli::EndpointListValidator("nameserver"))
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
  if (std::optional<int> exit_code = cli::ParseFlagsOrExit(app, argc, argv)) return exit_code;
  flags->nameservers = cli::ParseEndpointList(nameservers, "nameserver").value();  // checked above
  return std::nullopt;
}

}  // namespace kv::tablet
