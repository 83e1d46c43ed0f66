// `repair partition verify DIR`: RocksDB block checksums of every SST, then the
// DB's content against the content its WAL says it should hold at its applied
// position. Read-only. Exit 0 consistent, 1 not, 2 bad usage or no folder.
#include "cli/command.h"
#include "cli/table.h"
#include "repair/partition_verify.h"

namespace kv::repair {
namespace {
using nlohmann::json;

json ChecksumJson(const std::optional<storage::ContentChecksum>& c) {
  if (!c) return nullptr;
  return {{"algorithm", storage::ContentChecksum::kAlgorithm}, {"checksum", c->Hex()}, {"record_count", c->record_count}};
}

std::string ChecksumText(const std::optional<storage::ContentChecksum>& c) {
  return c ? c->Hex() + " over " + std::to_string(c->record_count) + " records" : "-";
}

class PartitionVerifyCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"partition", "verify"}; }
  std::string Help() const override {
    return "Check every SST's block checksums and that the DB holds what its WAL says; exit 1 when not; "
           "read-only";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("DIR", dir_, "the replica folder, DATA_DIR/partitions/<tid>_<pid>")->required();
  }

  int Run(const cli::CommonFlags& common) override {
    auto report = VerifyPartition(dir_, [](uint64_t done, uint64_t total) {
      std::fprintf(stderr, "verify: %llu of %llu WAL records replayed\n", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    });
    if (!report.ok()) return cli::ReportError(report.status());
    if (common.json) {
      PrintJson(*report);
    } else {
      PrintText(*report);
    }
    return report->consistent() ? cli::kExitOk : cli::kExitFailed;
  }

 private:
  static std::string SstStatus(const inspect::SstFileInfo& f) {
    return !f.verify ? "not checked" : f.verify->ok() ? "ok" : f.verify->message();
  }

  void PrintJson(const VerifyReport& v) const {
    for (const inspect::SstFileInfo& f : v.inspected.sst_files) {
      cli::PrintJsonLine({{"type", "sst"}, {"file", f.file}, {"bytes", f.bytes}, {"ok", f.verify && f.verify->ok()},
                          {"status", SstStatus(f)}});
    }
    cli::PrintJsonLine(
        {{"type", "verify"},
         {"dir", dir_},
         {"verdict", v.consistent() ? "consistent" : "inconsistent"},
         {"applied", v.at ? json{{"term", v.at->term}, {"offset", v.at->offset}} : json(nullptr)},
         {"actual", ChecksumJson(v.actual)},
         {"expected", ChecksumJson(v.expected)},
         {"base", v.base},
         {"records_replayed", v.records_replayed},
         {"problems", v.problems}});
  }

  void PrintText(const VerifyReport& v) const {
    if (!v.inspected.sst_files.empty()) {
      cli::Table sst({"SST file", "bytes", "block checksums"});
      for (const inspect::SstFileInfo& f : v.inspected.sst_files) {
        sst.AddRow({f.file, std::to_string(f.bytes), SstStatus(f)});
      }
      sst.Print();
      std::printf("\n");
    }
    cli::Table t({"replica", dir_});
    t.AddRow({"applied", v.at ? v.at->ToString() : "-"});
    t.AddRow({"DB content", ChecksumText(v.actual)});
    t.AddRow({"WAL says", ChecksumText(v.expected)});
    t.AddRow({"derived from", v.base.empty() ? "-" : v.base + ", then " + std::to_string(v.records_replayed) +
                                                         " WAL records"});
    t.Print();
    std::printf("\n%s\n", v.consistent() ? "consistent" : "inconsistent:");
    for (const std::string& p : v.problems) std::printf("  %s\n", p.c_str());
  }

  std::string dir_;
};

}  // namespace

KV_REGISTER_COMMAND(PartitionVerifyCommand)

}  // namespace kv::repair
