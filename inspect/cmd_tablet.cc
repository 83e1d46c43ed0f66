// `inspect tablet DATA_DIR`: every replica of a tablet in one table, and with
// --json the "collect" input of `ops recoverdata` (a tablet line, then one line
// per replica; docs/storage.md). Cheap by default. Exit 0 when every replica is
// healthy, 1 when any has a finding, 2 bad usage or not a data dir. Never writes.
#include <unistd.h>

#include "cli/command.h"
#include "cli/table.h"
#include "inspect/tablet_inspect.h"

namespace kv::inspect {
namespace {

std::string OrDash(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : "-"; }

void PrintText(const TabletReport& r) {
  std::string tablet = r.tablet_json ? r.tablet_json->dump() : "tablet.json " + r.tablet_json_status.message();
  std::printf("tablet %s: %s; DATA_DIR/LOCK %s\n\n", r.data_dir.c_str(), tablet.c_str(),
              r.lock_held ? "held by a running process" : "free");
  cli::Table t({"tid", "pid", "table", "role", "term", "last term", "last offset", "applied", "snapshot", "health"});
  cli::Table findings({"replica", "finding", "what", "fix"});
  for (const PartitionReport& p : r.replicas) {
    const auto& d = p.info.descriptor;
    const SnapshotView* s = p.NewestValidSnapshot();
    t.AddRow({p.identity ? std::to_string(p.identity->first) : "?", p.identity ? std::to_string(p.identity->second) : "?",
              d ? d->table : "?", d ? storage::RoleName(d->role) : "?", d ? std::to_string(d->term) : "?",
              std::to_string(p.info.last.term), std::to_string(p.info.last.offset),
              OrDash(p.info.applied ? std::optional(p.info.applied->offset) : std::nullopt),
              OrDash(s ? std::optional(s->info.offset) : std::nullopt), p.in_use ? std::string(p.health()) + " (in use)" : p.health()});
    for (const Finding& f : p.findings) findings.AddRow({p.info.dir, FindingKindName(f.kind), f.text, f.fix});
  }
  t.Print();
  for (const std::string& path : r.ignored) std::fprintf(stderr, "note: %s is not a replica folder; ignored\n", path.c_str());
  if (findings.rows() > 0) {
    std::printf("\n");
    findings.Print();
  }
}

class TabletCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"tablet"}; }
  std::string Help() const override {
    return "Every replica of a tablet's data dir in one table (--json: the collect input of ops recoverdata); "
           "exit 1 when any replica has a finding; never writes";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("DATA_DIR", dir_, "the tablet's data dir (holding tablet.json and partitions/)")->required();
    app->add_flag("--checksum", options_.checksum, "compute every replica's content checksum (scans the data)");
    app->add_flag("--verify-sst", options_.verify_sst, "check the block checksums of every SST file");
  }

  int Run(const cli::CommonFlags& common) override {
    auto report = InspectTablet(dir_, options_, [](size_t i, size_t n, const std::string& replica) {
      if (isatty(STDERR_FILENO)) std::fprintf(stderr, "[%zu/%zu] %s\n", i + 1, n, replica.c_str());
    });
    if (!report.ok()) return cli::ReportError(report.status());
    if (common.json) {
      cli::PrintJsonLine(TabletHeaderJson(*report));
      for (const PartitionReport& p : report->replicas) cli::PrintJsonLine(PartitionReportJson(p));
    } else {
      PrintText(*report);
    }
    return report->healthy() ? cli::kExitOk : cli::kExitFailed;
  }

 private:
  std::string dir_;
  PartitionInspectOptions options_;
};

}  // namespace
}  // namespace kv::inspect

using kv::inspect::TabletCommand;
KV_REGISTER_COMMAND(TabletCommand);
