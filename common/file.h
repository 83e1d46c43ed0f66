// Small POSIX file helpers shared by every component.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

Result<UniqueFd> OpenReadOnly(const std::string& path);
Result<uint64_t> FileSize(const std::string& path);
// Reads [offset, offset+len) or less at end of file.
Result<std::string> ReadRange(int fd, uint64_t offset, size_t len);
Result<std::string> ReadWholeFile(const std::string& path);
Status WriteAll(int fd, std::string_view data);
Status FsyncDir(const std::string& dir);
// Writes data to path.tmp, fsyncs it, renames it over path and fsyncs the folder:
// a reader sees the old file or the new one, never a half-written one.
Status WriteFileAtomic(const std::string& path, std::string_view data);
bool PathExists(const std::string& path);
// One spelling per file or folder (links and "..", "." resolved as far as the
// path exists); the path as given when that fails.
std::string CanonicalPath(const std::string& path);
bool IsDirectory(const std::string& path);
// Names (not paths) of the entries of dir, sorted.
Result<std::vector<std::string>> ListDir(const std::string& dir);
Status CreateDirs(const std::string& dir);
// CreateDirs, then fsyncs the parent of each folder it made, so that a new
// folder's name survives a power cut with the durable files put in it.
Status CreateDirsDurably(const std::string& dir);
// Deletes path and everything under it (nothing there is fine); how many entries went.
Result<uint64_t> RemoveTree(const std::string& path);
// Copies the file src to dst (which must not exist) and fsyncs it.
Status CopyFileSynced(const std::string& src, const std::string& dst);
// Copies the folder src, at any depth, to dst (which must not exist): every
// file and folder fsynced once written, so a rename of dst afterwards
// publishes a durable copy. Symlinks and special files are refused.
Status CopyTreeSynced(const std::string& src, const std::string& dst);

// Every folder a process owns is locked by a file of this name inside it: a
// tablet's data dir, a WAL folder (by its writer), a nameserver's data dir.
constexpr const char* kLockFileName = "LOCK";
std::string LockFileIn(const std::string& dir);  // dir/LOCK

// An exclusive advisory lock on a LOCK file, held for the object's life.
// Servers hold their data dir's LOCK while running; repair tools take it before
// touching files, so the two can never work on the same files at once.
// It is an open-file-description lock (fcntl F_OFD_SETLK): like flock it
// belongs to the open file, so two opens conflict even within one process,
// and unlike flock it can be tested without being taken (F_OFD_GETLK).
class FileLock {
 public:
  // Fails with Busy when another process holds the lock.
  static Result<FileLock> Acquire(const std::string& lock_path);
  // True when some process holds a lock on lock_path. Never takes the lock, so
  // a check cannot make a process that takes it at the same instant fail.
  static bool IsHeld(const std::string& lock_path);

  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;
  const std::string& path() const { return path_; }

 private:
  FileLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

// UTC time as "2026-11-28T12:19:28Z" and a file-name-safe "20261128T121928Z".
std::string UtcTimestamp();
std::string UtcTimestampCompact();

}  // namespace kv
