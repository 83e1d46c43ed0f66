#include "cluster/tablet/tablet.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "storage/layout.h"
#include "cluster/tablet/folder_quarantine.h"
#include "cluster/tablet/log.h"
#include "cluster/tablet/start_checks.h"
#include "common/file.h"

namespace kv::tablet {

Tablet::Tablet(DataDir data_dir, TabletOptions options, const Clock& clock)
    : data_dir_(std::move(data_dir)), options_(std::move(options)), env_(options_.storage), leases_(clock) {}

Tablet::~Tablet() { CloseAll(); }

Result<std::unique_ptr<Tablet>> Tablet::Open(DataDir data_dir, TabletOptions options, const Clock& clock) {
  std::unique_ptr<Tablet> t(new Tablet(std::move(data_dir), std::move(options), clock));
  const std::string partitions = t->data_dir_.partitions_dir();
  KV_RETURN_IF_ERROR(CreateDirs(partitions));
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(partitions));
  KV_RETURN_IF_ERROR(t->CheckResources(names));
  for (const std::string& name : names) {
    const auto ids = storage::ParseReplicaDirName(name);
    if (!ids) {
      Log().warn("{}/{} is not a replica folder (<tid>_<pid>); left alone", partitions, name);
      continue;
    }
    const PartitionKey key{ids->first, ids->second};
    auto p = t->OpenExisting(key);
    if (p.ok()) {
      t->partitions_[key] = *p;
    } else {
      Log().error("partition {}: not served: {}", key.ToString(), p.status().message());
      t->NoteUnopenedLocked(key, LookAtUnopened(t->ReplicaDir(key), p.status().message()));
    }
  }
  Log().info("{} replica(s) open in {}", t->partitions_.size(), partitions);
  RemoveStagingLeftovers(t->data_dir_.staging_dir());
  Tablet* self = t.get();
  t->counting_ = std::make_unique<Periodic>(std::chrono::seconds(1), [self] {
    for (const auto& p : self->Hosted()) p->RefreshRecordCount();
  });
  t->retention_ = std::make_unique<Periodic>(t->options_.partition.retention.interval, [self] {
    for (const auto& p : self->Hosted()) p->RunRetention();
  });
  // Writes past their deadline without a majority are answered within this
  // much of it; nothing else waits on a timer.
  t->reopening_ = std::make_unique<Periodic>(kReopenInterval, [self] {
    for (const auto& p : self->Hosted()) p->ReopenIfStopped();
  });
  t->ack_expiry_ = std::make_unique<Periodic>(std::chrono::milliseconds(10), [self] {
    const auto now = std::chrono::steady_clock::now();
    for (const auto& p : self->Hosted()) p->ExpireAcks(now);
  });
  return t;
}

Status Tablet::CheckResources(const std::vector<std::string>& folder_names) const {
  const auto replicas = std::count_if(folder_names.begin(), folder_names.end(), [](const std::string& name) {
    return storage::ParseReplicaDirName(name).has_value();
  });
  KV_ASSIGN_OR_RETURN(const OpenFilesCheck files, EnsureOpenFiles(static_cast<uint64_t>(replicas)));
  if (files.raised) Log().info("open files: soft limit raised from {} to {}", files.was, files.limit);
  Log().info("open files: limit {}, about {} needed for {} replica(s)", files.limit, files.needed, files.replicas);
  // Only a warning: a tablet on a full disk still serves its replicas' reads.
  auto free = FreeBytes(data_dir_.dir());
  const uint64_t wanted = 2 * options_.wal_segment_bytes;
  if (free.ok() && *free < wanted) {
    Log().warn("{} has {} bytes free, less than two WAL segments ({} bytes): writes may fail with "
               "\"No space left on device\" and stop a replica's WAL writer",
               data_dir_.dir(), *free, wanted);
  }
  return Status::OK();
}

std::string Tablet::ReplicaDir(PartitionKey key) const {
  return storage::ReplicaDir(data_dir_.dir(), key.tid, key.pid);
}

Result<std::shared_ptr<Partition>> Tablet::OpenExisting(PartitionKey key) {
  const std::string dir = ReplicaDir(key);
  auto settings = ReadSettings(dir);
  if (settings.ok()) return OpenPartition(key, *settings);
  if (!settings.status().IsNotFound()) return settings.status();
  // A folder from before settings.json (or restored by hand): its table from
  // replica.json, the default WAL level.
  KV_ASSIGN_OR_RETURN(storage::Descriptor desc, storage::ReadDescriptor(storage::ReplicaPaths(dir).descriptor));
  ReplicaSettings fallback;
  fallback.table = desc.table;
  fallback.tid = key.tid;
  fallback.pid = key.pid;
  Log().warn("partition {}: {} is missing; opening with {}", key.ToString(), SettingsPath(dir), fallback.Describe());
  return OpenPartition(key, fallback);
}

