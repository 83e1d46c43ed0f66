// A partition's roles: taking one, standing down, status, and what its
// replicators see of it.
#include "cluster/tablet/partition.h"

#include <algorithm>

#include "cluster/tablet/log.h"
#include "cluster/tablet/start_checks.h"

namespace kv::tablet {
namespace {

// What a replica whose writes stopped must be able to write before it is
// reopened (ProbeWrite): more than RocksDB writes while closing and opening a
// small replica (a memtable flush, a MANIFEST, an OPTIONS file).
constexpr uint64_t kReopenProbeBytes = 16ull << 20;

}  // namespace

Partition::Partition(PartitionKey key, std::unique_ptr<storage::Replica> replica, ReplicaSettings settings,
                     PartitionShared shared)
    : key_(key),
      shared_(shared),
      tail_(shared.options.tail_records, shared.options.tail_bytes),
      replica_(std::move(replica)),
      settings_(std::move(settings)) {
  if (replica_->descriptor().role == storage::Role::kFollower) acting_ = Acting::kFollower;
}

Partition::~Partition() { Close(); }

ReplicaSettings Partition::settings() const {
  std::lock_guard<std::mutex> l(mu_);
  return settings_;
}

void Partition::Close() {
  StandDown();  // wakes the writes waiting for acks, which hold open_mu_
  std::unique_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return;
  closed_ = true;
  StandDown();  // a role taken meanwhile
  replica_.reset();
}

void Partition::StandDown() {
  std::vector<std::unique_ptr<Replicator>> stopping;
  {
    std::lock_guard<std::mutex> l(mu_);
    acting_ = Acting::kNothing;
    EndGenerationLocked();
    stopping = TakeReplicatorsLocked();
  }
  SettleAcks();      // the writes waiting for acks are answered: not acknowledged
  stopping.clear();  // each stops and joins its thread
}

void Partition::EndGenerationLocked() { ++generation_; }

std::vector<std::unique_ptr<Replicator>> Partition::TakeReplicatorsLocked() {
  std::vector<std::unique_ptr<Replicator>> taken;
  taken.swap(replicators_);
  return taken;
}

Error Partition::TakeRole(const v1::ReplicaSpec& spec, storage::LogPosition* last) {
  auto wanted = SettingsFromSpec(spec);
  if (!wanted.ok()) return FromStatus(wanted.status());
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return NotHosted(key_.ToString());
  const ReplicaSettings have = settings();
  if (!SameStorage(have, *wanted)) {
    return MakeError(v1::FAILED_PRECONDITION, "partition " + key_.ToString() + " holds " + have.Describe() +
                                                  "; the spec asks for " + wanted->Describe());
  }
  std::lock_guard<std::mutex> role(role_mu_);
  Error e = spec.role() == v1::LEADER ? Lead(spec, *wanted) : Follow(spec.term());
  if (IsOk(e)) *last = replica_->LastLogged();
  return e;
}

Error Partition::Lead(const v1::ReplicaSpec& spec, const ReplicaSettings& wanted) {
  const uint64_t term = spec.term();
  const storage::Descriptor desc = replica_->descriptor();
  bool already = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    const uint64_t newest = NewestTermLocked();
    if (term < newest) return StaleTerm(term, newest, key_.ToString());
    already = acting_ == Acting::kLeader && leader_term_ == term;
  }
  if (term == desc.term && desc.role == storage::Role::kFollower && replica_->LastLogged().term >= term) {
    return MakeError(v1::FAILED_PRECONDITION,
                     "partition " + key_.ToString() + " follows at term " + std::to_string(term) +
                         " and holds records of it from another leader; a new leader needs a new term");
  }
  if (Status stopped = replica_->WritesStopped(); !stopped.ok()) {
    return MakeError(v1::FAILED_PRECONDITION, "partition " + key_.ToString() + " cannot lead: it cannot write (" +
                                                  stopped.message() + "); choose another replica");
  }
  if (!already) StandDown();
  Status s;
  std::vector<wal::Record> noop;
  {
    std::unique_lock<std::shared_mutex> changing(term_mu_);
    s = replica_->SetRole(storage::Role::kLeader, term);  // invariant 3: persisted before acting
    if (!s.ok()) return FromStatus(s);
    if (!already) {
      // The term starts with a noop, so every term is visible in the WAL.
      tail_.Reset(replica_->LastLogged().offset + 1);
      noop.push_back(
          wal::Record::Noop(term, "term " + std::to_string(term) + ": " + shared_.options.endpoint + " leads"));
      s = replica_->Write(term, &noop);
      if (!s.ok()) {
        return MakeError(v1::INTERNAL, "partition " + key_.ToString() + ": cannot write the noop that starts term " +
                                           std::to_string(term) + ": " + s.message());
      }
    }
  }
  if (!noop.empty()) Appended(noop);
  if (wanted != settings()) {
    s = WriteSettings(replica_->paths().dir, wanted);
    if (!s.ok()) return FromStatus(s);
  }
  std::vector<std::string> followers;
  for (const std::string& f : spec.followers()) {
    if (f != shared_.options.endpoint && std::find(followers.begin(), followers.end(), f) == followers.end()) {
      followers.push_back(f);
    }
  }
  std::vector<std::unique_ptr<Replicator>> replaced;  // declared before the lock: stopped after it is released
  {
    std::lock_guard<std::mutex> l(mu_);
    settings_ = wanted;
    EndGenerationLocked();
    replaced = TakeReplicatorsLocked();
    acting_ = Acting::kLeader;
    leader_term_ = term;
    leader_hint_ = shared_.options.endpoint;
    std::map<std::string, FollowerState> kept;  // what is known of followers still listed, this term
    for (const std::string& f : followers) {
      if (already && progress_.count(f)) kept[f] = progress_[f];
    }
    progress_ = std::move(kept);
    followers_ = followers;
    if (!already) lead_since_ = std::chrono::steady_clock::now();
    const uint64_t next = replica_->Applied().offset + 1;
    for (const std::string& f : followers_) {
      replicators_.push_back(std::make_unique<Replicator>(
          ReplicatorTarget{key_, term, generation_, shared_.options.endpoint, f, next}, *this, shared_.streams.To(f),
          shared_.options.replication));
    }
    Log().info("partition {}: leads at term {} with {} follower(s), last {}", key_.ToString(), term,
               followers_.size(), replica_->LastLogged().ToString());
  }
  SettleAcks();  // the same term with other followers: the majority may be another
  return OkError();
}

