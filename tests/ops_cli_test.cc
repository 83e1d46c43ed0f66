// The `ops` binary as an operator runs it: exit codes (0 done, 1 failed,
// 2 bad usage), one-line errors, --json lines, $KV_NS; first without a
// cluster, then against a live 2-tablet playground.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "common/file.h"
#include "ops/bench/key_chooser.h"
#include "ops/playground/free_port.h"
#include "tests/ops_run_util.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;

TEST_CASE("ops without a nameserver, or with bad flags, is a usage error (exit 2)", "[ops][cli]") {
  TempDir tmp;
  Run none = RunOps(tmp, {"count", "t1"});
  CHECK(none.code == 2);
  CHECK(none.OneLineError());
  CHECK_THAT(none.err, Catch::Contains("--ns") && Catch::Contains("KV_NS"));
  // A flag before the command's name: said so, not "arguments not expected".
  Run before = RunOps(tmp, {"--ns", "127.0.0.1:1", "showtable"});
  CHECK(before.code == 2);
  CHECK(before.OneLineError());
  CHECK_THAT(before.err, Catch::Contains("put it after the command's name"));

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"count", "t1", "--ns", "nohostport"},
           {"put", "t1", "k"},
           {"scan", "t1", "--limit", "many", "--ns", "127.0.0.1:1"},
           {"create", "table", "t", "--wal-level", "3", "--ns", "127.0.0.1:1"},
           {"create", "table", "t", "--acks", "all", "--ns", "127.0.0.1:1"},
           {"nosuchcommand"},
           {"playground", "display", "--dir", tmp / "nothing-here"},
           {"playground", "up", "--nameservers", "2", "--dir", tmp / "standby-needs-zk"},
       }) {
    Run r = RunOps(tmp, bad);
    INFO(bad.front() << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.OneLineError());
  }
}

TEST_CASE("ops against a nameserver that does not answer fails (exit 1) at its timeout", "[ops][cli]") {
  TempDir tmp;
  std::set<int> taken;
  const std::string nowhere = "127.0.0.1:" + std::to_string(*ops::PickFreePort(&taken));
  Run r = RunOps(tmp, {"showtablet", "--timeout-ms", "300"}, nowhere);
  CHECK(r.code == 1);
  CHECK(r.OneLineError());
  CHECK_THAT(r.err, Catch::Contains("gave up") && Catch::Contains(nowhere));
}

TEST_CASE("ops loadtable and gettablestatus: bad usage is exit 2, a tablet that does not answer exit 1",
          "[ops][cli]") {
  TempDir tmp;
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"loadtable"},
           {"loadtable", "127.0.0.1:1", "t1", "1"},
           {"loadtable", "127.0.0.1:1", "t1", "1", "0", "extra"},
           {"loadtable", "127.0.0.1:1", "t1", "one", "0"},
           {"loadtable", "127.0.0.1:1", "t1", "1", "-1"},
           {"loadtable", "nohostport", "t1", "1", "0"},
           {"loadtable", "127.0.0.1:99999", "t1", "1", "0"},
           {"gettablestatus"},
           {"gettablestatus", "127.0.0.1:1", "1"},
           {"gettablestatus", "127.0.0.1:1", "1", "0", "2"},
           {"gettablestatus", "127.0.0.1:1", "x", "0"},
           {"gettablestatus", "host:port"},
           {"gettablestatus", "127.0.0.1:1", "--timeout-ms", "0"},
       }) {
    Run r = RunOps(tmp, bad);
    INFO(Catch::Detail::stringify(bad) << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.OneLineError());
  }
  std::set<int> taken;
  const std::string nowhere = "127.0.0.1:" + std::to_string(*ops::PickFreePort(&taken));
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"loadtable", nowhere, "t1", "1", "0", "--timeout-ms", "300"},
           {"gettablestatus", nowhere, "--timeout-ms", "300"},
           {"gettablestatus", nowhere, "1", "0", "--json", "--timeout-ms", "300"},
       }) {
    Run r = RunOps(tmp, cmd);
    INFO(cmd.front() << ": " << r.err);
    CHECK(r.code == 1);
    CHECK(r.OneLineError());
    CHECK_THAT(r.err, Catch::Contains("tablet " + nowhere));
  }
}

