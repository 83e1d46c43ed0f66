// A tablet's data dir (cluster/tablet/README.md, "Data dir"):
//
//   DATA_DIR/LOCK          held (FileLock) for the process's life: one tablet per
//                          data dir, and offline repair refuses to run beside it
//   DATA_DIR/tablet.json   {format_version, endpoint, tablet_id}
//   DATA_DIR/partitions/   one folder per replica (storage/layout.h)
//   DATA_DIR/quarantine/   what was cut, replaced or dropped
//   DATA_DIR/staging/      snapshots being received from a leader (emptied at start)
#pragma once

#include <string>

#include "common/file.h"
#include "common/status.h"

namespace kv::tablet {

class DataDir {
 public:
  static constexpr int kTabletJsonVersion = 1;

  // Creates the folder if needed and takes its LOCK (Busy, saying so, when
  // another process holds it); reads tablet.json, or makes a new tablet id
  // when there is none yet.
  static Result<DataDir> Open(const std::string& dir);

  // Writes tablet.json with the endpoint the tablet serves on.
  Status RecordEndpoint(const std::string& endpoint);

  const std::string& dir() const { return dir_; }
  const std::string& tablet_id() const { return tablet_id_; }
  // The endpoint tablet.json named at open (empty for a new data dir).
  const std::string& recorded_endpoint() const { return recorded_endpoint_; }
  // Where storage/layout.h puts them.
  std::string partitions_dir() const;
  std::string quarantine_dir() const;
  std::string staging_dir() const;

 private:
  DataDir(std::string dir, FileLock lock) : dir_(std::move(dir)), lock_(std::move(lock)) {}
  std::string dir_;
  FileLock lock_;
  std::string tablet_id_;
  std::string recorded_endpoint_;
};

}  // namespace kv::tablet
