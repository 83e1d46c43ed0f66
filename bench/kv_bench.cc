// kv-bench: write then read throughput and latency of the replicated store.
//
//   kv-bench --ns HOST:PORT [flags]     against a running cluster
//   kv-bench --playground 3 [flags]     on a playground of its own (started and
//                                       stopped here, in a temporary folder)
//
// Creates a table (acks and WAL level as asked), runs --threads client threads
// writing --value-size-byte values for --duration-s seconds or --count writes,
// then reads the written keys back the same way; prints ops/s, p50/p99
// latency, and CPU time and context switches per op (this process's, plus the
// servers' on a playground: bench/proc_usage.h) per phase. Drops the table at
// the end unless --keep.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench/closed_loop.h"
#include "cli/parse_flags.h"
#include "cluster/client/kv_client.h"
#include "cluster/client/mutex_checks.h"
#include "cluster/proto/enum_names.h"
#include "common/file.h"
#include "ops/endpoints.h"
#include "ops/playground/playground.h"

namespace {
namespace fs = std::filesystem;
using kv::Result;
using kv::Status;
using kv::bench::PhaseResult;

struct Flags {
  std::string ns;
  int playground = 0;
  std::string bin_dir;
  std::string table;
  std::string acks = kv::names::AcksName(kv::v1::ACKS_MAJORITY);
  int wal_level = 1;
  int partitions = 8;
  int replicas = 3;
  int threads = 16;
  // One client object: it coalesces the writes its threads send to the same
  // leader into one RPC, so threads spread over several clients batch less.
  int clients = 1;
  int value_size = 100;
  double duration_s = 10;
  long long count = 0;
  bool keep = false;
  bool write_only = false;
  bool json = false;
};

kv::bench::PhaseLimits Limits(const Flags& flags) { return {flags.threads, flags.duration_s, flags.count}; }

std::string KeyOf(int thread, uint64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "key-%02d-%010llu", thread, static_cast<unsigned long long>(seq));
  return buf;
}

void Report(const std::vector<PhaseResult>& results, const Flags& flags, const std::string& table) {
  kv::bench::ReportPhases(results, flags.json,
                          {{"table", table}, {"threads", flags.threads}, {"value_size", flags.value_size},
                           {"acks", flags.acks}, {"wal_level", flags.wal_level}},
                          "kv-bench");
}

Result<std::vector<std::unique_ptr<kv::client::Client>>> Connect(const std::vector<std::string>& nameservers,
                                                                 int count) {
  std::vector<std::unique_ptr<kv::client::Client>> clients;
  for (int i = 0; i < count; ++i) {
    kv::client::ClientOptions options;
    options.nameservers = nameservers;
    KV_ASSIGN_OR_RETURN(auto c, kv::client::Client::Connect(std::move(options)));
    clients.push_back(std::move(c));
  }
  return clients;
}

// servers: the cluster's processes when this machine runs them (a playground),
// for the cost per op; empty: the client's own cost only.
int Bench(const Flags& flags, const std::vector<std::string>& nameservers, const std::vector<pid_t>& servers) {
  auto clients = Connect(nameservers, flags.clients);
  if (!clients.ok()) return std::fprintf(stderr, "kv-bench: %s\n", clients.status().message().c_str()), 1;
  kv::client::Client& admin = *clients->front();
  const std::optional<kv::v1::Acks> acks = kv::names::ParseAcks(flags.acks);
  if (!acks) {
    std::fprintf(stderr, "kv-bench: --acks must be %s, not '%s'\n", kv::names::AcksChoices().c_str(),
                 flags.acks.c_str());
    return 2;
  }
  const std::string table =
      flags.table.empty() ? "bench_" + kv::UtcTimestampCompact() + "_" + std::to_string(::getpid()) : flags.table;
  kv::v1::CreateTableRequest request;
  request.set_name(table);
  request.set_partitions(flags.partitions);
  request.set_replicas(flags.replicas);
  request.set_acks(*acks);
  request.set_wal_level(flags.wal_level);
  auto created = admin.CreateTable(request);
  if (!created.ok()) return std::fprintf(stderr, "kv-bench: %s\n", created.status().message().c_str()), 1;
  std::fprintf(stderr, "kv-bench: table %s: %u partitions x %u replicas, acks %s, wal_level %u; %d threads, %d clients\n",
               table.c_str(), created->partition_count(), created->replica_count(), flags.acks.c_str(),
               created->wal_level(), flags.threads, flags.clients);

  const std::string value(flags.value_size, 'v');
  auto client_of = [&](int thread) -> kv::client::Client& { return *(*clients)[thread % clients->size()]; };
  std::vector<uint64_t> written(flags.threads, 0);
  PhaseResult writes = kv::bench::RunPhase("write", Limits(flags), servers, [&](int t, uint64_t seq) {
    Status s = client_of(t).Put(table, KeyOf(t, seq), value).status();
    if (s.ok()) written[t] = seq + 1;
    return s;
  });
  std::vector<PhaseResult> results = {writes};
  if (!flags.write_only) {
    std::vector<std::mt19937_64> rng;
    for (int t = 0; t < flags.threads; ++t) rng.emplace_back(t + 1);
    results.push_back(kv::bench::RunPhase("read", Limits(flags), servers, [&](int t, uint64_t) {
      const int owner = static_cast<int>(rng[t]() % flags.threads);
      if (written[owner] == 0) return Status::NotFound("thread " + std::to_string(owner) + " wrote nothing");
      auto got = client_of(t).Get(table, KeyOf(owner, rng[t]() % written[owner]));
      if (!got.ok()) return got.status();
      return got->has_value() ? Status::OK() : Status::NotFound("an acknowledged key is missing");
    }));
  }
  Report(results, flags, table);
  if (!flags.keep) (void)admin.DropTable(table);
  uint64_t errors = 0;
  for (const PhaseResult& r : results) errors += r.errors;
  return errors == 0 ? 0 : 1;
}

