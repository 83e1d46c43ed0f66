// The manual restore of a partition with real processes (docs/ops.md "Manual
// restore of a partition", OpenMLDB's "Manual data recovery"): every tablet
// of a partition down at once with auto_failover off, the leader's replica
// folder back only after the restart (as from a backup), and the operator's
// commands, run as the `ops` binary: updatetablealive no, loadtable,
// gettablestatus, updatetablealive yes, recovertable. The playground goes
// down by PID when the test ends, whatever happened.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/ops_run_util.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

bool AllTabletsIn(client::Client& client, const std::string& state) {
  auto tablets = client.ShowTablet();
  if (!tablets.ok() || tablets->empty()) return false;
  return std::all_of(tablets->begin(), tablets->end(), [&](const v1::TabletInfo& t) { return t.state() == state; });
}

// is_alive of the replica on endpoint of table "t" pid 0, as the metadata says.
bool ReplicaAlive(client::Client& client, const std::string& endpoint) {
  auto shown = client.ShowTable("t");
  if (!shown.ok() || shown->size() != 1) return false;
  for (const v1::ReplicaInfo& r : shown->front().partitions(0).replicas()) {
    if (r.endpoint() == endpoint) return r.is_alive();
  }
  return false;
}

}  // namespace

TEST_CASE("manual restore: a partition whose 3 tablets all died comes back by loadtable on its leader, "
          "updatetablealive yes and recovertable, with every acknowledged write",
          "[playground][restore]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  const std::string ns = pg->get().NameserverList();
  v1::CreateTableRequest create;
  create.set_name("t");
  create.set_partitions(1);
  create.set_replicas(3);
  auto table = client->CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
  const std::string tid = std::to_string(table->tid());
  const std::string leader = table->partitions(0).leader();
  std::vector<std::string> followers;
  for (const v1::ReplicaInfo& r : table->partitions(0).replicas()) {
    if (r.endpoint() != leader) followers.push_back(r.endpoint());
  }
  REQUIRE(followers.size() == 2);

  WriteLoad load(*client, 2);
  REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 200; }));
  load.Stop();
  const std::vector<std::string> acked = load.acked_keys();

  // Runbook step 2 first: with auto_failover off the nameserver only marks
  // the dead tablets offline and their replicas not alive.
  REQUIRE(client->ConfSet("auto_failover", "false").ok());
  std::vector<ops::ServerRecord> tablets;
  for (const ops::ServerView& v : pg->get().Display()) {
    if (v.server.role == ops::kRoleTablet) tablets.push_back(v.server);
  }
  for (const ops::ServerRecord& t : tablets) REQUIRE(pg->get().Signal(t.name, SIGKILL).ok());
  REQUIRE(WaitUntil(30s, [&] { return AllTabletsIn(*client, "kTabletOffline"); }));

  // The leader's folder is away while the tablets restart: what a partition
  // restored from a backup after the restart looks like.
  const std::string folder = pg->get().Find(leader)->data_dir + "/partitions/" + tid + "_0";
  const std::string away = tmp / "restored";
  std::filesystem::rename(folder, away);
  for (const ops::ServerRecord& t : tablets) REQUIRE(pg->get().Restart(t.name, 60s).ok());
  REQUIRE(WaitUntil(30s, [&] { return AllTabletsIn(*client, "kTabletHealthy"); }));

  // Step 3: every replica not alive.
  for (const ops::ServerRecord& t : tablets) {
    Run r = RunOps(tmp, {"updatetablealive", "t", "*", t.endpoint, "no"}, ns);
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client); }));
  }
  Run before = RunOps(tmp, {"gettablestatus", leader, tid, "0"});
  INFO(before.out);
  CHECK(before.code == 2);  // a partition the tablet does not hold: a named thing not there
  CHECK(before.OneLineError());
  CHECK_THAT(before.err, Catch::Contains("not hosted"));

  // The leader's replica: put back, loaded, checked.
  std::filesystem::rename(away, folder);
  Run loaded = RunOps(tmp, {"loadtable", leader, "t", tid, "0", "--json"});
  INFO(loaded.err);
  REQUIRE(loaded.code == 0);
  const auto load_lines = JsonLines(loaded.out);
  REQUIRE(load_lines.size() == 1);
  CHECK(load_lines[0]["state"] == "kTableNormal");
  CHECK(load_lines[0]["role"] == "unknown");  // not leading until the nameserver says so
  const uint64_t restored_offset = load_lines[0]["last_offset"].get<uint64_t>();
  CHECK(restored_offset > acked.size());  // every acknowledged write, and the term's noop

  Run status = RunOps(tmp, {"gettablestatus", leader, "--json"});
  REQUIRE(status.code == 0);
  const auto status_lines = JsonLines(status.out);
  REQUIRE(status_lines.size() == 1);
  CHECK(status_lines[0]["state"] == "kTableNormal");
  CHECK(status_lines[0]["last_offset"].get<uint64_t>() == restored_offset);
  Run table_view = RunOps(tmp, {"gettablestatus", leader, tid, "0"});
  REQUIRE(table_view.code == 0);
  CHECK_THAT(Lines(table_view.out).front(),
             Catch::Matches("tid +pid +table +role +term +last_term +last_offset +applied_offset +record_cnt +state "
                            "+lease"));
  CHECK_THAT(table_view.out, Catch::Contains("kTableNormal"));

  Run alive = RunOps(tmp, {"updatetablealive", "t", "0", leader, "yes"}, ns);
  INFO(alive.err);
  REQUIRE(alive.code == 0);
  REQUIRE(WaitUntil(30s, [&] { return OpsFinal(*client) && ReplicaAlive(*client, leader); }));

  // The others, one op at a time. The first recovertable also hands the
  // loaded replica its leader role again (ChangeRole leader at the same term).
  for (const std::string& f : followers) {
    Run r = RunOps(tmp, {"recovertable", "t", "0", f}, ns);
    INFO(f << ": " << r.err);
    REQUIRE(r.code == 0);
    REQUIRE(WaitUntil(60s, [&] { return OpsFinal(*client); }));
    CHECK(ReplicaAlive(*client, f));
  }
  auto ops = client->ShowOpStatus();
  REQUIRE(ops.ok());
  for (const v1::OpInfo& op : *ops) {
    INFO(op.type() << " " << op.error());
    CHECK(op.status() == "kDone");
  }

  // The loaded replica leads again, at the term it had.
  auto shown = client->ShowTable("t");
  REQUIRE((shown.ok() && shown->size() == 1));
  CHECK(shown->front().partitions(0).leader() == leader);
  CHECK(shown->front().partitions(0).term() == table->partitions(0).term());

  // Every replica at the same last (term, offset) and content, one leader;
  // every acknowledged write readable, and new writes taken.
  RequireConverged(*client, pg->get(), Alive::kAll);
  CHECK(MissingOf(*client, acked) == 0);
  CHECK(client->Put("t", "after-restore", "v-after-restore").ok());
  REQUIRE(client->ConfSet("auto_failover", "true").ok());  // step 4
}
