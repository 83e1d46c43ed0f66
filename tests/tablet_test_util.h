// In-process tablets for the tablet tests: each a TabletServer on a free
// loopback port with its own temporary data dir, no nameserver, and leases
// granted by the test on a fake clock it drives.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/tablet/clock.h"
#include "cluster/tablet/tablet_server.h"
#include "tests/test_util.h"

namespace kv::test {

class FakeClock : public tablet::Clock {
 public:
  TimePoint Now() const override;
  void Advance(std::chrono::milliseconds d);

 private:
  mutable std::mutex mu_;
  TimePoint now_ = std::chrono::steady_clock::now();
};

// Waits until condition() holds or timeout passes; returns its last answer.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Options that keep tests fast: small RocksDB caches, a short ack wait, quick retries.
tablet::TabletServerOptions FastTabletOptions(const tablet::Clock& clock);

class TestTablet {
 public:
  TestTablet(const tablet::Clock& clock, const std::function<void(tablet::TabletServerOptions*)>& tweak = {});
  ~TestTablet();

  void Start();  // REQUIREs success; after a Stop, on the same port and data dir
  void Stop();   // shuts the server down and closes every replica; the data dir stays
  bool running() const { return server_ != nullptr; }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& data_dir() const { return dir_.path(); }
  tablet::Tablet& tablet() { return server_->tablet(); }
  v1::Tablet::Stub& stub() { return *stub_; }

  // Replaces the tablet's leases: these partitions, at these terms, for `lease` from now.
  void GrantLeases(const std::vector<tablet::LeaseGrant>& grants,
                   std::chrono::milliseconds lease = std::chrono::seconds(60));

 private:
  const tablet::Clock& clock_;
  tablet::TabletServerOptions options_;
  TempDir dir_;
  std::string endpoint_;
  std::unique_ptr<tablet::TabletServer> server_;
  std::unique_ptr<v1::Tablet::Stub> stub_;
};

// Every request of the tests carries a deadline (10 s: far beyond any wait the tablet itself makes).
void SetDeadline(grpc::ClientContext* ctx);

v1::ReplicaSpec Spec(uint32_t tid, uint32_t pid, v1::Role role, uint64_t term,
                     const std::vector<std::string>& followers = {}, v1::Acks acks = v1::ACKS_MAJORITY,
                     uint32_t replica_count = 3, uint32_t wal_level = 1);

v1::WriteRequest PutRequest(uint32_t tid, uint32_t pid, const std::string& key, const std::string& value,
                            uint64_t term = 0);
// A put from a thread of the test's own: no Catch macros there (Catch is not
// thread-safe). True when the write was acknowledged.
bool PutFromThread(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key, const std::string& value);
v1::WriteResponse Put(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key, const std::string& value,
                      uint64_t term = 0);
v1::GetResponse Get(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& key);
v1::ReplicaStatus Status(TestTablet& t, uint32_t tid, uint32_t pid, bool with_checksum = false);
v1::Error CreateReplica(TestTablet& t, const v1::ReplicaSpec& spec);
v1::LoadReplicaResponse LoadReplica(TestTablet& t, uint32_t tid, uint32_t pid, const std::string& table);
v1::ChangeRoleResponse ChangeRole(TestTablet& t, const v1::ReplicaSpec& spec);
v1::AppendResponse Append(TestTablet& t, const v1::AppendRequest& req);

// A partition on three tablets: tablets[0] leads at `term`, the others follow,
// and the leader holds a lease.
struct ThreeTablets {
  explicit ThreeTablets(const std::function<void(tablet::TabletServerOptions*)>& tweak = {});
  void CreatePartition(uint32_t tid, uint32_t pid, uint64_t term, v1::Acks acks = v1::ACKS_MAJORITY,
                       uint32_t wal_level = 1);
  // Waits until every running tablet's replica has the leader's last offset, then
  // REQUIREs the same last (term, offset) and content checksum everywhere.
  void RequireInSync(uint32_t tid, uint32_t pid, size_t leader = 0);

  FakeClock clock;
  std::vector<std::unique_ptr<TestTablet>> tablets;
};

}  // namespace kv::test
