#include "ops/recover/collection.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "common/json_field.h"
#include "ops/recover/json_lines.h"

namespace kv::recover {
namespace {

using nlohmann::json;

json OptionalJson(const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); }

json ReplicaJson(const CollectedReplica& r) {
  return {{"type", "replica"},
          {"table", r.table},
          {"tid", r.tid},
          {"pid", r.pid},
          {"endpoint", r.endpoint},
          {"last_term", r.last.term},
          {"last_offset", r.last.offset},
          {"applied_offset", OptionalJson(r.applied_offset)},
          {"snapshot_offset", OptionalJson(r.snapshot_offset)},
          {"role", r.role},
          {"health", HealthName(r.health)},
          {"reason", r.reason},
          {"source", SourceName(r.source)},
          {"origin", r.origin}};
}

Result<Source> SourceField(const json& j, const std::string& where) {
  KV_ASSIGN_OR_RETURN(std::string name, JsonField<std::string>(j, "source", where));
  auto s = ParseSource(name);
  if (!s) return Status::Corruption(where + ": unknown source '" + name + "'");
  return *s;
}

Result<CollectedReplica> ReplicaFromJson(const json& j, const std::string& where) {
  CollectedReplica r;
  KV_ASSIGN_OR_RETURN(r.table, JsonField<std::string>(j, "table", where));
  KV_ASSIGN_OR_RETURN(r.tid, JsonField<uint32_t>(j, "tid", where));
  KV_ASSIGN_OR_RETURN(r.pid, JsonField<uint32_t>(j, "pid", where));
  KV_ASSIGN_OR_RETURN(r.endpoint, JsonField<std::string>(j, "endpoint", where));
  KV_ASSIGN_OR_RETURN(r.last.term, JsonField<uint64_t>(j, "last_term", where));
  KV_ASSIGN_OR_RETURN(r.last.offset, JsonField<uint64_t>(j, "last_offset", where));
  KV_ASSIGN_OR_RETURN(r.applied_offset, OptionalUintField(j, "applied_offset", where));
  KV_ASSIGN_OR_RETURN(r.snapshot_offset, OptionalUintField(j, "snapshot_offset", where));
  KV_ASSIGN_OR_RETURN(r.role, JsonField<std::string>(j, "role", where));
  KV_ASSIGN_OR_RETURN(std::string health, JsonField<std::string>(j, "health", where));
  auto h = ParseHealth(health);
  if (!h) return Status::Corruption(where + ": unknown health '" + health + "'");
  r.health = *h;
  KV_ASSIGN_OR_RETURN(r.reason, JsonField<std::string>(j, "reason", where));
  KV_ASSIGN_OR_RETURN(r.source, SourceField(j, where));
  KV_ASSIGN_OR_RETURN(r.origin, JsonField<std::string>(j, "origin", where));
  return r;
}

Result<CollectedTablet> TabletFromJson(const json& j, const std::string& where) {
  CollectedTablet t;
  KV_ASSIGN_OR_RETURN(t.endpoint, JsonField<std::string>(j, "endpoint", where));
  KV_ASSIGN_OR_RETURN(t.tablet_id, JsonField<std::string>(j, "tablet_id", where));
  KV_ASSIGN_OR_RETURN(t.source, SourceField(j, where));
  KV_ASSIGN_OR_RETURN(t.origin, JsonField<std::string>(j, "origin", where));
  return t;
}

Result<TableSettings> TableFromJson(const json& j, const std::string& where) {
  TableSettings t;
  KV_ASSIGN_OR_RETURN(t.name, JsonField<std::string>(j, "name", where));
  KV_ASSIGN_OR_RETURN(t.tid, JsonField<uint32_t>(j, "tid", where));
  KV_ASSIGN_OR_RETURN(t.partition_count, JsonField<uint32_t>(j, "partition_count", where));
  KV_ASSIGN_OR_RETURN(t.replica_count, JsonField<uint32_t>(j, "replica_count", where));
  KV_ASSIGN_OR_RETURN(std::string acks, JsonField<std::string>(j, "acks", where));
  if (acks != "majority" && acks != "leader") return Status::Corruption(where + ": unknown acks '" + acks + "'");
  t.acks_majority = acks == "majority";
  KV_ASSIGN_OR_RETURN(t.source, JsonField<std::string>(j, "source", where));
  // Optional: collect files written before they were kept.
  t.wal_level = j.value("wal_level", 1u);
  t.wal_fsync_period_ms = j.value("wal_fsync_period_ms", 0u);
  return t;
}

Result<Placement> PlacementFromJson(const json& j, const std::string& where) {
  Placement p;
  KV_ASSIGN_OR_RETURN(p.table, JsonField<std::string>(j, "table", where));
  KV_ASSIGN_OR_RETURN(p.tid, JsonField<uint32_t>(j, "tid", where));
  KV_ASSIGN_OR_RETURN(p.pid, JsonField<uint32_t>(j, "pid", where));
  KV_ASSIGN_OR_RETURN(p.term, JsonField<uint64_t>(j, "term", where));
  KV_ASSIGN_OR_RETURN(p.leader, JsonField<std::string>(j, "leader", where));
  KV_ASSIGN_OR_RETURN(json replicas, JsonField<json>(j, "replicas", where));
  for (const json& r : replicas) {
    if (!r.is_object()) return Status::Corruption(where + ": a replica of the placement is not an object");
    PlacedReplica placed;
    KV_ASSIGN_OR_RETURN(placed.endpoint, JsonField<std::string>(r, "endpoint", where));
    KV_ASSIGN_OR_RETURN(placed.is_alive, JsonField<bool>(r, "is_alive", where));
    p.replicas.push_back(std::move(placed));
  }
  return p;
}

using ReplicaKey = std::tuple<uint32_t, uint32_t, std::string>;
ReplicaKey KeyOf(const CollectedReplica& r) { return {r.tid, r.pid, r.endpoint}; }

}  // namespace

