#include "ops/recover/plan.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace kv::recover {
namespace {

struct Table {
  TableSettings settings;
  std::set<uint32_t> pids;
};

// A partition's inputs, gathered from the collection.
struct PartitionInput {
  const Table* table = nullptr;
  const Placement* placement = nullptr;
  std::vector<const CollectedReplica*> replicas;
};

uint32_t NeededForSafety(uint32_t replica_count, bool acks_majority) {
  return acks_majority ? (replica_count + 1) / 2 : replica_count;
}

// The order in which replicas are preferred as leader (the first is best).
bool Preferred(const CollectedReplica* a, const CollectedReplica* b, const std::string& current_leader) {
  if (a->last != b->last) return a->last > b->last;
  // As far ahead: a running replica leads now, one read offline only once its tablet runs.
  if (a->source != b->source) return a->source == Source::kOnline;
  const bool a_current = a->endpoint == current_leader, b_current = b->endpoint == current_leader;
  if (a_current != b_current) return a_current;
  return a->endpoint < b->endpoint;
}

// The offset up to which a damaged replica's records can be trusted.
uint64_t SafeOffset(const CollectedReplica& r) {
  const uint64_t safe = r.health == Health::kSstDamaged ? r.snapshot_offset.value_or(0) : r.applied_offset.value_or(0);
  return std::min(safe, r.last.offset);
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Where an offline replica's files are, as its report names them.
std::string FolderOf(const CollectedReplica& r) { return r.source == Source::kOffline ? r.origin : ""; }

ReplicaDecision FollowerFate(const CollectedReplica& f, const Position& leader) {
  ReplicaDecision d{f.endpoint, Fate::kCatchUp, f.health, f.source, f.last, 0, 0, "", FolderOf(f)};
  if (f.health != Health::kOk) {
    d.fate = Fate::kRebuild;
    d.why = f.health == Health::kMissing ? f.reason : std::string(HealthName(f.health)) + " (" + f.reason + ")";
    d.why += ": rebuilt from the leader";
    return d;
  }
  if (f.last == leader) {
    d.fate = Fate::kInSync;
    d.why = "at the leader's last " + Describe(leader);
  } else if (f.last.offset > leader.offset) {
    d.records_cut = f.last.offset - leader.offset;
    d.why = "at least " + std::to_string(d.records_cut) + " records (offsets " + std::to_string(leader.offset + 1) + ".." +
            std::to_string(f.last.offset) + ", last term " + std::to_string(f.last.term) +
            ") are not the leader's: cut into quarantine, then caught up";
  } else {
    d.records_to_receive = leader.offset - f.last.offset;
    d.why = std::to_string(d.records_to_receive) + " records behind";
    if (f.last.term != leader.term) d.why += "; an older last term: the catch-up cuts any divergent suffix into quarantine";
  }
  if (f.source == Source::kOffline) d.why += "; read offline: caught up once its tablet runs, else re-created on a live tablet";
  return d;
}

void PlanPartition(const PartitionInput& in, const Collection& c, const std::set<std::string>& collected_tablets,
                   bool accept_data_loss, PartitionPlan* p) {
  const TableSettings& settings = in.table->settings;
  p->current_leader = in.placement ? in.placement->leader : "";
  // Replicas the placement puts on a tablet that was read but which hold nothing: missing.
  std::vector<CollectedReplica> synthesized;
  std::vector<std::string> not_collected;
  if (in.placement) {
    for (const PlacedReplica& placed : in.placement->replicas) {
      const bool have = std::any_of(in.replicas.begin(), in.replicas.end(),
                                    [&](const CollectedReplica* r) { return r->endpoint == placed.endpoint; });
      if (have) continue;
      if (collected_tablets.count(placed.endpoint)) {
        CollectedReplica missing;
        missing.endpoint = placed.endpoint;
        missing.health = Health::kMissing;
        missing.reason = "the tablet was read and holds no such replica (its folder is gone, or failed to open)";
        synthesized.push_back(std::move(missing));
      } else {
        not_collected.push_back(placed.endpoint);
      }
    }
  }
  std::vector<const CollectedReplica*> all = in.replicas;
  for (const CollectedReplica& m : synthesized) all.push_back(&m);
  uint32_t r_count = settings.replica_count;
  if (r_count == 0) r_count = uint32_t(std::max(all.size() + not_collected.size(), size_t(1)));
  p->replica_count = r_count;

  std::vector<const CollectedReplica*> healthy, damaged;
  for (const CollectedReplica* r : all) {
    if (r->health == Health::kOk) healthy.push_back(r);
    if (IsDamaged(r->health)) damaged.push_back(r);
  }
  auto by_preference = [&](const CollectedReplica* a, const CollectedReplica* b) {
    return Preferred(a, b, p->current_leader);
  };
  std::sort(healthy.begin(), healthy.end(), by_preference);
  std::sort(damaged.begin(), damaged.end(), by_preference);
  const CollectedReplica* leader = !healthy.empty() ? healthy.front() : !damaged.empty() ? damaged.front() : nullptr;

  const uint32_t needed = NeededForSafety(r_count, settings.acks_majority);
  std::vector<std::string> risks;
  if (leader == nullptr) {
    p->verdict = Verdict::kNoReplica;
    p->at_risk = OffsetRange{1, std::nullopt};
    risks.push_back(not_collected.empty() ? "no replica holds data"
                                          : "no collected replica holds data; the replicas on " + Joined(not_collected) +
                                                " were not read (start them, or give their `inspect tablet --json` reports)");
  } else {
    p->leader = leader->endpoint;
    p->leader_last = leader->last;
    // The leader of the partition's current term holds every write acknowledged
    // so far: it was chosen by invariant 6 and acknowledged nothing without itself.
    const bool leads_current_term = in.placement && leader->health == Health::kOk && leader->role == "leader" &&
                                    leader->endpoint == in.placement->leader && leader->last.term == in.placement->term;
    if (healthy.size() < needed && !leads_current_term) {
      p->at_risk = OffsetRange{leader->last.offset + 1, std::nullopt};
      risks.push_back("only " + std::to_string(healthy.size()) + " of " + std::to_string(r_count) +
                      " replicas are healthy and collected (" + std::to_string(needed) +
                      " needed to hold every acknowledged write): writes after offset " +
                      std::to_string(leader->last.offset) + " may be on the others");
    }
    if (IsDamaged(leader->health)) {
      const uint64_t safe = SafeOffset(*leader);
      if (safe < leader->last.offset) {
        if (!p->at_risk) p->at_risk = OffsetRange{safe + 1, leader->last.offset};
        p->at_risk->first = safe + 1;
      }
      risks.push_back("only damaged replicas are left; the leader " + leader->endpoint + " is " + HealthName(leader->health) +
                      " (" + leader->reason + "): records after offset " + std::to_string(safe) + " may be unreadable");
    } else {
      uint64_t damaged_end = 0;
      std::vector<std::string> ahead;
      for (const CollectedReplica* d : damaged) {
        if (d->last.offset > leader->last.offset) {
          damaged_end = std::max(damaged_end, d->last.offset);
          ahead.push_back(d->endpoint);
        }
      }
      if (!ahead.empty()) {
        if (!p->at_risk) p->at_risk = OffsetRange{leader->last.offset + 1, damaged_end};
        risks.push_back("offsets " + std::to_string(leader->last.offset + 1) + ".." + std::to_string(damaged_end) +
                        " are only on damaged replicas (" + Joined(ahead) + ")");
      }
    }
    if (p->at_risk) p->verdict = Verdict::kDataLoss;
  }
  p->risk = Joined(risks);

  if (leader != nullptr) {
    ReplicaDecision d{leader->endpoint, Fate::kLeader, leader->health, leader->source, leader->last, 0, 0, "",
                      FolderOf(*leader)};
    d.why = IsDamaged(leader->health) ? "the best of the damaged replicas: repaired before it leads"
            : leader->endpoint == p->current_leader ? "leads already; the greatest (last term, last offset)"
                                                    : "the greatest (last term, last offset) of the healthy replicas";
    if (leader->source == Source::kOffline) d.why += "; read offline: its folder is copied to a running tablet, or its tablet is started";
    p->replicas.push_back(std::move(d));
  }
  std::vector<ReplicaDecision> others;
  for (const CollectedReplica* r : all) {
    if (r != leader) others.push_back(FollowerFate(*r, leader ? leader->last : Position{}));
  }
  for (const std::string& ep : not_collected) {
    others.push_back({ep, Fate::kNotCollected, Health::kOk, Source::kOnline, {}, 0, 0,
                      "its tablet was not read: left as is, it catches up when its tablet is back"});
  }
  std::sort(others.begin(), others.end(),
            [](const ReplicaDecision& a, const ReplicaDecision& b) { return a.endpoint < b.endpoint; });
  for (ReplicaDecision& d : others) p->replicas.push_back(std::move(d));
  p->replicas_to_add = r_count > p->replicas.size() ? uint32_t(r_count - p->replicas.size()) : 0;
  if (p->verdict == Verdict::kNoReplica) {
    // Recreated empty: the placed replicas in their places, the rest wherever there is room.
    p->replicas_to_add = r_count > synthesized.size() ? uint32_t(r_count - synthesized.size()) : 0;
  }

  if (p->verdict == Verdict::kRecover && in.placement && leader->endpoint == p->current_leader &&
      p->replicas_to_add == 0) {
    const bool leader_alive = std::any_of(in.placement->replicas.begin(), in.placement->replicas.end(),
                                          [&](const PlacedReplica& r) { return r.endpoint == leader->endpoint && r.is_alive; });
    // Every replica on a running tablet, none to cut or rebuild: replication alone finishes the job.
    const bool nothing_to_do = std::all_of(p->replicas.begin(), p->replicas.end(), [](const ReplicaDecision& d) {
      const bool kept = d.fate == Fate::kLeader || d.fate == Fate::kInSync || (d.fate == Fate::kCatchUp && d.records_cut == 0);
      return kept && d.source == Source::kOnline;
    });
    if (leader_alive && nothing_to_do) p->verdict = Verdict::kHealthy;
  }
  p->refused = (p->verdict == Verdict::kDataLoss || p->verdict == Verdict::kNoReplica) && !accept_data_loss;
}

std::string Compact(const std::string& utc) {
  std::string out;
  for (char ch : utc) {
    if (ch != '-' && ch != ':') out += ch;
  }
  return out;
}

}  // namespace

const char* FateName(Fate f) {
  switch (f) {
    case Fate::kLeader: return "leader";
    case Fate::kInSync: return "in-sync";
    case Fate::kCatchUp: return "catch-up";
    case Fate::kRebuild: return "rebuild";
    case Fate::kNotCollected: return "not-collected";
  }
  return "unknown";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kHealthy: return "healthy";
    case Verdict::kRecover: return "recover";
    case Verdict::kDataLoss: return "data-loss";
    case Verdict::kNoReplica: return "no-replica";
  }
  return "unknown";
}

