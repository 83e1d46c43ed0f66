// What a tablet keeps of each replica's log (docs/cluster.md, "WAL retention
// and snapshot transfer"): every so many applied records a snapshot, then the
// WAL below both the newest snapshot and what the followers still need is
// deleted (storage's PurgeObsoleteWal), and old snapshots are pruned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/tablet/replication_source.h"

namespace kv::tablet {

struct RetentionOptions {
  std::chrono::milliseconds interval{10000};  // how often each replica is looked at
  uint64_t snapshot_every_records = 100000;   // a new snapshot once this many were applied since the newest
  uint32_t wal_keep_extra_segments = 2;       // obsolete WAL segments kept anyway (margin)
  size_t snapshots_to_keep = 2;               // the newest ones; older ones are deleted
  // A follower that has not answered for this long no longer holds the
  // leader's WAL back: if it comes back it gets a snapshot.
  std::chrono::milliseconds follower_grace{10 * 60 * 1000};
};

// The oldest offset a leader's followers still need from its WAL: the lowest
// match offset + 1 among the followers that count: connected ones, and ones
// that answered (or, never heard from, whose leadership began: lead_since)
// within `grace`. A follower that needs a snapshot does not count: what it
// lacks is gone already, and the snapshot being sent to it holds the WAL
// after it (see Partition::Retain). UINT64_MAX when none counts.
uint64_t FollowersLowWaterMark(const std::vector<std::string>& followers,
                               const std::map<std::string, FollowerState>& progress,
                               std::chrono::steady_clock::time_point lead_since,
                               std::chrono::steady_clock::time_point now, std::chrono::milliseconds grace);

}  // namespace kv::tablet