Error Partition::Follow(uint64_t term) {
  {
    std::lock_guard<std::mutex> l(mu_);
    const uint64_t newest = NewestTermLocked();
    if (term < newest) return StaleTerm(term, newest, key_.ToString());
  }
  const uint64_t old_term = replica_->descriptor().term;
  StandDown();
  Status s;
  {
    std::unique_lock<std::shared_mutex> changing(term_mu_);
    s = replica_->SetRole(storage::Role::kFollower, term);
  }
  if (!s.ok()) return FromStatus(s);
  std::lock_guard<std::mutex> l(mu_);
  acting_ = Acting::kFollower;
  if (term > old_term) leader_hint_.clear();
  Log().info("partition {}: follows at term {}", key_.ToString(), term);
  return OkError();
}

uint64_t Partition::NewestTermLocked() const { return std::max(replica_->descriptor().term, observed_term_); }

Error Partition::FillStatus(bool with_checksum, bool fresh_count, v1::ReplicaStatus* status) {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return NotHosted(key_.ToString());
  SetPartitionId(key_, status->mutable_partition());
  const Status stopped = replica_->WritesStopped();
  status->set_state(stopped.ok() ? v1::TABLE_NORMAL : v1::TABLE_WRITE_STOPPED);
  if (!stopped.ok()) status->set_state_reason(stopped.message());
  const storage::Descriptor desc = replica_->descriptor();
  status->set_table_name(desc.table);
  status->set_term(desc.term);
  {
    const ReplicaSettings kept = settings();
    v1::ReplicaTableSettings* out = status->mutable_settings();
    out->set_acks(kept.acks);
    out->set_wal_level(kept.wal_level);
    out->set_wal_fsync_period_ms(kept.wal_fsync_period_ms);
    out->set_replica_count(kept.replica_count);
    out->set_partition_count(kept.partition_count);
  }
  const storage::LogPosition last = replica_->LastLogged();
  status->set_last_offset(last.offset);
  status->set_last_term(last.term);
  status->set_applied_offset(replica_->Applied().offset);
  if (with_checksum) {
    auto content = replica_->Checksum();
    if (!content.ok()) return FromStatus(content.status());
    status->set_content_checksum(content->content.sum);
    status->set_record_count(content->content.record_count);
    counts_.Offer(content->applied.offset, content->content.record_count);
  } else if (fresh_count && stopped.ok()) {  // a closed replica cannot count: its last count is shown
    const uint64_t applied = replica_->Applied().offset;
    auto count = replica_->Count();
    if (!count.ok()) return FromStatus(count.status());
    status->set_record_count(*count);
    counts_.Offer(applied, *count);
  } else {
    status->set_record_count(counts_.Get());
  }
  std::lock_guard<std::mutex> l(mu_);
  switch (acting_) {
    case Acting::kLeader: status->set_role(v1::LEADER); break;
    case Acting::kFollower: status->set_role(v1::FOLLOWER); break;
    case Acting::kNothing: status->set_role(v1::ROLE_UNKNOWN); break;
  }
  status->set_lease_valid(acting_ == Acting::kLeader && shared_.leases.Valid(key_, leader_term_));
  if (acting_ != Acting::kLeader) return OkError();
  for (const std::string& f : followers_) {
    v1::FollowerProgress* p = status->add_followers();
    p->set_endpoint(f);
    auto it = progress_.find(f);
    if (it == progress_.end()) continue;
    p->set_match_offset(it->second.match_offset);
    p->set_connected(it->second.connected);
    p->set_needs_snapshot(it->second.needs_snapshot);
  }
  return OkError();
}

