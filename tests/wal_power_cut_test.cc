// Power-cut tests (invariants 1 and 5): what wal_level promises when the
// machine, not only the process, goes down. The writer runs on a simulator of
// its files (tests/power_cut_files.h) that drops every byte not synced and
// every name not synced into its folder; SIGKILL (tests/wal_crash_test.cc)
// cannot show this, since the page cache survives it.
//
//   wal_level 2: every acknowledged record survives any cut, torn or not, at
//                any moment, including while the log rolls to a new segment.
//   wal_level 1: the same run loses acknowledged records (so the test can
//                tell the levels apart), but only a tail: a torn cut after
//                rolls leaves a prefix of the log.
//   wal_level 2 with an fsync period: a cut loses exactly the records
//                acknowledged since the last periodic fsync.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "common/file.h"
#include "tests/power_cut_files.h"
#include "tests/test_util.h"
#include "wal/reader.h"
#include "wal/writer.h"

using namespace kv;
using test::PowerCutFiles;

namespace {

constexpr int kThreads = 4;
using Log = std::map<uint64_t, std::string>;  // offset -> payload

wal::WriterOptions Options(PowerCutFiles& files, const test::TempDir& tmp, int level, uint32_t period_ms = 0) {
  wal::WriterOptions o;
  o.tid = 7;
  o.pid = 3;
  o.wal_level = level;
  o.fsync_period_ms = period_ms;
  o.segment_bytes = 4096;  // a roll every few dozen records: new segment names are cut too
  o.torn_tail_quarantine_root = tmp / "quarantine";
  o.files = &files;
  return o;
}

std::unique_ptr<wal::Writer> OpenWriter(const std::string& dir, const wal::WriterOptions& o) {
  auto w = wal::Writer::Open(dir, o);
  INFO(w.status().ToString());
  REQUIRE(w.ok());
  return std::move(w).value();
}

// The records the log holds, read as a salvage would (every readable record).
Log Survivors(const std::string& dir) {
  Log log;
  auto read = wal::ReadLogInMode(dir, wal::ReadMode::kSalvage, {}, [&](const wal::RecordView& r) {
    log[r.offset] = std::string(r.payload);
    return true;
  });
  INFO(read.status().ToString());
  REQUIRE(read.ok());
  return log;
}

// Appends one record per call from kThreads threads; once `cut_after` appends
// were acknowledged, cuts the power, and the threads stop at their first
// refused append. Returns every acknowledged record.
Log AppendUntilCut(wal::Writer& w, PowerCutFiles& files, size_t cut_after, PowerCutFiles::Cut how,
                   uint64_t seed) {
  std::mutex mu;
  std::condition_variable acked_cv;
  Log acked;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(seed * kThreads + t);
      for (uint64_t n = 0;; ++n) {
        // Sizes that make a torn cut land anywhere in a record.
        std::vector<wal::Record> rs{wal::Record::Put(1, "k" + std::to_string(t) + "-" + std::to_string(n),
                                                     std::string(rng() % 300, 'v'))};
        if (!w.AppendAssigning(&rs).ok()) return;
        std::lock_guard<std::mutex> l(mu);
        acked[rs[0].offset] = rs[0].payload;
        acked_cv.notify_all();
      }
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    // A deadline only against a hang: appends fail before cut_after only on a bug.
    acked_cv.wait_for(l, std::chrono::seconds(60), [&] { return acked.size() >= cut_after; });
  }
  files.PowerCut(how);
  for (std::thread& t : threads) t.join();
  REQUIRE(acked.size() >= cut_after);
  return acked;
}

size_t MissingFrom(const Log& log, const Log& acked) {
  size_t missing = 0;
  for (const auto& [offset, payload] : acked) {
    auto it = log.find(offset);
    if (it == log.end() || it->second != payload) ++missing;
  }
  return missing;
}

