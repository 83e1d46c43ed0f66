#include "repair/wal_repair.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <optional>

#include "common/file.h"
#include "common/invariant.h"
#include "common/quarantine.h"
#include "repair/lock_check.h"
#include "wal/reader.h"
#include "wal/segment.h"

// How salvage stays crash-safe, and how to finish it by hand.
//
// Applying a salvage goes in three steps, under <dir>/LOCK:
//   1. the new segments are written into <quarantine>/staging/ (each fsynced), then
//      the journal <quarantine>/salvage-plan.json (atomically): the commit point;
//   2. every original segment file moves into the quarantine (manifest updated each time);
//   3. every staged segment moves into the log folder, which is then fsynced.
// At every moment each original byte is in the log folder or in the quarantine.
// If it stopped before the journal exists, the log folder was never touched and
// staging/ is just an unfinished copy. If it stopped after, rerunning
// `repair wal salvage <dir> --apply` (with the same --quarantine) finds the journal,
// sees how far the moves got (an output still in staging/ means step 3 is
// unfinished; all outputs still there means step 2 may be) and finishes them. By
// hand: move every `inputs` file still in the log folder into the quarantine
// folder, then every file of staging/ into the log folder. Until then the log
// folder holds part of a log: do not start its server.

namespace kv::repair {
namespace fs = std::filesystem;
using wal::Damage;
using wal::DamageKind;

namespace {

constexpr const char* kJournalName = "salvage-plan.json";
constexpr const char* kStagingName = "staging";
constexpr int kJournalVersion = 1;
constexpr const char* kHowToFinish =
    "inputs are the original segment files, moved from the log folder into this folder; outputs are "
    "the rewritten segments, staged in staging/ and moved into the log folder once every input is "
    "out. If salvage stopped midway, rerun `repair wal salvage <dir> --apply` with the same "
    "--quarantine, or by hand (writer stopped): move each input still in the log folder here, then "
    "each file of staging/ into the log folder.";

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

// Nobody may write the folder while it is read; applying also holds dir/LOCK from
// the plan to the last change. The folder must exist and be a folder (bad input,
// exit 2, when not) before its locks mean anything.
Result<std::optional<FileLock>> GuardLogDir(const std::string& dir, bool apply) {
  KV_RETURN_IF_ERROR(wal::ListSegmentFiles(dir).status());
  if (!apply) {
    KV_RETURN_IF_ERROR(CheckNotInUse(dir));
    return std::optional<FileLock>();
  }
  KV_ASSIGN_OR_RETURN(FileLock lock, LockForRepair(dir));
  return std::optional<FileLock>(std::move(lock));
}

Status CheckQuarantineRoot(const std::string& root) {
  if (PathExists(root) && !IsDirectory(root)) {
    return Status::InvalidArgument("quarantine " + root + " is not a folder");
  }
  return Status::OK();
}

// Staged segments are renamed into the log folder, which works only within one filesystem.
Status CheckSameFilesystem(const std::string& dir, const std::string& root) {
  std::error_code ec;
  fs::path existing = fs::absolute(root, ec);
  while (!PathExists(existing.string()) && existing != existing.parent_path())
    existing = existing.parent_path();
  struct stat log_st, root_st;
  if (::stat(dir.c_str(), &log_st) != 0) return Status::FromErrno("stat " + dir, errno);
  if (::stat(existing.c_str(), &root_st) != 0) return Status::FromErrno("stat " + existing.string(), errno);
  if (log_st.st_dev != root_st.st_dev) {
    return Status::InvalidArgument("quarantine " + root + " is on another filesystem than " + dir +
                                   "; salvage stages the new segments there and renames them into the log, "
                                   "so choose a --quarantine on the same filesystem");
  }
  return Status::OK();
}

std::vector<OffsetRange> MergeRanges(std::vector<OffsetRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const OffsetRange& a, const OffsetRange& b) { return a.from < b.from; });
  std::vector<OffsetRange> out;
  for (const OffsetRange& r : ranges) {
    if (out.empty() || (out.back().to != 0 && r.from > out.back().to + 1)) {
      out.push_back(r);
    } else if (out.back().to != 0) {
      out.back().to = r.to == 0 ? 0 : std::max(out.back().to, r.to);
    }
  }
  return out;
}

}  // namespace

