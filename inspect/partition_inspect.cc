#include "inspect/partition_inspect.h"

#include <algorithm>
#include <filesystem>

#include "storage/data_scan.h"
#include "storage/db.h"
#include "storage/layout.h"
#include "common/file.h"
#include "common/json_field.h"
#include "inspect/sst_inspect.h"
#include "wal/segment.h"

namespace kv::inspect {
namespace {
using nlohmann::json;
using storage::LogPosition;

// The term of the WAL's record at offset. Reads from the segment that holds it
// on, and stops there: never the whole log. nullopt when it cannot be read.
std::optional<uint64_t> TermAt(const std::string& wal_dir, uint64_t offset) {
  class Probe : public wal::ReadHandler {
   public:
    explicit Probe(uint64_t offset) : offset_(offset) {}
    bool OnRecord(const wal::RecordView& r, const wal::RecordLocation&) override {
      if (r.offset == offset_) term = r.term;
      return false;
    }
    bool OnDamage(const wal::Damage&) override { return false; }
    std::optional<uint64_t> term;

   private:
    const uint64_t offset_;
  } probe(offset);
  wal::ReadOptions ro;
  ro.from_offset = offset;
  ro.to_offset = offset;
  if (!wal::ReadLog(wal_dir, ro, &probe).ok()) return std::nullopt;
  return probe.term;
}

// Every segment's header (40 bytes each): a segment of another partition or
// with an unreadable header is found without reading a record. The newest
// segment whose header was never finished is the torn tail, reported as such.
void CheckSegmentHeaders(const std::string& wal_dir, PartitionReport* r) {
  auto files = wal::ListSegmentFiles(wal_dir);
  if (!files.ok()) return;
  const std::string unfinished = r->info.wal ? r->info.wal->unfinished_segment : std::string();
  for (const std::string& file : *files) {
    if (file == unfinished) continue;
    Result<wal::SegmentHeader> header = Status::IOError(file + ": cannot be opened");
    if (auto fd = OpenReadOnly(file); fd.ok()) {
      auto bytes = ReadRange(fd->get(), 0, wal::kSegmentHeaderSize);
      header = bytes.ok() ? wal::DecodeSegmentHeader(*bytes) : Result<wal::SegmentHeader>(bytes.status());
    }
    if (!header.ok()) {
      r->unreadable_segments.push_back(file + ": " + header.status().message());
    } else if (r->identity && std::pair(header->tid, header->pid) != *r->identity) {
      r->foreign_segments.push_back(file);
    }
  }
}

void VerifyWalFully(const std::string& wal_dir, PartitionReport* r) {
  class Collect : public WalSink {
   public:
    explicit Collect(std::vector<wal::Damage>* out) : out_(out) {}
    void OnDamage(const wal::Damage& d) override { out_->push_back(d); }

   private:
    std::vector<wal::Damage>* out_;
  } collect(&r->wal_damages);
  auto input = ResolveWalInput({wal_dir});
  if (!input.ok()) return;  // no wal/ folder: reported from the tail already
  auto report = VerifyWal(*input, &collect);
  if (report.ok()) r->wal_verify = *report;
}

// SST files in db/ (sizes, and checksums when asked), the files db/'s MANIFEST
// lists that are gone, and the content checksum; all through read-only opens.
void ReadDbFiles(const storage::ReplicaPaths& paths, const PartitionInspectOptions& o, PartitionReport* r) {
  if (!r->info.db_present) return;
  if (auto names = ListDir(paths.db); names.ok()) {
    for (const std::string& name : *names) {
      if (!name.ends_with(".sst")) continue;
      SstFileInfo f{paths.db + "/" + name};
      auto size = FileSize(f.file);
      f.bytes = size.ok() ? *size : 0;
      if (o.verify_sst) f.verify = VerifySst(f.file);
      r->sst_bytes += f.bytes;
      r->sst_files.push_back(std::move(f));
    }
  }
  if (!r->info.db_status.ok()) return;
  auto db = storage::OpenDbReadOnly(paths.db);
  if (!db.ok()) {
    r->content_status = db.status();
    return;
  }
  std::vector<rocksdb::LiveFileMetaData> live;
  (*db)->GetLiveFilesMetaData(&live);
  for (const auto& f : live) {
    if (!PathExists(f.db_path + f.name)) r->missing_sst.push_back(f.db_path + f.name);
  }
  if (!o.checksum) return;
  auto content = storage::ChecksumData(db->get());
  if (content.ok()) {
    r->content = *content;
  } else {
    r->content_status = content.status();
  }
}

void ReadSnapshots(const PartitionInspectOptions& o, PartitionReport* r) {
  for (const storage::SnapshotInfo& s : r->info.snapshots) {
    SnapshotView v{s};
    if (o.verify_snapshots && s.status.ok()) v.verify = storage::VerifySnapshot(s.dir).status();
    r->snapshots.push_back(std::move(v));
  }
}

// The folder's own name, "a/b/" naming the same folder as "a/b".
std::string FolderName(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

// Turns what was read into findings, each with the command that fixes it.
class FindingsBuilder {
 public:
  FindingsBuilder(const storage::ReplicaPaths& paths, PartitionReport* r)
      : dir_(paths.dir), wal_dir_(paths.wal), r_(*r), info_(r->info) {}

  void Build() {
    Descriptor();
    Identity();
    Wal();
    Db();
    WalAgainstDb();
    Snapshots();
    std::stable_sort(r_.findings.begin(), r_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.kind < b.kind; });
  }

 private:
  void Add(FindingKind kind, std::string text, std::string fix) {
    r_.findings.push_back({kind, std::move(text), std::move(fix)});
  }
  std::string Cmd(const std::string& tool_and_args) const { return "`" + tool_and_args + "`"; }
  std::string Rebuild() const {
    return Cmd("repair partition rebuild " + dir_ + " --apply") + " rebuilds db/ from a snapshot and the WAL (the old one goes to quarantine)";
  }
  std::string Salvage() const {
    return Cmd("inspect wal --verify " + wal_dir_) + " lists the damage; " +
           Cmd("repair wal salvage " + wal_dir_ + " --apply") + " rewrites the log from its intact records";
  }

  void Descriptor() {
    if (info_.descriptor) return;
    const std::string fix = Cmd("repair partition descriptor " + dir_ + " --table NAME --apply") +
                            " writes a new one (a follower at the newest term its files show)";
    if (info_.descriptor_status.IsNotFound()) {
      Add(FindingKind::kDescriptorMissing, "replica.json is missing", fix);
    } else {
      Add(FindingKind::kDescriptorUnreadable, "replica.json: " + info_.descriptor_status.message(),
          fix + "; the old file goes to quarantine");
    }
  }

  void Identity() {
    if (!r_.identity) return;
    const std::string want = storage::ReplicaDirName(r_.identity->first, r_.identity->second);
    auto mismatch = [&](const std::string& what, const std::string& has) {
      if (has == want) return;
      Add(FindingKind::kIdentityMismatch, what + " belongs to partition " + has + ", this replica is " + want,
          "find where these files came from (" + Cmd("inspect wal --stats " + wal_dir_) +
              "); no repair moves files between partitions");
    };
    const auto name = storage::ParseReplicaDirName(FolderName(dir_));
    if (name) mismatch("the folder's name", storage::ReplicaDirName(name->first, name->second));
    if (info_.wal && !info_.wal->empty) mismatch("the WAL", storage::ReplicaDirName(info_.wal->tid, info_.wal->pid));
    if (info_.applied && info_.applied->offset > 0) {
      mismatch("the DB", storage::ReplicaDirName(info_.db_tid, info_.db_pid));
    }
  }

  void Wal() {
    if (info_.wal_status.IsNotFound()) {
      Add(FindingKind::kWalMissing, "there is no wal/ folder",
          "starting the replica (or " + Cmd("repair partition replay " + dir_ + " --apply") +
              ") makes an empty WAL that continues the DB's applied offset");
    } else if (!info_.wal_status.ok()) {
      Add(FindingKind::kWalDamaged, "WAL: " + info_.wal_status.message(), Salvage());
    }
    for (const std::string& s : r_.unreadable_segments) Add(FindingKind::kWalDamaged, "WAL segment " + s, Salvage());
    for (const std::string& s : r_.foreign_segments) {
      Add(FindingKind::kForeignSegment, s + " is a segment of another partition",
          Cmd("repair wal salvage " + wal_dir_ + " --apply") + " moves it into quarantine");
    }
    if (r_.wal_verify) VerifiedWal();
    const wal::LogTail* tail = info_.wal ? &*info_.wal : nullptr;
    if (tail != nullptr && (tail->torn_bytes > 0 || !tail->unfinished_segment.empty())) {
      std::vector<std::string> parts;
      if (tail->torn_bytes > 0) parts.push_back(std::to_string(tail->torn_bytes) + " bytes after the last record");
      if (!tail->unfinished_segment.empty()) {
        parts.push_back(tail->unfinished_segment + ", a segment whose header was never finished (a crash while "
                        "the log rolled to it)");
      }
      Add(FindingKind::kTornTail,
          "the WAL ends in a torn tail: " + parts.front() + (parts.size() > 1 ? ", and " + parts.back() : ""),
          "opening the replica cuts it into quarantine (" + Cmd("repair partition replay " + dir_ + " --apply") +
              " does), or " + Cmd("repair wal truncate-tail " + wal_dir_ + " --apply"));
    }
  }

  // Damage only a full read finds; torn tails, foreign segments and bad headers are reported above.
  void VerifiedWal() {
    uint64_t count = 0, bytes = 0;
    const wal::Damage* first = nullptr;
    bool only_holes = true;  // offsets no file holds: what a salvage leaves, and no rewrite removes
    uint64_t holes_end = 0;  // the last offset of the holes (0: unknown)
    for (const wal::Damage& d : r_.wal_damages) {
      if (d.kind == wal::DamageKind::kTornTail || d.kind == wal::DamageKind::kForeignSegment ||
          d.kind == wal::DamageKind::kBadSegmentHeader) {
        continue;
      }
      if (first == nullptr) first = &d;
      ++count;
      bytes += d.length;
      only_holes = only_holes && d.kind == wal::DamageKind::kMissingSegment && d.lost_to != 0;
      holes_end = std::max(holes_end, d.lost_to);
    }
    if (first == nullptr) return;
    Add(FindingKind::kWalDamaged,
        "the WAL has " + std::to_string(count) + " damaged region(s), " + std::to_string(bytes) +
            " bytes; the first: " + first->Describe(),
        only_holes ? HoleFix(holes_end) : Salvage());
  }

  // No file holds the offsets, so no WAL repair brings them back; whether the replica lacks them depends on the DB.
  std::string HoleFix(uint64_t holes_end) const {
    if (info_.applied && info_.applied->offset >= holes_end) {
      return "no WAL repair brings these offsets back, and none is needed here: the DB applied past them, so the "
             "replica opens and serves; its next snapshot lets WAL retention drop the hole";
    }
    return "no WAL repair brings these offsets back: recover the partition from a replica that holds them "
           "(`inspect tablet --json` on each tablet shows their offsets)";
  }

  void Db() {
    if (!info_.db_present) {
      Add(FindingKind::kDbMissing, "there is no db/ folder", Rebuild());
      return;
    }
    if (!info_.db_status.ok()) Add(FindingKind::kDbUnreadable, "DB: " + info_.db_status.message(), Rebuild());
    if (!r_.content_status.ok()) {
      Add(FindingKind::kDbUnreadable, "reading the DB's data: " + r_.content_status.message(), Rebuild());
    }
    for (const std::string& f : r_.missing_sst) {
      Add(FindingKind::kSstMissing, f + " is listed in db/'s MANIFEST but missing", Rebuild());
    }
    for (const SstFileInfo& f : r_.sst_files) {
      if (f.verify && !f.verify->ok()) Add(FindingKind::kSstDamaged, f.verify->message(), Rebuild());
    }
  }

  void WalAgainstDb() {
    if (!info_.applied || !info_.wal) return;
    const LogPosition applied = *info_.applied;
    const wal::LogTail& tail = *info_.wal;
    if (!tail.empty && applied.offset > tail.last_offset) {
      Add(FindingKind::kDbAheadOfWal,
          "the DB applied " + applied.ToString() + " but the WAL ends at offset " + std::to_string(tail.last_offset) +
              ": " + DescribeOffsets(tail.last_offset + 1, applied.offset) + " only the DB holds",
          Cmd("repair partition rebuild " + dir_) +
              " shows the choices: rebuild up to the WAL's end (losing those offsets here), or recover the "
              "partition from a replica that holds them");
    } else if (tail.first_offset > applied.offset + 1) {
      WalGap(applied.offset, tail.first_offset);
    } else if (!tail.empty && applied.offset >= tail.first_offset && applied.offset > 0) {
      const uint64_t term = applied.offset == tail.last_offset ? tail.last_term
                                                               : TermAt(wal_dir_, applied.offset).value_or(0);
      if (term != 0 && term != applied.term) {
        Add(FindingKind::kHistoryDiverged,
            "the DB applied " + applied.ToString() + " but the WAL's record at offset " +
                std::to_string(applied.offset) + " has term " + std::to_string(term) +
                ": the DB and the WAL tell different histories",
            Rebuild() + ", following the WAL");
      } else if (tail.last_offset > applied.offset && !r_.in_use) {
        Add(FindingKind::kNeedsReplay,
            "the WAL holds " + DescribeOffsets(applied.offset + 1, tail.last_offset) + ", which the DB has not applied",
            Cmd("repair partition replay " + dir_ + " --apply") + ", or start the tablet (opening replays the WAL)");
      }
    }
  }

  void WalGap(uint64_t applied, uint64_t wal_first) {
    const std::string text = "the WAL starts at offset " + std::to_string(wal_first) + " but the DB applied only " +
                             std::to_string(applied) + ": neither holds " + DescribeOffsets(applied + 1, wal_first - 1);
    const SnapshotView* s = r_.NewestValidSnapshot();
    if (s != nullptr && s->info.offset + 1 >= wal_first) {
      Add(FindingKind::kWalGap, text, Rebuild() + ", starting from snapshot " + std::to_string(s->info.offset));
    } else {
      Add(FindingKind::kWalGap, text + ", nor does a snapshot",
          "re-replicate this replica from its leader (it installs the leader's snapshot)");
    }
  }

  void Snapshots() {
    const std::string fix = Cmd("repair partition rebuild") +
                            " passes it over (an older snapshot or the WAL serves instead); the tablet's next snapshot "
                            "supersedes it; " + Cmd("repair partition drop-snapshot " + dir_ + " --damaged --apply") +
                            " moves it into quarantine";
    if (!info_.snapshots_status.ok()) Add(FindingKind::kSnapshotDamaged, "snapshots/: " + info_.snapshots_status.message(), fix);
    for (const SnapshotView& s : r_.snapshots) {
      if (!s.info.status.ok()) Add(FindingKind::kSnapshotDamaged, "snapshot: " + s.info.status.message(), fix);
      if (s.verify && !s.verify->ok()) Add(FindingKind::kSnapshotDamaged, "snapshot: " + s.verify->message(), fix);
    }
  }

  const std::string& dir_;
  const std::string& wal_dir_;
  PartitionReport& r_;
  const storage::ReplicaInfo& info_;
};

void ReadSettingsJson(const storage::ReplicaPaths& paths, PartitionReport* r) {
  const std::string& path = paths.settings;
  if (!PathExists(path)) {
    r->settings_status = Status::NotFound(path + ": no such file");
    return;
  }
  auto text = ReadWholeFile(path);
  auto settings = text.ok() ? ParseJsonObject(*text, path) : Result<json>(text.status());
  if (settings.ok()) {
    r->settings = std::move(settings).value();
  } else {
    r->settings_status = settings.status();
  }
}

json ErrorOrNull(const Status& s) { return s.ok() ? json(nullptr) : json(s.message()); }

json SnapshotJson(const SnapshotView& s) {
  const auto& m = s.info.manifest;
  json j = {{"offset", s.info.offset},
            {"dir", s.info.dir},
            {"term", m ? json(m->position.term) : json(nullptr)},
            {"record_count", m ? json(m->content.record_count) : json(nullptr)},
            {"checksum", m ? json(m->content.Hex()) : json(nullptr)},
            {"created", m ? json(m->created) : json(nullptr)},
            {"valid", s.valid()},
            {"verified", s.verify ? json(s.verify->ok()) : json(nullptr)}};
  j["error"] = !s.info.status.ok() ? json(s.info.status.message()) : s.verify ? ErrorOrNull(*s.verify) : json(nullptr);
  return j;
}

json WalJson(const PartitionReport& r) {
  const std::optional<wal::LogTail>& t = r.info.wal;
  auto field = [&](uint64_t v) { return t ? json(v) : json(nullptr); };
  json j = {{"wal_first_offset", field(t ? t->first_offset : 0)},
            {"wal_first_term", field(r.wal_first_term)},
            {"wal_last_offset", field(t ? t->last_offset : 0)},
            {"wal_last_term", field(t ? t->last_term : 0)},
            {"wal_segments", field(t ? t->segments : 0)},
            {"wal_torn_bytes", field(t ? t->torn_bytes : 0)},
            {"wal_unfinished_segment",
             t && !t->unfinished_segment.empty() ? json(t->unfinished_segment) : json(nullptr)},
            {"wal_error", ErrorOrNull(r.info.wal_status)},
            {"wal_verify", nullptr}};
  if (r.wal_verify) {
    const wal::ReadSummary& s = r.wal_verify->summary;
    j["wal_verify"] = {{"end", WalHealthName(r.wal_verify->health)},
                       {"records", s.records},
                       {"damages", r.wal_verify->damages},
                       {"skipped_bytes", s.skipped_bytes}};
  }
  return j;
}

json DbJson(const PartitionReport& r) {
  const auto& applied = r.info.applied;
  json damaged = json::array();
  for (const SstFileInfo& f : r.sst_files) {
    if (f.verify && !f.verify->ok()) damaged.push_back(f.file);
  }
  const bool verified = std::any_of(r.sst_files.begin(), r.sst_files.end(), [](const SstFileInfo& f) { return f.verify.has_value(); });
  json j = {{"applied_term", applied ? json(applied->term) : json(nullptr)},
            {"applied_offset", applied ? json(applied->offset) : json(nullptr)},
            {"db_present", r.info.db_present},
            {"db_error", ErrorOrNull(r.info.db_status)},
            {"sst_files", r.sst_files.size()},
            {"sst_bytes", r.sst_bytes},
            {"sst_missing", r.missing_sst},
            {"sst_verified", verified},
            {"sst_damaged", damaged},
            {"content_checksum", nullptr}};
  if (r.content) {
    j["content_checksum"] = {{"algorithm", storage::ContentChecksum::kAlgorithm},
                             {"checksum", r.content->Hex()},
                             {"record_count", r.content->record_count}};
  }
  return j;
}

}  // namespace

const char* FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDescriptorMissing: return "descriptor-missing";
    case FindingKind::kDescriptorUnreadable: return "descriptor-unreadable";
    case FindingKind::kIdentityMismatch: return "identity-mismatch";
    case FindingKind::kWalDamaged: return "wal-damaged";
    case FindingKind::kForeignSegment: return "foreign-segment";
    case FindingKind::kDbMissing: return "db-missing";
    case FindingKind::kDbUnreadable: return "db-unreadable";
    case FindingKind::kSstMissing: return "sst-missing";
    case FindingKind::kSstDamaged: return "sst-damaged";
    case FindingKind::kDbAheadOfWal: return "db-ahead-of-wal";
    case FindingKind::kHistoryDiverged: return "history-diverged";
    case FindingKind::kWalGap: return "wal-gap";
    case FindingKind::kSnapshotDamaged: return "snapshot-damaged";
    case FindingKind::kWalMissing: return "wal-missing";
    case FindingKind::kTornTail: return "torn-tail";
    case FindingKind::kNeedsReplay: return "needs-replay";
  }
  return "unknown";
}

