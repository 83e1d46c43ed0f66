// Receives a leader's snapshot on a follower (InstallSnapshot in kv.proto, the
// follower's side): the files go into a staging folder of the tablet's own
// (DATA_DIR/staging/<tid>_<pid>/), never over live files, and the snapshot is
// verified against its manifest before the partition installs it
// (partition_snapshot.cc). Whatever happens, the staging folder goes away with
// its StagingFolder.
#pragma once

#include <functional>
#include <string>

#include "cluster/proto/kv.pb.h"
#include "storage/snapshot.h"
#include "cluster/tablet/partition_key.h"
#include "common/status.h"

namespace kv::tablet {

// The chunks after the header, one per call; false at the end of the stream
// (or when the leader cancelled it).
using SnapshotChunkSource = std::function<bool(v1::SnapshotChunk*)>;

constexpr uint32_t kSnapshotTransferVersion = 1;
constexpr size_t kMaxSnapshotChunkBytes = 4 << 20;  // leaders send 1 MiB

// What the follower checks of a header before it receives a byte: version,
// partition, position, and that every file name is a plain one (no folder, no
// way out of the staging folder) listed once. The term is the partition's to check.
Status CheckSnapshotHeader(const v1::SnapshotHeader& header, PartitionKey key);

// An empty folder for one transfer, removed with everything in it when this
// object goes away (after a successful install too: the replica keeps its own copy).
class StagingFolder {
 public:
  // root/name, after removing a leftover of the same name (an interrupted transfer).
  static Result<std::unique_ptr<StagingFolder>> Create(const std::string& root, const std::string& name);
  ~StagingFolder();
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit StagingFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes the files the (checked) header lists into dir from next(): in the
// header's order, each file's chunks in order and complete; then the manifest;
// fsyncs; then VerifySnapshot, and checks the manifest is the header's
// partition and position. InvalidArgument for a chunk that breaks the
// protocol, Aborted for a stream that ended early.
Result<storage::SnapshotManifest> ReceiveSnapshot(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                                                  const std::string& dir);

// Removes what interrupted transfers left in the staging root (at start).
void RemoveStagingLeftovers(const std::string& root);

}  // namespace kv::tablet
