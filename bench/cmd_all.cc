// `wal-bench all` (also what `wal-bench` alone runs): the default set of
// measurements behind docs/benchmarks.md, in well under a minute.
#include <cstdio>
#include <optional>

#include "bench/append_bench.h"
#include "bench/read_command.h"
#include "bench/report.h"
#include "bench/scratch_dir.h"
#include "cli/command.h"

namespace kv::bench {
namespace {

// Small records show the cost per record, large ones the cost per byte.
struct Dataset {
  const char* name;
  uint64_t records;
  size_t value_size;
};
constexpr Dataset kDatasets[] = {{"values-100B", 1'000'000, 100}, {"values-4000B", 60'000, 4000}};

class AllCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"all"}; }
  std::string Help() const override {
    return "Run the default measurements: write two logs (100 B and 4000 B values), scan and verify them "
           "against cat, and the append modes";
  }

  void AddFlags(CLI::App* app) override {
    app->add_option("--dir", dir_,
                    "an empty folder to write the logs into, kept afterwards "
                    "(default: a temporary folder, removed)");
    app->add_option("--runs", runs_, "timed runs per read measurement")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
  }

  int Run(const cli::CommonFlags& common) override {
    std::optional<ScratchDir> scratch;
    std::string root = dir_;
    if (root.empty()) {
      auto made = ScratchDir::Create("", "wal-bench-all");
      if (!made.ok()) return cli::ReportError(made.status());
      scratch.emplace(std::move(made).value());
      root = scratch->path();
    } else if (Status s = RequireEmptyFolder(root, "choose a new folder, or leave out --dir"); !s.ok()) {
      return cli::ReportError(s);
    }

    std::vector<AppendRow> append_rows;
    std::vector<ReadRow> read_rows;
    for (const Dataset& d : kDatasets) {
      const std::string dir = root + "/" + d.name;
      std::fprintf(stderr, "wal-bench: write %llu records of %zu B values to %s\n",
                   static_cast<unsigned long long>(d.records), d.value_size, dir.c_str());
      auto writer = wal::Writer::Open(dir, {});
      if (!writer.ok()) return cli::ReportError(writer.status());
      auto stats = RunWorkload(std::move(writer).value(), {.records = d.records, .value_size = d.value_size});
      if (!stats.ok()) return cli::ReportError(stats.status());
      append_rows.push_back({std::string("write ") + d.name + ", " + ModeName(1, 0), *stats});
      for (const bool decode : {false, true}) {
        const char* reader = decode ? "verify" : "scan";
        std::fprintf(stderr, "wal-bench: %s %s, %d runs against cat\n", reader, dir.c_str(), runs_);
        auto result = CompareWithCat(dir, decode, runs_);
        if (!result.ok()) return cli::ReportError(result.status());
        read_rows.push_back({d.name, reader, std::move(result).value()});
      }
    }
    auto modes = RunStandardAppendModes(/*records=*/0, /*value_size=*/100, root);
    if (!modes.ok()) return cli::ReportError(modes.status());
    append_rows.insert(append_rows.end(), modes->begin(), modes->end());

    PrintAppendRows(append_rows, common.json);
    if (!common.json) std::printf("\n");
    return ReportReads(read_rows, common.json);
  }

 private:
  std::string dir_;
  int runs_ = 5;
};

}  // namespace
KV_REGISTER_COMMAND(AllCommand)
}  // namespace kv::bench
