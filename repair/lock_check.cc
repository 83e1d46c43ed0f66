#include "repair/lock_check.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace kv::repair {
namespace fs = std::filesystem;

namespace {

// dir and every folder above it, both as given and with links resolved: a data
// dir reached through a symlink is still locked by the tablet that owns it.
std::vector<fs::path> FolderAndAncestors(const std::string& dir) {
  std::vector<fs::path> starts;
  std::error_code ec;
  fs::path given = fs::absolute(dir, ec).lexically_normal();
  if (!ec) starts.push_back(given);
  fs::path real = fs::canonical(dir, ec);
  if (!ec) starts.push_back(real);
  std::vector<fs::path> out;
  for (fs::path p : starts) {
    if (p.filename().empty()) p = p.parent_path();  // "a/b/" names the same folder as "a/b"
    for (;;) {
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
      if (p == p.parent_path()) break;
      p = p.parent_path();
    }
  }
  return out;
}

// The LOCK files this thread declared its own (EnclosingLockOwned), canonical.
thread_local std::vector<std::string> owned_locks;

bool OwnedHere(const std::string& lock) {
  return std::find(owned_locks.begin(), owned_locks.end(), CanonicalPath(lock)) != owned_locks.end();
}

}  // namespace

EnclosingLockOwned::EnclosingLockOwned(const std::string& folder) : lock_(CanonicalPath(LockFileIn(folder))) {
  owned_locks.push_back(lock_);
}

EnclosingLockOwned::~EnclosingLockOwned() {
  auto it = std::find(owned_locks.begin(), owned_locks.end(), lock_);
  if (it != owned_locks.end()) owned_locks.erase(it);
}

Status CheckNotInUse(const std::string& dir) {
  for (const fs::path& folder : FolderAndAncestors(dir)) {
    const std::string lock = LockFileIn(folder.string());
    std::error_code ec;
    const bool own_enclosing = !fs::equivalent(folder, dir, ec) && OwnedHere(lock);
    if (FileLock::IsHeld(lock) && !own_enclosing) {
      return Status::Busy(
          lock + " is held by a running process (a tablet or a WAL writer); stop it before repairing " + dir);
    }
  }
  return Status::OK();
}

Result<FileLock> LockForRepair(const std::string& dir) {
  KV_RETURN_IF_ERROR(CheckNotInUse(dir));
  return FileLock::Acquire(LockFileIn(dir));
}

}  // namespace kv::repair
