// WAL retention and snapshot transfer between in-process tablets: a follower
// left behind the leader's WAL catches up from a snapshot, and a follower
// refuses what it must refuse (invariant 3) and keeps its replica whole when a
// transfer fails.
#include <catch2/catch.hpp>

#include <limits>
#include <nlohmann/json.hpp>

#include "storage/layout.h"
#include "storage/retention.h"
#include "cluster/tablet/retention_policy.h"
#include "cluster/tablet/snapshot_sender.h"
#include "common/file.h"
#include "tests/storage_test_util.h"
#include "tests/tablet_test_util.h"
#include "tests/wal_test_util.h"

namespace kv::test {
namespace {

constexpr uint32_t kTid = 1, kPid = 0;
using std::chrono::milliseconds;

// Small WAL segments and quick retention, so a few hundred writes purge WAL.
void QuickRetention(tablet::TabletServerOptions* o) {
  o->tablet.wal_segment_bytes = 4096;
  o->tablet.partition.tail_records = 8;  // a follower behind reads the leader's WAL, not its memory
  tablet::RetentionOptions& r = o->tablet.partition.retention;
  r.interval = milliseconds(50);
  r.snapshot_every_records = 40;
  r.wal_keep_extra_segments = 0;
  r.snapshots_to_keep = 2;
  r.follower_grace = milliseconds(300);
  o->tablet.partition.replication.snapshot_retry = milliseconds(100);
  o->tablet.partition.replication.snapshot_chunk_bytes = 4096;  // several chunks per file
}

void PutMany(TestTablet& t, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const v1::WriteResponse w = Put(t, kTid, kPid, TestKey(i), TestValue(i, 100));
    INFO(w.error().message());
    REQUIRE(w.error().code() == v1::OK);
  }
}

std::string ReplicaDirOf(TestTablet& t) { return storage::ReplicaDir(t.data_dir(), kTid, kPid); }

// The first offset the replica's WAL still holds (its oldest segment's).
uint64_t WalStart(TestTablet& t) {
  auto spans = storage::ListSegmentSpans(ReplicaDirOf(t) + "/wal");
  REQUIRE(spans.ok());
  REQUIRE(!spans->empty());
  return spans->front().first_offset;
}

size_t StagingEntries(TestTablet& t) {
  auto names = ListDir(t.data_dir() + "/staging");
  return names.ok() ? names->size() : 0;
}

}  // namespace

TEST_CASE("retention: a leader's WAL goes only below its newest snapshot and what its counted followers need",
          "[tablet]") {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const milliseconds grace(1000);
  std::map<std::string, tablet::FollowerState> progress;
  const std::vector<std::string> followers{"a", "b"};
  // Never heard from, within the grace since the leadership began: they hold everything.
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(10), grace) == 1);
  progress["a"] = {50, true, false, start};
  progress["b"] = {30, false, false, start + milliseconds(500)};
  // b is down but within its grace: the lowest next offset of the two.
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(1000), grace) == 31);
  // b silent past its grace is left behind (a snapshot brings it back); a connected one never is.
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(1600), grace) == 51);
  // One that needs a snapshot holds nothing back (the snapshot sent to it does).
  progress["b"] = {30, true, true, start + milliseconds(1500)};
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(1600), grace) == 51);
  progress["a"].last_answer = start;
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(5000), grace) == 51);
  progress["a"].connected = false;
  CHECK(tablet::FollowersLowWaterMark(followers, progress, start, start + milliseconds(5000), grace) ==
        std::numeric_limits<uint64_t>::max());
  CHECK(tablet::FollowersLowWaterMark({}, progress, start, start, grace) == std::numeric_limits<uint64_t>::max());

  // And on a running leader: a follower that is down, within its grace, holds
  // the WAL back; the newest snapshot bounds it too.
  ThreeTablets c([](tablet::TabletServerOptions* o) {
    QuickRetention(o);
    o->tablet.partition.retention.follower_grace = std::chrono::hours(1);
  });
  c.CreatePartition(kTid, kPid, 1);
  PutMany(*c.tablets[0], 0, 10);
  c.RequireInSync(kTid, kPid);
  const uint64_t held = Status(*c.tablets[2], kTid, kPid).last_offset();
  c.tablets[2]->Stop();
  PutMany(*c.tablets[0], 10, 200);
  // Retention ran (snapshots were made) yet the WAL still holds what the stopped follower needs.
  REQUIRE(WaitUntil([&] {
    auto s = storage::ListSnapshots(ReplicaDirOf(*c.tablets[0]));
    return s.ok() && !s->empty() && s->back().offset > held + 100;
  }));
  CHECK(WalStart(*c.tablets[0]) <= held + 1);
  // The running follower purges below its own newest snapshot only.
  REQUIRE(WaitUntil([&] { return WalStart(*c.tablets[1]) > held + 1; }));
  auto own = storage::ListSnapshots(ReplicaDirOf(*c.tablets[1]));
  REQUIRE(own.ok());
  REQUIRE(storage::NewestSnapshot(*own));
  CHECK(WalStart(*c.tablets[1]) <= storage::NewestSnapshot(*own)->offset + 1);
  // Old snapshots pruned (a round may be between making one and pruning: wait for its end).
  CHECK(WaitUntil([&] {
    auto now = storage::ListSnapshots(ReplicaDirOf(*c.tablets[1]));
    return now.ok() && now->size() <= 2;
  }));
  // Back within its grace: it catches up from the WAL, no snapshot needed.
  c.tablets[2]->Start();
  c.RequireInSync(kTid, kPid);
  CHECK(QuarantineFolders(c.tablets[2]->data_dir() + "/quarantine", "truncate-after-0").empty());
}

