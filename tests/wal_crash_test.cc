// Crash test (invariant 1): a child process appends from several threads and
// reports every acknowledged offset to the parent only after Append returned;
// the parent SIGKILLs it at a random moment, and every acknowledged record must
// then be readable with its content, at contiguous offsets. The same log is
// crashed again and again, so each run also reopens a log that the previous
// crash left behind (cutting a torn tail if there is one).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "common/file.h"
#include "tests/test_util.h"
#include "tests/wal_test_util.h"
#include "wal/reader.h"
#include "wal/segment.h"
#include "wal/writer.h"

using namespace kv;

namespace {

constexpr uint32_t kThreads = 4;
constexpr int kRuns = 20;

// What the child reports for each acknowledged record; 16 bytes, so each report
// is one atomic pipe write whichever thread makes it.
struct Ack {
  uint64_t offset;
  uint32_t run;
  uint32_t thread_seq;  // thread << 24 | seq
};
static_assert(sizeof(Ack) == 16);

std::string KeyOf(const Ack& a) {
  return "run" + std::to_string(a.run) + "-t" + std::to_string(a.thread_seq >> 24) + "-" +
         std::to_string(a.thread_seq & 0xffffff);
}
std::string ValueOf(const Ack& a) { return test::TestValue(a.thread_seq, 24 + a.run); }

wal::WriterOptions Options(const test::TempDir& tmp, int wal_level) {
  return {.tid = 1,
          .pid = 1,
          .wal_level = wal_level,
          .fsync_period_ms = 0,
          .segment_bytes = wal_level == 2 ? 4096u : 1u << 20,
          .torn_tail_quarantine_root = tmp / "quarantine"};
}

// The child: append until killed. Exit codes say why it stopped on its own.
[[noreturn]] void AppendUntilKilled(const std::string& dir, const wal::WriterOptions& options, uint32_t run,
                                    int ack_fd) {
  auto w = wal::Writer::Open(dir, options);
  if (!w.ok()) {
    std::fprintf(stderr, "child: %s\n", w.status().ToString().c_str());
    ::_exit(3);
  }
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t seq = 0;; ++seq) {
        Ack a{0, run, t << 24 | seq};
        std::vector<wal::Record> rs{wal::Record::Put(1, KeyOf(a), ValueOf(a))};
        Status s = (*w)->AppendAssigning(&rs);
        if (!s.ok()) {
          std::fprintf(stderr, "child: %s\n", s.ToString().c_str());
          ::_exit(4);
        }
        a.offset = rs[0].offset;
        if (::write(ack_fd, &a, sizeof a) != sizeof a) ::_exit(5);
      }
    });
  }
  for (auto& th : threads) th.join();
  ::_exit(6);
}

// Kills and reaps the child by its PID however the test ends.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  ~ChildGuard() {
    if (pid_ > 0) KillAndReap();
  }
  // SIGKILLs the child (if still running) and returns its wait status.
  int KillAndReap() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

// Reads acks from fd until `want` arrived (0: until end of file); false when the
// pipe ended first or nothing came for 20 s.
bool ReadAcks(int fd, uint64_t want, std::vector<Ack>* acks) {
  std::string pending;
  uint64_t got = 0;
  while (want == 0 || got < want) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20000) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return want == 0;
    pending.append(buf, static_cast<size_t>(n));
    while (pending.size() >= sizeof(Ack)) {
      Ack a;
      std::memcpy(&a, pending.data(), sizeof a);
      pending.erase(0, sizeof a);
      acks->push_back(a);
      ++got;
    }
  }
  return true;
}

// One run: start a child on dir, let it acknowledge `kill_after` records, SIGKILL
// it, and return every record it acknowledged.
std::vector<Ack> CrashOnce(const test::TempDir& tmp, const std::string& dir, int wal_level, uint32_t run,
                           uint64_t kill_after) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);  // a small pipe keeps the child from running far ahead
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    AppendUntilKilled(dir, Options(tmp, wal_level), run, fds[1]);
  }
  ::close(fds[1]);
  UniqueFd ack_pipe(fds[0]);
  ChildGuard child(pid);
  std::vector<Ack> acks;
  const bool reached = ReadAcks(ack_pipe.get(), kill_after, &acks);
  const int status = child.KillAndReap();
  INFO("child wait status " << status << " after " << acks.size() << " acks");
  REQUIRE(reached);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  REQUIRE(ReadAcks(ack_pipe.get(), 0, &acks));  // acks sent before the kill count too
  return acks;
}

