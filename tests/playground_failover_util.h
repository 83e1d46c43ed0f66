// Shared by the failover tests on real processes (playground_failover_test,
// the soak runs in playground_soak_test): a write load that remembers what was
// acknowledged, and the checks that a cluster has recovered. They work on the
// table "t" and write values "v-<key>".
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/client/kv_client.h"
#include "ops/playground/playground.h"

namespace kv::test {

// The first key `prefix<i>` that maps to pid in a table of `partitions`.
std::string KeyOfPartition(uint32_t pid, uint32_t partitions, const std::string& prefix);

// Puts probe keys (KeyOfPartition(pid, partitions, prefix)) into "t" until
// one is acknowledged or `within` has passed since `since`: how long after
// `since` a write to pid got through, nullopt when none did.
std::optional<std::chrono::milliseconds> FirstWriteWithin(client::Client& client, uint32_t pid, uint32_t partitions,
                                                          const std::string& prefix,
                                                          std::chrono::steady_clock::time_point since,
                                                          std::chrono::milliseconds within);

// Every replica of table "t" is alive in the metadata.
bool AllAlive(client::Client& client);

// Writers put distinct keys (`<prefix><thread>-<i>`) into "t" until stopped,
// remembering what was acknowledged.
class WriteLoad {
 public:
  WriteLoad(client::Client& client, int threads, const std::string& prefix = "w");
  ~WriteLoad() { Stop(); }
  WriteLoad(const WriteLoad&) = delete;
  WriteLoad& operator=(const WriteLoad&) = delete;
  void Stop();
  size_t acked() const;
  std::vector<std::string> acked_keys() const;
  uint64_t failed() const { return failed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> failed_{0};
  mutable std::mutex mu_;
  std::vector<std::string> acked_;
  std::vector<std::thread> threads_;
};

enum class Alive { kAny, kAll };

// Waits (45 s at most) until every partition of every table has its table's
// replica count of replicas answering, with equal (term, offset) and checksums
// (DescribeDivergence); with Alive::kAll also every replica alive in the
// metadata (recovered). Fails the test, saying what still differs, otherwise.
void RequireConverged(client::Client& client, const ops::Playground& pg, Alive alive = Alive::kAny);

// Partition pid of table "t" as showtable gives it now; nullopt when that
// fails or the table has no such partition.
std::optional<v1::PartitionInfo> PartitionNow(client::Client& client, uint32_t pid);

// The table "t" with partitions x replicas, acks majority (fails the test otherwise).
void CreateT(client::Client& client, uint32_t partitions, uint32_t replicas);

// Every op of every table ended (kDone or not: the caller checks).
bool OpsFinal(client::Client& client);

// How many of keys "t" does not hold with the value the load wrote.
size_t MissingOf(client::Client& client, const std::vector<std::string>& keys);

}  // namespace kv::test