// A playground in a fresh temporary folder, removed after it goes down.
int BenchOnPlayground(const Flags& flags) {
  std::string dir = (fs::temp_directory_path() / "kv-bench-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return std::fprintf(stderr, "kv-bench: mkdtemp failed\n"), 1;
  int rc;
  {
    kv::ops::PlaygroundOptions options;
    options.dir = dir + "/playground";
    options.tablets = flags.playground;
    options.bin_dir = flags.bin_dir;
    std::fprintf(stderr, "kv-bench: starting a %d-tablet playground in %s\n", flags.playground, dir.c_str());
    auto playground = kv::ops::ScopedPlayground::Start(options);
    if (!playground.ok()) {
      std::fprintf(stderr, "kv-bench: %s\n", playground.status().message().c_str());
      rc = 1;
    } else {
      std::vector<pid_t> servers;
      for (const kv::ops::ServerRecord& s : (**playground)->state().servers) servers.push_back(s.process.pid);
      rc = Bench(flags, (**playground)->state().EndpointsOf(kv::ops::kRoleNameserver), servers);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  kv::client::DisableMutexDeadlockDetection();
  Flags flags;
  CLI::App app("Write/read benchmark of the replicated store", "kv-bench");
  auto* ns = app.add_option("--ns", flags.ns, "nameserver endpoints of a running cluster");
  auto* pg = app.add_option("--playground", flags.playground, "start a playground with this many tablets instead");
  ns->excludes(pg);
  app.add_option("--bin-dir", flags.bin_dir, "with --playground: where the server binaries are");
  app.add_option("--table", flags.table, "table to create (default: bench_<time>_<pid>)");
  app.add_option("--acks", flags.acks, "leader or majority")->capture_default_str();
  app.add_option("--wal-level", flags.wal_level, "1 or 2")->capture_default_str();
  app.add_option("--partitions", flags.partitions, "partitions of the table")->capture_default_str();
  app.add_option("--replicas", flags.replicas, "replicas per partition")->capture_default_str();
  app.add_option("--threads", flags.threads, "client threads")->capture_default_str();
  app.add_option("--clients", flags.clients,
                 "client objects (each with its own connections, coalescing the writes of its threads), shared by "
                 "the threads")
      ->capture_default_str();
  app.add_option("--value-size", flags.value_size, "bytes per value")->capture_default_str();
  auto* duration = app.add_option("--duration-s", flags.duration_s, "seconds per phase")->capture_default_str();
  app.add_option("--count", flags.count, "ops per phase instead of a duration")->excludes(duration);
  app.add_flag("--keep", flags.keep, "keep the table afterwards");
  app.add_flag("--write-only", flags.write_only, "skip the read phase");
  app.add_flag("--json", flags.json, "one JSON object per phase on stdout");
  if (auto code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *code;
  auto usage = [](const std::string& m) { return std::fprintf(stderr, "kv-bench: %s\n", m.c_str()), 2; };
  if (flags.threads < 1 || flags.clients < 1 || flags.value_size < 0 || flags.partitions < 1 || flags.replicas < 1) {
    return usage("--threads, --clients, --partitions and --replicas must be positive, --value-size not negative");
  }
  if (flags.count < 0 || flags.duration_s <= 0) return usage("--count and --duration-s must be positive");
  if (flags.playground > 0) return BenchOnPlayground(flags);
  auto nameservers = kv::ops::ResolveNameservers(flags.ns, std::getenv(kv::ops::kNsEnv));
  if (!nameservers.ok()) return usage(nameservers.status().message() + " (or use --playground N)");
  return Bench(flags, *nameservers, {});
}
