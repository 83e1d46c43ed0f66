#include "cluster/tablet/snapshot_sender.h"

#include <grpcpp/grpcpp.h>
#include <pthread.h>

#include <algorithm>

#include "storage/snapshot.h"
#include "cluster/tablet/log.h"
#include "cluster/tablet/partition_key.h"
#include "common/file.h"

namespace kv::tablet {

Result<v1::SnapshotHeader> MakeSnapshotHeader(const ReplicatorTarget& target, const SnapshotToSend& snapshot) {
  v1::SnapshotHeader h;
  h.set_format_version(1);
  SetPartitionId(target.partition, h.mutable_partition());
  h.set_term(target.term);
  h.set_leader(target.leader);
  KV_ASSIGN_OR_RETURN(std::string manifest, ReadWholeFile(snapshot.dir + "/" + storage::kSnapshotManifestName));
  h.set_manifest_json(std::move(manifest));
  h.set_snapshot_offset(snapshot.manifest.position.offset);
  h.set_snapshot_term(snapshot.manifest.position.term);
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(snapshot.dir));
  for (const std::string& name : names) {
    if (name == storage::kSnapshotManifestName) continue;
    const std::string path = snapshot.dir + "/" + name;
    if (IsDirectory(path)) return Status::Corruption(snapshot.dir + " holds a folder (" + name + "): not a checkpoint");
    KV_ASSIGN_OR_RETURN(uint64_t size, FileSize(path));
    v1::SnapshotFile* f = h.add_files();
    f->set_path(name);
    f->set_size(size);
  }
  return h;
}

SnapshotSender::SnapshotSender(const ReplicatorTarget& target, ReplicationSource& source, v1::Tablet::Stub& stub,
                               const ReplicationOptions& options, std::function<void()> done)
    : target_(target), source_(source), stub_(stub), options_(options) {
  thread_ = std::thread([this, done = std::move(done)] {
    pthread_setname_np(pthread_self(), "kv-snap-send");
    SnapshotOutcome out = Send();
    {
      std::lock_guard<std::mutex> l(mu_);
      outcome_ = std::move(out);
      done_ = true;
    }
    done();
  });
}

SnapshotSender::~SnapshotSender() {
  {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  thread_.join();
}

bool SnapshotSender::Done() const {
  std::lock_guard<std::mutex> l(mu_);
  return done_;
}

SnapshotOutcome SnapshotSender::outcome() const {
  std::lock_guard<std::mutex> l(mu_);
  return outcome_;
}

bool SnapshotSender::Cancelled() const {
  std::lock_guard<std::mutex> l(mu_);
  return cancelled_;
}

SnapshotOutcome SnapshotSender::Send() {
  SnapshotOutcome out;
  auto snapshot = source_.SnapshotForFollower();
  if (!snapshot.ok()) {
    out.local = snapshot.status();
    return out;
  }
  out.position = snapshot->manifest.position;
  auto header = MakeSnapshotHeader(target_, *snapshot);
  if (!header.ok()) {
    out.local = header.status();
    return out;
  }
  const auto started = std::chrono::steady_clock::now();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.snapshot_timeout);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (cancelled_) {
      out.rpc = grpc::Status(grpc::StatusCode::CANCELLED, "the replicator stopped");
      return out;
    }
    in_flight_ = &ctx;
  }
  std::unique_ptr<grpc::ClientWriter<v1::SnapshotChunk>> writer = stub_.InstallSnapshot(&ctx, &out.resp);
  out.local = StreamFiles(*snapshot, *header, *writer, &out.bytes);
  if (out.local.ok()) {
    writer->WritesDone();
  } else {
    ctx.TryCancel();  // the follower drops what it got so far
  }
  out.rpc = writer->Finish();  // the follower's own verdict, also when the stream broke early
  {
    std::lock_guard<std::mutex> l(mu_);
    in_flight_ = nullptr;
  }
  if (out.local.ok() && out.rpc.ok() && out.resp.error().code() == v1::OK) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Log().info("{} -> {}: sent the snapshot at {}: {} file(s), {} bytes in {:.1f} s", target_.partition.ToString(),
               target_.follower, out.position.ToString(), header->files_size(), out.bytes, seconds);
  }
  return out;
}

Status SnapshotSender::StreamFiles(const SnapshotToSend& snapshot, const v1::SnapshotHeader& header,
                                   grpc::ClientWriter<v1::SnapshotChunk>& writer, uint64_t* bytes) {
  const auto broken = [] { return Status::OK(); };  // Finish says why the follower stopped reading
  v1::SnapshotChunk first;
  *first.mutable_header() = header;
  if (!writer.Write(first)) return broken();
  for (const v1::SnapshotFile& f : header.files()) {
    const std::string path = snapshot.dir + "/" + f.path();
    KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(path));
    uint64_t at = 0;
    do {  // an empty file is sent as one empty chunk, so the follower creates it
      if (Cancelled()) return Status::Aborted("cancelled: the replicator stopped");
      const size_t want = static_cast<size_t>(std::min<uint64_t>(options_.snapshot_chunk_bytes, f.size() - at));
      v1::SnapshotChunk chunk;
      chunk.set_path(f.path());
      chunk.set_offset(at);
      KV_ASSIGN_OR_RETURN(*chunk.mutable_data(), ReadRange(fd.get(), at, want));
      if (chunk.data().size() != want) {
        return Status::Corruption(path + " ended at byte " + std::to_string(at + chunk.data().size()) + ", not " +
                                  std::to_string(f.size()) + ": the snapshot changed while it was sent");
      }
      at += want;
      *bytes += want;
      if (!writer.Write(chunk)) return broken();
    } while (at < f.size());
  }
  return Status::OK();
}

}  // namespace kv::tablet
