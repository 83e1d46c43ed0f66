// LoadReplica (`ops loadtable`): a replica folder put back on a running tablet
// is opened as at a restart, and every folder it must not open is refused with
// its reason.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "cluster/tablet/replica_settings.h"
#include "storage/layout.h"
#include "common/file.h"
#include "tests/tablet_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 3, kPid = 0;
const std::string kTable = "t3";  // Spec's name for tid 3

// A tablet whose replica 3_0 (led at term 1, replica count 1) holds a and b,
// then was restarted with that folder moved aside: it serves nothing.
struct FolderAside {
  FolderAside() : tablet(clock) {
    REQUIRE(CreateReplica(tablet, Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1)).code() == v1::OK);
    tablet.GrantLeases({{{kTid, kPid}, 1}});
    REQUIRE(Put(tablet, kTid, kPid, "a", "1").error().code() == v1::OK);
    REQUIRE(Put(tablet, kTid, kPid, "b", "2").error().code() == v1::OK);
    tablet.Stop();
    std::filesystem::rename(dir, aside.path() + "/3_0");
    tablet.Start();
  }
  // Puts the folder back under `name` in the tablet's partitions folder.
  std::string PutBack(const std::string& name = "3_0") {
    const std::string to = tablet.data_dir() + "/partitions/" + name;
    std::filesystem::rename(aside.path() + "/3_0", to);
    return to;
  }
  v1::GetStatusResponse AllStatus() {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::GetStatusResponse resp;
    REQUIRE(tablet.stub().GetStatus(&ctx, v1::GetStatusRequest(), &resp).ok());
    return resp;
  }

  FakeClock clock;
  TestTablet tablet;
  const std::string dir = storage::ReplicaDir(tablet.data_dir(), kTid, kPid);
  TempDir aside;
};

}  // namespace

TEST_CASE("LoadReplica opens a folder put back after the tablet opened, as a restart would", "[tablet]") {
  FolderAside f;
  CHECK(f.AllStatus().replicas_size() == 0);
  CHECK(Get(f.tablet, kTid, kPid, "a").error().code() == v1::NOT_FOUND);
  f.PutBack();

  const v1::LoadReplicaResponse loaded = LoadReplica(f.tablet, kTid, kPid, kTable);
  INFO(loaded.error().message());
  REQUIRE(loaded.error().code() == v1::OK);
  CHECK(loaded.status().state() == v1::TABLE_NORMAL);
  CHECK(loaded.status().table_name() == kTable);
  CHECK(loaded.status().last_offset() == 3);  // the term's noop and two puts
  CHECK(loaded.status().record_count() == 2);
  // Its replica.json says leader, but no nameserver has confirmed it since it was opened.
  CHECK(loaded.status().role() == v1::ROLE_UNKNOWN);
  CHECK(Get(f.tablet, kTid, kPid, "a").error().code() == v1::NOT_LEADER);

  // Served like any other: in GetStatus and in the heartbeat the nameserver reads.
  const v1::GetStatusResponse all = f.AllStatus();
  REQUIRE(all.replicas_size() == 1);
  CHECK(all.replicas(0).state() == v1::TABLE_NORMAL);
  const auto heartbeat = f.tablet.tablet().HeartbeatStatus();
  REQUIRE(heartbeat.size() == 1);
  CHECK(heartbeat[0].last_offset() == 3);

  // Led again once the nameserver says so (invariant 3: not at an older term).
  REQUIRE(ChangeRole(f.tablet, Spec(kTid, kPid, v1::LEADER, 1, {}, v1::ACKS_MAJORITY, 1)).error().code() == v1::OK);
  f.tablet.GrantLeases({{{kTid, kPid}, 1}});
  const v1::GetResponse a = Get(f.tablet, kTid, kPid, "a");
  REQUIRE(a.error().code() == v1::OK);
  CHECK(a.value() == "1");
  CHECK(Put(f.tablet, kTid, kPid, "c", "3").error().code() == v1::OK);

  const v1::Error again = LoadReplica(f.tablet, kTid, kPid, kTable).error();
  CHECK(again.code() == v1::ALREADY_EXISTS);
  CHECK_THAT(again.message(), Catch::Contains("already open"));
}