std::string DescribeOffsets(uint64_t from, uint64_t to) {
  return from == to ? "offset " + std::to_string(from) : "offsets " + std::to_string(from) + ".." + std::to_string(to);
}

bool PartitionReport::Has(FindingKind kind) const {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.kind == kind; });
}

const SnapshotView* PartitionReport::NewestValidSnapshot() const {
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (it->valid()) return &*it;
  }
  return nullptr;
}

Result<PartitionReport> InspectPartition(const storage::ReplicaPaths& paths, const PartitionInspectOptions& options) {
  KV_ASSIGN_OR_RETURN(storage::ReplicaInfo info, storage::ReadReplicaInfo(paths));
  PartitionReport r;
  r.info = std::move(info);
  if (r.info.descriptor) {
    r.identity = std::pair(r.info.descriptor->tid, r.info.descriptor->pid);
  } else {
    r.identity = storage::ParseReplicaDirName(FolderName(paths.dir));
  }
  r.in_use = FileLock::IsHeld(paths.wal_lock);
  if (r.info.wal && !r.info.wal->empty) r.wal_first_term = TermAt(paths.wal, r.info.wal->first_offset).value_or(0);
  CheckSegmentHeaders(paths.wal, &r);
  if (options.verify_wal) VerifyWalFully(paths.wal, &r);
  ReadDbFiles(paths, options, &r);
  ReadSnapshots(options, &r);
  ReadSettingsJson(paths, &r);
  FindingsBuilder(paths, &r).Build();
  return r;
}

