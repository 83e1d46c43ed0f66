#include "ops/bench_command.h"

#include <cstdio>

#include "cli/table.h"
#include "ops/bench/status_line.h"

namespace kv::ops {

void BenchCommand::AddCommandFlags(CLI::App* app) {
  app->add_option("-P", property_files_, "a YCSB workload file (playbooks/workloads/workloada ...); later ones win")
      ->check(CLI::ExistingFile);
  app->add_option("-p", overrides_, "a property, key=value (recordcount=100000, threadcount=8, target=500, ...)");
  app->add_option("--table", table_, "the table to load or run against")->required();
  app->add_option("--ledger", ledger_, "record every acknowledged write in this new file, for `ops bench verify`");
  app->add_option("--seed", seed_, "the random seed of the key and operation choice")->capture_default_str();
}

int BenchCommand::RunWith(client::Client& client, const cli::CommonFlags& common) {
  auto workload = bench::LoadWorkload(property_files_, overrides_);
  if (!workload.ok()) return Fail(workload.status());
  for (const std::string& key : workload->unknown) {
    std::fprintf(stderr, "ops: note: property %s is not read by this workload tool\n", key.c_str());
  }
  // A table that is not there is bad input, not a run whose every operation failed.
  if (auto table = client.ShowTable(table_); !table.ok()) return Fail(table.status());
  std::unique_ptr<bench::LedgerWriter> ledger;
  if (!ledger_.empty()) {
    auto created = bench::LedgerWriter::Create(ledger_, table_);
    if (!created.ok()) return Fail(Status::InvalidArgument(created.status().message()));
    ledger = std::move(created).value();
  }
  bench::RunOptions options{.phase = phase_, .table = table_, .seed = seed_, .ledger = ledger.get()};
  if (!common.json) {
    options.status = [](const std::vector<std::string>& lines) {
      for (const std::string& line : lines) std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  auto result = bench::RunWorkload(client, *workload, options);
  if (!result.ok()) return Fail(result.status());
  if (ledger) {
    if (Status closed = ledger->Close(); !closed.ok()) return Fail(closed);
  }
  if (common.json) {
    nlohmann::json ops = nlohmann::json::object();
    for (const auto& [name, h] : result->by_operation) {
      nlohmann::json& op = ops[name];
      op = {{"count", h.count()}, {"avg_us", h.mean()}, {"min_us", h.min()}, {"max_us", h.max()}};
      for (const bench::ReportedPercentile& p : bench::kReportedPercentiles) op[p.json_key] = h.Percentile(p.percent);
    }
    nlohmann::json series = nlohmann::json::array();
    for (const bench::SecondPoint& p : result->series) series.push_back(bench::PointJson(p));
    cli::PrintJsonLine({{"phase", phase_ == bench::Phase::kLoad ? "load" : "run"},
                        {"table", table_},
                        {"seconds", result->seconds},
                        {"operations", result->operations},
                        {"errors", result->errors},
                        {"by_operation", ops},
                        {"series", series}});
  } else {
    std::printf("Run finished, takes %.1fs\n", result->seconds);
    for (const std::string& line : bench::StatusLines(*result)) std::printf("%s\n", line.c_str());
  }
  if (result->errors > 0) {
    std::fprintf(stderr, "ops: %llu of %llu operations failed; the first: %s\n",
                 static_cast<unsigned long long>(result->errors), static_cast<unsigned long long>(result->operations),
                 result->first_error.c_str());
    return cli::kExitFailed;
  }
  return cli::kExitOk;
}

}  // namespace kv::ops
