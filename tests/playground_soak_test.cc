// Soak: failure cycles under a write load on a 3-tablet playground (ctest
// label soak: outside the default run; `SOAK=1 scripts/test.sh` or
// `ctest -L soak`). Each cycle takes the next tablet in turn and kills it
// (kill -9, then a restart once failover moved its leaders), pauses it
// (SIGSTOP until it is declared offline, then SIGCONT) or restarts it at once
// (kill -9 and start again faster than failure detection: the nameserver
// tells the new incarnation, issue 18) while writers run; it measures how long writes to
// the partitions the tablet led failed, brings it back, stops that cycle's
// writers and waits until every replica is alive and converged (equal
// offsets need a quiet moment). At the end every acknowledged write is read back (invariant
// 5). KV_SOAK_CYCLES sets the number of cycles (default 12). Figures:
// docs/benchmarks.md, "Failover".
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kPartitions = 6;

enum class Fault { kKill, kPause, kQuickRestart };

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kKill:
      return "kill -9";
    case Fault::kPause:
      return "SIGSTOP";
    case Fault::kQuickRestart:
      return "quick restart";
  }
  return "?";
}

int Cycles() {
  const char* text = std::getenv("KV_SOAK_CYCLES");
  const int n = text != nullptr ? std::atoi(text) : 12;
  return n > 0 ? n : 12;
}

std::vector<uint32_t> LedBy(client::Client& client, const std::string& endpoint) {
  std::vector<uint32_t> pids;
  auto shown = client.ShowTable("t");
  if (!shown.ok() || shown->empty()) return pids;
  for (const v1::PartitionInfo& p : shown->front().partitions()) {
    if (p.leader() == endpoint) pids.push_back(p.pid());
  }
  return pids;
}

bool TabletIn(client::Client& client, const std::string& endpoint, const std::string& state) {
  auto tablets = client.ShowTablet();
  if (!tablets.ok()) return false;
  return std::any_of(tablets->begin(), tablets->end(),
                     [&](const v1::TabletInfo& t) { return t.endpoint() == endpoint && t.state() == state; });
}

}  // namespace

TEST_CASE("soak: kill -9, SIGSTOP and quick restart cycles under load lose no acknowledged write (invariant 5)",
          "[playground][failover][soak]") {
  const int cycles = Cycles();
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  v1::CreateTableRequest create;
  create.set_name("t");
  create.set_partitions(kPartitions);
  create.set_replicas(3);
  REQUIRE(client->CreateTable(create).ok());

  std::vector<std::string> acked;
  uint64_t failed = 0;
  std::vector<long long> unavailable_ms;
  for (int c = 0; c < cycles; ++c) {
    WriteLoad load(*client, 4, "c" + std::to_string(c) + "w");  // keys of its own: a later cycle masks no loss
    REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 100; }));
    const std::string tablet = "tablet-" + std::to_string(c % 3 + 1);
    // Every tablet meets every fault: the tablet turns with each cycle, the fault every three.
    const Fault fault = static_cast<Fault>(c / 3 % 3);
    INFO("cycle " << c << ": " << FaultName(fault) << " " << tablet);
    const std::string endpoint = pg->get().Find(tablet)->endpoint;
    const std::vector<uint32_t> led = LedBy(*client, endpoint);

    const auto fault_at = std::chrono::steady_clock::now();
    if (fault == Fault::kQuickRestart) {
      REQUIRE(pg->get().Restart(tablet, 60s).ok());
    } else {
      REQUIRE(pg->get().Signal(tablet, fault == Fault::kKill ? SIGKILL : SIGSTOP).ok());
    }
    long long worst = 0;
    for (uint32_t pid : led) {
      const auto unavailable =
          FirstWriteWithin(*client, pid, kPartitions, "probe-" + std::to_string(c) + "-", fault_at, 30s);
      REQUIRE(unavailable.has_value());
      worst = std::max<long long>(worst, unavailable->count());
    }
    if (!led.empty()) unavailable_ms.push_back(worst);

    if (fault == Fault::kKill) {
      REQUIRE(pg->get().Restart(tablet, 60s).ok());
    } else if (fault == Fault::kPause) {
      REQUIRE(WaitUntil(30s, [&] { return TabletIn(*client, endpoint, "kTabletOffline"); }));
      REQUIRE(pg->get().Signal(tablet, SIGCONT).ok());
    }
    const size_t acked_back = load.acked();
    REQUIRE(WaitUntil(30s, [&] { return load.acked() >= acked_back + 100; }));  // writes go on
    load.Stop();
    const std::vector<std::string> keys = load.acked_keys();
    acked.insert(acked.end(), keys.begin(), keys.end());
    failed += load.failed();
    RequireConverged(*client, pg->get(), Alive::kAll);
    std::printf("soak: cycle %d %s %s (led %zu partition(s)): writes to them failed for %lld ms; recovered\n", c,
                FaultName(fault), tablet.c_str(), led.size(), led.empty() ? 0LL : worst);
  }
  CHECK(MissingOf(*client, acked) == 0);
  std::sort(unavailable_ms.begin(), unavailable_ms.end());
  std::printf("soak: %d cycles, %zu writes acknowledged (all read back), %llu failed; write unavailability after a "
              "fault on a leader's tablet: median %lld ms, max %lld ms over %zu measured cycles\n",
              cycles, acked.size(), static_cast<unsigned long long>(failed),
              unavailable_ms.empty() ? 0LL : unavailable_ms[unavailable_ms.size() / 2],
              unavailable_ms.empty() ? 0LL : unavailable_ms.back(), unavailable_ms.size());
}
