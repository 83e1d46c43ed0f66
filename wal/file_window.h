// Reading a segment file through one reusable buffer with pread.
//
// Why not mmap: in the virtual machines we run on, page faults of a mapped file
// cost more than copying the same bytes into a buffer that stays in cache
// (docs/benchmarks.md, "verify"), and a read error on a mapped file is a SIGBUS
// that kills the process, where pread gives a Status the tools can report.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/file.h"
#include "common/status.h"

namespace kv::wal {

class FileWindow {
 public:
  static constexpr size_t kDefaultWindowBytes = 1 << 20;

  explicit FileWindow(size_t window_bytes = kDefaultWindowBytes) : window_bytes_(window_bytes) {}

  // Switches to another file, keeping the buffer. Opening never writes.
  Status Open(const std::string& path);

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

  // Makes the bytes [pos, min(pos + n, size())) readable through From(pos).
  // n may exceed the window: the buffer grows to hold it.
  Status Ensure(uint64_t pos, size_t n) {
    if (pos >= start_ && (pos + n <= end_ || (end_ == size_ && pos <= end_))) return Status::OK();
    return Fill(pos, n);
  }
  // The buffered bytes from pos on; pos must have been made readable by Ensure.
  std::string_view From(uint64_t pos) const {
    return {buf_.data() + (pos - start_), static_cast<size_t>(end_ - pos)};
  }

 private:
  Status Fill(uint64_t pos, size_t n);

  size_t window_bytes_;
  std::string path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  uint64_t start_ = 0, end_ = 0;  // the file bytes [start_, end_) are in buf_
  std::vector<char> buf_;
};

// True when every byte of the file from pos on is zero.
Result<bool> AllZeroFrom(FileWindow* file, uint64_t pos);

// True for a segment file whose header was never completely written: shorter
// than a header, or all zeros. At the end of a log that is a torn tail (a crash
// while creating the segment), anywhere else a bad segment: the reader and
// FindTail both decide by this.
Result<bool> IsUnfinishedSegmentFile(FileWindow* file);

}  // namespace kv::wal