// A FIFO in place of the folder's settings.json holds the load inside its
// open (open(2) of a FIFO waits for a writer) for as long as the test wants:
// "during loadtable" without a race.
TEST_CASE("while LoadReplica opens a folder, GetStatus and the heartbeat show it kTableLoading, and data calls do "
          "not reach it",
          "[tablet]") {
  FolderAside f;
  const std::string dir = f.PutBack();
  const std::string settings = tablet::SettingsPath(dir);
  const auto text = ReadWholeFile(settings);
  REQUIRE(text.ok());
  std::filesystem::remove(settings);
  REQUIRE(::mkfifo(settings.c_str(), 0600) == 0);

  v1::LoadReplicaRequest req;
  req.mutable_partition()->set_tid(kTid);
  req.mutable_partition()->set_pid(kPid);
  req.set_table_name(kTable);
  v1::LoadReplicaResponse held;
  std::thread loading([&] { f.tablet.tablet().LoadReplica(req, &held); });  // no Catch macros on this thread
  // A writer comes and goes: the load reads an empty settings.json and fails.
  const auto release = [&] {
    if (!loading.joinable()) return;
    UniqueFd writer(::open(settings.c_str(), O_WRONLY | O_CLOEXEC));
    loading.join();
  };
  struct ReleaseAtEnd {
    std::function<void()> release;
    ~ReleaseAtEnd() { release(); }
  } at_end{release};
  v1::GetStatusResponse during;
  REQUIRE(WaitUntil([&] {
    during = f.AllStatus();
    return during.replicas_size() == 1 && during.replicas(0).state() == v1::TABLE_LOADING;
  }));
  CHECK(during.replicas(0).table_name() == kTable);
  const auto heartbeat = f.tablet.tablet().HeartbeatStatus();
  REQUIRE(heartbeat.size() == 1);
  CHECK(heartbeat[0].state() == v1::TABLE_LOADING);
  const v1::Error get = Get(f.tablet, kTid, kPid, "a").error();
  CHECK(get.code() == v1::UNAVAILABLE);
  CHECK_THAT(get.message(), Catch::Contains("being loaded"));

  release();
  CHECK(held.error().code() == v1::FAILED_PRECONDITION);
  CHECK_THAT(held.error().message(), Catch::Contains(settings));
  const v1::GetStatusResponse failed = f.AllStatus();
  REQUIRE(failed.replicas_size() == 1);
  CHECK(failed.replicas(0).state() == v1::TABLE_OPEN_FAILED);

  // With its settings.json back, the same call loads it.
  std::filesystem::remove(settings);
  WriteFile(settings, *text);
  const v1::LoadReplicaResponse loaded = LoadReplica(f.tablet, kTid, kPid, kTable);
  INFO(loaded.error().message());
  REQUIRE(loaded.error().code() == v1::OK);
  CHECK(loaded.status().state() == v1::TABLE_NORMAL);
  CHECK(loaded.status().last_offset() == 3);
}

TEST_CASE("LoadReplica refuses a missing folder, another table's, another partition's, and one that fails to open",
          "[tablet]") {
  FolderAside f;

  SECTION("no such folder") {
    const v1::Error e = LoadReplica(f.tablet, kTid, kPid, kTable).error();
    CHECK(e.code() == v1::NOT_FOUND);
    CHECK_THAT(e.message(), Catch::Contains(f.dir));
  }
  SECTION("its replica.json names another table") {
    f.PutBack();
    const v1::Error e = LoadReplica(f.tablet, kTid, kPid, "other").error();
    CHECK(e.code() == v1::FAILED_PRECONDITION);
    CHECK_THAT(e.message(), Catch::Contains("holds table 't3' tid 3 pid 0") && Catch::Contains("not table 'other'"));
    CHECK(f.AllStatus().replicas_size() == 0);
  }
  SECTION("its replica.json names another partition than the folder it was put in") {
    f.PutBack("3_1");
    const v1::Error e = LoadReplica(f.tablet, kTid, 1, kTable).error();
    CHECK(e.code() == v1::FAILED_PRECONDITION);
    CHECK_THAT(e.message(), Catch::Contains("tid 3 pid 0") && Catch::Contains("not table 't3' tid 3 pid 1"));
  }
  SECTION("the table's name is missing") {
    f.PutBack();
    CHECK(LoadReplica(f.tablet, kTid, kPid, "").error().code() == v1::INVALID_ARGUMENT);
  }
  SECTION("the folder fails to open: the storage error and where to look") {
    const std::string dir = f.PutBack();
    WriteFile(dir + "/db/CURRENT", "MANIFEST-999999\n");  // names a manifest that is not there
    const v1::Error e = LoadReplica(f.tablet, kTid, kPid, kTable).error();
    CHECK(e.code() == v1::FAILED_PRECONDITION);
    CHECK_THAT(e.message(), Catch::Contains("cannot open " + dir) && Catch::Contains("inspect partition " + dir));
    // Not served, and data calls say why, as for a folder that failed at start.
    const v1::Error get = Get(f.tablet, kTid, kPid, "a").error();
    CHECK(get.code() == v1::FAILED_PRECONDITION);
    CHECK_THAT(get.message(), Catch::Contains("not served"));
  }
}

