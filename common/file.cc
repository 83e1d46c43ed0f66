#include "common/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>

namespace kv {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<UniqueFd> OpenReadOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::FromErrno("open " + path, errno);
  }
  return UniqueFd(fd);
}

Result<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::FromErrno("stat " + path, errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<std::string> ReadRange(int fd, uint64_t offset, size_t len) {
  std::string buf(len, '\0');
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, buf.data() + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pread", errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  buf.resize(done);
  return buf;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno("stat " + path, errno);
  auto r = ReadRange(fd.get(), 0, static_cast<size_t>(st.st_size));
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open dir " + dir, errno);
  UniqueFd guard(fd);
  if (::fsync(fd) != 0) return Status::FromErrno("fsync dir " + dir, errno);
  return Status::OK();
}

Status CopyFileSynced(const std::string& src, const std::string& dst) {
  KV_ASSIGN_OR_RETURN(UniqueFd in, OpenReadOnly(src));
  int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create " + dst, errno);
  UniqueFd out(fd);
  constexpr size_t kChunk = 1 << 20;
  for (uint64_t at = 0;; ) {
    KV_ASSIGN_OR_RETURN(std::string chunk, ReadRange(in.get(), at, kChunk));
    if (chunk.empty()) break;
    KV_RETURN_IF_ERROR(WriteAll(out.get(), chunk).WithContext(dst));
    at += chunk.size();
  }
  if (::fsync(out.get()) != 0) return Status::FromErrno("fsync " + dst, errno);
  return Status::OK();
}

Status CopyTreeSynced(const std::string& src, const std::string& dst) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(src));
  if (::mkdir(dst.c_str(), 0755) != 0) return Status::FromErrno("create folder " + dst, errno);
  for (const std::string& name : names) {
    const std::string from = src + "/" + name, to = dst + "/" + name;
    struct stat st;
    if (::lstat(from.c_str(), &st) != 0) return Status::FromErrno("stat " + from, errno);
    if (S_ISDIR(st.st_mode)) {
      KV_RETURN_IF_ERROR(CopyTreeSynced(from, to));
    } else if (S_ISREG(st.st_mode)) {
      KV_RETURN_IF_ERROR(CopyFileSynced(from, to));
    } else {
      return Status::InvalidArgument(from + " is neither a file nor a folder: not copied");
    }
  }
  return FsyncDir(dst);
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create " + tmp, errno);
  UniqueFd guard(fd);
  KV_RETURN_IF_ERROR(WriteAll(fd, data).WithContext(tmp));
  if (::fsync(fd) != 0) return Status::FromErrno("fsync " + tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename " + tmp, errno);
  return FsyncDir(std::filesystem::path(path).parent_path().string());
}

std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::NotFound(dir + ": no such folder");
    return Status::FromErrno("open folder " + dir, errno);
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Status CreateDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create folder " + dir + ": " + ec.message());
  return Status::OK();
}

Status CreateDirsDurably(const std::string& dir) {
  std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();  // "a/b/" names "a/b"
  std::vector<std::filesystem::path> made;  // the missing ones, deepest first
  for (std::filesystem::path p = path; !p.empty() && p != p.root_path() && !PathExists(p.string());
       p = p.parent_path()) {
    made.push_back(p);
  }
  KV_RETURN_IF_ERROR(CreateDirs(dir));
  for (auto it = made.rbegin(); it != made.rend(); ++it) {
    const std::string parent = it->parent_path().string();
    KV_RETURN_IF_ERROR(FsyncDir(parent.empty() ? "." : parent));
  }
  return Status::OK();
}

Result<uint64_t> RemoveTree(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t removed = std::filesystem::remove_all(path, ec);
  if (ec) return Status::IOError("remove " + path + ": " + ec.message());
  return static_cast<uint64_t>(removed);
}

std::string LockFileIn(const std::string& dir) { return dir + "/" + kLockFileName; }

// A write lock on the whole file (l_len 0: to its end, however it grows).
static struct flock WholeFileWriteLock() {
  struct flock l{};
  l.l_type = F_WRLCK;
  l.l_whence = SEEK_SET;
  l.l_start = 0;
  l.l_len = 0;
  return l;
}

Result<FileLock> FileLock::Acquire(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open lock " + lock_path, errno);
  UniqueFd guard(fd);
  struct flock l = WholeFileWriteLock();
  if (::fcntl(fd, F_OFD_SETLK, &l) != 0) {
    if (errno == EAGAIN || errno == EACCES) {
      return Status::Busy(lock_path + " is held by a running process (stop the server first)");
    }
    return Status::FromErrno("lock " + lock_path, errno);
  }
  return FileLock(std::move(guard), lock_path);
}

bool FileLock::IsHeld(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  UniqueFd guard(fd);
  // F_OFD_GETLK reports a conflicting lock without taking one, so a process
  // taking the lock at this instant never sees it held by the check.
  struct flock probe = WholeFileWriteLock();
  if (::fcntl(fd, F_OFD_GETLK, &probe) != 0) return false;
  return probe.l_type != F_UNLCK;
}

static std::string FormatUtc(const char* fmt) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

std::string UtcTimestamp() { return FormatUtc("%Y-%m-%dT%H:%M:%SZ"); }
std::string UtcTimestampCompact() { return FormatUtc("%Y%m%dT%H%M%SZ"); }

}  // namespace kv
