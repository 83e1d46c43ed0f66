// Invariant 5 under a power cut: a partition of three in-process tablets at
// wal_level 2 with acks majority, every replica's WAL on one power-cut
// simulator (tests/power_cut_files.h), so the cut takes every replica's
// unsynced bytes at once, mid-write, and drops every DB memtable. After the
// restart the replica with the greatest (last term, last offset) (invariant 6)
// leads, and every acknowledged write is there.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/power_cut_files.h"
#include "tests/tablet_test_util.h"

using namespace kv;
using namespace kv::test;

namespace {
constexpr uint32_t kTid = 5, kPid = 0;
}  // namespace

TEST_CASE("wal_level 2, acks majority: a power cut on every replica at once loses no acknowledged write",
          "[tablet][power-cut]") {
  PowerCutFiles files(/*seed=*/11);
  ThreeTablets c([&](tablet::TabletServerOptions* o) {
    o->tablet.storage.wal_files = &files;
    o->tablet.storage.flush_on_close = false;
  });
  c.CreatePartition(kTid, kPid, /*term=*/1, v1::ACKS_MAJORITY, /*wal_level=*/2);

  // Three writers until the power goes; it goes once 60 writes were acknowledged.
  std::mutex mu;
  std::condition_variable acked_cv;
  std::vector<std::string> acked;
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int n = 0;; ++n) {
        const std::string key = "w" + std::to_string(w) + "-" + std::to_string(n);
        if (!PutFromThread(*c.tablets[0], kTid, kPid, key, "v-" + key)) return;
        std::lock_guard<std::mutex> l(mu);
        acked.push_back(key);
        acked_cv.notify_all();
      }
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    acked_cv.wait_for(l, std::chrono::seconds(60), [&] { return acked.size() >= 60; });  // against a hang only
  }
  files.PowerCut(PowerCutFiles::Cut::kTornUnsynced);
  for (std::thread& t : writers) t.join();
  REQUIRE(acked.size() >= 60);
  for (auto& t : c.tablets) t->Stop();
  files.Restart();
  for (auto& t : c.tablets) t->Start();

  // Invariant 5: a majority holds every acknowledged write (one record each).
  size_t newest = 0, holding_all = 0;
  std::vector<v1::ReplicaStatus> status;
  for (size_t i = 0; i < c.tablets.size(); ++i) {
    status.push_back(test::Status(*c.tablets[i], kTid, kPid));
    INFO("replica " << i << ": " << status.back().ShortDebugString());
    CHECK(status.back().applied_offset() == status.back().last_offset());  // replayed to its WAL's end
    if (status.back().last_offset() >= acked.size()) ++holding_all;
    const auto& best = status[newest];
    if (std::make_pair(status.back().last_term(), status.back().last_offset()) >
        std::make_pair(best.last_term(), best.last_offset())) {
      newest = i;
    }
  }
  INFO(acked.size() << " writes acknowledged");
  CHECK(holding_all >= 2);

  // Invariant 6: the newest log leads at a new term; it serves every acknowledged write.
  std::vector<std::string> followers;
  for (size_t i = 0; i < c.tablets.size(); ++i) {
    if (i != newest) followers.push_back(c.tablets[i]->endpoint());
  }
  for (size_t i = 0; i < c.tablets.size(); ++i) {
    if (i == newest) continue;
    const auto changed = ChangeRole(*c.tablets[i], Spec(kTid, kPid, v1::FOLLOWER, 2, {}, v1::ACKS_MAJORITY, 3, 2));
    REQUIRE(changed.error().code() == v1::OK);
  }
  const auto led =
      ChangeRole(*c.tablets[newest], Spec(kTid, kPid, v1::LEADER, 2, followers, v1::ACKS_MAJORITY, 3, 2));
  INFO(led.error().message());
  REQUIRE(led.error().code() == v1::OK);
  c.tablets[newest]->GrantLeases({{{kTid, kPid}, 2}});
  size_t missing = 0;
  for (const std::string& key : acked) {
    const v1::GetResponse got = Get(*c.tablets[newest], kTid, kPid, key);
    if (!got.found() || got.value() != "v-" + key) ++missing;
  }
  CHECK(missing == 0);
  REQUIRE(Put(*c.tablets[newest], kTid, kPid, "after", "the cut").error().code() == v1::OK);
  c.RequireInSync(kTid, kPid, newest);
}