const char* HealthName(Health h) {
  switch (h) {
    case Health::kOk: return "ok";
    case Health::kWalDamaged: return "wal-damaged";
    case Health::kSstDamaged: return "sst-damaged";
    case Health::kUnreadable: return "unreadable";
    case Health::kMissing: return "missing";
  }
  return "unknown";
}

std::optional<Health> ParseHealth(std::string_view name) {
  for (Health h : {Health::kOk, Health::kWalDamaged, Health::kSstDamaged, Health::kUnreadable, Health::kMissing}) {
    if (name == HealthName(h)) return h;
  }
  return std::nullopt;
}

const char* SourceName(Source s) { return s == Source::kOnline ? "online" : "offline"; }

std::optional<Source> ParseSource(std::string_view name) {
  if (name == "online") return Source::kOnline;
  if (name == "offline") return Source::kOffline;
  return std::nullopt;
}

std::string Describe(const Position& p) {
  return "(term " + std::to_string(p.term) + ", offset " + std::to_string(p.offset) + ")";
}

void AddReplicaSettings(uint32_t pid, const std::optional<KeptSettings>& kept, TableSettings* t) {
  t->partition_count = std::max(t->partition_count, pid + 1);
  if (!kept) return;
  t->partition_count = std::max(t->partition_count, kept->partition_count);
  t->replica_count = std::max(t->replica_count, kept->replica_count);
  t->acks_majority = kept->acks_majority;
  t->wal_level = kept->wal_level;
  t->wal_fsync_period_ms = kept->wal_fsync_period_ms;
}

