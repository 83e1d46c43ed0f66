// How `inspect wal` shows what inspect/wal_inspect.h reads: a dump, the
// statistics or the verdict, as aligned tables for people or one JSON object
// per line (--json) on stdout; the human story (notes, damage, how the read
// ended) always on stderr. Memory stays bounded whatever the log's size: a
// dump's table is printed every 1 000 rows.
#include "inspect/wal_print.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/table.h"

namespace kv::inspect {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A table printed every kChunkRows rows, so a dump of any size holds only one chunk in memory.
class StreamedTable {
 public:
  explicit StreamedTable(std::vector<std::string> headers) : headers_(std::move(headers)), table_(headers_) {}
  ~StreamedTable() { Flush(); }
  void AddRow(std::vector<std::string> row) {
    table_.AddRow(std::move(row));
    if (table_.rows() == kChunkRows) Flush();
  }
  void Flush() {
    if (table_.rows() == 0) return;
    table_.Print(stdout);
    table_ = cli::Table(headers_);
  }

 private:
  static constexpr size_t kChunkRows = 1000;
  std::vector<std::string> headers_;
  cli::Table table_;
};

json Nullable(uint64_t v) { return v == 0 ? json(nullptr) : json(v); }
std::string OrDash(uint64_t v) { return v == 0 ? "-" : std::to_string(v); }

std::string Crc(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string LostRange(const wal::Damage& d) {
  if (d.lost_from == 0) return "-";
  return std::to_string(d.lost_from) + ".." + (d.lost_to != 0 ? std::to_string(d.lost_to) : "?");
}

json DamageJson(const wal::Damage& d) {
  json j = {{"damage", wal::DamageKindName(d.kind)},
            {"file", d.file},
            {"pos", d.file_pos},
            {"length", d.length},
            {"reason", d.reason},
            {"last_good_offset", d.last_good_offset},
            {"next_good_offset", Nullable(d.next_good_offset)},
            {"lost_from", Nullable(d.lost_from)},
            {"lost_to", Nullable(d.lost_to)}};
  if (d.has_crc) {
    j["stored_crc"] = Crc(d.expected_crc);
    j["computed_crc"] = Crc(d.computed_crc);
  }
  return j;
}

}  // namespace

void PrintWalNotes(const std::vector<WalNote>& notes, bool json_out) {
  for (const WalNote& n : notes) {
    std::fprintf(stderr, "note: %s: %s\n", n.path.c_str(), n.text.c_str());
    if (json_out) cli::PrintJsonLine({{"note", n.text}, {"path", n.path}});
  }
}

namespace {

// Damage met while dumping or counting: a note, not the output itself.
class DamageNoteSink : public WalSink {
 public:
  explicit DamageNoteSink(bool json_out) : json_(json_out) {}
  void OnDamage(const wal::Damage& d) override {
    std::fprintf(stderr, "damage: %s\n", d.Describe().c_str());
    if (json_) cli::PrintJsonLine(DamageJson(d));
  }

 protected:
  const bool json_;
};

// Ops shown in one table cell; the JSON line always has them all.
constexpr size_t kOpsPerCell = 8;

class DumpPrinter : public DamageNoteSink {
 public:
  DumpPrinter(bool json_out, WalRecordStyle style)
      : DamageNoteSink(json_out),
        style_(style),
        table_({"offset", "term", "type", "key", style.print_value ? "value" : "value-size", "file", "pos"}) {}

  void OnRecord(const WalEntry& e) override {
    if (json_) {
      cli::PrintJsonLine(RecordJson(e));
    } else {
      const wal::RecordView& r = e.record;
      table_.AddRow({std::to_string(r.offset), std::to_string(r.term), wal::RecordTypeName(r.type), KeyCell(e),
                     ValueCell(e), *e.where.file, std::to_string(e.where.file_pos)});
    }
  }
  void Flush() { table_.Flush(); }

 private:
  std::string Bytes(std::string_view b) const { return style_.hex ? cli::Hex(b) : cli::Printable(b); }

  json OpJson(const wal::Op& op) const {
    json j = {{"key", Bytes(op.key)}};
    if (op.type == wal::RecordType::kPut) {
      if (style_.print_value) j["value"] = Bytes(op.value);
      j["value_size"] = op.value.size();
    }
    return j;
  }