std::string QuarantineRootFor(const std::string& dir, const WalRepairOptions& options) {
  return options.quarantine_root.empty() ? dir + "/" + kQuarantineFolderName : options.quarantine_root;
}

std::string WalRepairCommandLine(const std::string& subcommand, const std::string& dir,
                                 const WalRepairOptions& options) {
  return "repair wal " + subcommand + " " + dir + (options.apply ? " --apply" : "") +
         (options.quarantine_root.empty() ? "" : " --quarantine " + options.quarantine_root);
}

const char* TailVerdictName(TailVerdict v) {
  switch (v) {
    case TailVerdict::kClean: return "clean";
    case TailVerdict::kTornTail: return "torn-tail";
    case TailVerdict::kRefused: return "refused";
  }
  return "unknown";
}

const char* SalvageVerdictName(SalvageVerdict v) {
  switch (v) {
    case SalvageVerdict::kNothingToDo: return "nothing-to-do";
    case SalvageVerdict::kSalvage: return "salvage";
    case SalvageVerdict::kResume: return "resume";
    case SalvageVerdict::kRefused: return "refused";
  }
  return "unknown";
}

std::string DescribeRange(const OffsetRange& r) {
  return std::to_string(r.from) + ".." + (r.to == 0 ? std::string("?") : std::to_string(r.to));
}

std::string DescribeRanges(const std::vector<OffsetRange>& rs) {
  if (rs.empty()) return "none";
  std::string s;
  for (const OffsetRange& r : rs) s += (s.empty() ? "" : ", ") + DescribeRange(r);
  return s;
}

void to_json(nlohmann::json& j, const OffsetRange& r) {
  j = {{"from", r.from}, {"to", r.to == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.to)}};
}
void from_json(const nlohmann::json& j, OffsetRange& r) {
  r.from = j.at("from").get<uint64_t>();
  r.to = j.at("to").is_null() ? 0 : j.at("to").get<uint64_t>();
}

void to_json(nlohmann::json& j, const TailCut& c) {
  j = {{"file", c.file},
       {"file_size", c.file_size},
       {"keep_bytes", c.keep_bytes},
       {"cut_bytes", c.file_size - c.keep_bytes},
       {"whole_file", c.whole_file},
       {"reason", c.reason}};
}

// ---------------------------------------------------------------------------
// The salvage journal and the moves it allows to finish.

namespace {

nlohmann::json JournalJson(const std::string& dir, const SalvagePlan& p, const std::string& command) {
  return {{"format_version", kJournalVersion},
          {"dir", CanonicalPath(dir)},  // one spelling, so a journal finds its log however the folder was named
          {"command", command},
          {"tid", p.tid},
          {"pid", p.pid},
          {"segment_bytes", p.segment_bytes},
          {"records_kept", p.records_kept},
          {"duplicate_bytes", p.duplicate_bytes},
          {"lost_ranges", p.lost},
          {"damages", p.damages},
          {"inputs", p.inputs},
          {"outputs", p.outputs},
          {"how_to_finish", kHowToFinish}};
}

// The plan a journal recorded, or nullopt when it is about another log folder.
Result<std::optional<SalvagePlan>> ReadJournal(const std::string& path, const std::string& dir) {
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  try {
    if (j.is_discarded() || j.at("format_version").get<int>() != kJournalVersion) {
      return Status::Corruption(path + " is not a salvage journal of format version " +
                                std::to_string(kJournalVersion));
    }
    if (j.at("dir").get<std::string>() != CanonicalPath(dir)) return std::optional<SalvagePlan>();
    SalvagePlan p;
    p.verdict = SalvageVerdict::kResume;
    p.tid = j.at("tid").get<uint32_t>();
    p.pid = j.at("pid").get<uint32_t>();
    p.segment_bytes = j.at("segment_bytes").get<uint64_t>();
    p.records_kept = j.at("records_kept").get<uint64_t>();
    p.duplicate_bytes = j.at("duplicate_bytes").get<uint64_t>();
    p.lost = j.at("lost_ranges").get<std::vector<OffsetRange>>();
    p.damages = j.at("damages").get<std::vector<std::string>>();
    p.inputs = j.at("inputs").get<std::vector<SalvageInput>>();
    p.outputs = j.at("outputs").get<std::vector<SalvageOutput>>();
    return std::optional<SalvagePlan>(std::move(p));
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": unreadable salvage journal (" + e.what() + ")");
  }
}

