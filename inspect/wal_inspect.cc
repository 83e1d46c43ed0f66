#include "inspect/wal_inspect.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "common/file.h"
#include "common/quarantine.h"
#include "wal/segment.h"

namespace kv::inspect {
namespace {
namespace fs = std::filesystem;

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

bool IsTempName(const std::string& name) { return name.size() > 4 && name.ends_with(".tmp"); }

// Collects segment files and notes, reading each distinct file once.
class InputBuilder {
 public:
  Status AddPath(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no such file or folder");
      return Status::FromErrno("stat " + path, errno);
    }
    if (S_ISDIR(st.st_mode)) return AddFolder(path);
    if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is neither a file nor a folder");
    if (!wal::ParseSegmentFileName(BaseName(path))) {
      Note(path, "not named like a segment; read as one because it was given explicitly");
    }
    AddFile(path);
    return Status::OK();
  }

  WalInput Take() { return std::move(input_); }

 private:
  Status AddFolder(const std::string& dir) {
    KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
    size_t segments = 0;
    for (const std::string& name : names) {
      const std::string path = (fs::path(dir) / name).string();
      struct stat st;
      const bool exists = ::stat(path.c_str(), &st) == 0;
      const bool is_dir = exists && S_ISDIR(st.st_mode);
      const bool is_file = exists && S_ISREG(st.st_mode);
      if (name == kLockFileName || (name == kQuarantineFolderName && is_dir)) continue;  // a WAL folder's own
      if (name == wal::kSalvageMarkerName) {
        Note(path, "a `repair wal salvage` of this folder was interrupted: it holds part of a log; "
                   "`repair wal salvage " + dir + " --apply` finishes it");
        continue;
      }
      if (wal::ParseSegmentFileName(name) && is_file) {
        AddFile(path);
        ++segments;
      } else if (wal::ParseSegmentFileName(name)) {
        Note(path, "named like a segment but not a regular file; not read");
      } else if (is_dir) {
        Note(path, "a folder inside the WAL folder; not read (give it as a PATH to read its segments)");
      } else if (IsTempName(name)) {
        Note(path, "a temporary file (a segment or file whose writing never finished?); not read");
      } else {
        Note(path, "not a segment (stray file in the WAL folder); not read");
      }
    }
    if (segments == 0) Note(dir, "no segments in this folder");
    return Status::OK();
  }

  void AddFile(const std::string& path) {
    if (!seen_.insert(CanonicalPath(path)).second) {
      Note(path, "given more than once; read once");
      return;
    }
    input_.files.push_back(path);
  }

  void Note(const std::string& path, std::string text) { input_.notes.push_back({path, std::move(text)}); }

  WalInput input_;
  std::set<std::string> seen_;
};

bool Matches(const WalFilter& f, const wal::RecordView& r, const std::vector<wal::Op>& ops) {
  if (f.term && r.term != *f.term) return false;
  if (f.type && r.type != *f.type) return false;
  if (f.key_prefix.empty()) return true;
  return std::any_of(ops.begin(), ops.end(),
                     [&](const wal::Op& op) { return op.key.starts_with(f.key_prefix); });
}

// A checksum-valid record whose payload does not decode was written wrong; its
// content is lost all the same, so it is reported as damage.
wal::Damage UndecodablePayload(const wal::RecordView& r, const wal::RecordLocation& where,
                               const Status& why) {
  wal::Damage d;
  d.kind = wal::DamageKind::kCorruptRecords;
  d.file = *where.file;
  d.file_pos = where.file_pos;
  d.length = where.length;
  d.reason = "checksums hold but the payload does not decode (written wrong): " + why.message();
  d.last_good_offset = r.offset - 1;
  d.next_good_offset = r.offset + 1;
  d.lost_from = r.offset;
  d.lost_to = r.offset;
  return d;
}

// The reader's handler: decodes each record's ops once, filters, counts, and
// passes everything on. Salvage policy: never stops at damage.
class FilteringHandler : public wal::ReadHandler {
 public:
  FilteringHandler(const WalFilter& filter, WalSink* sink, WalReadReport* report)
      : filter_(filter), sink_(sink), report_(report) {}

  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation& where) override {
    if (filter_.to_offset != 0 && r.offset >= filter_.to_offset) report_->stopped_at_to = true;
    ops_.clear();
    const Status payload = wal::ForEachOp(r, [&](const wal::Op& op) { ops_.push_back(op); });
    if (!payload.ok()) {
      ops_.clear();
      OnDamage(UndecodablePayload(r, where, payload));
    }
    if (!Matches(filter_, r, ops_)) return true;
    ++report_->records_shown;
    sink_->OnRecord(WalEntry{r, where, ops_, payload});
    if (filter_.limit != 0 && report_->records_shown >= filter_.limit) {
      report_->stopped_at_limit = true;
      return false;
    }
    return true;
  }

  bool OnDamage(const wal::Damage& d) override {
    ++report_->damages;
    ++report_->damages_by_kind[d.kind];
    if (d.kind == wal::DamageKind::kTornTail && !report_->torn_tail) report_->torn_tail = d;
    sink_->OnDamage(d);
    return true;
  }

 private:
  const WalFilter& filter_;
  WalSink* sink_;
  WalReadReport* report_;
  std::vector<wal::Op> ops_;  // reused: one record's ops at a time
};

WalHealth HealthOf(const WalReadReport& report) {
  for (const auto& [kind, count] : report.damages_by_kind) {
    if (kind != wal::DamageKind::kTornTail && count > 0) return WalHealth::kDamaged;
  }
  return report.torn_tail ? WalHealth::kTornTail : WalHealth::kClean;
}

