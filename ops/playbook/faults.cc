#include "ops/playbook/faults.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/file.h"
#include "ops/playground/process.h"
#include "storage/layout.h"
#include "wal/segment.h"

namespace kv::playbook {
namespace {

// A torn write: fewer bytes than any record's header and payload.
constexpr uint64_t kTornBytes = 7;

Status RequireDown(const ops::ServerRecord& server, const std::string& fault) {
  if (ops::IsRunning(server.process)) {
    return Status::FailedPrecondition(fault + " needs " + server.name + " down (kill it first)");
  }
  return Status::OK();
}

}  // namespace

Result<std::string> WipeDataDir(const ops::ServerRecord& server) {
  KV_RETURN_IF_ERROR(RequireDown(server, "wipe"));
  KV_ASSIGN_OR_RETURN(std::vector<std::string> entries, ListDir(server.data_dir));
  uint64_t removed = 0;
  for (const std::string& name : entries) {
    const std::string path = server.data_dir + "/" + name;
    if (path == server.stdout_path() || path == server.stderr_path()) continue;
    KV_ASSIGN_OR_RETURN(uint64_t n, RemoveTree(path));
    removed += n;
  }
  return "removed " + std::to_string(removed) + " entries from " + server.data_dir + " (its logs kept)";
}

Result<std::string> DamageWal(const ops::ServerRecord& server, uint32_t tid, uint32_t pid, WalDamage where) {
  KV_RETURN_IF_ERROR(RequireDown(server, "damage-wal"));
  const storage::ReplicaPaths replica(storage::DataDirPaths(server.data_dir).Replica(tid, pid));
  if (!IsDirectory(replica.wal)) {
    return Status::NotFound(server.name + " holds no replica " + std::to_string(tid) + "_" + std::to_string(pid));
  }
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(replica.wal));
  for (auto name = names.rbegin(); name != names.rend(); ++name) {  // newest first: names sort by offset
    if (!wal::ParseSegmentFileName(*name)) continue;
    const std::string path = replica.wal + "/" + *name;
    KV_ASSIGN_OR_RETURN(uint64_t size, FileSize(path));
    if (size < 2 * kTornBytes) continue;
    if (where == WalDamage::kTail) {
      if (::truncate(path.c_str(), static_cast<off_t>(size - kTornBytes)) != 0) return Status::FromErrno("truncate " + path, errno);
      return "cut the last " + std::to_string(kTornBytes) + " bytes of " + path + " (" + std::to_string(size) + " bytes)";
    }
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.valid()) return Status::FromErrno("open " + path, errno);
    const uint64_t at = size / 2;
    KV_ASSIGN_OR_RETURN(std::string byte, ReadRange(fd.get(), at, 1));
    byte[0] = static_cast<char>(byte[0] ^ 0x5a);
    if (::pwrite(fd.get(), byte.data(), 1, static_cast<off_t>(at)) != 1 || ::fsync(fd.get()) != 0) {
      return Status::FromErrno("write " + path, errno);
    }
    return "flipped byte " + std::to_string(at) + " of " + path;
  }
  return Status::NotFound("replica " + replica.dir + " has no WAL segment with records");
}

}  // namespace kv::playbook