// Marks what an interrupted salvage already moved. Originals all go out before the
// first staged segment comes in, so once one output has moved every input has too
// (and a same-named file in the log folder is then that output, not the original).
void MarkDone(const std::string& dir, const std::string& staging, SalvagePlan* p) {
  bool any_output_moved = false;
  for (SalvageOutput& out : p->outputs) {
    out.done = !PathExists(staging + "/" + out.name);
    any_output_moved = any_output_moved || out.done;
  }
  for (SalvageInput& in : p->inputs) {
    in.done = any_output_moved || !PathExists(dir + "/" + BaseName(in.file));
  }
}

// A salvage of dir under root whose journal exists but whose outputs are not all in place.
Result<std::optional<SalvagePlan>> FindInterruptedSalvage(const std::string& dir, const std::string& root) {
  if (!IsDirectory(root)) return std::optional<SalvagePlan>();
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(root));
  for (const std::string& name : names) {
    const std::string qdir = root + "/" + name;
    if (!PathExists(qdir + "/" + kJournalName)) continue;
    KV_ASSIGN_OR_RETURN(std::optional<SalvagePlan> plan, ReadJournal(qdir + "/" + kJournalName, dir));
    if (!plan) continue;
    MarkDone(dir, qdir + "/" + kStagingName, &*plan);
    const bool finished = std::all_of(plan->outputs.begin(), plan->outputs.end(),
                                      [](const SalvageOutput& o) { return o.done; });
    if (finished) continue;
    plan->interrupted = qdir;
    const auto waiting = std::count_if(plan->inputs.begin(), plan->inputs.end(),
                                       [](const SalvageInput& i) { return !i.done; });
    plan->note = "a salvage of this log was interrupted (journal " + qdir + "/" + kJournalName +
                 "): " + std::to_string(waiting) +
                 " original segment file(s) still to move into quarantine, then the "
                 "staged segments into the log folder; --apply finishes it";
    return plan;
  }
  return std::optional<SalvagePlan>();
}

std::string InputWhy(const SalvageInput& in) {
  if (in.role == "foreign") {
    return "segment of another log (" + in.detail + "), moved out untouched by salvage";
  }
  if (in.role == "unreadable") return "unreadable segment file (" + in.detail + "), moved out by salvage";
  return "original segment; its " + std::to_string(in.records_kept) +
         " intact records were rewritten into the salvaged log (offsets lost: salvage-plan.json)";
}