bool WaitFor(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("wal_level 2: every acknowledged record survives a power cut, torn or not, at any moment",
          "[wal][power-cut]") {
  test::TempDir tmp;
  const std::string dir = tmp / "wal";
  PowerCutFiles files(/*seed=*/20);
  const wal::WriterOptions o = Options(files, tmp, 2);
  std::mt19937_64 rng(7);
  Log acked;  // over every round: the same log is cut again and again
  for (uint64_t round = 1; round <= 12; ++round) {
    auto w = OpenWriter(dir, o);  // cuts what the last cut tore
    const Log log = Survivors(dir);
    INFO("round " << round << ": " << acked.size() << " acknowledged, " << log.size() << " in the log");
    REQUIRE(MissingFrom(log, acked) == 0);
    REQUIRE((log.empty() || (log.begin()->first == 1 && log.rbegin()->first == log.size())));  // contiguous
    REQUIRE(w->last_offset() == log.size());
    const auto how = round % 2 ? PowerCutFiles::Cut::kTornUnsynced : PowerCutFiles::Cut::kUnsyncedGone;
    const Log now = AppendUntilCut(*w, files, 1 + rng() % 60, how, round);
    acked.insert(now.begin(), now.end());
    w.reset();
    files.Restart();
  }
  CHECK(files.cuts() == 12);
  CHECK(wal::ListSegmentFiles(dir).value().size() > 3);  // the cuts also fell while the log rolled
  auto w = OpenWriter(dir, o);
  CHECK(MissingFrom(Survivors(dir), acked) == 0);
}

TEST_CASE("wal_level 1: the same power cut loses acknowledged records", "[wal][power-cut]") {
  test::TempDir tmp;
  const std::string dir = tmp / "wal";
  PowerCutFiles files;
  Log acked;
  {
    wal::WriterOptions o = Options(files, tmp, 1);
    o.segment_bytes = 64 << 20;  // no roll: a roll fsyncs the segment it closes, at every level
    auto w = OpenWriter(dir, o);
    acked = AppendUntilCut(*w, files, 200, PowerCutFiles::Cut::kUnsyncedGone, 1);
  }
  const size_t lost = MissingFrom(Survivors(dir), acked);
  INFO(lost << " of " << acked.size() << " acknowledged records lost");
  CHECK(lost > 0);
}

// Level 1 promises nothing of the tail but a prefix: a closed segment is
// fsynced when the log rolls, so a cut that tears every file differently can
// cut the newest segment only.
TEST_CASE("wal_level 1: a torn power cut after many rolls leaves a prefix of the log, never a hole",
          "[wal][power-cut]") {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    test::TempDir tmp;
    const std::string dir = tmp / "wal";
    PowerCutFiles files(seed);
    const wal::WriterOptions o = Options(files, tmp, 1);
    uint64_t written = 0;
    {
      auto w = OpenWriter(dir, o);
      std::mt19937_64 rng(seed);
      for (int i = 0; i < 300; ++i) {
        std::vector<wal::Record> one{wal::Record::Put(1, "k" + std::to_string(i), std::string(rng() % 300, 'v'))};
        REQUIRE(w->AppendAssigning(&one).ok());
        written = one[0].offset;
      }
      files.PowerCut(PowerCutFiles::Cut::kTornUnsynced);
    }
    files.Restart();
    const size_t segments = wal::ListSegmentFiles(dir).value().size();
    const Log log = Survivors(dir);
    INFO("seed " << seed << ": " << log.size() << " of " << written << " records in " << segments << " segments");
    REQUIRE(segments > 3);
    REQUIRE_FALSE(log.empty());  // the closed segments are whole
    CHECK(log.begin()->first == 1);
    CHECK(log.rbegin()->first == log.size());  // contiguous: nothing missing before the last survivor
    auto w = wal::Writer::Open(dir, o);  // opening cuts a torn tail and refuses mid-log damage
    INFO(w.status().ToString());
    REQUIRE(w.ok());
    CHECK((*w)->last_offset() == log.size());
  }
}

TEST_CASE("wal_level 2 with an fsync period: a cut loses exactly what was acknowledged since the last fsync",
          "[wal][power-cut]") {
  test::TempDir tmp;
  const std::string dir = tmp / "wal";
  PowerCutFiles files;
  wal::WriterOptions o = Options(files, tmp, 2, /*period_ms=*/1);
  o.segment_bytes = 64 << 20;  // no roll: its fsync is not the period's
  auto w = OpenWriter(dir, o);
  std::vector<wal::Record> first;
  for (int i = 0; i < 50; ++i) first.push_back(wal::Record::Put(1, "a" + std::to_string(i), "v"));
  REQUIRE(w->AppendAssigning(&first).ok());
  // The background fsync makes them durable...
  REQUIRE(WaitFor([&] { return w->durable_offset() == 50; }));
  // ...and the power goes at its next one: everything acknowledged meanwhile is lost.
  files.CutAtNextSync();
  uint64_t acked = 50;
  for (int i = 0; i < 1000 && files.power_on(); ++i) {
    std::vector<wal::Record> one{wal::Record::Put(1, "b" + std::to_string(i), "v")};
    if (w->AppendAssigning(&one).ok()) acked = one[0].offset;
  }
  REQUIRE(WaitFor([&] { return !files.power_on(); }));
  w.reset();
  files.Restart();
  INFO(acked << " acknowledged");
  CHECK(acked > 50);  // an append is acknowledged before the fsync that would keep it
  const Log log = Survivors(dir);
  REQUIRE_FALSE(log.empty());
  CHECK(log.rbegin()->first == 50);
  CHECK(log.size() == 50);
}

// The simulator itself: a synced file whose name its folder never synced goes.
TEST_CASE("power-cut simulator: unsynced bytes and unsynced names are lost, synced ones kept", "[wal][power-cut]") {
  test::TempDir tmp;
  PowerCutFiles files;
  const std::string kept = tmp / "kept", renamed = tmp / "renamed", fresh = tmp / "fresh";
  {
    auto f = files.Create(kept).value();
    REQUIRE(f->Append("synced").ok());
    REQUIRE(f->Sync().ok());
    REQUIRE(files.SyncDir(tmp.path()).ok());
    REQUIRE(f->Append(" and not").ok());
  }
  REQUIRE(files.Rename(kept, renamed).ok());  // its folder not synced after
  {
    auto f = files.Create(fresh).value();
    REQUIRE(f->Append("synced, but not its name").ok());
    REQUIRE(f->Sync().ok());
  }
  CHECK(files.unsynced_bytes() == 8);
  files.PowerCut();
  CHECK_FALSE(files.Create(tmp / "late").ok());  // the power is off
  CHECK(ReadWholeFile(kept).value() == "synced");
  CHECK_FALSE(PathExists(renamed));
  CHECK_FALSE(PathExists(fresh));
  files.Restart();
  CHECK(files.unsynced_bytes() == 0);
}
