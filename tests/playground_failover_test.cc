// Failover and recovery with real processes on the playground (issue 5), the
// seed experiments of ../shared/reference (TiKV's, OpenMLDB's) kept short: on
// 6 tablets a leader's tablet killed, and one paused past failover and then
// resumed, under a write load; 5 replicas with two tablets paused at once;
// scale-out from 3 to 5 tablets; re-replication after replica_down_timeout.
// The playground goes down by PID when the test ends, whatever happened.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <mutex>
#include <set>
#include <map>
#include <algorithm>
#include <thread>

#include "cluster/client/kv_client.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "ops/playground/playground.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kPartitions = 3;

std::string KeyIn(uint32_t pid, const std::string& prefix) { return KeyOfPartition(pid, kPartitions, prefix); }

// The seed experiments' cluster: 6 tablets, the table "t" (3 partitions, 3
// replicas, acks majority), and the leader of partition 0, which the tests
// kill or pause.
constexpr int kSeedTablets = 6;

struct Setup {
  v1::TableInfo table;
  v1::PartitionInfo led;
  std::string endpoint;  // the leader's
  std::string name;      // its playground name, e.g. "tablet-4"
};

Setup CreateTable(client::Client& client, const ops::Playground& pg) {
  v1::CreateTableRequest create;
  create.set_name("t");
  create.set_partitions(kPartitions);
  create.set_replicas(3);
  auto table = client.CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
  Setup setup{.table = *table, .led = table->partitions(0), .endpoint = table->partitions(0).leader()};
  for (const auto& view : pg.Display()) {
    if (view.server.endpoint == setup.endpoint) setup.name = view.server.name;
  }
  REQUIRE_FALSE(setup.name.empty());
  return setup;
}

// The partitions of the only table; empty when showtable fails.
std::vector<v1::PartitionInfo> Partitions(client::Client& client) {
  auto shown = client.ShowTable();
  if (!shown.ok() || shown->size() != 1) return {};
  return {shown->front().partitions().begin(), shown->front().partitions().end()};
}

// Every partition has n replicas, all alive, none on excluded.
bool ReplicatedOn(client::Client& client, size_t n, const std::string& excluded = "") {
  const std::vector<v1::PartitionInfo> partitions = Partitions(client);
  if (partitions.empty()) return false;
  for (const v1::PartitionInfo& p : partitions) {
    if (p.replicas_size() != static_cast<int>(n)) return false;
    for (const v1::ReplicaInfo& r : p.replicas()) {
      if (!r.is_alive() || r.endpoint() == excluded) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("seed: kill -9 of a leader's tablet among 6 under load: writes resume and every acknowledged write "
          "survives (invariant 5)",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, kSeedTablets);
  auto client = ConnectTo(pg->get());
  const Setup setup = CreateTable(*client, pg->get());
  const uint32_t pid = setup.led.pid();

  WriteLoad load(*client, 3);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));
  REQUIRE(pg->get().Signal(setup.name, SIGKILL).ok());
  const auto killed_at = std::chrono::steady_clock::now();
  // The first write to the partition that succeeds after the kill.
  const auto unavailable = FirstWriteWithin(*client, pid, kPartitions, "probe", killed_at, 30s);
  REQUIRE(unavailable.has_value());
  std::printf("failover: partition %u unavailable for %lld ms after kill -9 of its leader's tablet\n", pid,
              static_cast<long long>(unavailable->count()));
  const size_t after_failover = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= after_failover + 300; }));
  load.Stop();

  const std::optional<v1::PartitionInfo> now = PartitionNow(*client, pid);
  REQUIRE(now.has_value());
  CHECK(now->leader() != setup.endpoint);
  CHECK(now->term() > setup.led.term());

  // Invariant 5: with acks majority, losing one replica loses no acknowledged write.
  const std::vector<std::string> acked = load.acked_keys();
  std::printf("failover: %zu writes acknowledged, %llu failed (not acknowledged) during the test\n", acked.size(),
              static_cast<unsigned long long>(load.failed()));
  CHECK(MissingOf(*client, acked) == 0);

  // Back: its replicas are recovered and every replica converges.
  REQUIRE(pg->get().Restart(setup.name, 60s).ok());
  RequireConverged(*client, pg->get(), Alive::kAll);
}

