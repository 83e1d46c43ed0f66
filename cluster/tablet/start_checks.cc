#include "cluster/tablet/start_checks.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/file.h"

namespace kv::tablet {

Result<OpenFilesCheck> EnsureOpenFiles(uint64_t replicas) {
  OpenFilesCheck check;
  check.replicas = replicas;
  check.needed = kOpenFilesBase + replicas * kOpenFilesPerReplica;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return Status::FromErrno("getrlimit(RLIMIT_NOFILE)", errno);
  check.was = limit.rlim_cur;
  // As high as allowed, even when the estimate fits: RocksDB's table cache may
  // open more files as the replicas grow.
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) return Status::FromErrno("setrlimit(RLIMIT_NOFILE)", errno);
    check.raised = true;
    limit = raised;
  }
  check.limit = limit.rlim_cur;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < check.needed) {
    const std::string need = std::to_string(check.needed);
    return Status::FailedPrecondition(
        "the data dir holds " + std::to_string(replicas) + " replicas, which need about " + need +
        " open files, but the limit is " + std::to_string(limit.rlim_cur) + " (the hard limit): raise it to at least " +
        need + " (`ulimit -n " + need + "` as root, `nofile` in limits.conf, or LimitNOFILE=" + need +
        " in the systemd unit) and start the tablet again");
  }
  return check;
}

Result<uint64_t> FreeBytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return Status::FromErrno("statvfs " + dir, errno);
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

Status ProbeWrite(const std::string& dir, uint64_t bytes) {
  const std::string path = dir + "/.write-probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  Status s;
  {
    UniqueFd guard(fd);
    const std::string chunk(1 << 16, '\0');
    for (uint64_t left = bytes; left > 0 && s.ok();) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
      s = WriteAll(fd, std::string_view(chunk).substr(0, n));
      left -= n;
    }
    if (s.ok() && ::fdatasync(fd) != 0) s = Status::FromErrno("fdatasync " + path, errno);
  }
  ::unlink(path.c_str());
  return s.ok() ? s : s.WithContext("a test write of " + std::to_string(bytes) + " bytes into " + dir + " failed");
}

}  // namespace kv::tablet