Result<std::shared_ptr<Partition>> Tablet::OpenPartition(PartitionKey key, const ReplicaSettings& settings) {
  storage::ReplicaOptions ro;
  ro.table = settings.table;
  ro.tid = key.tid;
  ro.pid = key.pid;
  ro.wal_level = static_cast<int>(settings.wal_level);
  ro.fsync_period_ms = settings.wal_fsync_period_ms;
  ro.quarantine_root = data_dir_.quarantine_dir();
  ro.segment_bytes = options_.wal_segment_bytes;
  KV_ASSIGN_OR_RETURN(std::unique_ptr<storage::Replica> replica, storage::Replica::Open(ReplicaDir(key), ro, env_));
  return std::make_shared<Partition>(key, std::move(replica), settings,
                                     PartitionShared{options_.partition, leases_, streams_});
}

std::shared_ptr<Partition> Tablet::Find(PartitionKey key, Error* why) const {
  std::lock_guard<std::mutex> l(map_mu_);
  auto it = partitions_.find(key);
  if (it != partitions_.end()) return it->second;
  if (loading_.count(key)) {
    *why = MakeError(v1::UNAVAILABLE, "partition " + key.ToString() + " is being loaded (LoadReplica); not served yet");
    return nullptr;
  }
  auto broken = unopened_.find(key);
  if (broken != unopened_.end()) {
    *why = MakeError(v1::FAILED_PRECONDITION, "partition " + key.ToString() + " is on this tablet but not served: " +
                                                  broken->second.why + " (repair it and load it again, or drop it)");
  } else {
    *why = NotHosted(key.ToString());
  }
  return nullptr;
}