// Aggregates the stats as records go by; damage goes on to the caller's sink.
class StatsSink : public WalSink {
 public:
  StatsSink(WalStats* stats, WalSink* damage_sink) : stats_(stats), damage_sink_(damage_sink) {
    for (uint8_t t = 0; t <= wal::kMaxRecordType; ++t) stats_->records_by_type[static_cast<wal::RecordType>(t)] = 0;
    for (size_t i = 0; i < stats_->segments.size(); ++i) index_[stats_->segments[i].file] = i;
  }

  void OnRecord(const WalEntry& e) override {
    const wal::RecordView& r = e.record;
    ++stats_->records_by_type[r.type];
    WalTermStats& t = terms_[r.term];
    if (t.records++ == 0) {
      t.term = r.term;
      t.first_offset = r.offset;
    }
    t.first_offset = std::min(t.first_offset, r.offset);
    t.last_offset = std::max(t.last_offset, r.offset);
    WalSegmentStats& s = SegmentOf(*e.where.file);
    if (s.records++ == 0) s.first_offset = r.offset;
    s.last_offset = r.offset;
  }

  void OnDamage(const wal::Damage& d) override { damage_sink_->OnDamage(d); }

  void Finish() {
    for (auto& [term, t] : terms_) stats_->terms.push_back(t);
  }

 private:
  // Records come a segment at a time: remember the last one instead of looking it up per record.
  WalSegmentStats& SegmentOf(const std::string& file) {
    if (&file != last_file_) {
      last_file_ = &file;
      last_index_ = index_.at(file);
    }
    return stats_->segments[last_index_];
  }

  WalStats* stats_;
  WalSink* damage_sink_;
  std::map<uint64_t, WalTermStats> terms_;
  std::map<std::string, size_t> index_;
  const std::string* last_file_ = nullptr;
  size_t last_index_ = 0;
};

// A segment's size and identity from its header, for the stats table.
Result<WalSegmentStats> SegmentFacts(const std::string& path, uint64_t* order) {
  WalSegmentStats s;
  s.file = path;
  KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(path));
  KV_ASSIGN_OR_RETURN(s.bytes, FileSize(path));
  KV_ASSIGN_OR_RETURN(std::string head, ReadRange(fd.get(), 0, wal::kSegmentHeaderSize));
  auto header = wal::DecodeSegmentHeader(head);
  if (header.ok()) {
    s.tid = header->tid;
    s.pid = header->pid;
    *order = header->first_offset;
  } else {
    *order = wal::ParseSegmentFileName(BaseName(path)).value_or(UINT64_MAX);
  }
  return s;
}

class DamageOnlySink : public WalSink {
 public:
  explicit DamageOnlySink(WalSink* inner) : inner_(inner) {}
  void OnDamage(const wal::Damage& d) override { inner_->OnDamage(d); }

 private:
  WalSink* inner_;
};

}  // namespace

Result<WalInput> ResolveWalInput(const std::vector<std::string>& paths) {
  InputBuilder builder;
  for (const std::string& p : paths) KV_RETURN_IF_ERROR(builder.AddPath(p));
  return builder.Take();
}

Status ValidateWalFilter(const WalFilter& f) {
  if (f.to_offset != 0 && f.from_offset > f.to_offset) {
    return Status::InvalidArgument("--from " + std::to_string(f.from_offset) + " is after --to " +
                                   std::to_string(f.to_offset) + ": the range is empty");
  }
  return Status::OK();
}

const char* WalHealthName(WalHealth h) {
  switch (h) {
    case WalHealth::kNoSegments: return "no-segments";
    case WalHealth::kClean: return "clean";
    case WalHealth::kTornTail: return "torn-tail";
    case WalHealth::kDamaged: return "damaged";
  }
  return "unknown";
}

Result<WalReadReport> InspectWal(const WalInput& input, const WalFilter& filter, WalSink* sink) {
  KV_RETURN_IF_ERROR(ValidateWalFilter(filter));
  WalReadReport report;
  if (input.files.empty()) return report;
  FilteringHandler handler(filter, sink, &report);
  wal::ReadOptions options;
  options.from_offset = filter.from_offset;
  options.to_offset = filter.to_offset;
  KV_ASSIGN_OR_RETURN(report.summary, wal::ReadSegments(input.files, options, &handler));
  report.health = HealthOf(report);
  return report;
}

Result<WalStats> CollectWalStats(const WalInput& input, WalSink* sink) {
  WalStats stats;
  std::vector<std::pair<uint64_t, size_t>> order;
  for (const std::string& f : input.files) {
    uint64_t key = 0;
    KV_ASSIGN_OR_RETURN(WalSegmentStats s, SegmentFacts(f, &key));
    order.emplace_back(key, stats.segments.size());
    stats.segments.push_back(std::move(s));
  }
  StatsSink aggregate(&stats, sink);
  KV_ASSIGN_OR_RETURN(stats.read, InspectWal(input, WalFilter{}, &aggregate));
  aggregate.Finish();
  std::stable_sort(order.begin(), order.end());
  std::vector<WalSegmentStats> sorted;
  for (const auto& [key, i] : order) sorted.push_back(std::move(stats.segments[i]));
  stats.segments = std::move(sorted);
  return stats;
}

Result<WalReadReport> VerifyWal(const WalInput& input, WalSink* sink) {
  DamageOnlySink damage_only(sink);
  return InspectWal(input, WalFilter{}, &damage_only);
}

Result<std::string> ParseHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status::InvalidArgument("'" + std::string(hex) + "' is not hex (odd length)");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("'" + std::string(hex) + "' is not hex");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

}  // namespace kv::inspect
