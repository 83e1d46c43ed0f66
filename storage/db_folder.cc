#include "storage/db_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "storage/log.h"
#include "storage/snapshot.h"
#include "common/file.h"

namespace kv::storage {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Status RemoveLeftover(const std::string& dir) {
  KV_ASSIGN_OR_RETURN(uint64_t removed, RemoveTree(dir));
  if (removed > 0) Log().warn("removed {}, left by an interrupted operation", dir);
  return Status::OK();
}

Status CopyCheckpoint(const std::string& src, const std::string& dst) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(src));
  if (::mkdir(dst.c_str(), 0755) != 0) return Status::FromErrno("create folder " + dst, errno);
  for (const std::string& name : names) {
    if (name == kSnapshotManifestName) continue;
    const std::string from = src + "/" + name, to = dst + "/" + name;
    if (IsDirectory(from)) return Status::Corruption(src + " holds a folder (" + name + "): not a checkpoint");
    if (EndsWith(name, ".sst") && ::link(from.c_str(), to.c_str()) == 0) continue;
    KV_RETURN_IF_ERROR(CopyFileSynced(from, to));  // not an SST, or another filesystem
  }
  return FsyncDir(dst);
}

Status MoveDbIntoQuarantine(Quarantine& q, const std::string& dir, const std::string& why) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    if (IsDirectory(path)) return Status::FailedPrecondition(dir + " holds a folder (" + name + "): not a RocksDB folder");
  }
  for (const std::string& name : names) KV_RETURN_IF_ERROR(q.MoveIn(dir + "/" + name, why));
  if (::rmdir(dir.c_str()) != 0) return Status::FromErrno("remove emptied folder " + dir, errno);
  return Status::OK();
}

}  // namespace kv::storage