TEST_CASE("ops on a live cluster: data and admin commands, exit codes and JSON lines", "[ops][cli][playground]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 2);
  const std::string ns = pg->get().NameserverList();

  Run created = RunOps(tmp, {"create", "table", "t1", "--partitions", "4", "--replicas", "2", "--json"}, ns);
  INFO(created.err);
  REQUIRE(created.code == 0);
  CHECK(Lines(created.out).size() == 8);  // one line per replica

  CHECK(RunOps(tmp, {"put", "t1", "hello", "world"}, ns).code == 0);
  CHECK(RunOps(tmp, {"put", "--ns", ns, "t1", "bye", "moon"}).code == 0);  // --ns instead of $KV_NS
  Run got = RunOps(tmp, {"get", "t1", "hello"}, ns);
  CHECK(got.code == 0);
  CHECK(got.out == "world\n");

  Run missing_key = RunOps(tmp, {"get", "t1", "nope"}, ns);
  CHECK(missing_key.code == 1);
  CHECK(missing_key.OneLineError());
  CHECK_THAT(missing_key.err, Catch::Contains("not found"));

  Run missing_table = RunOps(tmp, {"get", "t9", "k"}, ns);
  CHECK(missing_table.code == 2);  // a table that is not there: bad input
  CHECK(missing_table.OneLineError());
  CHECK(missing_table.err == "ops: table 't9' does not exist (see `ops showtable`)\n");

  Run scan = RunOps(tmp, {"scan", "t1", "--json"}, ns);
  CHECK(scan.code == 0);
  CHECK(Lines(scan.out) ==
        std::vector<std::string>{R"({"key":"bye","value":"moon"})", R"({"key":"hello","value":"world"})"});
  Run count = RunOps(tmp, {"count", "t1"}, ns);
  CHECK(count.out == "2\n");

  Run showtable = RunOps(tmp, {"showtable", "t1"}, ns);
  CHECK(showtable.code == 0);
  CHECK_THAT(Lines(showtable.out).front(),
             Catch::Matches("name +tid +pid +endpoint +role +term +is_alive +offset +record_cnt"));
  Run showtablet = RunOps(tmp, {"showtablet", "--json"}, ns);
  CHECK(Lines(showtablet.out).size() == 2);
  CHECK_THAT(showtablet.out, Catch::Contains("kTabletHealthy"));

  // Every command speaks JSON lines with --json.
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"put", "t1", "json", "lines"},
           {"get", "t1", "json"},
           {"delete", "t1", "json"},
           {"scan", "t1", "--limit", "1"},
           {"count", "t1"},
           {"showtable"},
           {"showtable", "t1"},
           {"showtablet"},
           {"confset", "auto_failover", "false"},
           {"confget"},
           {"confget", "auto_failover"},
       }) {
    std::vector<std::string> args = cmd;
    args.push_back("--json");
    Run r = RunOps(tmp, args, ns);
    INFO(cmd.front() << ": " << r.err);
    CHECK(r.code == 0);
    CHECK(!JsonLines(r.out).empty());
  }
  Run absent = RunOps(tmp, {"get", "t1", "json", "--json"}, ns);
  CHECK(absent.code == 1);
  REQUIRE(JsonLines(absent.out).size() == 1);
  CHECK(JsonLines(absent.out)[0]["found"] == false);

  Run too_many = RunOps(tmp, {"create", "table", "t2", "--replicas", "3"}, ns);
  CHECK(too_many.code == 1);  // the nameserver refuses: only 2 tablets
  CHECK(too_many.OneLineError());
  CHECK(RunOps(tmp, {"confset", "no_such_key", "1"}, ns).code == 2);

  // drop table: no answer on stdin refuses; "n" declines; --yes drops.
  Run unconfirmed = RunOps(tmp, {"drop", "table", "t1"}, ns);
  CHECK(unconfirmed.code == 2);
  CHECK_THAT(unconfirmed.err, Catch::Contains("--yes"));
  CHECK(RunOps(tmp, {"drop", "table", "t1"}, ns, "n\n").code == 1);
  CHECK(RunOps(tmp, {"count", "t1"}, ns).code == 0);
  CHECK(RunOps(tmp, {"drop", "table", "t1"}, ns, "y\n").code == 0);
  CHECK(RunOps(tmp, {"showtable", "t1"}, ns).code == 2);              // no such table
  CHECK(RunOps(tmp, {"drop", "table", "t1", "--yes"}, ns).code == 2);  // already gone
}

