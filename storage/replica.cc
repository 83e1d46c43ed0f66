// Opening and closing a replica, its positions and its descriptor.
#include "storage/replica.h"

#include <rocksdb/db.h>

#include "storage/db.h"
#include "storage/keys.h"
#include "storage/log.h"
#include "storage/replay.h"
#include "common/file.h"

namespace kv::storage {
namespace {

// An existing replica.json must describe the partition the caller means.
Status CheckIdentity(const Descriptor& d, const ReplicaOptions& o, const std::string& path) {
  if (d.tid != o.tid || d.pid != o.pid || d.table != o.table) {
    return Status::FailedPrecondition(path + " describes table " + d.table + " (" + std::to_string(d.tid) + "_" +
                                      std::to_string(d.pid) + "), not " + o.table + " (" + std::to_string(o.tid) +
                                      "_" + std::to_string(o.pid) + ")");
  }
  return Status::OK();
}

}  // namespace

const char* VerdictName(PrevCheck::Verdict v) {
  switch (v) {
    case PrevCheck::Verdict::kMatch: return "match";
    case PrevCheck::Verdict::kBehind: return "behind";
    case PrevCheck::Verdict::kDiverged: return "diverged";
  }
  return "unknown";
}

Replica::Replica(ReplicaPaths paths, ReplicaOptions options, StorageEnv& env, Descriptor desc)
    : paths_(std::move(paths)), options_(std::move(options)), env_(env), desc_(std::move(desc)) {}

Replica::~Replica() { CloseFiles(); }

Result<std::unique_ptr<Replica>> Replica::Open(const ReplicaPaths& paths, const ReplicaOptions& options,
                                               StorageEnv& env) {
  if (options.table.empty()) return Status::InvalidArgument("a replica needs its table's name");
  if (options.quarantine_root.empty()) {
    return Status::InvalidArgument("a replica needs a quarantine root (DATA_DIR/quarantine)");
  }
  KV_RETURN_IF_ERROR(CreateDirsDurably(paths.dir));
  auto existing = ReadDescriptor(paths.descriptor);
  Descriptor desc;
  if (existing.ok()) {
    KV_RETURN_IF_ERROR(CheckIdentity(*existing, options, paths.descriptor));
    desc = *existing;
  } else if (existing.status().IsNotFound()) {
    desc = Descriptor{options.table, options.tid, options.pid, Role::kFollower, 0};
    KV_RETURN_IF_ERROR(WriteDescriptor(paths.descriptor, desc));
  } else {
    return existing.status();
  }
  std::unique_ptr<Replica> r(new Replica(paths, options, env, desc));
  std::unique_lock<std::shared_mutex> l(r->life_mu_);
  KV_RETURN_IF_ERROR(r->OpenFiles());
  return r;
}

Status Replica::OpenFiles() {
  KV_ASSIGN_OR_RETURN(db_, OpenDb(paths_.db, env_));
  KV_ASSIGN_OR_RETURN(const LogPosition applied, ReadAppliedOf(db_.get(), options_.tid, options_.pid, paths_.db));
  if (!wal_) {
    wal::WriterOptions wo;
    wo.tid = options_.tid;
    wo.pid = options_.pid;
    wo.wal_level = options_.wal_level;
    wo.fsync_period_ms = options_.fsync_period_ms;
    wo.segment_bytes = options_.segment_bytes;
    wo.first_offset = applied.offset + 1;  // used only by a log with no segment: it continues the DB
    wo.torn_tail_quarantine_root = options_.quarantine_root;
    wo.opened_by = options_.opened_by.empty() ? "open replica " + paths_.dir : options_.opened_by;
    wo.files = env_.options().wal_files;
    KV_ASSIGN_OR_RETURN(wal_, wal::Writer::Open(paths_.wal, wo));
    if (!wal_->torn_tail_quarantine().empty()) {
      Log().warn("{}: cut a torn WAL tail into {}", paths_.dir, wal_->torn_tail_quarantine());
    }
  }
  ReplayOptions ro;
  ro.progress_every = options_.replay_progress_every;
  KV_ASSIGN_OR_RETURN(const ReplayStats replayed,
                      ReplayWal(paths_.wal, db_.get(), {options_.tid, options_.pid, applied}, ro));
  if (replayed.records > 0) {
    Log().info("{}: replayed {} WAL records, applied {}", paths_.dir, replayed.records, replayed.last.ToString());
  }
  std::lock_guard<std::mutex> a(apply_mu_);
  applied_ = replayed.last;
  broken_ = Status::OK();
  return Status::OK();
}

void Replica::CloseDb() {
  if (!db_) return;
  // The DB has no WAL, so closing flushes its memtable (unless told not to:
  // StorageEnvOptions::flush_on_close); were that to fail, the WAL still holds
  // everything and the next open replays it.
  rocksdb::Status s = db_->Close();
  if (!s.ok()) Log().warn("{}: closing the DB: {}", paths_.dir, s.ToString());
  db_.reset();
}

void Replica::CloseFiles() {
  wal_.reset();
  CloseDb();
}

Status Replica::ReopenAfter(const Status& step) {
  Status reopened = db_ && wal_ ? Status::OK() : OpenFiles();
  if (!reopened.ok()) {
    std::lock_guard<std::mutex> a(apply_mu_);
    broken_ = reopened.WithContext("the replica could not be reopened; writes are refused until it is repaired");
    apply_cv_.notify_all();
  }
  return step.ok() ? reopened : step;
}

Status Replica::Usable() const {
  if (!db_ || !wal_) {
    return Status::FailedPrecondition(paths_.dir + " is closed after a failed maintenance step; repair it and reopen");
  }
  std::lock_guard<std::mutex> a(apply_mu_);
  return broken_;
}

Status Replica::WritesStopped() const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  {
    std::lock_guard<std::mutex> a(apply_mu_);
    if (!broken_.ok()) return broken_;
  }
  KV_RETURN_IF_ERROR(Usable());
  return wal_->failure();
}

