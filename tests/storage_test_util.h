// Fixtures for the storage tests: replica folders in a temp dir, record
// makers, and the content a replica should hold according to its WAL.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/replica.h"
#include "tests/test_util.h"
#include "wal/record.h"

namespace kv::test {

// Small caches and write buffers, so that tests see flushes and many SSTs.
storage::StorageEnvOptions SmallEnvOptions();

// A data dir with one replica folder (DATA_DIR/partitions/<tid>_<pid>).
class ReplicaHarness {
 public:
  explicit ReplicaHarness(uint32_t tid = 7, uint32_t pid = 3);

  TempDir tmp;
  std::string dir;         // the replica folder
  std::string quarantine;  // DATA_DIR/quarantine
  storage::StorageEnv env;
  storage::ReplicaOptions options;  // may be changed before Open

  std::unique_ptr<storage::Replica> Open();                           // REQUIREs success
  std::unique_ptr<storage::Replica> OpenLeader(uint64_t term = 1);  // and makes it lead at term
};

// Puts of TestKey(i) = TestValue(i) for i in [first, first + count), at term.
std::vector<wal::Record> TestPuts(uint64_t first, uint64_t count, uint64_t term = 1);
// The same records with offsets first.. set (what a leader would send).
std::vector<wal::Record> ReplicatedPuts(uint64_t first, uint64_t count, uint64_t term);
// Writes records 1..n as a leader at term, `per_write` records per Write call.
void WriteTestPuts(storage::Replica& r, uint64_t term, uint64_t n, uint64_t per_write = 1);

using Content = std::map<std::string, std::string>;
Content ReadContent(const storage::Replica& r);
// What applying the WAL's records 1..up_to (0 = all) gives.
Content ContentFromWal(const std::string& wal_dir, uint64_t up_to = 0);

// The quarantine folders under root whose name contains `reason`.
std::vector<std::string> QuarantineFolders(const std::string& root, const std::string& reason);

}  // namespace kv::test