TEST_CASE("ops playground commands drive the playground's processes", "[ops][cli][playground]") {
  TempDir tmp;
  const std::string dir = tmp / "pg";
  Run up = RunOps(tmp, {"playground", "up", "--tablets", "2", "--dir", dir, "--bin-dir", KV_BINARY_DIR,
                        "--timeout-ms", "60000"});
  // Whatever happens below, the processes go down.
  struct Down {
    const TempDir& tmp;
    std::string dir;
    ~Down() { RunOps(tmp, {"playground", "down", "--dir", dir}); }
  } down{tmp, dir};
  INFO(up.err);
  REQUIRE(up.code == 0);
  CHECK(Lines(up.out).size() == 5);  // header, rule, 3 servers

  CHECK(RunOps(tmp, {"playground", "up", "--tablets", "1", "--dir", dir}).code == 1);  // already there
  CHECK(RunOps(tmp, {"playground", "stop", "tablet-1", "--dir", dir}).code == 0);
  Run display = RunOps(tmp, {"playground", "display", "--dir", dir, "--json"});
  CHECK_THAT(display.out, Catch::Contains(R"("name":"tablet-1")") && Catch::Contains(R"("state":"stopped")"));
  CHECK(RunOps(tmp, {"playground", "cont", "tablet-1", "--dir", dir}).code == 0);
  CHECK(RunOps(tmp, {"playground", "kill", "tablet-2", "--dir", dir}).code == 0);
  CHECK(RunOps(tmp, {"playground", "kill", "tablet-2", "--dir", dir}).code == 1);  // not running
  CHECK(RunOps(tmp, {"playground", "kill", "tablet-7", "--dir", dir}).code == 2);  // no such server
  CHECK(RunOps(tmp, {"playground", "restart", "tablet-2", "--dir", dir}).code == 0);
  Run scaled = RunOps(tmp, {"playground", "scale-out", "--tablets", "1", "--dir", dir, "--timeout-ms", "60000"});
  INFO(scaled.err);
  CHECK(scaled.code == 0);
  CHECK(RunOps(tmp, {"playground", "scale-out", "--tablets", "0", "--dir", dir}).code == 2);
  display = RunOps(tmp, {"playground", "display", "--dir", dir, "--json"});
  CHECK_THAT(display.out, Catch::Contains(R"("name":"tablet-3")"));
  CHECK(Lines(display.out).size() == 4);
  CHECK(display.out.find(R"("state":"alive")") != std::string::npos);
  CHECK(display.out.find(R"("state":"dead")") == std::string::npos);
  CHECK(display.out.find(R"("state":"stopped")") == std::string::npos);
  CHECK(RunOps(tmp, {"playground", "clean", "--dir", dir}).code == 1);  // still running

  Run stopped = RunOps(tmp, {"playground", "down", "--dir", dir, "--json"});
  CHECK(stopped.code == 0);
  CHECK(Lines(stopped.out).size() == 4);
  Run after = RunOps(tmp, {"playground", "display", "--dir", dir});
  CHECK(after.out.find("alive") == std::string::npos);
  CHECK(RunOps(tmp, {"playground", "clean", "--dir", dir}).code == 0);
  CHECK(!PathExists(dir));
}

