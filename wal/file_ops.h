// The file operations the WAL writer makes, behind one small interface, so
// that a test can put a power-cut simulator between the writer and the disk
// (tests/power_cut_files.h, after LevelDB's fault-injection env and RocksDB's
// FaultInjectionTestFS). The servers use PosixFileOps(): the system calls, at
// the cost of one virtual call per write and per sync.
//
// Durability is what these calls promise and nothing more: bytes appended are
// durable once Sync() returns; a name created or renamed in a folder is
// durable once SyncDir(folder) returns. A simulator drops everything else at
// its power cut, so a writer that forgets a sync loses records in the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kv::wal {

class AppendFile {
 public:
  virtual ~AppendFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // fdatasync: what was appended so far, and the file's size, are on disk.
  virtual Status Sync() = 0;
};

class FileOps {
 public:
  virtual ~FileOps() = default;
  // Creates path (empty; an old file of that name is emptied) for appending.
  virtual Result<std::unique_ptr<AppendFile>> Create(const std::string& path) = 0;
  // Opens an existing file for appending at its end.
  virtual Result<std::unique_ptr<AppendFile>> OpenForAppend(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // fsync of the folder: the names created, renamed or removed in it are on disk.
  virtual Status SyncDir(const std::string& dir) = 0;
};

// The system's files; one object, shared by every writer of the process.
FileOps& PosixFileOps();

// Writes data to path.tmp, syncs it, renames it to path and syncs the folder:
// after a crash or a power cut path is whole or absent, never half-written.
Status WriteFileDurably(FileOps& files, const std::string& path, std::string_view data);

}  // namespace kv::wal
