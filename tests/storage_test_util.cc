#include "tests/storage_test_util.h"

#include <catch2/catch.hpp>

#include "common/file.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"

namespace kv::test {

storage::StorageEnvOptions SmallEnvOptions() {
  storage::StorageEnvOptions o;
  o.block_cache_bytes = 8 << 20;
  o.write_buffer_bytes = 64 << 10;
  o.flush_threads = 1;
  o.compaction_threads = 1;
  return o;
}

ReplicaHarness::ReplicaHarness(uint32_t tid, uint32_t pid)
    : dir(tmp / ("partitions/" + storage::ReplicaDirName(tid, pid))),
      quarantine(tmp / "quarantine"),
      env(SmallEnvOptions()) {
  options.table = "t" + std::to_string(tid);
  options.tid = tid;
  options.pid = pid;
  options.wal_level = 1;
  options.segment_bytes = 4096;
  options.quarantine_root = quarantine;
}

std::unique_ptr<storage::Replica> ReplicaHarness::Open() {
  auto r = storage::Replica::Open(dir, options, env);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::unique_ptr<storage::Replica> ReplicaHarness::OpenLeader(uint64_t term) {
  auto r = Open();
  REQUIRE(r->SetRole(storage::Role::kLeader, term).ok());
  return r;
}

std::vector<wal::Record> TestPuts(uint64_t first, uint64_t count, uint64_t term) {
  std::vector<wal::Record> out;
  for (uint64_t i = first; i < first + count; ++i) out.push_back(wal::Record::Put(term, TestKey(i), TestValue(i)));
  return out;
}

std::vector<wal::Record> ReplicatedPuts(uint64_t first, uint64_t count, uint64_t term) {
  std::vector<wal::Record> out = TestPuts(first, count, term);
  for (uint64_t i = 0; i < count; ++i) out[i].offset = first + i;
  return out;
}

void WriteTestPuts(storage::Replica& r, uint64_t term, uint64_t n, uint64_t per_write) {
  const uint64_t start = r.LastLogged().offset + 1;
  for (uint64_t i = start; i < start + n; i += per_write) {
    std::vector<wal::Record> rs = TestPuts(i, std::min(per_write, start + n - i), term);
    Status s = r.Write(term, &rs);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
}

Content ReadContent(const storage::Replica& r) {
  auto scan = r.Scan("", "", 0);
  INFO(scan.status().ToString());
  REQUIRE(scan.ok());
  Content c;
  for (const auto& kv : scan->entries) c[kv.key] = kv.value;
  return c;
}

Content ContentFromWal(const std::string& wal_dir, uint64_t up_to) {
  Content c;
  wal::ReadOptions ro;
  ro.to_offset = up_to;
  auto read = wal::ReadLogInMode(wal_dir, wal::ReadMode::kTolerateTornTail, ro, [&](const wal::RecordView& r) {
    Status s = wal::ForEachOp(r, [&](const wal::Op& op) {
      if (op.type == wal::RecordType::kPut) {
        c[std::string(op.key)] = std::string(op.value);
      } else {
        c.erase(std::string(op.key));
      }
    });
    REQUIRE(s.ok());
    return true;
  });
  INFO(read.status().ToString());
  REQUIRE(read.ok());
  return c;
}

std::vector<std::string> QuarantineFolders(const std::string& root, const std::string& reason) {
  std::vector<std::string> out;
  if (!PathExists(root)) return out;
  const std::vector<std::string> names = ListDir(root).value();
  for (const std::string& name : names) {
    if (name.find(reason) != std::string::npos) out.push_back(root + "/" + name);
  }
  return out;
}

}  // namespace kv::test
