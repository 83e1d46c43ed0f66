#include "cluster/tablet/snapshot_receiver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "cluster/tablet/log.h"
#include "common/file.h"

namespace kv::tablet {
namespace {

// A RocksDB checkpoint's files are plain names (CURRENT, MANIFEST-000005, 000012.sst, ...).
bool PlainFileName(const std::string& name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (char c : name) {
    if (c == '/' || c == '\\' || c == '\0') return false;
  }
  return name != storage::kSnapshotManifestName;
}

}  // namespace

Status CheckSnapshotHeader(const v1::SnapshotHeader& h, PartitionKey key) {
  if (h.format_version() != kSnapshotTransferVersion) {
    return Status::InvalidArgument("snapshot transfer format_version " + std::to_string(h.format_version()) +
                                   " is not known to this tablet (it knows " +
                                   std::to_string(kSnapshotTransferVersion) + ")");
  }
  if (KeyOf(h.partition()) != key) {
    return Status::InvalidArgument("a snapshot of partition " + KeyOf(h.partition()).ToString() + " sent for " +
                                   key.ToString());
  }
  if (h.snapshot_offset() == 0 || h.snapshot_term() == 0 || h.snapshot_term() > h.term()) {
    return Status::InvalidArgument("a snapshot at " + std::to_string(h.snapshot_term()) + ":" +
                                   std::to_string(h.snapshot_offset()) + " from a leader of term " +
                                   std::to_string(h.term()));
  }
  std::set<std::string> names;
  for (const v1::SnapshotFile& f : h.files()) {
    if (!PlainFileName(f.path())) return Status::InvalidArgument("snapshot file name \"" + f.path() + "\" refused");
    if (!names.insert(f.path()).second) return Status::InvalidArgument("snapshot file " + f.path() + " listed twice");
  }
  return Status::OK();
}

Result<std::unique_ptr<StagingFolder>> StagingFolder::Create(const std::string& root, const std::string& name) {
  const std::string path = root + "/" + name;
  KV_RETURN_IF_ERROR(RemoveTree(path).status());
  KV_RETURN_IF_ERROR(CreateDirs(path));
  return std::unique_ptr<StagingFolder>(new StagingFolder(path));
}

StagingFolder::~StagingFolder() {
  Status s = RemoveTree(path_).status();
  if (!s.ok()) Log().warn("cannot remove the staging folder {}: {}", path_, s.message());
}

namespace {

// One file being received: created on its first chunk, fsynced when complete.
class IncomingFile {
 public:
  Status Append(const std::string& path, const v1::SnapshotChunk& chunk, uint64_t size) {
    if (chunk.offset() != written_) {
      return Status::InvalidArgument("snapshot file " + chunk.path() + ": a chunk at byte " +
                                     std::to_string(chunk.offset()) + ", expected " + std::to_string(written_));
    }
    if (chunk.data().size() > size - written_) {
      return Status::InvalidArgument("snapshot file " + chunk.path() + ": more than its " + std::to_string(size) +
                                     " bytes");
    }
    if (!fd_.valid()) {
      fd_ = UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!fd_.valid()) return Status::FromErrno("create " + path, errno);
    }
    KV_RETURN_IF_ERROR(WriteAll(fd_.get(), chunk.data()));
    written_ += chunk.data().size();
    if (written_ < size) return Status::OK();
    if (::fsync(fd_.get()) != 0) return Status::FromErrno("fsync " + path, errno);
    fd_ = UniqueFd();
    complete_ = true;
    return Status::OK();
  }
  bool complete() const { return complete_; }

 private:
  UniqueFd fd_;
  uint64_t written_ = 0;
  bool complete_ = false;
};

}  // namespace

Result<storage::SnapshotManifest> ReceiveSnapshot(const v1::SnapshotHeader& h, const SnapshotChunkSource& next,
                                                  const std::string& dir) {
  int index = 0;
  IncomingFile file;
  v1::SnapshotChunk chunk;
  while (index < h.files_size()) {
    if (!next(&chunk)) {
      return Status::Aborted("the snapshot transfer ended after " + std::to_string(index) + " of " +
                             std::to_string(h.files_size()) + " files");
    }
    const v1::SnapshotFile& want = h.files(index);
    if (chunk.has_header()) return Status::InvalidArgument("a second snapshot header in one transfer");
    if (chunk.data().size() > kMaxSnapshotChunkBytes) {
      return Status::InvalidArgument("a snapshot chunk of " + std::to_string(chunk.data().size()) +
                                     " bytes (at most " + std::to_string(kMaxSnapshotChunkBytes) + ")");
    }
    if (chunk.path() != want.path()) {
      return Status::InvalidArgument("snapshot chunk for " + chunk.path() + " while " + want.path() +
                                     " is incomplete");
    }
    KV_RETURN_IF_ERROR(file.Append(dir + "/" + want.path(), chunk, want.size()));
    if (file.complete()) {
      ++index;
      file = IncomingFile();
    }
  }
  if (next(&chunk)) return Status::InvalidArgument("snapshot chunks after the last file");
  KV_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + storage::kSnapshotManifestName, h.manifest_json()));
  KV_RETURN_IF_ERROR(FsyncDir(dir));
  KV_ASSIGN_OR_RETURN(storage::SnapshotManifest m, storage::VerifySnapshot(dir));
  const storage::LogPosition announced{h.snapshot_term(), h.snapshot_offset()};
  if (m.tid != h.partition().tid() || m.pid != h.partition().pid() || m.position != announced) {
    return Status::InvalidArgument("the snapshot's manifest is of partition " + std::to_string(m.tid) + "_" +
                                   std::to_string(m.pid) + " at " + m.position.ToString() + ", the header said " +
                                   KeyOf(h.partition()).ToString() + " at " + announced.ToString());
  }
  return m;
}

void RemoveStagingLeftovers(const std::string& root) {
  auto names = ListDir(root);
  if (!names.ok()) return;  // no staging folder yet
  for (const std::string& name : *names) {
    Status s = RemoveTree(root + "/" + name).status();
    if (s.ok()) {
      Log().warn("removed {}/{}, a snapshot transfer interrupted by the last shutdown", root, name);
    } else {
      Log().warn("{}", s.message());
    }
  }
}

}  // namespace kv::tablet
