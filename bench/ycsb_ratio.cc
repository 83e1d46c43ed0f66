// ycsb-ratio: YCSB workloads on a playground beside the same workloads on an
// embedded RocksDB, in one run, as a ratio (docs/benchmarks.md, "YCSB against
// an embedded RocksDB").
//
//   ycsb-ratio [--workload workloada --workload workloadc] [--recordcount N]
//              [--operationcount N] [--threadcount N] [-p KEY=VALUE ...] [--json]
//
// Starts a playground (3 tablets) in a temporary folder, and for each
// workload creates a table (8 partitions x 3 replicas, acks majority,
// wal_level 1: `ops create table`'s defaults), runs YCSB's load then run
// phase against it through the client, then both phases against a fresh
// RocksDB in this process (bench/embedded_store.h). The same runner
// (ops/bench/runner.h) does both: key choice, mix, values, threads and
// histograms are the same code. Prints, per workload and phase, ops/s,
// p50 and p99 of each store and the ratios playground / embedded.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "bench/embedded_store.h"
#include "bench/scratch_dir.h"
#include "cli/parse_flags.h"
#include "cli/table.h"
#include "cluster/client/kv_client.h"
#include "cluster/client/mutex_checks.h"
#include "cluster/proto/enum_names.h"
#include "ops/bench/client_store.h"
#include "ops/bench/runner.h"
#include "ops/playground/playground.h"