// Steps 2 and 3 of the comment at the top, from wherever an earlier run stopped.
Status MoveOriginalsOutAndStagedIn(const std::string& dir, const std::string& journal_dir, SalvagePlan* p,
                                   Quarantine* q) {
  // Until the last staged segment is in, the folder holds part of a log: the marker
  // makes a writer refuse it (and names the journal that finishes the move).
  const std::string marker = dir + "/" + wal::kSalvageMarkerName;
  KV_RETURN_IF_ERROR(WriteFileAtomic(marker, journal_dir + "/" + kJournalName + "\n"));
  for (SalvageInput& in : p->inputs) {
    if (in.done) continue;
    KV_INVARIANT("salvage-has-quarantine-for-originals", q != nullptr, in.file);
    const std::string path = dir + "/" + BaseName(in.file);
    KV_ASSIGN_OR_RETURN(uint64_t size, FileSize(path));
    if (size != in.bytes) {
      return Status::FailedPrecondition(path + " is " + std::to_string(size) +
                                        " bytes, but the salvage planned " + std::to_string(in.bytes) +
                                        "; it changed meanwhile: finish by hand (" + journal_dir + "/" +
                                        kJournalName + ")");
    }
    KV_RETURN_IF_ERROR(q->MoveIn(path, InputWhy(in)));
    in.done = true;
  }
  const std::string staging = journal_dir + "/" + kStagingName;
  for (SalvageOutput& out : p->outputs) {
    if (out.done) continue;
    const std::string from = staging + "/" + out.name, to = dir + "/" + out.name;
    if (PathExists(to)) {
      return Status::FailedPrecondition(to + " exists, so the salvaged segment " + from +
                                        " cannot take its place: finish by hand (" + journal_dir + "/" +
                                        kJournalName + ")");
    }
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return Status::FromErrno("move " + from + " into " + dir, errno);
    }
    out.done = true;
  }
  KV_RETURN_IF_ERROR(FsyncDir(dir));
  if (::unlink(marker.c_str()) != 0) return Status::FromErrno("remove " + marker, errno);
  KV_RETURN_IF_ERROR(FsyncDir(dir));
  if (::rmdir(staging.c_str()) != 0) return Status::FromErrno("remove the empty " + staging, errno);
  return FsyncDir(journal_dir);
}

// ---------------------------------------------------------------------------
// The salvage scan: one read in salvage mode, cutting the intact records into
// output segments (and writing them, when applying).

// Writes output segments into the staging folder, each durable before the next starts.
class StagingWriter {
 public:
  explicit StagingWriter(std::string dir) : dir_(std::move(dir)) {}

  Status Start(const wal::SegmentHeader& header) {
    KV_RETURN_IF_ERROR(Flush());
    name_ = wal::SegmentFileName(header.first_offset);
    buf_ = wal::EncodeSegmentHeader(header);
    return Status::OK();
  }
  // Returns the bytes the record took.
  size_t Add(const wal::RecordView& r) {
    const size_t before = buf_.size();
    wal::EncodeRecord(wal::Record{r.offset, r.term, r.type, std::string(r.payload)}, &buf_);
    return buf_.size() - before;
  }
  Status Flush() {
    if (name_.empty()) return Status::OK();
    Status s = WriteFileAtomic(dir_ + "/" + name_, buf_);
    name_.clear();
    buf_.clear();
    return s;
  }

 private:
  std::string dir_, name_, buf_;
};

