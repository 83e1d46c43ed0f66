#include "bench/read_command.h"

#include <cstdio>

namespace kv::bench {

namespace {
constexpr uint64_t kMeaningfulReadBytes = 100'000'000;
}  // namespace

void ReadCommand::AddFlags(CLI::App* app) {
  app->add_option("--dir", dir_, "the WAL folder to read")->required();
  app->add_option("--runs", runs_, "timed runs of the reader and of cat each (the median is reported)")
      ->check(CLI::Range(1, 100));
}

int ReadCommand::Run(const cli::CommonFlags& common) {
  auto result = CompareWithCat(dir_, decode_ops_, runs_);
  if (!result.ok()) return cli::ReportError(result.status());
  return ReportReads({{dir_, name_, std::move(result).value()}}, common.json);
}

int ReportReads(const std::vector<ReadRow>& rows, bool json) {
  PrintReadRows(rows, json);
  int code = cli::kExitOk;
  for (const ReadRow& row : rows) {
    const ReadCounts& c = row.result.counts;
    if (c.file_bytes < kMeaningfulReadBytes) {
      std::fprintf(stderr,
                   "wal-bench: note: %s is small; cat's start-up time dominates its figure, so use a log "
                   "of 100 MB or more for a meaningful ratio\n",
                   row.data.c_str());
    }
    if (!c.problems()) continue;
    std::fprintf(stderr,
                 "wal-bench: %s is damaged: %llu damaged regions, %llu undecodable payloads, first: %s\n",
                 row.data.c_str(), static_cast<unsigned long long>(c.damages),
                 static_cast<unsigned long long>(c.bad_payloads), c.first_problem.c_str());
    code = cli::kExitFailed;
  }
  return code;
}

}  // namespace kv::bench