TEST_CASE("a follower left behind the leader's WAL gets a snapshot, then the log, and ends equal to the leader",
          "[tablet]") {
  ThreeTablets c(QuickRetention);
  c.CreatePartition(kTid, kPid, 1);
  PutMany(*c.tablets[0], 0, 10);
  c.RequireInSync(kTid, kPid);
  const uint64_t held = Status(*c.tablets[2], kTid, kPid).last_offset();
  c.tablets[2]->Stop();
  PutMany(*c.tablets[0], 10, 300);
  // Past its grace, the stopped follower no longer holds the leader's WAL back.
  REQUIRE(WaitUntil([&] { return WalStart(*c.tablets[0]) > held + 1; }));

  c.tablets[2]->Start();
  c.RequireInSync(kTid, kPid);
  // It got there by a snapshot: its old WAL went to quarantine whole.
  CHECK(QuarantineFolders(c.tablets[2]->data_dir() + "/quarantine", "truncate-after-0").size() == 1);
  CHECK(WaitUntil([&] { return StagingEntries(*c.tablets[2]) == 0; }));  // removed just after the install
  REQUIRE(WaitUntil([&] {
    const v1::ReplicaStatus leader = Status(*c.tablets[0], kTid, kPid);
    for (const v1::FollowerProgress& f : leader.followers()) {
      if (f.needs_snapshot()) return false;
    }
    return true;
  }));
  // The writes after it replicate as usual.
  PutMany(*c.tablets[0], 310, 20);
  c.RequireInSync(kTid, kPid);
  CHECK(Status(*c.tablets[2], kTid, kPid).record_count() == 330);
  // The leader keeps a bounded number of snapshots.
  REQUIRE(WaitUntil([&] {
    auto s = storage::ListSnapshots(ReplicaDirOf(*c.tablets[0]));
    return s.ok() && s->size() <= 2;
  }));
}

namespace {

// A follower replica of (kTid, kPid) at `term` on its own tablet, and a
// snapshot of the same partition made by a storage replica elsewhere.
struct SnapshotFixture {
  FakeClock clock;
  TestTablet follower{clock};
  ReplicaHarness source{kTid, kPid};
  tablet::SnapshotToSend snapshot;
  v1::SnapshotHeader header;

  explicit SnapshotFixture(uint64_t follower_term) {
    REQUIRE(CreateReplica(follower, Spec(kTid, kPid, v1::FOLLOWER, follower_term)).code() == v1::OK);
    source.options.table = "t1";
    auto r = source.OpenLeader(1);
    WriteTestPuts(*r, 1, 300, 10);
    auto m = r->CreateSnapshot();
    REQUIRE(m.ok());
    snapshot.manifest = *m;
    snapshot.dir = r->paths().Snapshot(m->position.offset);
    auto h = tablet::MakeSnapshotHeader({{kTid, kPid}, 1, 0, "127.0.0.1:1", follower.endpoint(), 1}, snapshot);
    REQUIRE(h.ok());
    header = *h;
    REQUIRE(header.files_size() > 0);
  }

  // Sends the header and the first `files` files (all: -1), then ends the
  // stream (cancel: by cancelling the call).
  v1::InstallSnapshotResponse Send(const v1::SnapshotHeader& h, int files, bool cancel, grpc::Status* rpc) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::InstallSnapshotResponse resp;
    auto writer = follower.stub().InstallSnapshot(&ctx, &resp);
    v1::SnapshotChunk first;
    *first.mutable_header() = h;
    writer->Write(first);
    for (int i = 0; i < h.files_size() && (files < 0 || i < files); ++i) {
      auto data = ReadWholeFile(snapshot.dir + "/" + h.files(i).path());
      REQUIRE(data.ok());
      v1::SnapshotChunk chunk;
      chunk.set_path(h.files(i).path());
      chunk.set_data(*data);
      if (!writer->Write(chunk)) break;
    }
    if (cancel) {
      ctx.TryCancel();
    } else {
      writer->WritesDone();
    }
    *rpc = writer->Finish();
    return resp;
  }
};

}  // namespace

