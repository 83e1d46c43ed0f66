// `ops recoverdata` on real processes: a 3-tablet playground, a write load,
// two tablets SIGKILLed (a minority left running, which auto_failover cannot
// lead from), their data dirs read offline with the inspect library. The
// plan then shows no acknowledged write at risk; without the reports it
// names the partitions at risk and refuses them. Bad input: one line, exit 2.
// The playground goes down by PID when the test ends, whatever happened.
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/ops_run_util.h"
#include "tests/playground_failover_util.h"
#include "tests/playground_test_util.h"
#include "tests/recover_test_util.h"

using namespace kv;
using namespace kv::test;
using namespace std::chrono_literals;

namespace {

std::vector<nlohmann::json> Partitions(const std::string& out) {
  std::vector<nlohmann::json> partitions;
  for (const std::string& line : Lines(out)) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "partition") partitions.push_back(j);
  }
  return partitions;
}

}  // namespace

TEST_CASE("recoverdata plans a cluster with a minority running: offline reports of the others prove nothing "
          "acknowledged is at risk",
          "[playground][recover]") {
  TempDir tmp;
  auto pg = StartPlayground(tmp, 3);
  auto client = ConnectTo(pg->get());
  const std::string ns = pg->get().NameserverList();
  CreateT(*client, 4, 3);
  {
    WriteLoad load(*client, 2);
    REQUIRE(WaitUntil(30s, [&] { return load.acked() >= 200; }));
  }
  REQUIRE(client->ConfSet("auto_failover", "false").ok());
  std::vector<ops::ServerRecord> tablets;
  for (const ops::ServerView& v : pg->get().Display()) {
    if (v.server.role == ops::kRoleTablet) tablets.push_back(v.server);
  }
  REQUIRE(tablets.size() == 3);
  for (size_t i = 1; i < 3; ++i) REQUIRE(pg->get().Signal(tablets[i].name, SIGKILL).ok());
  const std::string r2 = WriteReport(tmp, tablets[1].data_dir, "t2.json");
  const std::string r3 = WriteReport(tmp, tablets[2].data_dir, "t3.json");
  const std::vector<std::string> bounds = {"--tablet-timeout-ms", "1000", "--timeout-ms", "10000"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), bounds.begin(), bounds.end());
    return args;
  };

  SECTION("with the offline reports: every partition recovers, nothing at risk") {
    Run run = RunOps(tmp, with({"recoverdata", "run", "--dry-run", "--ns", ns, "--offline", r2, "--offline", r3, "--json",
                                "-o", tmp / "plan.json"}));
    INFO(run.err);
    REQUIRE(run.code == 0);
    const auto partitions = Partitions(run.out);
    REQUIRE(partitions.size() == 4);
    for (const auto& p : partitions) {
      INFO(p.dump());
      CHECK(p["verdict"] == "recover");
      CHECK(p["at_risk"].is_null());
      CHECK(p["replicas"].size() == 3);
      CHECK_FALSE(p["leader"].get<std::string>().empty());
    }
    CHECK(ReadFile(tmp / "plan.json") == run.out);
    // The plan file is never overwritten.
    Run again = RunOps(tmp, with({"recoverdata", "plan", "--ns", ns, "-o", tmp / "plan.json"}));
    CHECK(again.code == 2);
    CHECK(again.OneLineError());
    CHECK_THAT(again.err, Catch::Contains("exists already"));
  }

  SECTION("without them: the partitions that may have lost acknowledged writes are named and refused") {
    Run plan = RunOps(tmp, with({"recoverdata", "plan", "--ns", ns, "--json"}));
    INFO(plan.err);
    CHECK(plan.code == 1);
    const auto partitions = Partitions(plan.out);
    REQUIRE(partitions.size() == 4);
    // A partition the running tablet led keeps everything acknowledged; the others may have lost writes.
    size_t at_risk = 0;
    for (const auto& p : partitions) {
      INFO(p.dump());
      if (p["current_leader"] == tablets[0].endpoint) {
        CHECK(p["verdict"] == "recover");
        continue;
      }
      ++at_risk;
      CHECK(p["verdict"] == "data-loss");
      CHECK(p["refused"] == true);
      CHECK(p["at_risk"]["first"].get<uint64_t>() == p["leader_last_offset"].get<uint64_t>() + 1);
    }
    INFO(plan.out);
    REQUIRE(at_risk > 0);  // the playground spreads leaders over the tablets
    Run human = RunOps(tmp, with({"recoverdata", "plan", "--ns", ns, "--accept-data-loss"}));
    CHECK(human.code == 0);
    CHECK_THAT(human.out, Catch::Contains("may lose acknowledged writes " + std::to_string(at_risk)));
    CHECK_THAT(human.err, Catch::Contains("accepted loss: t pid"));
  }

  SECTION("collect, then plan from the file: the same decisions") {
    Run collect = RunOps(tmp, with({"recoverdata", "collect", "--ns", ns, "--offline", r2, "-o", tmp / "c.json"}));
    INFO(collect.err);
    REQUIRE(collect.code == 0);
    Run plan = RunOps(tmp, {"recoverdata", "plan", "--collected", tmp / "c.json", "--offline", r3, "--json"});
    INFO(plan.err);
    REQUIRE(plan.code == 0);
    CHECK(Partitions(plan.out).size() == 4);
  }

  SECTION("a tablet that does not answer costs one deadline and is named") {
    REQUIRE(pg->get().Signal(tablets[0].name, SIGSTOP).ok());
    const auto start = std::chrono::steady_clock::now();
    Run collect = RunOps(tmp, with({"recoverdata", "collect", "--ns", ns}));
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(pg->get().Signal(tablets[0].name, SIGCONT).ok());
    INFO(collect.err);
    REQUIRE(collect.code == 0);
    const auto header = nlohmann::json::parse(Lines(collect.out).front());
    CHECK(header["partial"] == true);
    CHECK(header["unreachable"].size() == 3);  // the stopped one, and the two killed
    INFO(header["unreachable"].dump());
    CHECK_THAT(header["unreachable"].dump(), Catch::Contains(tablets[0].endpoint));
    CHECK_THAT(collect.err, Catch::Contains("PARTIAL"));
    // The tablets are asked at once, each bounded by the 1 s deadline (a stopped one
    // may fail sooner, when gRPC gives up on the connection handshake).
    std::printf("collect with a stopped tablet took %lld ms\n",
                (long long)std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
    CHECK(took < 20s);
  }

  SECTION("bad input: one line, exit 2") {
    const std::string report = ReadFile(r2);
    WriteFile(tmp / "cut.json", report.substr(0, report.rfind('{')));
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"recoverdata", "plan", "--offline", tmp / "cut.json"},
          {"recoverdata", "plan", "--collected", r2},
          {"recoverdata", "plan", "--offline", tmp / "nosuch.json"},
          {"recoverdata", "plan", "--offline", r2, "--offline", r3, "--table", "nosuch"},
          {"recoverdata", "run", "--offline", r2},
          {"recoverdata", "apply", "--ns", ns, "--plan", tmp / "nosuch.json"},
          {"recoverdata", "apply", "--ns", ns, "--plan", r2},
          {"recoverdata", "apply", "--ns", ns, "--plan", tmp / "cut.json"},
          {"recoverdata", "plan"}}) {
      Run r = RunOps(tmp, args);
      INFO(args.back() << ": " << r.err);
      CHECK(r.code == 2);
      CHECK(r.OneLineError());
    }
  }
}