json PartitionReportJson(const PartitionReport& r) {
  const auto& d = r.info.descriptor;
  const SnapshotView* newest = r.NewestValidSnapshot();
  json j = {{"type", "replica"},
            {"format_version", kCollectFormatVersion},
            {"dir", r.info.dir},
            {"tid", r.identity ? json(r.identity->first) : json(nullptr)},
            {"pid", r.identity ? json(r.identity->second) : json(nullptr)},
            {"table", d ? json(d->table) : json(nullptr)},
            {"role", d ? json(storage::RoleName(d->role)) : json(nullptr)},
            {"term", d ? json(d->term) : json(nullptr)},
            {"descriptor_format_version", d ? json(storage::Descriptor::kFormatVersion) : json(nullptr)},
            {"descriptor_error", ErrorOrNull(r.info.descriptor_status)},
            {"last_term", r.info.last.term},
            {"last_offset", r.info.last.offset},
            {"snapshot_offset", newest ? json(newest->info.offset) : json(nullptr)},
            {"snapshot_term", newest ? json(newest->info.manifest->position.term) : json(nullptr)},
            {"in_use", r.in_use},
            {"health", r.health()}};
  j.update(WalJson(r));
  j.update(DbJson(r));
  j["snapshots"] = json::array();
  for (const SnapshotView& s : r.snapshots) j["snapshots"].push_back(SnapshotJson(s));
  j["snapshots_error"] = ErrorOrNull(r.info.snapshots_status);
  j["settings"] = r.settings ? *r.settings : json(nullptr);
  j["settings_error"] = ErrorOrNull(r.settings_status);
  j["findings"] = json::array();
  for (const Finding& f : r.findings) {
    j["findings"].push_back({{"kind", FindingKindName(f.kind)}, {"text", f.text}, {"fix", f.fix}});
  }
  return j;
}

}  // namespace kv::inspect