Status Partition::WritesStopped() const {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return Status::NotFound("partition " + key_.ToString() + " is closed");
  return replica_->WritesStopped();
}

void Partition::ReopenIfStopped() {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (closed_) return;
  Status stopped = replica_->WritesStopped();
  if (stopped.ok()) return;
  std::lock_guard<std::mutex> role(role_mu_);  // no role change or follower append meanwhile
  bool leading = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (acting_ == Acting::kLeader && shared_.leases.Valid(key_, leader_term_)) return;
    leading = acting_ == Acting::kLeader;
  }
  // Only once a write of a good size succeeds there: reopening closes and
  // opens RocksDB, which must not meet the failure that stopped the writer.
  Status reopened = ProbeWrite(replica_->paths().dir, kReopenProbeBytes);
  if (reopened.ok() && leading) {
    Log().warn("partition {}: cannot write and its lease lapsed: stands down to reopen", key_.ToString());
    StandDown();
  }
  if (reopened.ok()) reopened = replica_->Reopen();
  if (reopened.ok()) {
    Log().info("partition {}: writes again after a reopen (they had stopped: {})", key_.ToString(), stopped.message());
    reopen_problem_.clear();
  } else if (reopened.message() != reopen_problem_) {
    reopen_problem_ = reopened.message();
    Log().error("partition {}: reopen failed, tried again periodically: {}", key_.ToString(), reopen_problem_);
  }
}

void Partition::RefreshRecordCount() {
  std::shared_lock<std::shared_mutex> open(open_mu_);
  if (!closed_) counts_.Refresh(*replica_);
}

bool Partition::Running(uint64_t generation) const {
  std::lock_guard<std::mutex> l(mu_);
  return generation == generation_ && acting_ == Acting::kLeader;
}

void Partition::OnFollowerState(uint64_t generation, const std::string& follower, const FollowerState& state) {
  std::vector<SettledAck> settled;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (generation != generation_) return;
    progress_[follower] = state;
    settled = TakeSettledLocked(nullptr);
  }
  for (SettledAck& a : settled) FinishAcks(std::move(a));  // on the replication stream's thread
}

void Partition::OnNewerTerm(uint64_t generation, uint64_t term) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (generation != generation_) return;
    observed_term_ = std::max(observed_term_, term);
    acting_ = Acting::kNothing;
    leader_hint_.clear();
    EndGenerationLocked();  // the replicators, this one's included, end by themselves
  }
  SettleAcks();
}

void Partition::Appended(const std::vector<wal::Record>& records) {
  tail_.Add(records);
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& r : replicators_) r->Wake();
}

}  // namespace kv::tablet