namespace {
namespace fs = std::filesystem;
using kv::Result;
using kv::Status;
using kv::bench::Phase;
using kv::bench::RunResult;

constexpr const char* kProgram = "ycsb-ratio";
constexpr int kWalLevel = 1;  // the store's default (`ops create table`), matched by EmbeddedStore's unsynced WAL

struct Flags {
  int tablets = 3;
  int partitions = 8;
  int replicas = 3;
  std::string bin_dir;
  std::string workloads_dir = "playbooks/workloads";
  std::vector<std::string> workloads = {"workloada", "workloadc"};
  uint64_t record_count = 20000;  // with the next two: about a minute on 2 cores, Release build
  uint64_t operation_count = 50000;
  uint32_t thread_count = 16;
  std::vector<std::string> properties;
  uint64_t seed = 1;
  bool json = false;
};

// One phase of one workload on one store: what the table shows.
struct Measured {
  uint64_t ok_ops = 0, errors = 0;
  double seconds = 0;
  uint64_t p50_us = 0, p99_us = 0;
  std::string first_error;
  double ops_per_s() const { return seconds > 0 ? double(ok_ops) / seconds : 0; }
};

Measured Summarize(const RunResult& r) {
  const kv::bench::LatencyHistogram all = kv::bench::SuccessLatencies(r);
  return {.ok_ops = r.operations - r.errors,
          .errors = r.errors,
          .seconds = r.seconds,
          .p50_us = all.Percentile(50),
          .p99_us = all.Percentile(99),
          .first_error = r.first_error};
}

struct Row {
  std::string workload;
  Phase phase;
  Measured playground, embedded;
};

const char* PhaseName(Phase p) { return p == Phase::kLoad ? "load" : "run"; }
double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

// The load then the run phase of w against one store's table: two results.
Result<std::pair<Measured, Measured>> LoadAndRun(kv::bench::Store& store, const kv::bench::Workload& w,
                                                 const std::string& table, uint64_t seed) {
  std::pair<Measured, Measured> out;
  for (Phase phase : {Phase::kLoad, Phase::kRun}) {
    KV_ASSIGN_OR_RETURN(RunResult r,
                        kv::bench::RunWorkload(store, w, {.phase = phase, .table = table, .seed = seed}));
    (phase == Phase::kLoad ? out.first : out.second) = Summarize(r);
  }
  return out;
}

Status CreateTable(kv::client::Client& client, const std::string& table, const Flags& flags) {
  kv::v1::CreateTableRequest request;
  request.set_name(table);
  request.set_partitions(flags.partitions);
  request.set_replicas(flags.replicas);
  request.set_acks(kv::v1::ACKS_MAJORITY);
  request.set_wal_level(kWalLevel);
  return client.CreateTable(request).status();
}

void Print(const std::vector<Row>& rows, const Flags& flags) {
  auto fixed = [](double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return std::string(buf);
  };
  if (flags.json) {
    auto store_json = [](const Measured& m) {
      return nlohmann::json{{"ops", m.ok_ops},       {"errors", m.errors}, {"seconds", m.seconds},
                            {"ops_per_s", m.ops_per_s()}, {"p50_us", m.p50_us}, {"p99_us", m.p99_us}};
    };
    for (const Row& r : rows) {
      kv::cli::PrintJsonLine({{"workload", r.workload},
                              {"phase", PhaseName(r.phase)},
                              {"tablets", flags.tablets},
                              {"partitions", flags.partitions},
                              {"replicas", flags.replicas},
                              {"threads", flags.thread_count},
                              {"playground", store_json(r.playground)},
                              {"embedded", store_json(r.embedded)},
                              {"throughput_ratio", Ratio(r.playground.ops_per_s(), r.embedded.ops_per_s())},
                              {"p99_ratio", Ratio(double(r.playground.p99_us), double(r.embedded.p99_us))}});
    }
    return;
  }
  kv::cli::Table table({"workload", "phase", "store", "ops", "ops/s", "p50 us", "p99 us", "ops/s ratio", "p99 ratio"});
  for (const Row& r : rows) {
    for (bool playground : {true, false}) {
      const Measured& m = playground ? r.playground : r.embedded;
      table.AddRow({r.workload, PhaseName(r.phase), playground ? "playground" : "embedded", std::to_string(m.ok_ops),
                    fixed(m.ops_per_s(), 0), std::to_string(m.p50_us), std::to_string(m.p99_us),
                    playground ? fixed(Ratio(r.playground.ops_per_s(), r.embedded.ops_per_s()), 3) : "",
                    playground ? fixed(Ratio(double(r.playground.p99_us), double(r.embedded.p99_us)), 1) : ""});
    }
  }
  table.Print();
  std::printf("ratios: playground / embedded (%d tablets, %d partitions x %d replicas over gRPC, acks majority, "
              "against one RocksDB in this process; both wal_level 1's durability)\n",
              flags.tablets, flags.partitions, flags.replicas);
}

int Fail(const std::string& what) { return std::fprintf(stderr, "%s: %s\n", kProgram, what.c_str()), 1; }

int Bench(const Flags& flags, const std::vector<kv::bench::Workload>& workloads) {
  auto scratch = kv::bench::ScratchDir::Create("", kProgram);
  if (!scratch.ok()) return Fail(scratch.status().message());
  kv::ops::PlaygroundOptions options;
  options.dir = scratch->path() + "/playground";
  options.tablets = flags.tablets;
  options.bin_dir = flags.bin_dir;
  std::fprintf(stderr, "%s: starting a %d-tablet playground in %s\n", kProgram, flags.tablets, options.dir.c_str());
  auto playground = kv::ops::ScopedPlayground::Start(options);
  if (!playground.ok()) return Fail(playground.status().message());
  kv::client::ClientOptions client_options;
  client_options.nameservers = (**playground)->state().EndpointsOf(kv::ops::kRoleNameserver);
  auto client = kv::client::Client::Connect(std::move(client_options));
  if (!client.ok()) return Fail(client.status().message());

  std::vector<Row> rows;
  for (size_t i = 0; i < workloads.size(); ++i) {
    const kv::bench::Workload& w = workloads[i];
    const std::string table = "ycsb_" + flags.workloads[i];
    std::fprintf(stderr, "%s: %s: table %s, %d partitions x %d replicas, acks majority, wal_level %d; %llu records, "
                 "%llu operations, %u threads\n",
                 kProgram, flags.workloads[i].c_str(), table.c_str(), flags.partitions, flags.replicas, kWalLevel,
                 static_cast<unsigned long long>(w.record_count), static_cast<unsigned long long>(w.operation_count),
                 w.thread_count);
    if (Status s = CreateTable(**client, table, flags); !s.ok()) return Fail(s.message());
    kv::bench::ClientStore replicated(**client);
    auto on_playground = LoadAndRun(replicated, w, table, flags.seed);
    if (!on_playground.ok()) return Fail(on_playground.status().message());

    auto embedded = kv::bench::EmbeddedStore::Open(scratch->path() + "/embedded-" + flags.workloads[i], table);
    if (!embedded.ok()) return Fail(embedded.status().message());
    auto on_embedded = LoadAndRun(**embedded, w, table, flags.seed);
    if (!on_embedded.ok()) return Fail(on_embedded.status().message());
    rows.push_back({flags.workloads[i], Phase::kLoad, on_playground->first, on_embedded->first});
    rows.push_back({flags.workloads[i], Phase::kRun, on_playground->second, on_embedded->second});
  }
  Print(rows, flags);
  for (const Row& r : rows) {
    for (const Measured* m : {&r.playground, &r.embedded}) {
      if (m->errors > 0) {
        return Fail(r.workload + " " + PhaseName(r.phase) + ": " + std::to_string(m->errors) +
                    " operations failed; the first: " + m->first_error);
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  kv::client::DisableMutexDeadlockDetection();
  Flags flags;
  CLI::App app("YCSB workloads on a playground beside an embedded RocksDB, as a ratio", kProgram);
  app.add_option("--tablets", flags.tablets, "tablets of the playground")->capture_default_str();
  app.add_option("--partitions", flags.partitions, "partitions of each workload's table")->capture_default_str();
  app.add_option("--replicas", flags.replicas, "replicas per partition")->capture_default_str();
  app.add_option("--bin-dir", flags.bin_dir, "where the server binaries are (default: beside this program or in its build tree)");
  app.add_option("--workloads-dir", flags.workloads_dir, "where the YCSB workload files are")->capture_default_str();
  app.add_option("--workload", flags.workloads, "a workload file's name in --workloads-dir, in order (repeatable)")
      ->capture_default_str();
  app.add_option("--recordcount", flags.record_count, "records the load phase inserts")->capture_default_str();
  app.add_option("--operationcount", flags.operation_count, "operations of the run phase")->capture_default_str();
  app.add_option("--threadcount", flags.thread_count, "client threads, for both stores")->capture_default_str();
  app.add_option("-p", flags.properties, "another YCSB property, key=value (after the three above)");
  app.add_option("--seed", flags.seed, "the random seed of the key and operation choice")->capture_default_str();
  app.add_flag("--json", flags.json, "one JSON object per workload and phase on stdout");
  if (auto code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *code;
  auto usage = [](const std::string& m) { return std::fprintf(stderr, "%s: %s\n", kProgram, m.c_str()), 2; };
  if (flags.tablets < 1 || flags.partitions < 1 || flags.replicas < 1 || flags.replicas > flags.tablets) {
    return usage("--tablets, --partitions and --replicas must be positive, and --replicas at most --tablets");
  }
  if (flags.record_count < 1 || flags.operation_count < 1 || flags.thread_count < 1) {
    return usage("--recordcount, --operationcount and --threadcount must be positive");
  }
  std::vector<std::string> overrides = {"recordcount=" + std::to_string(flags.record_count),
                                        "operationcount=" + std::to_string(flags.operation_count),
                                        "threadcount=" + std::to_string(flags.thread_count)};
  overrides.insert(overrides.end(), flags.properties.begin(), flags.properties.end());
  std::vector<kv::bench::Workload> workloads;
  if (std::set<std::string>(flags.workloads.begin(), flags.workloads.end()).size() != flags.workloads.size()) {
    return usage("each --workload once: each gets a table of its own, named after it");
  }
  for (const std::string& name : flags.workloads) {
    const std::string file = (fs::path(flags.workloads_dir) / name).string();
    if (!fs::is_regular_file(file)) {
      return usage(file + " is not a workload file (run from the repository's root, or give --workloads-dir)");
    }
    auto w = kv::bench::LoadWorkload({file}, overrides);
    if (!w.ok()) return usage(w.status().message());
    for (const std::string& key : w->unknown) {
      std::fprintf(stderr, "%s: note: property %s is not read by the workload runner\n", kProgram, key.c_str());
    }
    workloads.push_back(std::move(w).value());
  }
  return Bench(flags, workloads);
}
