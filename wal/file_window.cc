#include "wal/file_window.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wal/format.h"
#include "wal/segment.h"

namespace kv::wal {

Status FileWindow::Open(const std::string& path) {
  KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  fd_ = std::move(fd);
  path_ = path;
  size_ = static_cast<uint64_t>(st.st_size);
  start_ = end_ = 0;
  return Status::OK();
}

Status FileWindow::Fill(uint64_t pos, size_t n) {
  if (pos > size_) {
    return Status::InvalidArgument(path_ + ": read at byte " + std::to_string(pos) + " past the end (" +
                                   std::to_string(size_) + " bytes)");
  }
  // Start on a page boundary so that the kernel copies whole pages.
  const uint64_t start = pos & ~uint64_t{4095};
  const size_t want = static_cast<size_t>(
      std::min<uint64_t>(size_ - start, std::max<uint64_t>(window_bytes_, pos - start + n)));
  if (buf_.size() < want) buf_.resize(want);
  size_t got = 0;
  while (got < want) {
    const ssize_t r = ::pread(fd_.get(), buf_.data() + got, want - got, static_cast<off_t>(start + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path_ + " at byte " + std::to_string(start + got), errno);
    }
    if (r == 0) {
      return Status::IOError(path_ + " shrank to " + std::to_string(start + got) + " bytes while being read (" +
                             std::to_string(size_) + " when opened)");
    }
    got += static_cast<size_t>(r);
  }
  start_ = start;
  end_ = start + want;
  return Status::OK();
}

Result<bool> AllZeroFrom(FileWindow* file, uint64_t pos) {
  while (pos < file->size()) {
    KV_RETURN_IF_ERROR(file->Ensure(pos, 1));
    const std::string_view bytes = file->From(pos);
    if (!AllZero(bytes)) return false;
    pos += bytes.size();
  }
  return true;
}

Result<bool> IsUnfinishedSegmentFile(FileWindow* file) {
  return file->size() < kSegmentHeaderSize ? Result<bool>(true) : AllZeroFrom(file, 0);
}

}  // namespace kv::wal
