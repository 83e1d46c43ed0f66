#include "fuzz/wal_fuzz_input.h"

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/file.h"
#include "wal/segment.h"

namespace kv::wal::fuzz {
namespace {

// Reads the input front to back; past its end every byte is 0.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  int8_t SignedByte() { return static_cast<int8_t>(Byte()); }
  std::string Bytes(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char*>(data_) + pos_, n);
    pos_ += n;
    return s;
  }
  std::string Rest() { return Bytes(size_); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

std::string Header(uint32_t pid, uint64_t first_offset) {
  return EncodeSegmentHeader({kFormatVersion, 9, pid, first_offset});
}

std::vector<SegmentBytes> RawSegments(uint8_t layout, Input& in) {
  const size_t split_at = in.Byte() | size_t{in.Byte()} << 8;
  const uint64_t second_first = 1 + in.Byte();
  const std::string bytes = in.Rest();
  const bool split = layout & 2;
  const size_t cut = split ? split_at % (bytes.size() + 1) : bytes.size();
  std::vector<SegmentBytes> files;
  files.push_back({SegmentFileName(1), (layout & 1 ? Header(0, 1) : "") + bytes.substr(0, cut)});
  if (split) {
    files.push_back({SegmentFileName(std::max<uint64_t>(2, second_first)),
                     (layout & 8 ? Header(0, second_first) : "") + bytes.substr(cut)});
  }
  return files;
}

std::vector<SegmentBytes> RecipeSegments(Input& in) {
  constexpr size_t kMaxSegments = 4;
  uint64_t offset = 0, term = 1;
  std::vector<SegmentBytes> files{{SegmentFileName(1), Header(0, 1)}};
  while (!in.empty()) {
    const uint8_t step = in.Byte();
    std::string& seg = files.back().bytes;
    if (step < 0xe0) {
      Record r;
      r.type = static_cast<RecordType>(step & 3);
      r.offset = offset + (step & 4 ? in.SignedByte() : 1);
      r.term = term + (step & 8 ? in.SignedByte() : 0);
      r.payload = in.Bytes(in.Byte());
      EncodeRecord(r, &seg);
      offset = r.offset;
      term = r.term;
    } else if (step < 0xf0) {
      seg += in.Bytes(in.Byte());
    } else if (step < 0xf8) {
      seg.resize(seg.size() - std::min<size_t>(seg.size(), in.Byte()));
    } else if (files.size() < kMaxSegments) {
      const uint64_t first = offset + (step & 1 ? in.SignedByte() : 1);
      files.push_back({SegmentFileName(first), Header(step & 2 ? 1 : 0, first)});
    }
  }
  return files;
}

}  // namespace

std::vector<SegmentBytes> SegmentsFromFuzzInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t layout = in.Byte();
  return layout & 4 ? RecipeSegments(in) : RawSegments(layout, in);
}

bool ReplaceFolderContents(const std::string& dir, const std::vector<SegmentBytes>& files) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) std::filesystem::remove(e.path(), ec);
  for (const SegmentBytes& f : files) {
    auto fd = ::open((dir + "/" + f.name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    UniqueFd guard(fd);
    if (!WriteAll(fd, f.bytes).ok()) return false;
  }
  return !ec;
}

}  // namespace kv::wal::fuzz