// Every acknowledged record is in the log with its content, and the offsets run
// 1, 2, 3, ... with no hole (a torn tail is allowed: it holds no acknowledged record).
void CheckAcknowledgedReadable(const std::string& dir, const std::vector<Ack>& acked) {
  std::map<uint64_t, std::pair<std::string, std::string>> log;
  uint64_t expected = 1;
  bool contiguous = true, decoded = true;
  auto sum = wal::ReadLogInMode(dir, wal::ReadMode::kTolerateTornTail, {}, [&](const wal::RecordView& r) {
    contiguous = contiguous && r.offset == expected;
    expected = r.offset + 1;
    decoded = decoded && wal::ForEachOp(r, [&](const wal::Op& op) {
                           log[r.offset] = {std::string(op.key), std::string(op.value)};
                         }).ok();
    return true;
  });
  REQUIRE(sum.ok());
  CHECK(contiguous);
  CHECK(decoded);
  for (const Ack& a : acked) {
    auto it = log.find(a.offset);
    if (it == log.end() || it->second != std::make_pair(KeyOf(a), ValueOf(a))) {
      FAIL("acknowledged offset " << a.offset << " (" << KeyOf(a) << ") is "
                                  << (it == log.end() ? "missing" : "there with other content: " + it->second.first));
    }
  }
}

// What a kill in the middle of write() can leave: the first bytes of a record.
// SIGKILL rarely tears a small write, so half the runs add one, and the next
// child has to cut it off before it appends.
void LeaveTornRecord(const std::string& dir, std::mt19937_64& rng) {
  wal::Record r = wal::Record::Put(1, "torn", std::string(300, 't'));
  r.offset = 1;
  std::string bytes;
  wal::EncodeRecord(r, &bytes);
  bytes.resize(1 + rng() % (bytes.size() - 1));
  test::AppendBytes(wal::ListSegmentFiles(dir)->back(), bytes);
}

uint64_t SeedForThisRun() {
  if (const char* s = std::getenv("KV_WAL_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

void CrashRepeatedly(int wal_level, uint64_t max_acks_before_kill) {
  const uint64_t seed = SeedForThisRun();
  INFO("seed " << seed << " (rerun with KV_WAL_CRASH_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> acks_before_kill(1, max_acks_before_kill);
  test::TempDir tmp;
  const std::string dir = tmp / "wal";
  std::vector<Ack> acked;
  for (uint32_t run = 0; run < kRuns; ++run) {
    const uint64_t kill_after = acks_before_kill(rng);
    INFO("run " << run << ", killed after " << kill_after << " acks");
    std::vector<Ack> acks = CrashOnce(tmp, dir, wal_level, run, kill_after);
    acked.insert(acked.end(), acks.begin(), acks.end());
    CheckAcknowledgedReadable(dir, acked);
    if (rng() % 2 == 0) LeaveTornRecord(dir, rng);
  }
  // After the last crash the log opens for writing and goes on where it ends.
  auto w = wal::Writer::Open(dir, Options(tmp, wal_level));
  REQUIRE(w.ok());
  const uint64_t last = (*w)->last_offset();
  std::vector<wal::Record> rs{wal::Record::Put(1, "after", "the crashes")};
  REQUIRE((*w)->AppendAssigning(&rs).ok());
  CHECK(rs[0].offset == last + 1);
  w->reset();
  auto strict = wal::ReadLogInMode(dir, wal::ReadMode::kStrict, {}, [](const wal::RecordView&) { return true; });
  REQUIRE(strict.ok());
  CHECK(strict->last_offset == last + 1);
}

}  // namespace

TEST_CASE("every record acknowledged at wal_level 2 survives SIGKILL", "[wal][crash]") {
  CrashRepeatedly(2, 60);
}

TEST_CASE("every record acknowledged at wal_level 1 survives a process crash", "[wal][crash]") {
  // Level 1 promises no more than the page cache, which a process crash keeps.
  CrashRepeatedly(1, 500);
}