TEST_CASE("a folder that fails to open at start is shown with its reason in GetStatus and the heartbeat, and "
          "LoadReplica's failure too",
          "[tablet]") {
  FolderAside f;
  const std::string dir = f.PutBack();
  WriteFile(dir + "/db/CURRENT", "MANIFEST-999999\n");  // names a manifest that is not there
  const auto check = [&](const v1::ReplicaStatus& r) {
    CHECK(r.partition().tid() == kTid);
    CHECK(r.partition().pid() == kPid);
    CHECK(r.table_name() == kTable);  // from its replica.json, which is fine
    CHECK(r.state() == v1::TABLE_OPEN_FAILED);
    CHECK_THAT(r.state_reason(), Catch::Contains("MANIFEST-999999"));
  };
  SECTION("at start") {
    f.tablet.Stop();
    f.tablet.Start();
  }
  SECTION("by LoadReplica") { CHECK(LoadReplica(f.tablet, kTid, kPid, kTable).error().code() != v1::OK); }

  const v1::GetStatusResponse all = f.AllStatus();
  CHECK(all.error().code() == v1::OK);
  REQUIRE(all.replicas_size() == 1);
  check(all.replicas(0));
  check(Status(f.tablet, kTid, kPid));  // asked for by its id
  const std::vector<v1::ReplicaStatus> heartbeat = f.tablet.tablet().HeartbeatStatus();
  REQUIRE(heartbeat.size() == 1);
  check(heartbeat[0]);
}

TEST_CASE("a folder that fails to open shows what inspect finds in it, and RepairReplica with the loss accepted "
          "repairs it in place and serves it",
          "[tablet][recover]") {
  FolderAside f;
  const std::string dir = f.PutBack();
  WriteFile(dir + "/db/CURRENT", "MANIFEST-999999\n");  // the DB cannot open; the WAL holds a and b
  f.tablet.Stop();
  f.tablet.Start();
  const v1::ReplicaStatus failed = Status(f.tablet, kTid, kPid);
  REQUIRE(failed.state() == v1::TABLE_OPEN_FAILED);
  // What `ops recoverdata` plans from: the files' positions and inspect's findings.
  CHECK(failed.last_term() == 1);
  CHECK(failed.last_offset() == 3);  // the term's noop and two puts, in the WAL
  REQUIRE(failed.findings_size() > 0);
  CHECK(failed.findings(0) == "db-unreadable");

  v1::RepairReplicaRequest request;
  request.mutable_partition()->set_tid(kTid);
  request.mutable_partition()->set_pid(kPid);
  request.set_table_name(kTable);
  v1::RepairReplicaResponse refused;
  f.tablet.tablet().RepairReplica(request, &refused);
  CHECK(refused.error().code() == v1::FAILED_PRECONDITION);
  CHECK_THAT(refused.error().message(), Catch::Contains("accept_loss"));
  CHECK(Status(f.tablet, kTid, kPid).state() == v1::TABLE_OPEN_FAILED);  // nothing was touched

  request.set_accept_loss(true);
  v1::RepairReplicaResponse repaired;
  f.tablet.tablet().RepairReplica(request, &repaired);
  INFO(repaired.error().message());
  REQUIRE(repaired.error().code() == v1::OK);
  CHECK(repaired.status().state() == v1::TABLE_NORMAL);
  CHECK(repaired.status().last_offset() == 3);
  CHECK(repaired.status().record_count() == 2);
  REQUIRE(repaired.done_size() > 0);
  CHECK_THAT(repaired.done(0), Catch::Contains("rebuilt db/"));
  REQUIRE(ChangeRole(f.tablet, Spec(kTid, kPid, v1::LEADER, 2, {}, v1::ACKS_MAJORITY, 1)).error().code() == v1::OK);
  f.tablet.GrantLeases({{{kTid, kPid}, 2}});
  CHECK(Get(f.tablet, kTid, kPid, "a").value() == "1");
  CHECK(Get(f.tablet, kTid, kPid, "b").value() == "2");
  // The unreadable DB is in the data dir's quarantine, not deleted (invariant 8).
  auto quarantined = ListDir(f.tablet.data_dir() + "/quarantine");
  REQUIRE(quarantined.ok());
  CHECK(quarantined->size() == 1);

  v1::RepairReplicaResponse again;
  f.tablet.tablet().RepairReplica(request, &again);
  CHECK(again.error().code() == v1::OK);
  REQUIRE(again.done_size() == 1);
  CHECK_THAT(again.done(0), Catch::Contains("nothing to do"));
}

}  // namespace kv::test