Status Merge(Collection* into, Collection from) {
  std::map<std::string, size_t> tablet_at;
  for (size_t i = 0; i < into->tablets.size(); ++i) tablet_at[into->tablets[i].endpoint] = i;
  // Endpoints whose replicas `from` replaces in `into` (an online reading beats an offline one).
  std::set<std::string> replaced, skipped;
  for (CollectedTablet& t : from.tablets) {
    auto it = tablet_at.find(t.endpoint);
    if (it == tablet_at.end()) {
      tablet_at[t.endpoint] = into->tablets.size();
      into->tablets.push_back(std::move(t));
      continue;
    }
    CollectedTablet& have = into->tablets[it->second];
    if (have.source == Source::kOffline && t.source == Source::kOffline) {
      return Status::InvalidArgument("tablet " + t.endpoint + " is given twice (" + have.origin + " and " + t.origin +
                                     "): give one report per tablet");
    }
    if (have.source == Source::kOffline && t.source == Source::kOnline) {
      replaced.insert(t.endpoint);
      into->notes.push_back("tablet " + t.endpoint + " answered: its online reading replaces " + have.origin);
      have = std::move(t);
    } else {
      skipped.insert(t.endpoint);
      into->notes.push_back("tablet " + t.endpoint + " answered: " + t.origin + " is not used");
    }
  }
  if (!replaced.empty()) {
    std::erase_if(into->replicas, [&](const CollectedReplica& r) { return replaced.count(r.endpoint) > 0; });
  }
  for (CollectedReplica& r : from.replicas) {
    if (!skipped.count(r.endpoint)) into->replicas.push_back(std::move(r));
  }

  std::map<std::string, size_t> table_at;
  for (size_t i = 0; i < into->tables.size(); ++i) table_at[into->tables[i].name] = i;
  for (TableSettings& t : from.tables) {
    auto it = table_at.find(t.name);
    if (it == table_at.end()) {
      table_at[t.name] = into->tables.size();
      into->tables.push_back(std::move(t));
      continue;
    }
    TableSettings& have = into->tables[it->second];
    if (have.tid != t.tid) {
      return Status::InvalidArgument("table '" + t.name + "' is tid " + std::to_string(have.tid) + " in one input and tid " +
                                     std::to_string(t.tid) + " in another: collections of different clusters?");
    }
    if (have.source != "nameserver" && t.source == "nameserver") {
      have = std::move(t);
    } else if (have.source != "nameserver") {
      have.partition_count = std::max(have.partition_count, t.partition_count);
      have.replica_count = std::max(have.replica_count, t.replica_count);
    }
  }
  if (into->placements.empty()) into->placements = std::move(from.placements);
  if (into->nameservers.empty()) into->nameservers = std::move(from.nameservers);
  if (into->collected.empty()) into->collected = std::move(from.collected);
  for (std::string& u : from.unreachable) into->unreachable.push_back(std::move(u));
  for (std::string& n : from.notes) into->notes.push_back(std::move(n));
  // A tablet that did not answer but whose report is given is covered.
  std::erase_if(into->unreachable, [&](const std::string& line) {
    return tablet_at.count(line.substr(0, line.find(": "))) > 0;
  });
  into->partial = !into->unreachable.empty();

  std::sort(into->replicas.begin(), into->replicas.end(),
            [](const CollectedReplica& a, const CollectedReplica& b) { return KeyOf(a) < KeyOf(b); });
  auto duplicate = std::adjacent_find(into->replicas.begin(), into->replicas.end(),
                                      [](const CollectedReplica& a, const CollectedReplica& b) { return KeyOf(a) == KeyOf(b); });
  if (duplicate != into->replicas.end()) {
    return Status::InvalidArgument("replica " + std::to_string(duplicate->tid) + "_" + std::to_string(duplicate->pid) +
                                   " of tablet " + duplicate->endpoint + " is collected twice");
  }
  return Status::OK();
}

