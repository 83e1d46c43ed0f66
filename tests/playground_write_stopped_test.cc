// A leader whose WAL writer stopped after a failed write (issue 18, case 2),
// and a replica folder that fails to open (case 3), with real processes on
// the playground. The failure is injected from outside
// the tablet, with no fault code in it: the test lowers the leader tablet's
// RLIMIT_FSIZE (prlimit) just above its WAL segment's size, so the next WAL
// write fails with EFBIG as it would with ENOSPC on a full disk (the tablet
// ignores SIGXFSZ). Expected: the heartbeat says the replica cannot write, the
// nameserver moves the leadership to a caught-up replica, writes go on, and
// once the limit is lifted the stopped replica reopens itself and catches up
// as a follower; no acknowledged write is lost (invariant 5), and the record
// the failed write may have left is cut by the divergent-suffix rule
// (invariant 2) or kept whole, the replicas converging either way.
#include <signal.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "cluster/client/kv_client.h"
#include "ops/playground/playground.h"
#include "tests/ops_run_util.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

// The size of the newest WAL segment of the replica of "t" in data_dir.
uint64_t NewestSegmentBytes(const std::string& data_dir, uint32_t tid) {
  const std::filesystem::path wal = std::filesystem::path(data_dir) / "partitions" / (std::to_string(tid) + "_0") / "wal";
  std::filesystem::path newest;
  for (const auto& entry : std::filesystem::directory_iterator(wal)) {
    if (entry.path().extension() == ".log" && entry.path() > newest) newest = entry.path();
  }
  REQUIRE_FALSE(newest.empty());
  return std::filesystem::file_size(newest);
}

void SetFileSizeLimit(pid_t pid, rlim_t bytes) {
  const rlimit limit{bytes, RLIM_INFINITY};
  REQUIRE(::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0);
}

}  // namespace

TEST_CASE("a leader whose WAL writes fail (file size limit) loses the leadership, writes go on, and once it can "
          "write again it reopens and catches up, and no acknowledged write is lost (invariants 2, 5)",
          "[playground][failover][write-stopped]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 1, 3);
  const std::optional<v1::PartitionInfo> before = PartitionNow(*client, 0);
  REQUIRE(before.has_value());
  const std::string stuck = before->leader();
  auto server = pg->get().Find(stuck);
  REQUIRE(server.ok());
  auto shown = client->ShowTable("t");
  REQUIRE(shown.ok());
  const uint32_t tid = shown->front().tid();

  WriteLoad load(*client, 2);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 200; }));
  // A few more records fit; then every write to the WAL fails.
  SetFileSizeLimit(server->process.pid, NewestSegmentBytes(server->data_dir, tid) + 512);
  const auto limited_at = std::chrono::steady_clock::now();

  // The heartbeat says why, showtable shows it, and the leadership moves.
  bool reported = false;
  bool moved = WaitUntil(60s, [&] {
    auto p = PartitionNow(*client, 0);
    if (!p) return false;
    for (const v1::ReplicaInfo& r : p->replicas()) {
      if (r.endpoint() == stuck && r.state() == v1::TABLE_WRITE_STOPPED && !r.state_reason().empty()) {
        if (!reported) std::printf("write-stopped: showtable says: %s\n", r.state_reason().c_str());
        reported = true;
      }
    }
    return !p->leader().empty() && p->leader() != stuck;
  });
  REQUIRE(moved);
  std::printf("write-stopped: leadership moved %lld ms after the file size limit was set\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - limited_at)
                                         .count()));
  CHECK(reported);
  const std::optional<v1::PartitionInfo> after = PartitionNow(*client, 0);
  REQUIRE(after.has_value());
  CHECK(after->term() > before->term());

  // Writes go on under the new leader while the old one still cannot write.
  const size_t acked_after_move = load.acked();
  REQUIRE(WaitUntil(60s, [&] { return load.acked() >= acked_after_move + 200; }));

  // The limit lifted: the stopped replica reopens itself, is recovered and catches up.
  SetFileSizeLimit(server->process.pid, RLIM_INFINITY);
  const size_t acked_at_lift = load.acked();
  REQUIRE(WaitUntil(60s, [&] { return load.acked() >= acked_at_lift + 100; }));
  load.Stop();
  // What the ops did, should the replicas not converge.
  auto ops = client->ShowOpStatus();
  if (ops.ok()) {
    for (const v1::OpInfo& op : *ops) {
      std::string last_error;
      for (const auto& t : op.tasks()) {
        if (!t.last_error().empty()) last_error = t.last_error();
      }
      std::printf("write-stopped: op %llu %s %s %s\n", static_cast<unsigned long long>(op.id()), op.type().c_str(),
                  op.status().c_str(), last_error.c_str());
    }
  }
  RequireConverged(*client, pg->get(), Alive::kAll);
  auto statuses = client->TabletStatus(stuck, false);
  REQUIRE(statuses.ok());
  for (const v1::ReplicaStatus& r : *statuses) CHECK(r.state() == v1::TABLE_NORMAL);

  const std::vector<std::string> acked = load.acked_keys();
  std::printf("write-stopped: %zu writes acknowledged, %llu failed (not acknowledged)\n", acked.size(),
              static_cast<unsigned long long>(load.failed()));
  CHECK(MissingOf(*client, acked) == 0);
}

TEST_CASE("a tablet restarted with a replica folder that fails to open: playground restart fails in one line, and "
          "gettablestatus and showtable say why (issue 18, case 3)",
          "[playground][open-failed]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  CreateT(*client, 1, 3);
  auto shown = client->ShowTable("t");
  REQUIRE(shown.ok());
  const std::string tid = std::to_string(shown->front().tid());
  // A follower's tablet, stopped, its replica's DB naming a manifest that is not there.
  std::string follower;
  for (const v1::ReplicaInfo& r : shown->front().partitions(0).replicas()) {
    if (r.endpoint() != shown->front().partitions(0).leader()) follower = r.endpoint();
  }
  auto server = pg->get().Find(follower);
  REQUIRE(server.ok());
  REQUIRE(pg->get().Signal(follower, SIGKILL).ok());
  WriteFile(server->data_dir + "/partitions/" + tid + "_0/db/CURRENT", "MANIFEST-999999\n");

  const Run restarted = RunOps(tmp, {"playground", "restart", server->name, "--dir", pg->get().state().dir});
  INFO(restarted.err);
  CHECK(restarted.code == 1);
  CHECK(restarted.OneLineError());
  CHECK_THAT(restarted.err, Catch::Contains("serves 0 of its 1 replicas") && Catch::Contains(tid + "_0") &&
                                Catch::Contains("MANIFEST-999999"));

  const Run status = RunOps(tmp, {"gettablestatus", follower});
  INFO(status.out + status.err);
  CHECK(status.code == 0);
  CHECK_THAT(status.out, Catch::Contains("kTableOpenFailed"));
  CHECK_THAT(status.err, Catch::Contains("note: " + tid + "_0 is kTableOpenFailed: ") &&
                             Catch::Contains("MANIFEST-999999"));
  // The nameserver hears it with the next heartbeat.
  Run table;
  CHECK(WaitUntil(30s, [&] {
    table = RunOps(tmp, {"showtable", "t"}, pg->get().NameserverList());
    return table.err.find("kTableOpenFailed") != std::string::npos;
  }));
  INFO(table.out + table.err);
  CHECK_THAT(table.err, Catch::Contains("note: t pid 0 on " + follower + " is kTableOpenFailed: ") &&
                            Catch::Contains("MANIFEST-999999"));
}
