// A power-cut simulator for the files the WAL writes (wal/file_ops.h), after
// LevelDB's fault-injection env and RocksDB's FaultInjectionTestFS. SIGKILL
// cannot tell "written" from "durable" (the page cache survives it); this can.
//
// It writes through to the real files and remembers, per file, how many bytes
// were synced, and per folder, which names were created or renamed since the
// folder's last sync. PowerCut() then does what losing power does to them:
// each file is cut back to its synced size (or keeps a torn, random prefix of
// what followed), each name not yet synced into its folder is undone (a rename
// goes back, a created file goes), and every later call fails with IOError
// until Restart(), as a machine that is off writes nothing.
//
// Only files reached through this object are tracked; a file it never opened
// counts as durable. It is for tests, and is linked into test binaries only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "wal/file_ops.h"

namespace kv::test {

class PowerCutFiles : public wal::FileOps {
 public:
  enum class Cut {
    kUnsyncedGone,   // every unsynced byte is lost
    kTornUnsynced,   // each file keeps a random prefix of its unsynced bytes
  };
  explicit PowerCutFiles(uint64_t seed = 1) : rng_(seed) {}

  Result<std::unique_ptr<wal::AppendFile>> Create(const std::string& path) override;
  Result<std::unique_ptr<wal::AppendFile>> OpenForAppend(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;

  void PowerCut(Cut how = Cut::kUnsyncedGone);
  // With power back: calls work again. What the cut left is on disk.
  void Restart();
  // The next Sync() of any file cuts the power instead of syncing (and fails):
  // the cut lands right after the last sync that completed.
  void CutAtNextSync();
  bool power_on() const;
  uint64_t unsynced_bytes() const;  // over every tracked file
  uint64_t cuts() const;

 private:
  class File;
  struct Synced {
    uint64_t size = 0;    // bytes the file has now
    uint64_t synced = 0;  // of which durable
  };
  struct NameChange {
    std::string from;  // empty: `to` was created
    std::string to;
  };
  Status PowerOnLocked() const;
  void PowerCutLocked(Cut how);
  std::shared_ptr<Synced> Track(const std::string& path, uint64_t size, uint64_t synced);

  mutable std::mutex mu_;  // held across every real call, so a cut falls between calls
  bool on_ = true;
  bool cut_at_next_sync_ = false;
  uint64_t cuts_ = 0;
  std::map<std::string, std::shared_ptr<Synced>> files_;          // by path
  std::map<std::string, std::vector<NameChange>> unsynced_names_;  // by folder, oldest first
  std::mt19937_64 rng_;
};

}  // namespace kv::test
