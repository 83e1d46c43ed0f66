// `inspect partition DIR`: one replica folder (descriptor, WAL, applied
// position, snapshots, SST files, content checksum) and its findings, each
// with the command that fixes it. Exit 0 healthy, 1 findings, 2 bad usage or
// not a folder. Never writes (inspect/partition_inspect.h).
#include "cli/command.h"
#include "cli/table.h"
#include "inspect/partition_inspect.h"

namespace kv::inspect {
namespace {

std::string Or(const Status& s, const std::string& ok_text) {
  return s.ok() ? ok_text : "unreadable: " + s.message();
}

std::string DescriptorText(const PartitionReport& r) {
  const auto& d = r.info.descriptor;
  if (!d) return Or(r.info.descriptor_status, "");
  return d->table + " (tid " + std::to_string(d->tid) + ", pid " + std::to_string(d->pid) + "), " +
         storage::RoleName(d->role) + " at term " + std::to_string(d->term) + " (replica.json format " +
         std::to_string(storage::Descriptor::kFormatVersion) + ")";
}

std::string WalText(const PartitionReport& r) {
  const auto& t = r.info.wal;
  if (!t) return Or(r.info.wal_status, "");
  std::string s = std::to_string(t->segments) + " segment(s); ";
  if (t->empty) {
    s += "no record" + (t->first_offset ? " (the next is offset " + std::to_string(t->first_offset) + ")" : std::string());
  } else {
    s += "offsets " + std::to_string(t->first_offset) + ".." + std::to_string(t->last_offset) + ", terms " +
         (r.wal_first_term ? std::to_string(r.wal_first_term) : "?") + ".." + std::to_string(t->last_term);
  }
  if (t->torn_bytes > 0) s += "; torn tail of " + std::to_string(t->torn_bytes) + " bytes";
  if (!t->unfinished_segment.empty()) s += "; unfinished segment " + t->unfinished_segment + " (no header)";
  if (t->torn_bytes == 0 && t->unfinished_segment.empty()) s += "; clean end";
  if (r.wal_verify) s += std::string("; full read: ") + WalHealthName(r.wal_verify->health);
  return s;
}

std::string DbText(const PartitionReport& r) {
  if (!r.info.db_present) return "missing";
  return std::to_string(r.sst_files.size()) + " SST file(s), " + std::to_string(r.sst_bytes) + " bytes" +
         (r.info.db_status.ok() ? "" : "; unreadable: " + r.info.db_status.message());
}

void PrintText(const PartitionReport& r) {
  cli::Table t({"replica", r.info.dir});
  t.AddRow({"descriptor", DescriptorText(r)});
  t.AddRow({"WAL", WalText(r)});
  t.AddRow({"applied", r.info.applied ? r.info.applied->ToString() : "unknown (no readable DB)"});
  t.AddRow({"last", r.info.last.ToString()});
  t.AddRow({"DB", DbText(r)});
  if (r.content) {
    t.AddRow({"checksum", std::string(storage::ContentChecksum::kAlgorithm) + " " + r.content->Hex() + " over " +
                              std::to_string(r.content->record_count) + " records"});
  }
  t.AddRow({"in use", r.in_use ? "yes: a process holds wal/LOCK (the DB is seen as of its last flush)" : "no"});
  t.Print();
  if (!r.snapshots.empty()) {
    cli::Table s({"snapshot", "term", "records", "checksum", "created", "status"});
    for (const SnapshotView& v : r.snapshots) {
      const auto& m = v.info.manifest;
      const Status& why = !v.info.status.ok() ? v.info.status : v.verify ? *v.verify : Status::OK();
      s.AddRow({std::to_string(v.info.offset), m ? std::to_string(m->position.term) : "-",
                m ? std::to_string(m->content.record_count) : "-", m ? m->content.Hex() : "-", m ? m->created : "-",
                why.ok() ? (v.verify ? "verified" : "manifest ok") : why.message()});
    }
    std::printf("\n");
    s.Print();
  }
  if (!r.wal_damages.empty()) {
    cli::Table d({"WAL damage"});
    for (const wal::Damage& damage : r.wal_damages) d.AddRow({damage.Describe()});
    std::printf("\n");
    d.Print();
  }
  std::printf("\n");
  if (r.healthy()) {
    std::printf("healthy: no findings\n");
    return;
  }
  cli::Table f({"finding", "what", "fix"});
  for (const Finding& finding : r.findings) f.AddRow({FindingKindName(finding.kind), finding.text, finding.fix});
  f.Print();
}

class PartitionCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"partition"}; }
  std::string Help() const override {
    return "A replica folder (partitions/<tid>_<pid>): descriptor, WAL, applied position, snapshots, SST files, "
           "findings with their fixes; exit 1 on findings; never writes";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("DIR", dir_, "the replica folder, DATA_DIR/partitions/<tid>_<pid>")->required();
    app->add_flag("--verify-wal", options_.verify_wal, "read every WAL record, reporting every damage");
    app->add_flag("--verify-sst", options_.verify_sst, "check the block checksums of every SST file in db/");
    app->add_flag("--verify-snapshots", options_.verify_snapshots,
                  "check each snapshot's checkpoint against its manifest (scans it)");
    app->add_flag("--checksum", options_.checksum, "compute the DB's content checksum (scans the data)");
  }

  int Run(const cli::CommonFlags& common) override {
    auto report = InspectPartition(dir_, options_);
    if (!report.ok()) return cli::ReportError(report.status());
    if (common.json) {
      cli::PrintJsonLine(PartitionReportJson(*report));
      for (const wal::Damage& d : report->wal_damages) {
        cli::PrintJsonLine({{"type", "wal_damage"},
                            {"format_version", kCollectFormatVersion},
                            {"kind", wal::DamageKindName(d.kind)},
                            {"file", d.file},
                            {"pos", d.file_pos},
                            {"length", d.length},
                            {"text", d.Describe()}});
      }
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

using kv::inspect::PartitionCommand;
KV_REGISTER_COMMAND(PartitionCommand);