class SalvageScan : public wal::ReadHandler {
 public:
  SalvageScan(std::vector<SalvageInput> inputs, std::map<std::string, wal::SegmentHeader> headers,
              uint64_t segment_bytes, StagingWriter* writer)
      : headers_(std::move(headers)), writer_(writer) {
    plan_.inputs = std::move(inputs);
    plan_.segment_bytes = segment_bytes;
  }

  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation& where) override {
    const bool gap = plan_.outputs.empty() || r.offset != plan_.outputs.back().last_offset + 1;
    if (gap || plan_.outputs.back().bytes + where.length > plan_.segment_bytes) {
      const auto h = headers_.find(*where.file);
      KV_INVARIANT("salvage-record-segment-has-header", h != headers_.end(), *where.file);
      if (plan_.outputs.empty()) {
        plan_.tid = h->second.tid;
        plan_.pid = h->second.pid;
      }
      plan_.outputs.push_back(
          {wal::SegmentFileName(r.offset), r.offset, r.offset, 0, wal::kSegmentHeaderSize});
      if (writer_ != nullptr) {
        status_ = writer_->Start({wal::kFormatVersion, plan_.tid, plan_.pid, r.offset});
        if (!status_.ok()) return false;
      }
    }
    if (writer_ != nullptr) {
      const size_t written = writer_->Add(r);
      KV_INVARIANT("salvage-rewrites-records-byte-for-byte", written == where.length, *where.file);
    }
    SalvageOutput& out = plan_.outputs.back();
    out.last_offset = r.offset;
    ++out.records;
    out.bytes += where.length;
    ++plan_.records_kept;
    ++Input(*where.file).records_kept;
    if (unknown_loss_from_ && r.offset > *unknown_loss_from_) {
      plan_.lost.push_back({*unknown_loss_from_, r.offset - 1});
    }
    unknown_loss_from_.reset();
    return true;
  }

  bool OnDamage(const Damage& d) override {
    plan_.damages.push_back(d.Describe());
    if (d.kind != DamageKind::kMissingSegment && d.kind != DamageKind::kTermRegression) rewrite_helps_ = true;
    if (d.kind == DamageKind::kOverlap) plan_.duplicate_bytes += d.length;
    if (d.kind == DamageKind::kForeignSegment || d.kind == DamageKind::kBadSegmentHeader ||
        (d.kind == DamageKind::kTornTail && d.file_pos < wal::kSegmentHeaderSize)) {
      SalvageInput& in = Input(d.file);
      in.role = d.kind == DamageKind::kForeignSegment ? "foreign" : "unreadable";
      in.detail = d.reason;
    }
    if (d.lost_from != 0) {
      plan_.lost.push_back({d.lost_from, d.lost_to});
    } else if ((d.kind == DamageKind::kCorruptRecords || d.kind == DamageKind::kBadSegmentHeader) &&
               !unknown_loss_from_) {
      // Bytes whose offsets the reader could not tell: they held whatever lies between
      // the last kept record (or the file's name) and the next kept one, or, when
      // nothing follows, an open-ended range.
      unknown_loss_from_ = plan_.records_kept > 0 ? plan_.outputs.back().last_offset + 1
                                                  : wal::ParseSegmentFileName(BaseName(d.file)).value_or(1);
    }
    return true;
  }

  Result<SalvagePlan> Finish() {
    KV_RETURN_IF_ERROR(status_);
    if (writer_ != nullptr) KV_RETURN_IF_ERROR(writer_->Flush());
    if (unknown_loss_from_) plan_.lost.push_back({*unknown_loss_from_, 0});
    plan_.lost = MergeRanges(std::move(plan_.lost));
    if (!rewrite_helps_) {
      plan_.verdict = SalvageVerdict::kNothingToDo;
      plan_.note = plan_.lost.empty()
                       ? "the log is clean"
                       : "no damage a rewrite removes; the gaps listed stay (no file holds those "
                         "offsets)";
    } else if (plan_.records_kept == 0) {
      plan_.verdict = SalvageVerdict::kRefused;
      plan_.note =
          "no intact record of the log: salvage would leave it empty (see `inspect wal --verify`; "
          "move the files away by hand if they are worthless)";
    } else {
      plan_.verdict = SalvageVerdict::kSalvage;
    }
    return std::move(plan_);
  }

 private:
  SalvageInput& Input(const std::string& file) {
    auto it = std::find_if(plan_.inputs.begin(), plan_.inputs.end(),
                           [&](const SalvageInput& in) { return in.file == file; });
    KV_INVARIANT("salvage-damage-names-a-listed-file", it != plan_.inputs.end(), file);
    return *it;
  }

  std::map<std::string, wal::SegmentHeader> headers_;
  StagingWriter* writer_;
  SalvagePlan plan_;
  Status status_;
  bool rewrite_helps_ = false;
  std::optional<uint64_t> unknown_loss_from_;
};

// Reads every segment file's size and header, then the records. Output segments
// take the size of the largest original with a valid header (at least one record's worth).
Result<SalvagePlan> ScanForSalvage(const std::string& dir, StagingWriter* writer) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, wal::ListSegmentFiles(dir));
  std::vector<SalvageInput> inputs;
  std::map<std::string, wal::SegmentHeader> headers;
  uint64_t segment_bytes = wal::kSegmentHeaderSize + wal::kRecordOverhead;
  for (const std::string& f : files) {
    KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(f));
    KV_ASSIGN_OR_RETURN(std::string head, ReadRange(fd.get(), 0, wal::kSegmentHeaderSize));
    KV_ASSIGN_OR_RETURN(uint64_t bytes, FileSize(f));
    inputs.push_back({f, bytes, "log", 0, "", false});
    auto h = wal::DecodeSegmentHeader(head);
    if (!h.ok()) continue;
    headers.emplace(f, h.value());
    segment_bytes = std::max(segment_bytes, bytes);
  }
  SalvageScan scan(std::move(inputs), std::move(headers), segment_bytes, writer);
  KV_RETURN_IF_ERROR(wal::ReadSegments(files, {}, &scan).status());
  return scan.Finish();
}

