// What a tablet checks at start, before it opens any replica: enough open
// files for every replica folder in its data dir, and free space there. A
// tablet short of file descriptors would open some replicas, fail the rest
// with "Too many open files" and still say it serves (TiKV refuses to start
// in that case; so does this).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kv::tablet {

// Files one replica keeps open once opened: its WAL's LOCK and segment,
// RocksDB's LOCK, info LOG, MANIFEST and a few table files (measured with
// `ls /proc/PID/fd`; RocksDB's table cache may open more as a replica's
// table files grow, up to storage::StorageEnvOptions::max_open_files).
constexpr uint64_t kOpenFilesPerReplica = 8;
// Files the tablet needs whatever it hosts: gRPC sockets and pipes, its log,
// snapshot transfers.
constexpr uint64_t kOpenFilesBase = 256;

struct OpenFilesCheck {
  uint64_t replicas = 0;
  uint64_t needed = 0;     // kOpenFilesBase + replicas x kOpenFilesPerReplica
  uint64_t was = 0;        // the soft RLIMIT_NOFILE before the check
  uint64_t limit = 0;      // the soft RLIMIT_NOFILE after it
  bool raised = false;     // it was raised to the hard one
};

// Raises the soft RLIMIT_NOFILE to the hard one, then checks it against what
// `replicas` replicas need: FailedPrecondition, in one line naming the limit,
// the need and how to raise it, when it is short.
Result<OpenFilesCheck> EnsureOpenFiles(uint64_t replicas);

// Free bytes for an unprivileged writer on the file system holding dir.
Result<uint64_t> FreeBytes(const std::string& dir);

// Writes and removes a file of `bytes` in dir: whether a write of that size
// can succeed there now (free space, RLIMIT_FSIZE). A replica whose writes
// stopped is reopened only after this succeeds, since RocksDB does not take a
// failed write while it opens or closes well (a debug build asserts).
Status ProbeWrite(const std::string& dir, uint64_t bytes);

}  // namespace kv::tablet