std::string Describe(const OffsetRange& r) {
  if (!r.last) return "offsets from " + std::to_string(r.first);
  return r.first == *r.last ? "offset " + std::to_string(r.first)
                            : "offsets " + std::to_string(r.first) + ".." + std::to_string(*r.last);
}

std::string CollectionFingerprint(const Collection& c) {
  std::vector<std::string> items;
  items.reserve(c.replicas.size() + c.tables.size() + c.placements.size());
  auto opt = [](const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
  for (const CollectedReplica& r : c.replicas) {
    items.push_back("r " + std::to_string(r.tid) + " " + std::to_string(r.pid) + " " + r.endpoint + " " +
                    std::to_string(r.last.term) + " " + std::to_string(r.last.offset) + " " + opt(r.applied_offset) + " " +
                    opt(r.snapshot_offset) + " " + HealthName(r.health));
  }
  for (const TableSettings& t : c.tables) {
    items.push_back("t " + t.name + " " + std::to_string(t.tid) + " " + std::to_string(t.partition_count) + " " +
                    std::to_string(t.replica_count) + (t.acks_majority ? " majority" : " leader"));
  }
  for (const Placement& p : c.placements) {
    std::string line = "p " + std::to_string(p.tid) + " " + std::to_string(p.pid) + " " + std::to_string(p.term) + " " + p.leader;
    for (const PlacedReplica& r : p.replicas) line += " " + r.endpoint + (r.is_alive ? "+" : "-");
    items.push_back(std::move(line));
  }
  std::sort(items.begin(), items.end());
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a 64
  for (const std::string& item : items) {
    for (unsigned char ch : item + "\n") {
      hash ^= ch;
      hash *= 0x100000001b3ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, hash);
  return hex;
}

Result<Plan> MakePlan(const Collection& c, const PlanOptions& options) {
  Plan plan;
  plan.nameservers = c.nameservers;
  plan.created = options.created;
  plan.collected = c.collected;
  plan.partial = c.partial;
  plan.unreachable = c.unreachable;
  plan.accept_data_loss = options.accept_data_loss;
  plan.notes = c.notes;
  plan.fingerprint = CollectionFingerprint(c);
  plan.id = "rd-" + Compact(options.created) + "-" + plan.fingerprint.substr(0, 8);

  std::map<uint32_t, Table> tables;  // by tid
  for (const TableSettings& t : c.tables) tables[t.tid].settings = t;
  auto table_of = [&](uint32_t tid, const std::string& name) -> Table& {
    Table& t = tables[tid];
    if (t.settings.name.empty()) {
      t.settings.name = name.empty() ? "tid " + std::to_string(tid) : name;
      t.settings.tid = tid;
      t.settings.source = "replicas";
    }
    return t;
  };
  for (const CollectedReplica& r : c.replicas) table_of(r.tid, r.table).pids.insert(r.pid);
  for (const Placement& p : c.placements) table_of(p.tid, p.table).pids.insert(p.pid);
  std::set<std::string> wanted(options.tables.begin(), options.tables.end());
  for (const std::string& name : wanted) {
    const bool known = std::any_of(tables.begin(), tables.end(), [&](const auto& t) { return t.second.settings.name == name; });
    if (!known) return Status::InvalidArgument("table '" + name + "' is in no collected replica nor the nameserver's metadata");
  }

  std::map<std::pair<uint32_t, uint32_t>, PartitionInput> inputs;
  for (auto& [tid, t] : tables) {
    if (!wanted.empty() && !wanted.count(t.settings.name)) continue;
    for (uint32_t pid = 0; pid < t.settings.partition_count; ++pid) t.pids.insert(pid);
    for (uint32_t pid : t.pids) inputs[{tid, pid}].table = &t;
  }
  for (const Placement& p : c.placements) {
    auto it = inputs.find({p.tid, p.pid});
    if (it != inputs.end()) it->second.placement = &p;
  }
  for (const CollectedReplica& r : c.replicas) {
    auto it = inputs.find({r.tid, r.pid});
    if (it == inputs.end()) continue;
    it->second.replicas.push_back(&r);
  }
  std::set<std::string> collected_tablets;
  for (const CollectedTablet& t : c.tablets) collected_tablets.insert(t.endpoint);

  plan.partitions.reserve(inputs.size());
  for (const auto& [key, in] : inputs) {
    PartitionPlan p;
    p.table = in.table->settings.name;
    p.tid = key.first;
    p.pid = key.second;
    PlanPartition(in, c, collected_tablets, options.accept_data_loss, &p);
    plan.partitions.push_back(std::move(p));
  }
  std::stable_sort(plan.partitions.begin(), plan.partitions.end(), [](const PartitionPlan& a, const PartitionPlan& b) {
    return std::tie(a.table, a.pid) < std::tie(b.table, b.pid);
  });
  for (const auto& [tid, t] : tables) {
    if (t.settings.source == "replicas" && (wanted.empty() || wanted.count(t.settings.name))) {
      plan.notes.push_back("table '" + t.settings.name + "': settings from its replicas (partition count " +
                           std::to_string(t.settings.partition_count) + " = the highest pid seen + 1; replica count " +
                           (t.settings.replica_count ? std::to_string(t.settings.replica_count) : std::string("unknown")) + ")");
    }
  }
  return plan;
}

std::vector<std::string> TablesOf(const Plan& p) {
  std::vector<std::string> tables;
  for (const PartitionPlan& partition : p.partitions) {
    if (tables.empty() || tables.back() != partition.table) tables.push_back(partition.table);
  }
  return tables;
}

PlanSummary Summarize(const Plan& plan) {
  PlanSummary s;
  std::set<uint32_t> tids;
  for (const PartitionPlan& p : plan.partitions) {
    tids.insert(p.tid);
    ++s.partitions;
    s.healthy += p.verdict == Verdict::kHealthy;
    s.recover += p.verdict == Verdict::kRecover;
    s.data_loss += p.verdict == Verdict::kDataLoss;
    s.no_replica += p.verdict == Verdict::kNoReplica;
    s.refused += p.refused;
    s.replicas_added += p.replicas_to_add;
    for (const ReplicaDecision& d : p.replicas) {
      s.replicas_collected += d.fate != Fate::kNotCollected;
      s.replicas_cut += d.records_cut > 0;
      s.replicas_rebuilt += d.fate == Fate::kRebuild;
    }
  }
  s.tables = tids.size();
  return s;
}

std::vector<std::string> ChangesBetween(const Plan& old_plan, const Plan& fresh) {
  using Key = std::tuple<std::string, uint32_t, std::string>;
  auto index = [](const Plan& p) {
    std::map<Key, const ReplicaDecision*> m;
    for (const PartitionPlan& pp : p.partitions) {
      for (const ReplicaDecision& d : pp.replicas) m[{pp.table, pp.pid, d.endpoint}] = &d;
    }
    return m;
  };
  const auto before = index(old_plan), after = index(fresh);
  auto name = [](const Key& k) {
    return std::get<0>(k) + " pid " + std::to_string(std::get<1>(k)) + " on " + std::get<2>(k);
  };
  auto state = [](const ReplicaDecision& d) {
    return d.fate == Fate::kNotCollected ? std::string("not collected")
                                         : Describe(d.last) + (d.health == Health::kOk ? "" : std::string(" ") + HealthName(d.health));
  };
  std::vector<std::string> changes;
  for (const auto& [key, d] : before) {
    auto it = after.find(key);
    if (it == after.end()) {
      changes.push_back(name(key) + ": gone");
    } else if (state(*d) != state(*it->second)) {
      changes.push_back(name(key) + ": " + state(*d) + " -> " + state(*it->second));
    }
  }
  for (const auto& [key, d] : after) {
    if (!before.count(key)) changes.push_back(name(key) + ": new, " + state(*d));
  }
  if (old_plan.nameservers != fresh.nameservers) {
    changes.insert(changes.begin(), "another cluster: nameservers " + Joined(old_plan.nameservers) + " -> " +
                                        Joined(fresh.nameservers));
  }
  return changes;
}

}  // namespace kv::recover