Result<SalvagePlan> PlanSalvage(const std::string& dir, const std::string& root) {
  KV_RETURN_IF_ERROR(CheckQuarantineRoot(root));
  KV_RETURN_IF_ERROR(CheckSameFilesystem(dir, root));
  KV_ASSIGN_OR_RETURN(std::optional<SalvagePlan> interrupted, FindInterruptedSalvage(dir, root));
  if (interrupted) return std::move(*interrupted);
  return ScanForSalvage(dir, nullptr);
}

// ---------------------------------------------------------------------------
// truncate-tail

// Collects the torn tail and the gaps; stops at the first other damage.
class TornTailScan : public wal::ReadHandler {
 public:
  bool OnRecord(const wal::RecordView&, const wal::RecordLocation&) override { return true; }
  bool OnDamage(const Damage& d) override {
    if (d.kind == DamageKind::kMissingSegment) {
      gaps.push_back({d.lost_from, d.lost_to});
    } else if (d.kind == DamageKind::kTornTail) {
      torn.push_back(d);
    } else {
      refusal = d.Describe();
      return false;
    }
    return true;
  }
  std::vector<Damage> torn;
  std::vector<OffsetRange> gaps;
  std::string refusal;
};

Result<TailPlan> PlanTruncateTail(const std::string& dir, const std::string& root) {
  KV_RETURN_IF_ERROR(CheckQuarantineRoot(root));
  TailPlan plan;
  KV_ASSIGN_OR_RETURN(std::optional<SalvagePlan> interrupted, FindInterruptedSalvage(dir, root));
  if (interrupted) {
    plan.verdict = TailVerdict::kRefused;
    plan.refusal = interrupted->note + " (`repair wal salvage " + dir + " --apply`)";
    return plan;
  }
  TornTailScan scan;
  KV_ASSIGN_OR_RETURN(wal::ReadSummary sum, wal::ReadLog(dir, {}, &scan));
  plan.last_offset = sum.last_offset;
  plan.last_term = sum.last_term;
  plan.gaps = std::move(scan.gaps);
  if (!scan.refusal.empty()) {
    plan.verdict = TailVerdict::kRefused;
    plan.refusal = scan.refusal + "; truncate-tail only cuts a torn tail: see `inspect wal --verify " + dir +
                   "`, and `repair wal salvage " + dir + "` to rewrite the log around the damage";
    return plan;
  }
  for (const Damage& d : scan.torn) {
    TailCut cut;
    cut.file = d.file;
    cut.reason = d.reason;
    KV_ASSIGN_OR_RETURN(cut.file_size, FileSize(d.file));
    cut.whole_file = d.file_pos < wal::kSegmentHeaderSize;
    cut.keep_bytes = cut.whole_file ? 0 : d.file_pos;
    plan.cuts.push_back(cut);
  }
  plan.verdict = plan.cuts.empty() ? TailVerdict::kClean : TailVerdict::kTornTail;
  return plan;
}