Status Replica::Reopen() {
  std::unique_lock<std::shared_mutex> l(life_mu_);
  CloseFiles();
  const Status reopened = ReopenAfter(Status::OK());
  if (reopened.ok()) Log().info("{}: reopened; applied {}", paths_.dir, Applied().ToString());
  return reopened;
}

LogPosition Replica::LastLoggedLocked() const {
  if (wal_ && wal_->last_offset() > 0) return {wal_->last_term(), wal_->last_offset()};
  return Applied();
}

LogPosition Replica::LastLogged() const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  return LastLoggedLocked();
}

LogPosition Replica::Applied() const {
  std::lock_guard<std::mutex> a(apply_mu_);
  return applied_;
}

Descriptor Replica::descriptor() const {
  std::lock_guard<std::mutex> d(desc_mu_);
  return desc_;
}

Status Replica::UpdateDescriptor(const std::function<Status(Descriptor*)>& change) {
  std::lock_guard<std::mutex> d(desc_mu_);
  Descriptor next = desc_;
  KV_RETURN_IF_ERROR(change(&next));
  if (next.role == desc_.role && next.term == desc_.term) return Status::OK();  // already on disk
  KV_RETURN_IF_ERROR(WriteDescriptor(paths_.descriptor, next));
  desc_ = next;
  return Status::OK();
}

static Status RefuseOlderTerm(const Descriptor& d, uint64_t term) {
  if (term >= d.term) return Status::OK();
  return Status::FailedPrecondition("term " + std::to_string(term) + " is older than term " +
                                    std::to_string(d.term) + ", the newest this replica has seen");
}

Status Replica::SetRole(Role role, uint64_t term) {
  return UpdateDescriptor([&](Descriptor* d) {
    KV_RETURN_IF_ERROR(RefuseOlderTerm(*d, term));
    d->role = role;
    d->term = term;
    return Status::OK();
  });
}

Status Replica::SetTerm(uint64_t term) {
  return UpdateDescriptor([&](Descriptor* d) {
    KV_RETURN_IF_ERROR(RefuseOlderTerm(*d, term));
    d->term = term;
    return Status::OK();
  });
}

RebuildOptions Replica::MaintenanceOptions(const std::string& command) const {
  RebuildOptions o;
  o.quarantine_root = options_.quarantine_root;
  o.command = command + " " + paths_.dir;
  o.progress_every = options_.replay_progress_every;
  return o;
}

}  // namespace kv::storage
