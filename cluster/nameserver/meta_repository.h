// The nameserver's documents in the MetaStore: tables, tablets, config and the
// tid counter (keys and JSON in README.md beside this file).
//
// Writes are compare-and-set on the version this nameserver read or wrote
// last, so a nameserver that is no longer the active one (ZooKeeper: paused
// past its session, a standby took over) fails to write instead of clobbering
// its successor's changes: such a write returns Aborted.
//
// Not thread-safe: the nameserver calls it under its own lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/meta/meta_store.h"
#include "cluster/nameserver/cluster_config.h"
#include "cluster/nameserver/recovery_record.h"
#include "cluster/nameserver/table_meta.h"
#include "cluster/nameserver/tablet_meta.h"
#include "common/status.h"

namespace kv::ns {

struct ClusterMetadata {
  std::vector<TableMeta> tables;
  std::vector<TabletMeta> tablets;
  ClusterConfig config;
  std::optional<RecoveryRecord> recovery;  // /recoverdata/current
};

class MetaRepository {
 public:
  explicit MetaRepository(meta::MetaStore* store) : store_(store) {}

  // Reads every document, forgetting what was known before (a nameserver that
  // becomes active starts from the store, not from its memory).
  Result<ClusterMetadata> LoadAll();

  Status SaveTable(const TableMeta& table);
  Status DeleteTable(const std::string& name);
  Status SaveTablet(const TabletMeta& tablet);
  Status SaveConfig(const std::string& key, const std::string& value);
  // A table id never handed out before (ids are not reused, so a tid in a
  // quarantine folder or an old data dir can never be taken for a new table).
  Result<uint32_t> AllocateTid();
  // A table put back with its own tid: the counter moves past it, so no new table gets it.
  Status ReserveTid(uint32_t tid);
  // The recovery under way (/recoverdata/current).
  Status SaveRecovery(const RecoveryRecord& record);
  // Moves the record to /recoverdata/done/<plan id>, then deletes the current one.
  Status FinishRecovery(const RecoveryRecord& record);
  // A finished recovery of plan_id, if there was one.
  Result<std::optional<RecoveryRecord>> LoadFinishedRecovery(const std::string& plan_id);

 private:
  Status Save(const std::string& key, const std::string& value);
  Result<std::optional<meta::Versioned>> Read(const std::string& key);
  Result<uint32_t> NextTid();
  Status SaveNextTid(uint32_t next_tid);
  // Deletes key if it holds the version this nameserver knows.
  Status DeleteKnown(const std::string& key);

  meta::MetaStore* store_;
  // The version of every key this nameserver read or wrote.
  std::map<std::string, int64_t> versions_;
};

}  // namespace kv::ns