TEST_CASE("seed: a leader's tablet among 6 paused under load, then resumed: writes go on, its stale writes are "
          "refused, no acknowledged write is lost, its replicas recover",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, kSeedTablets);
  auto client = ConnectTo(pg->get());
  const Setup setup = CreateTable(*client, pg->get());
  const uint32_t pid = setup.led.pid();

  auto stub = v1::Tablet::NewStub(grpc::CreateChannel(setup.endpoint, grpc::InsecureChannelCredentials()));
  auto stale_write = [&] {
    v1::WriteRequest write;
    write.mutable_partition()->set_tid(setup.table.tid());
    write.mutable_partition()->set_pid(pid);
    write.set_term(setup.led.term());
    v1::WriteOp* op = write.add_ops();
    op->set_type(v1::PUT);
    op->set_key(KeyIn(pid, "stale"));
    op->set_value("stale");
    v1::WriteResponse answer;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 30s);
    const grpc::Status rpc = stub->Write(&ctx, write, &answer);
    if (!rpc.ok()) answer.mutable_error()->set_code(v1::UNAVAILABLE);
    return answer;
  };
  WriteLoad load(*client, 3);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));  // the leader holds its lease by now
  REQUIRE(stale_write().error().code() == v1::OK);  // the connection is up before the pause
  REQUIRE(pg->get().Signal(setup.name, SIGSTOP).ok());
  REQUIRE(WaitUntil(30s, [&] {
    auto p = PartitionNow(*client, pid);
    return p && !p->leader().empty() && p->leader() != setup.endpoint && p->term() > setup.led.term();
  }));
  const size_t after_failover = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= after_failover + 300; }));
  REQUIRE(pg->get().Signal(setup.name, SIGCONT).ok());

  // Invariants 3 and 4: the old leader acknowledges nothing at its old term,
  // and refuses the write before its log takes it. Until it hears of the new
  // term it still acts as leader at the old one, and its lease, not renewed
  // for a replaced leader, refuses (LEASE_EXPIRED); once it has heard (the
  // nameserver made it a follower, or the new leader's Appends came first),
  // its role does (NOT_LEADER). Which it meets depends on how soon the others
  // reach it; nothing else is a refusal these invariants make (a lost RPC is
  // UNAVAILABLE here).
  const v1::WriteResponse refused = stale_write();
  const std::string old_term = std::to_string(setup.led.term());
  INFO(v1::ErrorCode_Name(refused.error().code()) << ": " << refused.error().message());
  std::printf("paused leader: its write at the old term %s answered %s\n", old_term.c_str(),
              v1::ErrorCode_Name(refused.error().code()).c_str());
  CHECK(refused.offset() == 0);  // not in its log
  if (refused.error().code() == v1::NOT_LEADER) {
    CHECK_THAT(refused.error().message(),
               Catch::Contains("this replica follows") || Catch::Contains("this replica does not lead"));
  } else {
    CHECK(refused.error().code() == v1::LEASE_EXPIRED);
    CHECK_THAT(refused.error().message(), Catch::Contains("lease for term " + old_term + " is not valid"));
  }
  const size_t after_resume = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= after_resume + 100; }));
  load.Stop();
  CHECK(MissingOf(*client, load.acked_keys()) == 0);

  RequireConverged(*client, pg->get(), Alive::kAll);
  auto ops = client->ShowOpStatus("t");
  REQUIRE(ops.ok());
  CHECK(std::any_of(ops->begin(), ops->end(),
                    [](const v1::OpInfo& op) { return op.type() == "kRecoverTableOP" && op.status() == "kDone"; }));
  auto stale = client->Get("t", KeyIn(pid, "stale"));
  REQUIRE(stale.ok());
  CHECK(stale->value_or("") == "stale");  // written before the pause, at the old term, while it led
}

TEST_CASE("seed: scale-out from 3 to 5 tablets and balance until the plan is empty: replicas and leaders within one, "
          "every replica equal, all data readable",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  REQUIRE(client->ConfSet("auto_balance", "false").ok());  // the rounds come from `balance` here
  CreateT(*client, 8, 3);
  std::vector<std::string> keys;
  for (int i = 0; i < 400; ++i) {
    keys.push_back("k" + std::to_string(i));
    REQUIRE(client->Put("t", keys.back(), "v-" + keys.back()).ok());
  }
  auto added = pg->get().ScaleOut(2, 30s);
  INFO(added.status().message());
  REQUIRE(added.ok());

  int rounds = 0;
  size_t moves = 0;
  for (; rounds < 20; ++rounds) {
    auto round = client->Balance();
    INFO(round.status().message());
    REQUIRE(round.ok());
    CHECK(round->refused.empty());
    if (round->op_ids.empty()) break;
    moves += round->op_ids.size();
    REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client); }));
  }
  std::printf("balance: %zu moves in %d rounds from 3 to 5 tablets\n", moves, rounds);
  REQUIRE(rounds < 20);
  auto ops = client->ShowOpStatus();
  REQUIRE(ops.ok());
  for (const v1::OpInfo& op : *ops) {
    INFO(op.type() << " " << op.id() << ": " << op.error());
    CHECK(op.status() == "kDone");
  }
  std::map<std::string, int> replicas, leaders;
  for (const auto& view : pg->get().Display()) {
    if (view.server.role == ops::kRoleTablet) replicas[view.server.endpoint] = leaders[view.server.endpoint] = 0;
  }
  for (const v1::PartitionInfo& p : Partitions(*client)) {
    ++leaders[p.leader()];
    for (const v1::ReplicaInfo& r : p.replicas()) ++replicas[r.endpoint()];
  }
  REQUIRE(replicas.size() == 5);
  const auto spread = [](const std::map<std::string, int>& m) {
    auto [lo, hi] = std::minmax_element(m.begin(), m.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return hi->second - lo->second;
  };
  CHECK(spread(replicas) <= 1);
  CHECK(spread(leaders) <= 1);
  RequireConverged(*client, pg->get());
  CHECK(MissingOf(*client, keys) == 0);
}

