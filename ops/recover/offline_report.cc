#include "ops/recover/offline_report.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/json_field.h"
#include "ops/recover/json_lines.h"

namespace kv::recover {
namespace {

using nlohmann::json;

// The inspect report format this reader knows (inspect/partition_inspect.h, kCollectFormatVersion).
constexpr int kInspectFormatVersion = 1;

Health ClassOf(const std::string& kind) {
  static const std::map<std::string, Health> classes = {
      {"descriptor-missing", Health::kUnreadable}, {"descriptor-unreadable", Health::kUnreadable},
      {"identity-mismatch", Health::kUnreadable},  {"wal-damaged", Health::kWalDamaged},
      {"foreign-segment", Health::kWalDamaged},    {"history-diverged", Health::kWalDamaged},
      {"wal-gap", Health::kWalDamaged},            {"db-missing", Health::kSstDamaged},
      {"db-unreadable", Health::kSstDamaged},      {"sst-missing", Health::kSstDamaged},
      {"sst-damaged", Health::kSstDamaged},        {"db-ahead-of-wal", Health::kSstDamaged}};
  auto it = classes.find(kind);
  return it == classes.end() ? Health::kOk : it->second;
}

int Severity(Health h) {
  switch (h) {
    case Health::kUnreadable: return 3;
    case Health::kWalDamaged: return 2;
    case Health::kSstDamaged: return 1;
    default: return 0;
  }
}

std::optional<uint64_t> OptionalNumber(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

std::string StringOr(const json& j, const char* name, std::string fallback) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<CollectedReplica> ReplicaFromReport(const json& j, const std::string& endpoint, const std::string& where) {
  CollectedReplica r;
  auto tid = OptionalNumber(j, "tid"), pid = OptionalNumber(j, "pid");
  if (!tid || !pid || *tid > UINT32_MAX || *pid > UINT32_MAX) {
    return Status::InvalidArgument(where + ": a replica line without tid and pid");
  }
  r.tid = uint32_t(*tid);
  r.pid = uint32_t(*pid);
  r.table = StringOr(j, "table", "");
  r.endpoint = endpoint;
  KV_ASSIGN_OR_RETURN(r.last.term, JsonField<uint64_t>(j, "last_term", where));
  KV_ASSIGN_OR_RETURN(r.last.offset, JsonField<uint64_t>(j, "last_offset", where));
  r.applied_offset = OptionalNumber(j, "applied_offset");
  r.snapshot_offset = OptionalNumber(j, "snapshot_offset");
  r.role = StringOr(j, "role", "");
  std::vector<std::pair<std::string, std::string>> findings;
  auto it = j.find("findings");
  if (it != j.end() && it->is_array()) {
    for (const json& f : *it) {
      if (f.is_object()) findings.emplace_back(StringOr(f, "kind", ""), StringOr(f, "text", ""));
    }
  }
  HealthVerdict verdict = HealthFromFindings(findings);
  r.health = verdict.health;
  r.reason = std::move(verdict.reason);
  r.source = Source::kOffline;
  r.origin = StringOr(j, "dir", where);
  return r;
}

}  // namespace

HealthVerdict HealthFromFindings(const std::vector<std::pair<std::string, std::string>>& kind_and_text) {
  HealthVerdict v;
  std::string harmless;
  for (const auto& [kind, text] : kind_and_text) {
    const Health h = ClassOf(kind);
    if (Severity(h) > Severity(v.health)) {
      v.health = h;
      v.reason = kind + ": " + text;
    } else if (h == Health::kOk) {
      harmless += (harmless.empty() ? "" : ", ") + kind;
    }
  }
  if (v.health == Health::kOk) v.reason = harmless;
  return v;
}

Result<Collection> ParseInspectTabletReport(std::string_view text, const std::string& origin) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument(origin + ": " + why); };
  Collection c;
  CollectedTablet tablet;
  uint64_t expected = 0;
  bool lock_held = false;
  // Settings per table, from the replicas' settings.json.
  std::map<std::string, TableSettings> tables;
  auto tablet_line = [&](const json& j, const std::string& where) -> Status {
    KV_ASSIGN_OR_RETURN(expected, JsonField<uint64_t>(j, "replicas", where));
    lock_held = j.value("lock_held", false);
    const json& t = j.contains("tablet") ? j["tablet"] : json(nullptr);
    tablet.endpoint = t.is_object() ? StringOr(t, "endpoint", "") : "";
    tablet.tablet_id = t.is_object() ? StringOr(t, "tablet_id", "") : "";
    if (tablet.endpoint.empty()) {
      return bad("the tablet's tablet.json names no endpoint (" + StringOr(j, "tablet_error", "no endpoint field") +
                 "): recovery cannot tell which tablet this is");
    }
    tablet.source = Source::kOffline;
    tablet.origin = origin;
    c.collected = StringOr(j, "collected", "");
    return Status::OK();
  };
  auto replica_line = [&](const json& j, const std::string& where) -> Status {
    KV_ASSIGN_OR_RETURN(CollectedReplica r, ReplicaFromReport(j, tablet.endpoint, where));
    if (!r.table.empty()) {
      TableSettings& t = tables[r.table];
      if (t.name.empty()) {
        t.name = r.table;
        t.tid = r.tid;
        t.source = "replicas";
      } else if (t.tid != r.tid) {
        return bad("table '" + r.table + "' appears as tid " + std::to_string(t.tid) + " and tid " + std::to_string(r.tid));
      }
      const json& s = j.contains("settings") ? j["settings"] : json(nullptr);
      std::optional<KeptSettings> kept;
      if (s.is_object()) {
        kept = KeptSettings{.replica_count = uint32_t(OptionalNumber(s, "replica_count").value_or(0)),
                            .partition_count = uint32_t(OptionalNumber(s, "partition_count").value_or(0)),
                            .acks_majority = StringOr(s, "acks", "majority") != "leader",
                            .wal_level = uint32_t(OptionalNumber(s, "wal_level").value_or(1)),
                            .wal_fsync_period_ms = uint32_t(OptionalNumber(s, "wal_fsync_period_ms").value_or(0))};
      }
      AddReplicaSettings(r.pid, kept, &t);
    }
    c.replicas.push_back(std::move(r));
    return Status::OK();
  };
  auto lines = ForEachJsonLine(text, origin, [&](size_t line_no, const json& j, const std::string& type) -> Status {
    const std::string where = origin + " line " + std::to_string(line_no);
    if (line_no == 1 && type != "tablet") {
      return bad(type == "collection" ? "a recoverdata collect file, not an inspect report: give it with --collected"
                                      : "not an `inspect tablet DATA_DIR --json` report (its first line is of type '" +
                                            type + "')");
    }
    auto version = JsonField<int>(j, "format_version", where);
    if (!version.ok() || *version != kInspectFormatVersion) {
      return bad("line " + std::to_string(line_no) + " has format_version " +
                 (version.ok() ? std::to_string(*version) : std::string("missing")) + ", this ops reads " +
                 std::to_string(kInspectFormatVersion));
    }
    if (type == "tablet") {
      if (line_no != 1) return bad("a second tablet line at line " + std::to_string(line_no) + ": one report per file");
      return tablet_line(j, where);
    }
    if (type == "replica") return replica_line(j, where);
    if (type == "wal_damage") return Status::OK();
    return bad("line " + std::to_string(line_no) + " has unknown type '" + type + "'");
  });
  if (!lines.ok()) return lines.status();
  if (*lines == 0) return bad("empty, not an `inspect tablet --json` report");
  if (c.replicas.size() != expected) {
    return bad("truncated: the tablet line counts " + std::to_string(expected) + " replicas, the file has " +
               std::to_string(c.replicas.size()));
  }
  if (lock_held) {
    c.notes.push_back(origin + ": a running process held " + tablet.endpoint +
                      "'s data dir when it was read (its DBs as of their last flush)");
  }
  c.tablets.push_back(std::move(tablet));
  for (auto& [name, t] : tables) c.tables.push_back(std::move(t));
  return c;
}

}  // namespace kv::recover
