#include "wal/file_ops.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/file.h"

namespace kv::wal {
namespace {

class PosixAppendFile : public AppendFile {
 public:
  PosixAppendFile(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Status Append(std::string_view data) override { return WriteAll(fd_.get(), data).WithContext(path_); }
  Status Sync() override {
    if (::fdatasync(fd_.get()) != 0) return Status::FromErrno("fdatasync " + path_, errno);
    return Status::OK();
  }

 private:
  UniqueFd fd_;
  std::string path_;
};

Result<std::unique_ptr<AppendFile>> OpenWith(const std::string& path, int flags, const char* what) {
  int fd = ::open(path.c_str(), flags | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(what + path, errno);
  return std::unique_ptr<AppendFile>(new PosixAppendFile(UniqueFd(fd), path));
}

class PosixFiles : public FileOps {
 public:
  Result<std::unique_ptr<AppendFile>> Create(const std::string& path) override {
    return OpenWith(path, O_CREAT | O_TRUNC, "create ");
  }
  Result<std::unique_ptr<AppendFile>> OpenForAppend(const std::string& path) override {
    return OpenWith(path, 0, "open ");
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Status::FromErrno("rename " + from, errno);
    return Status::OK();
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) return Status::FromErrno("truncate " + path, errno);
    return Status::OK();
  }
  Status SyncDir(const std::string& dir) override { return FsyncDir(dir); }
};

}  // namespace

FileOps& PosixFileOps() {
  static PosixFiles files;
  return files;
}

Status WriteFileDurably(FileOps& files, const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  {
    KV_ASSIGN_OR_RETURN(std::unique_ptr<AppendFile> f, files.Create(tmp));
    KV_RETURN_IF_ERROR(f->Append(data));
    KV_RETURN_IF_ERROR(f->Sync());
  }
  KV_RETURN_IF_ERROR(files.Rename(tmp, path));
  return files.SyncDir(std::filesystem::path(path).parent_path().string());
}

}  // namespace kv::wal
