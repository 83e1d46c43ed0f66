// kv-bench's and rpc-floor's measuring: the cost per op (bench/proc_usage.h),
// where what is read from /proc must move with the process's real CPU time
// and switches and a process that is gone counts as nothing rather than
// failing the benchmark; and the closed loop (bench/closed_loop.h), which
// must count every op it ran, answered or failed.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "bench/closed_loop.h"
#include "bench/proc_usage.h"

namespace {

using kv::bench::ProcUsage;
using kv::bench::ReadProcUsage;
using Clock = std::chrono::steady_clock;

// Runs step until done() holds, for at most 10 s; returns done().
template <typename Step, typename Done>
bool RunUntil(Step step, Done done) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!done() && Clock::now() < deadline) step();
  return done();
}

}  // namespace

TEST_CASE("proc usage: a live process's CPU time and switches grow with its work", "[bench]") {
  const ProcUsage before = ReadProcUsage(::getpid());
  volatile uint64_t sink = 0;
  CHECK(RunUntil([&] { for (int i = 0; i < 1000000; ++i) sink = sink + i; },
                 [&] { return ReadProcUsage(::getpid()).cpu_seconds > before.cpu_seconds; }));
  // Joining a thread that sleeps makes this thread wait: a voluntary switch of a live thread.
  const ProcUsage mid = ReadProcUsage(::getpid());
  CHECK(RunUntil([] { std::thread([] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }).join(); },
                 [&] { return ReadProcUsage(::getpid()).switches > mid.switches; }));
  const ProcUsage delta = ReadProcUsage(std::vector<pid_t>{::getpid()}) - before;
  CHECK(delta.cpu_seconds > 0);
}

TEST_CASE("proc usage: a process that is gone counts as zero", "[bench]") {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const ProcUsage gone = ReadProcUsage(child);
  CHECK(gone.cpu_seconds == 0);
  CHECK(gone.switches == 0);
}

TEST_CASE("closed loop: a counted phase runs exactly that many ops over its threads, failed ones apart", "[bench]") {
  std::atomic<int> calls{0};
  const kv::bench::PhaseResult r =
      kv::bench::RunPhase("write", {/*threads=*/4, /*duration_s=*/60, /*count=*/50}, {}, [&](int, uint64_t) {
        return ++calls % 10 == 0 ? kv::Status::IOError("every tenth fails") : kv::Status::OK();
      });
  CHECK(calls == 50);
  CHECK(r.ops == 45);
  CHECK(r.errors == 5);
  CHECK(r.first_error == "every tenth fails");
  CHECK(r.latencies_us.size() == 45);
  CHECK(std::is_sorted(r.latencies_us.begin(), r.latencies_us.end()));
  CHECK(r.Percentile(0.5) <= r.Percentile(0.99));
  CHECK(r.OpsPerSecond() > 0);
}
