// Replica folders in the states the offline tools must recognise and repair
// (inspect partition|tablet, repair partition): damaged or missing SST files,
// a WAL ahead of the DB, a DB ahead of its WAL, gaps, diverged histories.
// Shared by tests/inspect_partition_test.cc and tests/repair_partition_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/replica_info.h"
#include "tests/storage_test_util.h"

namespace kv::test {

// A data dir with one replica (DATA_DIR/partitions/7_3) holding `records`
// puts at term 1, written as a leader, 10 per write; closed, so its DB is flushed.
class PartitionFixture : public ReplicaHarness {
 public:
  explicit PartitionFixture(uint64_t records = 200);

  std::string wal() const { return dir + "/wal"; }
  std::string db() const { return dir + "/db"; }
  std::vector<std::string> SstFiles() const;  // db/*.sst, in name order
  std::string LargestSst() const;

  // Flips a byte early in the largest SST: inside its first data block, which
  // holds user data only (meta keys sort after them), so the DB still opens.
  void DamageSst();
  // Moves the largest SST out of db/.
  void RemoveSst();
  // Appends records for the next `count` offsets at `term` with a wal::Writer, so the DB lacks them.
  void AppendToWal(uint64_t count, uint64_t term = 1);
  // Cuts `bytes` off the end of the newest segment (mid-record: a torn tail).
  void CutWalTail(uint64_t bytes);
  // Puts a segment of table 9 partition 1 into wal/, named as offset 1000's (the newest).
  void AddForeignSegment();
  // Copies db/ aside; PutBackDb(copy) puts that copy back in place of db/.
  std::string SaveDb(const std::string& name);
  void PutBackDb(const std::string& saved);

  storage::ReplicaInfo Info() const;
  // What a replica of this folder holds when it opens (REQUIREs it opens).
  Content OpenedContent();
  Content WalContent(uint64_t up_to = 0) const { return ContentFromWal(wal(), up_to); }
};

}  // namespace kv::test