  json RecordJson(const WalEntry& e) const {
    const wal::RecordView& r = e.record;
    json j = {{"offset", r.offset}, {"term", r.term}, {"type", wal::RecordTypeName(r.type)}};
    if (!e.payload.ok()) {
      j["error"] = e.payload.message();
    } else if (r.type == wal::RecordType::kNoop) {
      if (style_.print_value) j["text"] = Bytes(r.payload);
      j["value_size"] = r.payload.size();
    } else if (r.type == wal::RecordType::kBatch) {
      j["op_count"] = e.ops.size();
      j["ops"] = json::array();
      for (const wal::Op& op : e.ops) {
        json o = OpJson(op);
        o["type"] = wal::RecordTypeName(op.type);
        j["ops"].push_back(std::move(o));
      }
    } else if (!e.ops.empty()) {
      j.update(OpJson(e.ops.front()));
    }
    j["file"] = *e.where.file;
    j["pos"] = e.where.file_pos;
    return j;
  }

  // Joins one text per op (at most kOpsPerCell of them).
  template <typename Fn>
  static std::string JoinOps(const std::vector<wal::Op>& ops, Fn text) {
    std::string s;
    for (size_t i = 0; i < ops.size() && i < kOpsPerCell; ++i) s += (i ? ", " : "") + text(ops[i]);
    if (ops.size() > kOpsPerCell) s += ", ... +" + std::to_string(ops.size() - kOpsPerCell) + " more";
    return s;
  }

  std::string KeyCell(const WalEntry& e) const {
    if (!e.payload.ok()) return "(payload does not decode)";
    if (e.record.type != wal::RecordType::kBatch) return e.ops.empty() ? "" : Bytes(e.ops.front().key);
    return std::to_string(e.ops.size()) + " ops: " + JoinOps(e.ops, [&](const wal::Op& op) {
             return std::string(wal::RecordTypeName(op.type)) + " " + Bytes(op.key);
           });
  }

  std::string ValueCell(const WalEntry& e) const {
    const wal::RecordView& r = e.record;
    if (!e.payload.ok() || r.type == wal::RecordType::kNoop) {
      return style_.print_value && e.payload.ok() ? Bytes(r.payload) : std::to_string(r.payload.size());
    }
    if (style_.print_value) {
      return JoinOps(e.ops, [&](const wal::Op& op) {
        return op.type == wal::RecordType::kPut ? Bytes(op.value) : std::string("-");
      });
    }
    uint64_t size = 0;
    for (const wal::Op& op : e.ops) size += op.value.size();
    return std::to_string(size);
  }

  const WalRecordStyle style_;
  StreamedTable table_;
};

// The findings of --verify: the output itself.
class DamagePrinter : public WalSink {
 public:
  explicit DamagePrinter(bool json_out)
      : json_(json_out), table_({"kind", "file", "pos", "length", "reason", "crc stored/computed", "lost offsets"}) {}
  void OnDamage(const wal::Damage& d) override {
    if (json_) {
      cli::PrintJsonLine(DamageJson(d));
      return;
    }
    table_.AddRow({wal::DamageKindName(d.kind), d.file.empty() ? "-" : d.file, std::to_string(d.file_pos),
                   std::to_string(d.length), d.reason,
                   d.has_crc ? Crc(d.expected_crc) + "/" + Crc(d.computed_crc) : "-", LostRange(d)});
  }
  void Flush() { table_.Flush(); }