TEST_CASE("ops HA commands on a live cluster: op ids and showopstatus and exit codes",
          "[ops][cli][playground][failover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 2);
  const std::string ns = pg->get().NameserverList();
  REQUIRE(RunOps(tmp, {"create", "table", "t1", "--partitions", "2", "--replicas", "2"}, ns).code == 0);
  std::string leader, follower;
  for (const nlohmann::json& row : JsonLines(RunOps(tmp, {"showtable", "t1", "--json"}, ns).out)) {
    if (row.at("pid") != 0) continue;
    (row.at("role") == "leader" ? leader : follower) = row.at("endpoint").get<std::string>();
  }
  REQUIRE(!leader.empty());
  REQUIRE(!follower.empty());
  // Waits until op id is final; its showopstatus JSON line.
  auto final_op = [&](uint64_t id) {
    nlohmann::json found;
    WaitUntil(std::chrono::seconds(30), [&] {
      for (const nlohmann::json& op : JsonLines(RunOps(tmp, {"showopstatus", "--table", "t1", "--json"}, ns).out)) {
        if (op.at("op_id") == id && op.at("cur_task") == "-") found = op;
      }
      return !found.is_null();
    });
    return found;
  };

  // The candidate must have caught up (the leader's first record), or changeleader rightly refuses it.
  REQUIRE(WaitUntil(std::chrono::seconds(30), [&] {
    std::set<uint64_t> offsets;
    for (const nlohmann::json& row : JsonLines(RunOps(tmp, {"showtable", "t1", "--json"}, ns).out)) {
      if (row.at("pid") == 0) offsets.insert(row.at("offset").get<uint64_t>());
    }
    return offsets.size() == 1;
  }));
  Run moved = RunOps(tmp, {"changeleader", "t1", "0", "--candidate", follower, "--json"}, ns);
  INFO(moved.err);
  REQUIRE(moved.code == 0);
  REQUIRE(JsonLines(moved.out).size() == 1);
  const uint64_t id = JsonLines(moved.out)[0].at("op_id");
  const nlohmann::json done = final_op(id);
  REQUIRE(!done.is_null());
  CHECK(done.at("status") == "kDone");
  CHECK(done.at("op_type") == "kChangeLeaderOP");
  CHECK(done.at("tasks").size() == 4);
  Run table = RunOps(tmp, {"showopstatus", "--table", "t1", "--pid", "0"}, ns);
  CHECK(table.code == 0);
  CHECK_THAT(Lines(table.out).front(),
             Catch::Matches("op_id +op_type +name +pid +status +start_time +execute_time +end_time +cur_task +error"));

  // Refused or failed: exit 1, one line.
  for (const std::vector<std::string>& refused : std::vector<std::vector<std::string>>{
           {"cancelop", std::to_string(id)},  // already final
           {"recovertable", "t1", "0", follower},  // it leads now
           {"setreplicas", "t1", "9"},  // more than the healthy tablets
       }) {
    Run r = RunOps(tmp, refused, ns);
    INFO(refused.front() << ": " << r.err);
    CHECK(r.code == 1);
    CHECK(r.OneLineError());
  }
  // A table, partition, op or tablet that is not there: bad input, exit 2, one line.
  for (const std::vector<std::string>& absent : std::vector<std::vector<std::string>>{
           {"changeleader", "t9", "0"},
           {"changeleader", "t1", "7"},
           {"cancelop", "9999"},
           {"recovertable", "t1", "0", "127.0.0.1:1"},
           {"offlineendpoint", "127.0.0.1:1"},
           {"setreplicas", "nope", "2"},
       }) {
    Run r = RunOps(tmp, absent, ns);
    INFO(absent.front() << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.OneLineError());
  }
  // Bad usage: exit 2.
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"showopstatus", "--pid", "0"},
           {"updatetablealive", "t1", "x", leader, "yes"},
           {"updatetablealive", "t1", "*", leader, "maybe"},
           {"changeleader", "t1"},
           {"setreplicas", "t1", "0"},
           {"setreplicas", "t1"},
       }) {
    Run r = RunOps(tmp, bad, ns);
    INFO(bad.front() << ": " << r.err);
    CHECK(r.code == 2);
  }

  // The old leader out and back: every op done, its replicas alive again.
  Run off = RunOps(tmp, {"offlineendpoint", leader, "--json"}, ns);
  INFO(off.err);
  REQUIRE(off.code == 0);
  std::vector<uint64_t> ids;
  for (const nlohmann::json& line : JsonLines(off.out)) ids.push_back(line.at("op_id"));
  Run back = RunOps(tmp, {"recoverendpoint", leader, "--json"}, ns);
  // Refused partitions (an offline op still running there) exit 1: run it again then.
  for (int i = 0; i < 20 && back.code == 1; ++i) {
    for (uint64_t off_id : ids) final_op(off_id);
    back = RunOps(tmp, {"recoverendpoint", leader, "--json"}, ns);
  }
  INFO(back.err);
  REQUIRE(back.code == 0);
  for (const nlohmann::json& line : JsonLines(back.out)) CHECK(final_op(line.at("op_id")).at("status") == "kDone");
  for (const nlohmann::json& row : JsonLines(RunOps(tmp, {"showtable", "t1", "--json"}, ns).out)) {
    CHECK(row.at("is_alive") == true);
  }
  Run alive = RunOps(tmp, {"updatetablealive", "t1", "*", leader, "yes"}, ns);
  CHECK(alive.code == 0);
  CHECK_THAT(alive.out, Catch::Contains("submitted op"));
  // offlineendpoint moved leaderships away: balance rounds (refused, exit 1,
  // while the last ones run) bring them back until nothing is left to do.
  CHECK(WaitUntil(std::chrono::seconds(30), [&] {
    const Run round = RunOps(tmp, {"balance"}, ns);
    return round.code == 0 && round.out.find("nothing to do") != std::string::npos;
  }));
}