namespace {

// Blocks a caller until an asynchronous call's done() ran.
class Latch {
 public:
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();  // under the lock: the waiter cannot return (and destroy this) before it
  }
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace

void Tablet::Write(const v1::WriteRequest& req, Partition::Deadline deadline, v1::WriteResponse* resp) {
  Latch done;
  WriteGroups({&req}, deadline, {resp}, [&] { done.Open(); });
  done.Wait();
}

void Tablet::WriteMulti(const v1::WriteMultiRequest& req, Partition::Deadline deadline,
                        v1::WriteMultiResponse* resp) {
  Latch done;
  WriteMultiThen(req, deadline, resp, [&] { done.Open(); });
  done.Wait();
}

void Tablet::WriteMultiThen(const v1::WriteMultiRequest& req, Partition::Deadline deadline,
                            v1::WriteMultiResponse* resp, std::function<void()> done) {
  std::vector<const v1::WriteRequest*> requests;
  std::vector<v1::WriteResponse*> responses;
  for (const v1::WriteRequest& w : req.writes()) {
    requests.push_back(&w);
    responses.push_back(resp->add_results());
  }
  WriteGroups(requests, deadline, responses, std::move(done));
}

void Tablet::WriteGroups(const std::vector<const v1::WriteRequest*>& requests, Partition::Deadline deadline,
                         const std::vector<v1::WriteResponse*>& responses, std::function<void()> done) {
  // The groups live until the last partition's acks are in.
  struct Pending {
    std::map<PartitionKey, Partition::WriteGroup> groups;  // by partition, in the request's order within each
    std::atomic<size_t> left{1};                            // the partitions still waiting, + this call
    std::function<void()> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  for (size_t i = 0; i < requests.size(); ++i) {
    Partition::WriteGroup& g = pending->groups[KeyOf(requests[i]->partition())];
    g.requests.push_back(requests[i]);
    g.responses.push_back(responses[i]);
  }
  std::vector<std::pair<std::shared_ptr<Partition>, Partition::WriteGroup*>> appended;
  for (auto& [key, group] : pending->groups) {
    Error e;
    auto p = Find(key, &e);
    if (!p) {
      for (v1::WriteResponse* r : group.responses) *r->mutable_error() = e;
      continue;
    }
    p->AppendWrites(&group);
    appended.emplace_back(std::move(p), &group);
  }
  pending->left += appended.size();
  const auto arrive = [pending] {
    if (pending->left.fetch_sub(1) == 1) pending->done();
  };
  for (auto& [p, group] : appended) p->AckWritesThen(group, deadline, arrive);
  arrive();
}

void Tablet::Get(const v1::GetRequest& req, v1::GetResponse* resp) {
  Error e;
  if (auto p = Find(KeyOf(req.partition()), &e)) e = p->Get(req.key(), resp);
  *resp->mutable_error() = std::move(e);
}

void Tablet::Scan(const v1::ScanRequest& req, v1::ScanResponse* resp) {
  Error e;
  if (auto p = Find(KeyOf(req.partition()), &e)) e = p->Scan(req, resp);
  *resp->mutable_error() = std::move(e);
}

void Tablet::Count(const v1::CountRequest& req, v1::CountResponse* resp) {
  Error e;
  if (auto p = Find(KeyOf(req.partition()), &e)) e = p->Count(resp);
  *resp->mutable_error() = std::move(e);
}

void Tablet::Append(const v1::AppendRequest& req, v1::AppendResponse* resp) {
  received_.calls.fetch_add(1, std::memory_order_relaxed);
  AppendOne(req, resp);
}

void Tablet::AppendOne(const v1::AppendRequest& req, v1::AppendResponse* resp) {
  received_.appends.fetch_add(1, std::memory_order_relaxed);
  received_.records.fetch_add(req.records_size(), std::memory_order_relaxed);
  Error e;
  if (auto p = Find(KeyOf(req.partition()), &e)) return p->Append(req, resp);
  *resp->mutable_error() = std::move(e);
}

void Tablet::InstallSnapshot(const v1::SnapshotHeader& header, const SnapshotChunkSource& next,
                             v1::InstallSnapshotResponse* resp) {
  Error e;
  if (auto p = Find(KeyOf(header.partition()), &e)) return p->InstallSnapshot(header, next, data_dir_.staging_dir(), resp);
  *resp->mutable_error() = std::move(e);
}

void Tablet::AppendMulti(const v1::AppendMultiRequest& req, v1::AppendMultiResponse* resp) {
  received_.calls.fetch_add(1, std::memory_order_relaxed);
  for (const v1::AppendRequest& a : req.appends()) AppendOne(a, resp->add_results());
}

Tablet::ReplicationReceived Tablet::replication_received() const {
  return {received_.calls.load(std::memory_order_relaxed), received_.appends.load(std::memory_order_relaxed),
          received_.records.load(std::memory_order_relaxed)};
}

void Tablet::ChangeRole(const v1::ChangeRoleRequest& req, v1::ChangeRoleResponse* resp) {
  Error e;
  storage::LogPosition last;
  if (auto p = Find(KeyOf(req.spec().partition()), &e)) {
    e = p->TakeRole(req.spec(), &last);
    // The nameserver chooses a leader only among replicas that can write.
    if (Status stopped = p->WritesStopped(); IsOk(e) && !stopped.ok()) {
      resp->set_state(v1::TABLE_WRITE_STOPPED);
      resp->set_state_reason(stopped.message());
    } else {
      resp->set_state(v1::TABLE_NORMAL);
    }
  }
  resp->set_last_offset(last.offset);
  resp->set_last_term(last.term);
  *resp->mutable_error() = std::move(e);
}

void Tablet::CreateReplica(const v1::CreateReplicaRequest& req, v1::CreateReplicaResponse* resp) {
  *resp->mutable_error() = Create(req.spec());
}

Error Tablet::Create(const v1::ReplicaSpec& spec) {
  auto wanted = SettingsFromSpec(spec);
  if (!wanted.ok()) return FromStatus(wanted.status());
  const PartitionKey key = KeyOf(spec.partition());
  const std::string where = "partition " + key.ToString();
  std::lock_guard<std::mutex> control(control_mu_);
  Error e;
  std::shared_ptr<Partition> p = Find(key, &e);
  if (p && !SameStorage(p->settings(), *wanted)) {
    return MakeError(v1::ALREADY_EXISTS, where + " already exists here with " + p->settings().Describe() +
                                             "; the spec asks for " + wanted->Describe());
  }
  if (!p && e.code() != v1::NOT_FOUND) return e;
  if (!p) {
    const std::string dir = ReplicaDir(key);
    Status s = CreateDirsDurably(dir);
    if (s.ok()) s = WriteSettings(dir, *wanted);
    auto opened = s.ok() ? OpenPartition(key, *wanted) : Result<std::shared_ptr<Partition>>(s);
    if (!opened.ok()) {
      return MakeError(v1::INTERNAL,
                       where + ": cannot create the replica in " + dir + ": " + opened.status().message());
    }
    p = *opened;
    std::lock_guard<std::mutex> l(map_mu_);
    partitions_[key] = p;
    Log().info("{}: created ({})", where, wanted->Describe());
  }
  storage::LogPosition last;
  return p->TakeRole(spec, &last);
}

void Tablet::DropReplica(const v1::DropReplicaRequest& req, v1::DropReplicaResponse* resp) {
  *resp->mutable_error() = Drop(KeyOf(req.partition()), req.keep_data());
}

Error Tablet::Drop(PartitionKey key, bool keep_data) {
  std::lock_guard<std::mutex> control(control_mu_);
  std::shared_ptr<Partition> p;
  {
    std::lock_guard<std::mutex> l(map_mu_);
    auto it = partitions_.find(key);
    if (it != partitions_.end()) {
      p = it->second;
      partitions_.erase(it);
    } else if (!unopened_.erase(key)) {
      return NotHosted(key.ToString());
    }
  }
  if (p) p->Close();  // calls in flight finish first; the replica's files are closed
  const std::string dir = ReplicaDir(key);
  Status s;
  std::string where = "deleted";
  if (keep_data) {
    auto moved = MoveFolderIntoQuarantine(data_dir_.quarantine_dir(), dir, "dropped-replica-" + key.ToString(),
                                          "tablet " + endpoint() + " DropReplica " + key.ToString());
    s = moved.status();
    if (moved.ok()) where = "moved to " + *moved;
  } else {
    s = RemoveTree(dir).status();
  }
  if (!s.ok()) {
    UnopenedFolder left = LookAtUnopened(dir, "dropping it failed halfway: " + s.message());
    std::lock_guard<std::mutex> l(map_mu_);
    NoteUnopenedLocked(key, std::move(left));
    return MakeError(v1::INTERNAL, "partition " + key.ToString() + ": closed, but " + s.message());
  }
  Log().info("partition {}: dropped, its folder {}", key.ToString(), where);
  return OkError();
}

void Tablet::GetStatus(const v1::GetStatusRequest& req, v1::GetStatusResponse* resp) {
  std::vector<std::shared_ptr<Partition>> chosen;
  if (req.partitions().empty()) chosen = Hosted();
  Error e;
  for (const v1::PartitionId& id : req.partitions()) {
    auto p = Find(KeyOf(id), &e);
    if (!p) {
      v1::ReplicaStatus unserved;
      if (UnservedStatus(KeyOf(id), &unserved)) {
        *resp->add_replicas() = std::move(unserved);
        continue;
      }
      *resp->mutable_error() = std::move(e);
      return;
    }
    chosen.push_back(std::move(p));
  }
  for (const auto& p : chosen) {
    v1::ReplicaStatus status;
    e = p->FillStatus(req.with_checksum(), /*fresh_count=*/true, &status);
    if (IsOk(e)) {
      *resp->add_replicas() = std::move(status);
    } else if (e.code() != v1::NOT_FOUND || !req.partitions().empty()) {  // unlisted: dropped meanwhile
      *resp->mutable_error() = std::move(e);
      return;
    }
  }
  if (!req.partitions().empty()) return;
  for (v1::ReplicaStatus& status : UnservedStatuses()) *resp->add_replicas() = std::move(status);
}

std::vector<std::shared_ptr<Partition>> Tablet::Hosted() const {
  std::vector<std::shared_ptr<Partition>> all;
  std::lock_guard<std::mutex> l(map_mu_);
  for (const auto& [key, p] : partitions_) all.push_back(p);
  return all;
}

std::vector<v1::ReplicaStatus> Tablet::HeartbeatStatus() {
  std::vector<v1::ReplicaStatus> out;
  for (const auto& p : Hosted()) {
    v1::ReplicaStatus status;
    if (IsOk(p->FillStatus(/*with_checksum=*/false, /*fresh_count=*/false, &status))) out.push_back(std::move(status));
  }
  for (v1::ReplicaStatus& status : UnservedStatuses()) out.push_back(std::move(status));
  return out;
}

void Tablet::CloseAll() {
  counting_.reset();
  reopening_.reset();
  std::map<PartitionKey, std::shared_ptr<Partition>> all;
  {
    std::lock_guard<std::mutex> l(map_mu_);
    all.swap(partitions_);
  }
  for (auto& [key, p] : all) p->Close();
}

}  // namespace kv::tablet