TEST_CASE("seed: setreplicas 5 on 6 tablets, two non-leader tablets paused at once: reads and writes go on",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, kSeedTablets);
  auto client = ConnectTo(pg->get());
  CreateT(*client, kPartitions, 3);
  auto raised = client->SetReplicas("t", 5);
  INFO(raised.status().message());
  REQUIRE(raised.ok());
  REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client) && ReplicatedOn(*client, 5); }));
  REQUIRE(client->ShowTable("t")->front().replica_count() == 5);

  std::set<std::string> leading;
  for (const v1::PartitionInfo& p : Partitions(*client)) leading.insert(p.leader());
  std::vector<std::string> paused;
  for (const auto& view : pg->get().Display()) {
    if (view.server.role == ops::kRoleTablet && leading.count(view.server.endpoint) == 0) paused.push_back(view.server.name);
  }
  REQUIRE(paused.size() >= 2);
  paused.resize(2);
  for (const std::string& name : paused) REQUIRE(pg->get().Signal(name, SIGSTOP).ok());
  // Invariant 5 with 5 replicas: a majority (3) stays, so every write is acknowledged.
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("p" + std::to_string(i));
    const Status put = client->Put("t", keys.back(), "v-" + keys.back()).status();
    INFO(put.message());
    REQUIRE(put.ok());
  }
  CHECK(MissingOf(*client, keys) == 0);
  for (const std::string& name : paused) REQUIRE(pg->get().Signal(name, SIGCONT).ok());
  REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client) && ReplicatedOn(*client, 5); }));
  RequireConverged(*client, pg->get());
}

TEST_CASE("replica_down_timeout: a killed tablet's replicas are re-created on the others, no acknowledged write lost",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 4);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 4, 3);
  const std::string killed = pg->get().Find("tablet-1")->endpoint;
  REQUIRE(client->ConfSet("replica_down_timeout_ms", "1000").ok());
  WriteLoad load(*client, 2);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 200; }));
  REQUIRE(pg->get().Signal("tablet-1", SIGKILL).ok());
  const auto killed_at = std::chrono::steady_clock::now();
  REQUIRE(WaitUntil(30s, [&] { return ReplicatedOn(*client, 3, killed); }));
  std::printf("re-replication: every partition back to 3 alive replicas %lld ms after kill -9\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - killed_at)
                                         .count()));
  const size_t after = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= after + 100; }));
  load.Stop();
  CHECK(MissingOf(*client, load.acked_keys()) == 0);
  auto ops = client->ShowOpStatus("t");
  REQUIRE(ops.ok());
  CHECK(std::any_of(ops->begin(), ops->end(),
                    [](const v1::OpInfo& op) { return op.type() == "kReAddReplicaOP" && op.status() == "kDone"; }));
  RequireConverged(*client, pg->get());
}

// Issue 18: `playground restart` kills -9 and starts a tablet again faster
// than failure detection; the nameserver tells the new incarnation from the
// old one and handles it as a tablet that went down and came back.
TEST_CASE("quick restart: playground restart of a leader's tablet, a follower's, or every tablet in turn under "
          "load, writes get through again and no acknowledged write is lost (invariant 5)",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 1, 3);
  const std::optional<v1::PartitionInfo> before = PartitionNow(*client, 0);
  REQUIRE(before.has_value());
  std::vector<std::string> followers;
  for (const v1::ReplicaInfo& r : before->replicas()) {
    if (r.endpoint() != before->leader()) followers.push_back(r.endpoint());
  }
  REQUIRE(followers.size() == 2);
  std::vector<std::string> restarted;
  SECTION("the leader's tablet") { restarted = {before->leader()}; }
  SECTION("a follower's tablet") { restarted = {followers[0]}; }
  SECTION("every tablet, one right after the other (a rolling restart)") {
    restarted = {followers[0], before->leader(), followers[1]};
  }

  WriteLoad load(*client, 3);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));
  const auto first_kill = std::chrono::steady_clock::now();
  for (const std::string& endpoint : restarted) REQUIRE(pg->get().Restart(endpoint, 60s).ok());
  const auto restarted_at = std::chrono::steady_clock::now();
  // Back within the usual failover time (about 1 s with the default timing);
  // the deadline leaves room for a loaded machine.
  const auto back = FirstWriteWithin(*client, 0, 1, "probe", restarted_at, 10s);
  REQUIRE(back.has_value());
  std::printf("quick restart of %zu tablet(s): restarting took %lld ms, then partition 0 took a write after %lld ms\n",
              restarted.size(),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(restarted_at - first_kill).count()),
              static_cast<long long>(back->count()));
  const size_t acked_back = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= acked_back + 300; }));
  load.Stop();
  CHECK(MissingOf(*client, load.acked_keys()) == 0);
  RequireConverged(*client, pg->get(), Alive::kAll);
}