TEST_CASE("ops bench load and run: YCSB workloads on a live cluster, go-ycsb's lines, open loop at a target",
          "[ops][cli][playground][bench]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 1);
  const std::string ns = pg->get().NameserverList();
  REQUIRE(RunOps(tmp, {"create", "table", "usertable", "--partitions", "2", "--replicas", "1"}, ns).code == 0);
  const std::string workloads = KV_WORKLOADS_DIR;

  Run load = RunOps(tmp, {"bench", "load", "-P", workloads + "/workloada", "-p", "recordcount=300", "-p",
                          "threadcount=2", "--table", "usertable", "--ledger", tmp / "load.ledger"},
                    ns);
  INFO(load.out << load.err);
  REQUIRE(load.code == 0);
  CHECK_THAT(load.out, Catch::Contains("INSERT - Takes(s): ") && Catch::Contains("Count: 300, OPS: "));
  auto count = ConnectTo(pg->get())->Count("usertable");
  REQUIRE(count.ok());
  CHECK(*count == 300);  // every item a distinct key

  // The ledger proves every acknowledged write reads back, and notices one that does not.
  Run verified = RunOps(tmp, {"bench", "verify", "--ledger", tmp / "load.ledger"}, ns);
  INFO(verified.out << verified.err);
  CHECK(verified.code == 0);
  CHECK_THAT(verified.out, Catch::Contains("300 acknowledged writes of 300 keys") && Catch::Contains("lost 0"));
  REQUIRE(ConnectTo(pg->get())->Delete("usertable", "user" + std::to_string(bench::Fnv1a64(7))).ok());
  Run lost = RunOps(tmp, {"bench", "verify", "--ledger", tmp / "load.ledger"}, ns);
  CHECK(lost.code == 1);
  CHECK_THAT(lost.out, Catch::Contains("lost 1"));
  CHECK(lost.OneLineError());

  // workloada at 400 ops/s: 600 operations cannot take less than 1.5 seconds (open loop).
  Run run = RunOps(tmp, {"bench", "run", "-P", workloads + "/workloada", "-p", "recordcount=300", "-p",
                         "operationcount=600", "-p", "target=400", "--table", "usertable", "--json"},
                   ns);
  INFO(run.out << run.err);
  REQUIRE(run.code == 0);
  const auto summary = nlohmann::json::parse(Lines(run.out).back());
  CHECK(summary["operations"] == 600);
  CHECK(summary["errors"] == 0);
  CHECK(summary["by_operation"]["READ"]["count"].get<uint64_t>() + summary["by_operation"]["UPDATE"]["count"].get<uint64_t>() == 600);
  const double seconds = summary["seconds"].get<double>();
  CHECK(seconds >= 599.0 / 400);
  // The time series: a point per second of the run, in order, that add up to the run.
  const auto& series = summary["series"];
  CHECK(series.size() >= size_t(seconds));
  CHECK(series.size() <= size_t(std::ceil(seconds)));
  uint64_t ops_in_series = 0;
  double last_t = 0;
  for (const auto& point : series) {
    CHECK(point["t"].get<double>() > last_t);
    last_t = point["t"].get<double>();
    ops_in_series += point["ops"].get<uint64_t>();
    CHECK(point["p99_us"].get<uint64_t>() >= point["p50_us"].get<uint64_t>());
  }
  CHECK(ops_in_series == 600);

  Run bad = RunOps(tmp, {"bench", "run", "-P", workloads + "/workloada", "-p", "requestdistribution=gaussian",
                         "--table", "usertable"},
                   ns);
  CHECK(bad.code == 2);
  CHECK(bad.OneLineError());
  Run missing = RunOps(tmp, {"bench", "run", "-P", workloads + "/workloada", "--table", "nosuch"}, ns);
  CHECK(missing.code == 2);  // a table that is not there: bad input
  CHECK(missing.OneLineError());
  CHECK_THAT(missing.err, Catch::Contains("nosuch"));
}
