#include "tests/partition_tools_fixtures.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/file.h"
#include "inspect/sst_inspect.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/writer.h"

namespace kv::test {
namespace fs = std::filesystem;

PartitionFixture::PartitionFixture(uint64_t records) {
  auto r = OpenLeader(1);
  WriteTestPuts(*r, 1, records, 10);
}

std::vector<std::string> PartitionFixture::SstFiles() const {
  std::vector<std::string> out;
  for (const std::string& name : ListDir(db()).value()) {
    if (name.ends_with(".sst")) out.push_back(db() + "/" + name);
  }
  return out;
}

std::string PartitionFixture::LargestSst() const {
  const std::vector<std::string> files = SstFiles();
  REQUIRE_FALSE(files.empty());
  return *std::max_element(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return fs::file_size(a) < fs::file_size(b);
  });
}

void PartitionFixture::DamageSst() {
  const std::string sst = LargestSst();
  auto props = inspect::ReadSstProperties(sst);
  REQUIRE(props.ok());
  REQUIRE(props->data_blocks >= 2);  // so the first holds no meta key
  FlipBit(sst, 100, 3);
}

void PartitionFixture::RemoveSst() { fs::rename(LargestSst(), tmp / "removed.sst"); }

void PartitionFixture::AppendToWal(uint64_t count, uint64_t term) {
  wal::WriterOptions o;
  o.tid = options.tid;
  o.pid = options.pid;
  o.segment_bytes = options.segment_bytes;
  auto w = wal::Writer::Open(wal(), o);
  REQUIRE(w.ok());
  std::vector<wal::Record> records = ReplicatedPuts((*w)->last_offset() + 1, count, term);
  REQUIRE((*w)->Append(records).ok());
}

void PartitionFixture::CutWalTail(uint64_t bytes) {
  const std::string newest = wal::ListSegmentFiles(wal()).value().back();
  TruncateFile(newest, fs::file_size(newest) - bytes);
}

void PartitionFixture::AddForeignSegment() {
  TempDir other;
  TestLogOptions o;
  o.records = 3;
  o.tid = 9;
  o.pid = 1;
  fs::copy_file(WriteTestLog(other.path(), o)[0], wal() + "/" + wal::SegmentFileName(1000));
}

std::string PartitionFixture::SaveDb(const std::string& name) {
  const std::string saved = tmp / name;
  fs::copy(db(), saved, fs::copy_options::recursive);
  return saved;
}

void PartitionFixture::PutBackDb(const std::string& saved) {
  fs::remove_all(db());
  fs::copy(saved, db(), fs::copy_options::recursive);
}

storage::ReplicaInfo PartitionFixture::Info() const {
  auto info = storage::ReadReplicaInfo(dir);
  REQUIRE(info.ok());
  return *info;
}

Content PartitionFixture::OpenedContent() { return ReadContent(*Open()); }

}  // namespace kv::test
