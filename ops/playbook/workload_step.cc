#include "ops/playbook/workload_step.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "cluster/client/kv_client.h"
#include "ops/bench/ledger.h"
#include "ops/bench/workload.h"

namespace kv::playbook {
namespace {

Result<bench::Workload> WorkloadOf(const WorkloadSpec& spec) {
  std::vector<std::string> overrides;
  for (const auto& [key, value] : spec.properties) overrides.push_back(key + "=" + value);
  return bench::LoadWorkload({spec.file}, overrides);
}

Result<std::unique_ptr<bench::LedgerWriter>> LedgerOf(const WorkloadSpec& spec, bool reopen) {
  if (spec.ledger.empty()) return std::unique_ptr<bench::LedgerWriter>();
  return reopen ? bench::LedgerWriter::Reopen(spec.ledger, spec.table) : bench::LedgerWriter::Create(spec.ledger, spec.table);
}

// The phase with its ledger, closed at the end.
Result<bench::RunResult> RunPhase(client::Client& client, const WorkloadSpec& spec, const bench::Workload& workload,
                                  bench::Phase phase, bench::LedgerWriter* ledger, const std::atomic<bool>* stop,
                                  const PointSink& each_second) {
  bench::RunOptions options{.phase = phase, .table = spec.table, .seed = spec.seed, .ledger = ledger};
  options.each_second = each_second;
  options.stop = stop;
  auto result = bench::RunWorkload(client, workload, options);
  if (ledger != nullptr) KV_RETURN_IF_ERROR(ledger->Close());
  return result;
}

}  // namespace

nlohmann::json WorkloadSpecJson(const WorkloadSpec& s) {
  return {{"name", s.name},   {"file", s.file},         {"table", s.table},          {"ledger", s.ledger},
          {"seed", s.seed},   {"started_t", s.started_t}, {"properties", s.properties}};
}

Result<WorkloadSpec> WorkloadSpecFromJson(const nlohmann::json& j) {
  try {
    return WorkloadSpec{.name = j.at("name"),
                        .file = j.at("file"),
                        .table = j.at("table"),
                        .ledger = j.at("ledger"),
                        .properties = j.at("properties").get<std::map<std::string, std::string>>(),
                        .seed = j.at("seed"),
                        .started_t = j.at("started_t")};
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("a running workload in the state file: ") + e.what());
  }
}

Result<bench::RunResult> LoadRecords(client::Client& client, const WorkloadSpec& spec, const PointSink& each_second,
                                     const std::atomic<bool>* stop) {
  KV_ASSIGN_OR_RETURN(bench::Workload workload, WorkloadOf(spec));
  KV_ASSIGN_OR_RETURN(auto ledger, LedgerOf(spec, /*reopen=*/false));
  return RunPhase(client, spec, workload, bench::Phase::kLoad, ledger.get(), stop, each_second);
}

Result<std::unique_ptr<BackgroundWorkload>> BackgroundWorkload::Start(client::Client& client, const WorkloadSpec& spec,
                                                                      bool resumed, PointSink each_second) {
  KV_ASSIGN_OR_RETURN(bench::Workload workload, WorkloadOf(spec));
  workload.operation_count = std::numeric_limits<uint64_t>::max();  // until stopped
  KV_ASSIGN_OR_RETURN(auto ledger, LedgerOf(spec, resumed));
  std::unique_ptr<BackgroundWorkload> w(new BackgroundWorkload(spec));
  w->thread_ = std::thread([w = w.get(), &client, workload, ledger = std::move(ledger), each_second = std::move(each_second)] {
    w->result_ = RunPhase(client, w->spec_, workload, bench::Phase::kRun, ledger.get(), &w->stop_, each_second);
  });
  return w;
}

BackgroundWorkload::~BackgroundWorkload() { (void)Stop(); }

Result<bench::RunResult> BackgroundWorkload::Stop() {
  if (!stopped_) {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    stopped_ = true;
  }
  return result_;
}

nlohmann::json WorkloadSummary(const std::string& name, const bench::RunResult& r) {
  return {{"name", name},
          {"seconds", r.seconds},
          {"operations", r.operations},
          {"errors", r.errors},
          {"ops_per_s", r.seconds > 0 ? double(r.operations - r.errors) / r.seconds : 0.0},
          {"p99_us", bench::SuccessLatencies(r).Percentile(99)}};
}

}  // namespace kv::playbook