std::string CollectionToJsonLines(const Collection& c) {
  std::string out;
  auto line = [&out](const json& j) { out += j.dump() + "\n"; };
  line({{"type", "collection"},
        {"format_version", kCollectFileFormatVersion},
        {"nameservers", c.nameservers},
        {"collected", c.collected},
        {"partial", c.partial},
        {"unreachable", c.unreachable},
        {"notes", c.notes},
        {"tablets", c.tablets.size()},
        {"tables", c.tables.size()},
        {"placements", c.placements.size()},
        {"replicas", c.replicas.size()}});
  for (const CollectedTablet& t : c.tablets) {
    line({{"type", "tablet"}, {"endpoint", t.endpoint}, {"tablet_id", t.tablet_id}, {"source", SourceName(t.source)},
          {"origin", t.origin}});
  }
  for (const TableSettings& t : c.tables) {
    line({{"type", "table"}, {"name", t.name}, {"tid", t.tid}, {"partition_count", t.partition_count},
          {"replica_count", t.replica_count}, {"acks", t.acks_majority ? "majority" : "leader"},
          {"wal_level", t.wal_level}, {"wal_fsync_period_ms", t.wal_fsync_period_ms}, {"source", t.source}});
  }
  for (const Placement& p : c.placements) {
    json replicas = json::array();
    for (const PlacedReplica& r : p.replicas) replicas.push_back({{"endpoint", r.endpoint}, {"is_alive", r.is_alive}});
    line({{"type", "placement"}, {"table", p.table}, {"tid", p.tid}, {"pid", p.pid}, {"term", p.term},
          {"leader", p.leader}, {"replicas", replicas}});
  }
  for (const CollectedReplica& r : c.replicas) line(ReplicaJson(r));
  return out;
}

Result<Collection> ParseCollectionJsonLines(std::string_view text, const std::string& where) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument(where + ": " + why); };
  Collection c;
  size_t expected[4] = {0, 0, 0, 0};  // tablets, tables, placements, replicas
  auto header = [&](const json& j, const std::string& at) -> Status {
    KV_ASSIGN_OR_RETURN(c.nameservers, StringArrayField(j, "nameservers", at));
    KV_ASSIGN_OR_RETURN(c.collected, JsonField<std::string>(j, "collected", at));
    KV_ASSIGN_OR_RETURN(c.partial, JsonField<bool>(j, "partial", at));
    KV_ASSIGN_OR_RETURN(c.unreachable, StringArrayField(j, "unreachable", at));
    KV_ASSIGN_OR_RETURN(c.notes, StringArrayField(j, "notes", at));
    const char* counts[4] = {"tablets", "tables", "placements", "replicas"};
    for (int i = 0; i < 4; ++i) {
      KV_ASSIGN_OR_RETURN(expected[i], JsonField<uint64_t>(j, counts[i], at));
    }
    return Status::OK();
  };
  // Appends what parse makes of the line to `to`.
  auto add = [](auto parsed, auto& to) -> Status {
    if (!parsed.ok()) return parsed.status();
    to.push_back(std::move(parsed).value());
    return Status::OK();
  };
  auto lines = ForEachJsonLine(text, where, [&](size_t line_no, const json& j, const std::string& type) -> Status {
    const std::string at = where + " line " + std::to_string(line_no);
    if (line_no == 1) {
      if (type != "collection") {
        return bad(type == "tablet" ? "an `inspect tablet --json` report, not a collect file: give it with --offline"
                                    : "not a recoverdata collect file (its first line is of type '" + type + "')");
      }
      auto version = JsonField<int>(j, "format_version", at);
      if (!version.ok() || *version != kCollectFileFormatVersion) {
        return bad("collect file format_version " + (version.ok() ? std::to_string(*version) : std::string("missing")) +
                   ", this ops reads " + std::to_string(kCollectFileFormatVersion));
      }
      return header(j, at);
    }
    if (type == "tablet") return add(TabletFromJson(j, at), c.tablets);
    if (type == "table") return add(TableFromJson(j, at), c.tables);
    if (type == "placement") return add(PlacementFromJson(j, at), c.placements);
    if (type == "replica") return add(ReplicaFromJson(j, at), c.replicas);
    return bad("line " + std::to_string(line_no) + " has unknown type '" + type + "'");
  });
  if (!lines.ok()) return lines.status();
  if (*lines == 0) return bad("empty, not a collect file");
  const size_t got[4] = {c.tablets.size(), c.tables.size(), c.placements.size(), c.replicas.size()};
  const char* names[4] = {"tablet", "table", "placement", "replica"};
  for (int i = 0; i < 4; ++i) {
    if (got[i] != expected[i]) {
      return bad("truncated: the header counts " + std::to_string(expected[i]) + " " + names[i] + " lines, the file has " +
                 std::to_string(got[i]));
    }
  }
  return c;
}

}  // namespace kv::recover
