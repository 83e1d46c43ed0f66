// `recover-plan-bench`: how long `ops recoverdata` takes to plan a large
// cluster. It generates a collection of N partitions (3 replicas each, on 10
// tablets, in every state the planner knows: in sync, behind, an older term
// with a longer log, a damaged WAL, a missing folder), writes it as a collect
// file, then times reading that file back, planning, and writing the plan
// file. Planning grows with partitions, not with data (docs/benchmarks.md,
// "Recovery planning"). --write-collect keeps the generated file, for timing
// `ops recoverdata plan --collected FILE` itself.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "cli/parse_flags.h"
#include "common/file.h"
#include "ops/recover/collection.h"
#include "ops/recover/output_file.h"
#include "ops/recover/plan.h"

namespace kv::recover {
namespace {

constexpr uint32_t kTablets = 10;
constexpr uint32_t kReplicas = 3;

std::string Endpoint(uint32_t i) { return "10.0.0." + std::to_string(1 + i) + ":9527"; }

Collection Generate(uint32_t partitions) {
  Collection c;
  c.nameservers = {"10.0.0.100:9622"};
  c.collected = "2026-12-06T00:00:00Z";
  c.tables.push_back({"bench", 1, partitions, kReplicas, true, "nameserver"});
  for (uint32_t t = 0; t < kTablets; ++t) c.tablets.push_back({Endpoint(t), "", Source::kOnline, "GetStatus"});
  for (uint32_t pid = 0; pid < partitions; ++pid) {
    Placement p{"bench", 1, pid, 4, Endpoint(pid % kTablets), {}};
    for (uint32_t r = 0; r < kReplicas; ++r) {
      const std::string ep = Endpoint((pid + r) % kTablets);
      p.replicas.push_back({ep, false});
      const uint32_t state = (pid + r) % 10;
      if (r == 2 && state == 2) continue;  // a missing folder
      CollectedReplica rep;
      rep.table = "bench";
      rep.tid = 1;
      rep.pid = pid;
      rep.endpoint = ep;
      rep.last = {4, 100000 + pid};
      if (r == 1 && state == 1) rep.last.offset -= 250;                  // behind
      if (r == 2 && state == 3) rep.last = {3, 100000 + pid + 40};       // an older term, longer
      if (r == 2 && state == 4) rep.health = Health::kWalDamaged;        // damaged mid-log
      if (rep.health != Health::kOk) rep.reason = "wal-damaged: a CRC mismatch";
      rep.applied_offset = rep.last.offset - 10;
      rep.role = r == 0 ? "leader" : "follower";
      rep.source = Source::kOnline;
      rep.origin = "GetStatus";
      c.replicas.push_back(std::move(rep));
    }
    c.placements.push_back(std::move(p));
  }
  return c;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace
}  // namespace kv::recover

int main(int argc, char** argv) {
  using namespace kv::recover;
  CLI::App app("Times recoverdata's planning of a generated cluster (read the collect file, plan, write the plan)",
               "recover-plan-bench");
  uint32_t partitions = 10000;
  std::string write_collect;
  app.add_option("--partitions", partitions, "partitions to generate")->capture_default_str();
  app.add_option("--write-collect", write_collect, "keep the generated collect file here (refused when it exists)");
  if (auto code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *code;

  const std::string text = CollectionToJsonLines(Generate(partitions));
  if (!write_collect.empty()) {
    if (kv::Status s = WriteNewFile(write_collect, text); !s.ok()) {
      std::fprintf(stderr, "recover-plan-bench: %s\n", s.message().c_str());
      return 2;
    }
  }
  auto start = std::chrono::steady_clock::now();
  auto parsed = ParseCollectionJsonLines(text, "generated");
  if (!parsed.ok()) {
    std::fprintf(stderr, "recover-plan-bench: %s\n", parsed.status().message().c_str());
    return 1;
  }
  const double parse_s = Seconds(start);
  start = std::chrono::steady_clock::now();
  auto plan = MakePlan(*parsed, {{}, false, "2026-12-06T00:00:01Z"});
  if (!plan.ok()) {
    std::fprintf(stderr, "recover-plan-bench: %s\n", plan.status().message().c_str());
    return 1;
  }
  const double plan_s = Seconds(start);
  start = std::chrono::steady_clock::now();
  const std::string plan_text = PlanToJsonLines(*plan);
  const double write_s = Seconds(start);
  const PlanSummary s = Summarize(*plan);
  std::printf("%u partitions, %zu replica lines (collect file %.1f MB, plan file %.1f MB)\n", partitions,
              parsed->replicas.size(), text.size() / 1e6, plan_text.size() / 1e6);
  std::printf("  verdicts: recover %zu, data-loss %zu, no-replica %zu; %zu replicas cut, %zu rebuilt\n", s.recover,
              s.data_loss, s.no_replica, s.replicas_cut, s.replicas_rebuilt);
  std::printf("  read collect file  %.3f s\n  plan               %.3f s\n  plan file          %.3f s\n  total              %.3f s\n",
              parse_s, plan_s, write_s, parse_s + plan_s + write_s);
  return 0;
}