TEST_CASE("a follower refuses a snapshot from a leader of an older term (invariant 3)", "[tablet]") {
  SnapshotFixture f(/*follower_term=*/2);
  const v1::ReplicaStatus before = Status(f.follower, kTid, kPid, true);
  grpc::Status rpc;
  const v1::InstallSnapshotResponse resp = f.Send(f.header, -1, false, &rpc);
  INFO(rpc.error_message() << " / " << resp.error().message());
  REQUIRE(rpc.ok());
  CHECK(resp.error().code() == v1::STALE_TERM);
  CHECK(resp.error().current_term() == 2);
  const v1::ReplicaStatus after = Status(f.follower, kTid, kPid, true);
  CHECK(after.last_offset() == before.last_offset());
  CHECK(after.content_checksum() == before.content_checksum());
  CHECK(StagingEntries(f.follower) == 0);
}

TEST_CASE("a failed or aborted snapshot transfer leaves the follower's replica as it was and no staging folder",
          "[tablet]") {
  SnapshotFixture f(/*follower_term=*/1);
  const v1::ReplicaStatus before = Status(f.follower, kTid, kPid, true);
  grpc::Status rpc;
  v1::SnapshotHeader h = f.header;
  SECTION("cancelled midway") { f.Send(h, 1, /*cancel=*/true, &rpc); }
  SECTION("ended before the last file") {
    const v1::InstallSnapshotResponse resp = f.Send(h, h.files_size() - 1, false, &rpc);
    REQUIRE(rpc.ok());
    CHECK(resp.error().code() == v1::UNAVAILABLE);
    CHECK_THAT(resp.error().message(), Catch::Contains("ended after"));
  }
  SECTION("a file that does not match the manifest") {
    // A manifest that claims one record fewer than these files hold.
    nlohmann::json m = nlohmann::json::parse(h.manifest_json());
    const uint64_t claimed = m["record_count"].get<uint64_t>() - 1;
    m["record_count"] = claimed;
    h.set_manifest_json(m.dump(2));
    const v1::InstallSnapshotResponse resp = f.Send(h, -1, false, &rpc);
    REQUIRE(rpc.ok());
    INFO(resp.error().message());
    CHECK(resp.error().code() == v1::INTERNAL);  // the checkpoint is refused, not a stale leader's
    CHECK_THAT(resp.error().message(), Catch::Contains("but the manifest says " + std::to_string(claimed) + " "));
  }
  SECTION("a file name leading out of the staging folder") {
    h.mutable_files(0)->set_path("../escape");
    const v1::InstallSnapshotResponse resp = f.Send(h, 0, false, &rpc);
    REQUIRE(rpc.ok());
    CHECK(resp.error().code() == v1::INVALID_ARGUMENT);
  }
  REQUIRE(WaitUntil([&] { return StagingEntries(f.follower) == 0; }));
  const v1::ReplicaStatus after = Status(f.follower, kTid, kPid, true);
  CHECK(after.last_offset() == before.last_offset());
  CHECK(after.content_checksum() == before.content_checksum());
  CHECK(QuarantineFolders(f.follower.data_dir() + "/quarantine", "truncate-after-0").empty());

  // And the whole snapshot then installs: the follower holds the source's state.
  // A cancelled stream's handler may still be finishing (UNAVAILABLE "receiving
  // another snapshot"): a leader retries then, and so does this.
  v1::InstallSnapshotResponse resp;
  REQUIRE(WaitUntil([&] {
    resp = f.Send(f.header, -1, false, &rpc);
    return !rpc.ok() || resp.error().code() != v1::UNAVAILABLE;
  }));
  INFO(rpc.error_message() << " / " << resp.error().message());
  REQUIRE(rpc.ok());
  REQUIRE(resp.error().code() == v1::OK);
  CHECK(resp.last_offset() == f.snapshot.manifest.position.offset);
  const v1::ReplicaStatus installed = Status(f.follower, kTid, kPid, true);
  CHECK(installed.content_checksum() == f.snapshot.manifest.content.sum);
  CHECK(StagingEntries(f.follower) == 0);  // removed before the answer
}

}  // namespace kv::test
