// Defines fsync and fdatasync for the whole wal-bench program: the linker binds
// every call in it (the WAL library's included) to these before libc's. They
// count, then make the same system call libc would.
#include "bench/sync_counter.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace {
std::atomic<uint64_t> g_sync_calls{0};
}  // namespace

extern "C" int fsync(int fd) {
  g_sync_calls.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(::syscall(SYS_fsync, fd));
}

extern "C" int fdatasync(int fd) {
  g_sync_calls.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(::syscall(SYS_fdatasync, fd));
}

namespace kv::bench {

uint64_t SyncCalls() { return g_sync_calls.load(std::memory_order_relaxed); }

}  // namespace kv::bench
