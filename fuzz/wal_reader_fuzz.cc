// libFuzzer target for the WAL reader: the input becomes one or more segment
// files (fuzz/wal_fuzz_input.h says how), which ReadLog in all three modes,
// FindTail and ForEachOp must survive while keeping the promises checked by
// fuzz/wal_read_checker.h. Build and run: fuzz/README.md.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "fuzz/wal_fuzz_input.h"
#include "fuzz/wal_read_checker.h"

namespace {

// The folder every input is written to, made once and removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wal-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) ::abort();
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchDir dir;
  if (!kv::wal::fuzz::ReplaceFolderContents(dir.path(), kv::wal::fuzz::SegmentsFromFuzzInput(data, size))) {
    std::fprintf(stderr, "cannot write the input's segments into %s\n", dir.path().c_str());
    ::abort();
  }
  const std::string broken = kv::wal::fuzz::CheckReaderPromises(dir.path());
  if (!broken.empty()) {
    std::fprintf(stderr, "WAL reader broke a promise: %s\n", broken.c_str());
    ::abort();
  }
  return 0;
}