// Saves the cut bytes first, then cuts, then fsyncs: a crash leaves at worst the
// bytes both in the quarantine and still in the segment.
Status CutTornTail(const TailCut& cut, Quarantine* q) {
  if (cut.whole_file) {
    return q->MoveIn(cut.file,
                     "unfinished last segment file (" + cut.reason + "), moved out by truncate-tail");
  }
  KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(cut.file));
  const uint64_t cut_bytes = cut.file_size - cut.keep_bytes;
  KV_ASSIGN_OR_RETURN(std::string bytes, ReadRange(fd.get(), cut.keep_bytes, cut_bytes));
  if (bytes.size() != cut_bytes) return Status::Aborted(cut.file + " shrank while being repaired");
  KV_RETURN_IF_ERROR(
      q->AddBytes(BaseName(cut.file) + ".torn-tail", bytes, cut.file,
                  "torn tail after the last valid record (" + cut.reason + "), cut by truncate-tail"));
  if (::truncate(cut.file.c_str(), static_cast<off_t>(cut.keep_bytes)) != 0) {
    return Status::FromErrno("truncate " + cut.file, errno);
  }
  if (::fsync(fd.get()) != 0) return Status::FromErrno("fsync " + cut.file, errno);
  return Status::OK();
}

}  // namespace

Result<TailResult> TruncateTail(const std::string& dir, const WalRepairOptions& options) {
  KV_ASSIGN_OR_RETURN(std::optional<FileLock> lock, GuardLogDir(dir, options.apply));
  const std::string root = QuarantineRootFor(dir, options);
  KV_ASSIGN_OR_RETURN(TailPlan plan, PlanTruncateTail(dir, root));
  TailResult result{std::move(plan), ""};
  if (!options.apply || result.plan.verdict != TailVerdict::kTornTail) return result;
  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(root, "torn-tail", options.command));
  result.quarantine_dir = q.dir();
  for (const TailCut& cut : result.plan.cuts) KV_RETURN_IF_ERROR(CutTornTail(cut, &q));
  KV_RETURN_IF_ERROR(FsyncDir(dir));
  return result;
}

Result<SalvageResult> Salvage(const std::string& dir, const WalRepairOptions& options) {
  KV_ASSIGN_OR_RETURN(std::optional<FileLock> lock, GuardLogDir(dir, options.apply));
  const std::string root = QuarantineRootFor(dir, options);
  KV_ASSIGN_OR_RETURN(SalvagePlan plan, PlanSalvage(dir, root));
  SalvageResult result{std::move(plan), ""};
  if (!options.apply) return result;
  if (result.plan.verdict == SalvageVerdict::kResume) {
    // Originals still to move go to a quarantine of their own; the journal stays where it is.
    std::optional<Quarantine> q;
    result.quarantine_dir = result.plan.interrupted;
    if (std::any_of(result.plan.inputs.begin(), result.plan.inputs.end(),
                    [](const SalvageInput& in) { return !in.done; })) {
      KV_ASSIGN_OR_RETURN(Quarantine made, Quarantine::Create(root, "wal-salvage-resume", options.command));
      q.emplace(std::move(made));
      result.quarantine_dir = q->dir();
    }
    KV_RETURN_IF_ERROR(
        MoveOriginalsOutAndStagedIn(dir, result.plan.interrupted, &result.plan, q ? &*q : nullptr));
    return result;
  }
  if (result.plan.verdict != SalvageVerdict::kSalvage) return result;

  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(root, "wal-salvage", options.command));
  result.quarantine_dir = q.dir();
  const std::string staging = q.dir() + "/" + kStagingName;
  KV_RETURN_IF_ERROR(CreateDirs(staging));
  StagingWriter writer(staging);
  // The same files under our lock: this pass makes the plan just made, and writes it.
  KV_ASSIGN_OR_RETURN(result.plan, ScanForSalvage(dir, &writer));
  if (result.plan.verdict != SalvageVerdict::kSalvage) {
    return Status::Aborted(dir + " changed while salvage held its lock; nothing was moved (" + staging +
                           " holds an unfinished copy)");
  }
  KV_RETURN_IF_ERROR(FsyncDir(staging));
  KV_RETURN_IF_ERROR(WriteFileAtomic(q.dir() + "/" + kJournalName,
                                     JournalJson(dir, result.plan, options.command).dump(2) + "\n"));
  KV_RETURN_IF_ERROR(MoveOriginalsOutAndStagedIn(dir, q.dir(), &result.plan, &q));
  return result;
}

}  // namespace kv::repair