 private:
  const bool json_;
  StreamedTable table_;
};

// The command that fixes a torn tail (it only shows the cut until given --apply).
std::string TornTailFix(const WalReadReport& r) {
  const std::string dir = fs::path(r.torn_tail->file).parent_path().string();
  return "repair wal truncate-tail " + (dir.empty() ? std::string(".") : dir);
}

std::string TornTailText(const WalReadReport& r) {
  const wal::Damage& d = *r.torn_tail;
  const uint64_t more = r.damages_by_kind.at(wal::DamageKind::kTornTail) - 1;
  return "torn tail in " + d.file + " at byte " + std::to_string(d.file_pos) + " (" + std::to_string(d.length) +
         " bytes" + (more ? " and " + std::to_string(more) + " more torn-tail region(s) after it" : "") +
         "; the writer died mid-write; `" + TornTailFix(r) + " --apply` cuts it off)";
}

std::string KindCounts(const WalReadReport& r) {
  std::string s;
  for (const auto& [kind, count] : r.damages_by_kind) {
    s += (s.empty() ? "" : ", ") + std::to_string(count) + " " + wal::DamageKindName(kind);
  }
  return s;
}

json KindCountsJson(const WalReadReport& r) {
  json j = json::object();
  for (const auto& [kind, count] : r.damages_by_kind) j[wal::DamageKindName(kind)] = count;
  return j;
}

// One line saying how the dump's read ended, like etcd-dump-logs' last line.
std::string EndOfDump(const WalReadReport& r) {
  std::string how;
  const char* stop = r.stopped_at_limit ? "stopped at --limit" : r.stopped_at_to ? "stopped at --to" : nullptr;
  if (r.health == WalHealth::kNoSegments) {
    how = "no segments";
  } else if (r.health == WalHealth::kDamaged) {
    how = "damaged (" + KindCounts(r) + "; see the damage lines)" + (stop ? std::string("; ") + stop : "");
  } else if (stop) {
    how = std::string(stop) + " (the rest was not read); no damage before it";
  } else if (r.health == WalHealth::kTornTail) {
    how = TornTailText(r);
  } else {
    how = "clean end of log";
  }
  const wal::ReadSummary& s = r.summary;
  return how + "; " + std::to_string(s.records) + " records read, " + std::to_string(r.records_shown) +
         " shown, " + std::to_string(s.segments) + " segments, " + std::to_string(s.skipped_bytes) +
         " bytes skipped";
}

json ReportJson(const WalReadReport& r) {
  const wal::ReadSummary& s = r.summary;
  return {{"end", WalHealthName(r.health)},
          {"records", s.records},
          {"segments", s.segments},
          {"bytes", s.bytes},
          {"first_offset", Nullable(s.first_offset)},
          {"last_offset", Nullable(s.last_offset)},
          {"skipped_bytes", s.skipped_bytes},
          {"damages", r.damages},
          {"damages_by_kind", KindCountsJson(r)}};
}

// Dump and stats fail (1) on damage that may hide records; a torn tail is how
// a log ends after a crash and is only reported (--verify fails on it).
int ExitCodeOf(const WalReadReport& r) { return r.health == WalHealth::kDamaged ? cli::kExitFailed : cli::kExitOk; }

}  // namespace

int PrintWalDump(const WalInput& input, const WalFilter& filter, WalRecordStyle style, bool json_out) {
  DumpPrinter printer(json_out, style);
  auto report = InspectWal(input, filter, &printer);
  printer.Flush();
  if (!report.ok()) return cli::ReportError(report.status());
  std::fprintf(stderr, "end: %s\n", EndOfDump(*report).c_str());
  if (json_out) {
    json summary = ReportJson(*report);
    summary["records_shown"] = report->records_shown;
    summary["stopped_at"] = report->stopped_at_limit ? json("limit") : report->stopped_at_to ? json("to") : json(nullptr);
    cli::PrintJsonLine({{"summary", summary}});
  }
  return ExitCodeOf(*report);
}

namespace {

std::string TidPid(const WalSegmentStats& s) {
  return s.tid ? std::to_string(*s.tid) + "/" + std::to_string(*s.pid) : "? (bad header)";
}

void PrintStatsJson(const WalStats& st) {
  for (const WalSegmentStats& s : st.segments) {
    cli::PrintJsonLine({{"segment", s.file},
                        {"first_offset", Nullable(s.first_offset)},
                        {"last_offset", Nullable(s.last_offset)},
                        {"records", s.records},
                        {"bytes", s.bytes},
                        {"tid", s.tid ? json(*s.tid) : json(nullptr)},
                        {"pid", s.pid ? json(*s.pid) : json(nullptr)}});
  }
  for (const WalTermStats& t : st.terms) {
    cli::PrintJsonLine(
        {{"term", t.term}, {"first_offset", t.first_offset}, {"last_offset", t.last_offset}, {"records", t.records}});
  }
  for (const auto& [type, count] : st.records_by_type) {
    cli::PrintJsonLine({{"record_type", wal::RecordTypeName(type)}, {"records", count}});
  }
  cli::PrintJsonLine({{"totals", ReportJson(st.read)}});
}

void PrintStatsTables(const WalStats& st) {
  cli::Table segments({"file", "first", "last", "records", "bytes", "tid/pid"});
  for (const WalSegmentStats& s : st.segments) {
    segments.AddRow({s.file, OrDash(s.first_offset), OrDash(s.last_offset), std::to_string(s.records),
                     std::to_string(s.bytes), TidPid(s)});
  }
  segments.Print();
  cli::Table terms({"term", "first", "last", "records"});
  for (const WalTermStats& t : st.terms) {
    terms.AddRow({std::to_string(t.term), std::to_string(t.first_offset), std::to_string(t.last_offset),
                  std::to_string(t.records)});
  }
  std::printf("\n");
  terms.Print();
  cli::Table types({"type", "records"});
  for (const auto& [type, count] : st.records_by_type) types.AddRow({wal::RecordTypeName(type), std::to_string(count)});
  std::printf("\n");
  types.Print();
  const wal::ReadSummary& s = st.read.summary;
  cli::Table totals({"total", "value"});
  totals.AddRow({"records", std::to_string(s.records)});
  totals.AddRow({"segments", std::to_string(s.segments)});
  totals.AddRow({"bytes", std::to_string(s.bytes)});
  totals.AddRow({"offsets", s.records ? std::to_string(s.first_offset) + ".." + std::to_string(s.last_offset) : "-"});
  totals.AddRow({"skipped bytes", std::to_string(s.skipped_bytes)});
  totals.AddRow({"damages", std::to_string(st.read.damages)});
  totals.AddRow({"end", WalHealthName(st.read.health)});
  std::printf("\n");
  totals.Print();
}

}  // namespace

int PrintWalStats(const WalInput& input, bool json_out) {
  DamageNoteSink damage(json_out);
  auto stats = CollectWalStats(input, &damage);
  if (!stats.ok()) return cli::ReportError(stats.status());
  if (stats->read.health == WalHealth::kNoSegments) {
    std::fprintf(stderr, "end: no segments\n");
    if (json_out) cli::PrintJsonLine({{"totals", ReportJson(stats->read)}});
    return cli::kExitOk;
  }
  if (json_out) {
    PrintStatsJson(*stats);
  } else {
    PrintStatsTables(*stats);
  }
  return ExitCodeOf(stats->read);
}

namespace {

std::string Verdict(const WalReadReport& r) {
  const wal::ReadSummary& s = r.summary;
  const std::string counts = std::to_string(s.records) + " records in " + std::to_string(s.segments) +
                             " segments" +
                             (s.records ? ", offsets " + std::to_string(s.first_offset) + ".." +
                                              std::to_string(s.last_offset)
                                        : "");
  switch (r.health) {
    case WalHealth::kNoSegments: return "no segments: nothing to verify";
    case WalHealth::kClean: return "clean: " + counts + ", no damage";
    case WalHealth::kTornTail: return "torn tail only: " + TornTailText(r) + "; " + counts + " intact";
    case WalHealth::kDamaged:
      return "damaged: " + KindCounts(r) + "; " + std::to_string(s.skipped_bytes) + " bytes skipped; " + counts +
             " readable";
  }
  return "unknown";
}

}  // namespace

int PrintWalVerify(const WalInput& input, bool json_out) {
  DamagePrinter printer(json_out);
  auto report = VerifyWal(input, &printer);
  printer.Flush();
  if (!report.ok()) return cli::ReportError(report.status());
  if (json_out) {
    json verdict = ReportJson(*report);
    verdict.erase("end");
    verdict["verdict"] = WalHealthName(report->health);
    if (report->health == WalHealth::kTornTail) verdict["fix"] = TornTailFix(*report);
    cli::PrintJsonLine(verdict);
  } else {
    std::printf("verdict: %s\n", Verdict(*report).c_str());
  }
  const bool clean = report->health == WalHealth::kClean || report->health == WalHealth::kNoSegments;
  return clean ? cli::kExitOk : cli::kExitFailed;
}

}  // namespace kv::inspect