namespace {

// The ops on "t" of type, every status.
size_t OpsOfType(client::Client& client, const std::string& type) {
  auto ops = client.ShowOpStatus("t");
  REQUIRE(ops.ok());
  return std::count_if(ops->begin(), ops->end(), [&](const v1::OpInfo& op) { return op.type() == type; });
}

// Every partition of "t" has the leader and term it had in before.
void RequireLeadersKept(client::Client& client, const std::vector<v1::PartitionInfo>& before) {
  const std::vector<v1::PartitionInfo> now = Partitions(client);
  REQUIRE(now.size() == before.size());
  for (size_t pid = 0; pid < now.size(); ++pid) {
    CHECK(now[pid].leader() == before[pid].leader());
    CHECK(now[pid].term() == before[pid].term());
  }
}

}  // namespace

TEST_CASE("quick restart: the nameserver's, under load, moves no leader, submits no op and loses no acknowledged "
          "write",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, kPartitions, 3);
  const std::vector<v1::PartitionInfo> before = Partitions(*client);
  WriteLoad load(*client, 3);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));
  REQUIRE(pg->get().Restart("nameserver", 60s).ok());
  const size_t acked_back = load.acked();
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= acked_back + 300; }));
  load.Stop();
  CHECK(MissingOf(*client, load.acked_keys()) == 0);
  RequireLeadersKept(*client, before);
  auto ops = client->ShowOpStatus("t");
  REQUIRE(ops.ok());
  CHECK(ops->empty());
}

// Issue 18: the nameserver stopped (a VM pause, swapping) longer than the
// offline timeout. The tablets' leases run out meanwhile (invariant 4: the
// lease is shorter than the offline timeout); when it resumes it waits for a
// heartbeat round before it judges them, and their heartbeats renew the
// leases at the same terms.
TEST_CASE("nameserver stall: stopped for 6 s (SIGSTOP) and resumed, it moves no leader and submits no op "
          "(invariants 3, 4)",
          "[playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  constexpr uint32_t kStalled = 4;
  CreateT(*client, kStalled, 3);
  const std::vector<v1::PartitionInfo> before = Partitions(*client);
  WriteLoad load(*client, 3);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 300; }));

  REQUIRE(pg->get().Signal("nameserver", SIGSTOP).ok());
  std::this_thread::sleep_for(6s);  // the stall itself, six offline timeouts
  REQUIRE(pg->get().Signal("nameserver", SIGCONT).ok());
  const auto resumed_at = std::chrono::steady_clock::now();
  long long worst = 0;
  for (uint32_t pid = 0; pid < kStalled; ++pid) {
    const auto back = FirstWriteWithin(*client, pid, kStalled, "probe", resumed_at, 10s);
    REQUIRE(back.has_value());
    worst = std::max<long long>(worst, back->count());
  }
  // A few offline timeouts after the resume the detector has judged every
  // tablet: any leader move would have been submitted by then.
  const size_t acked_back = load.acked();
  REQUIRE(WaitUntil(30s, [&] {
    return load.acked() >= acked_back + 300 && std::chrono::steady_clock::now() - resumed_at > 3s;
  }));
  load.Stop();
  const size_t change_leaders = OpsOfType(*client, "kChangeLeaderOP");
  const size_t recoveries = OpsOfType(*client, "kRecoverTableOP");
  std::printf("nameserver stall of 6 s: every partition took a write again %lld ms after SIGCONT; ops submitted: "
              "%zu changeleader, %zu recovertable\n",
              worst, change_leaders, recoveries);
  CHECK(change_leaders == 0);
  CHECK(recoveries == 0);
  RequireLeadersKept(*client, before);
  CHECK(MissingOf(*client, load.acked_keys()) == 0);
}
