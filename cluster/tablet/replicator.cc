#include "cluster/tablet/replicator.h"

#include <algorithm>

#include "cluster/tablet/follower_stream.h"
#include "cluster/tablet/leader_log.h"
#include "cluster/tablet/log.h"
#include "cluster/tablet/snapshot_sender.h"

namespace kv::tablet {
namespace {

using std::chrono::milliseconds;

void ToProto(const wal::Record& r, v1::LogRecord* out) {
  out->set_offset(r.offset);
  out->set_term(r.term);
  out->set_type(static_cast<v1::RecordType>(r.type));
  out->set_payload(r.payload);
}

}  // namespace

Replicator::Replicator(ReplicatorTarget target, ReplicationSource& source, FollowerStream& stream,
                       const ReplicationOptions& options)
    : target_(std::move(target)), source_(source), options_(options), stream_(stream), next_(target_.next_offset) {
  stream_.Add(this);
}

Replicator::~Replicator() { Stop(); }

void Replicator::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stream_.Remove(this);
  sender_.reset();  // the stream no longer calls in: a transfer in progress is cancelled here
}

void Replicator::Wake() { stream_.Wake(); }

std::optional<v1::AppendRequest> Replicator::Prepare(SteadyTime::time_point now, SteadyTime::time_point* due) {
  const auto later = [&](SteadyTime::time_point when) {
    *due = std::min(*due, when);
    return std::nullopt;
  };
  if (!source_.Running(target_.generation)) return std::nullopt;
  if (state_.needs_snapshot && !SnapshotStep(now)) {
    return later(sender_ ? now + options_.max_backoff : not_before_);  // a transfer's end wakes the stream
  }
  if (now < not_before_) return later(not_before_);
  std::vector<wal::Record> batch;
  Status read = NextBatch(&batch);
  if (!read.ok()) {
    NoteProblem("cannot read the leader's log: " + read.message());
    not_before_ = now + NextBackoff();
    return later(not_before_);
  }
  if (state_.needs_snapshot) return later(now);  // the transfer starts at the next round
  if (batch.empty() && state_.connected && now < last_contact_ + options_.idle_probe) {
    return later(last_contact_ + options_.idle_probe);
  }
  if (!prev_term_) {
    auto term = TermAt(source_.replica(), next_ - 1);
    if (!term.ok()) {
      NoteProblem("cannot find the term at offset " + std::to_string(next_ - 1) + ": " + term.status().message());
      not_before_ = now + NextBackoff();
      return later(not_before_);
    }
    prev_term_ = *term;
  }
  v1::AppendRequest req;
  SetPartitionId(target_.partition, req.mutable_partition());
  req.set_term(target_.term);
  req.set_leader(target_.leader);
  req.set_prev_offset(next_ - 1);
  req.set_prev_term(*prev_term_);
  for (const wal::Record& r : batch) ToProto(r, req.add_records());
  sending_ = std::move(batch);
  return req;
}

void Replicator::Handle(const grpc::Status& rpc, const v1::AppendResponse& resp, SteadyTime::time_point sent,
                        SteadyTime::time_point* due) {
  const milliseconds pause = Answered(rpc, resp);
  sending_.clear();
  if (pause.count() > 0) {
    not_before_ = SteadyTime::now() + pause;
    *due = std::min(*due, not_before_);
  } else if (next_ <= source_.replica().Applied().offset) {
    *due = sent;  // more to send (a catch-up, or records logged meanwhile): at once
  } else {
    last_contact_ = sent;
    *due = std::min(*due, last_contact_ + options_.idle_probe);
  }
}

milliseconds Replicator::Answered(const grpc::Status& rpc, const v1::AppendResponse& resp) {
  if (!rpc.ok()) {
    if (state_.connected) {
      state_.connected = false;
      Report();
    }
    NoteProblem("unreachable: " + rpc.error_message());
    return NextBackoff();
  }
  state_.last_answer = SteadyTime::now();
  if (!state_.connected) {
    if (!last_problem_.empty()) Log().info("{} -> {}: reachable again", target_.partition.ToString(), target_.follower);
    state_.connected = true;
    Report();
  }
  switch (resp.error().code()) {
    case v1::OK:
      Advance(sending_);
      return milliseconds(0);
    case v1::LOG_MISMATCH: {
      Status s = BackUp(resp);
      if (s.ok()) return milliseconds(0);
      NoteProblem("cannot back up after a log mismatch: " + s.message());
      return NextBackoff();
    }
    case v1::STALE_TERM:
      Log().info("{} -> {}: the follower has seen term {}, newer than this leader's term {}; stepping down",
                 target_.partition.ToString(), target_.follower, resp.error().current_term(), target_.term);
      source_.OnNewerTerm(target_.generation, resp.error().current_term());
      return milliseconds(0);
    default:
      NoteProblem("refused Append: " + v1::ErrorCode_Name(resp.error().code()) + ": " + resp.error().message());
      return NextBackoff();
  }
}

Status Replicator::NextBatch(std::vector<wal::Record>* batch) {
  // Only applied records are sent: their terms are in the term index, which
  // the backup after a mismatch reads.
  const uint64_t applied = source_.replica().Applied().offset;
  if (next_ > applied) return Status::OK();
  if (read_ahead_.empty()) {
    if (source_.tail().Read(next_, options_.batch, batch) != TailBuffer::Found::kOnlyInWal) return Status::OK();
    KV_ASSIGN_OR_RETURN(WalRun run, ReadWalRun(source_.replica().paths().wal, next_, applied, options_.wal_read));
    if (run.before_log_start) {
      if (!state_.needs_snapshot) {
        Log().warn("{} -> {}: the follower needs offset {}, which this leader's WAL no longer holds; it can only "
                   "catch up from a snapshot",
                   target_.partition.ToString(), target_.follower, next_);
        state_.needs_snapshot = true;
        Report();
      }
      return Status::OK();
    }
    read_ahead_.assign(std::make_move_iterator(run.records.begin()), std::make_move_iterator(run.records.end()));
  }
  size_t bytes = 0;
  for (const wal::Record& r : read_ahead_) {
    if (batch->size() >= options_.batch.max_records) break;
    if (!batch->empty() && bytes + r.payload.size() > options_.batch.max_bytes) break;
    bytes += r.payload.size();
    batch->push_back(r);
  }
  return Status::OK();
}

void Replicator::Advance(const std::vector<wal::Record>& sent) {
  backoff_ = milliseconds(0);
  last_problem_.clear();
  if (!sent.empty()) {
    next_ = sent.back().offset + 1;
    prev_term_ = sent.back().term;
    const size_t from_read_ahead = std::min(sent.size(), read_ahead_.size());
    read_ahead_.erase(read_ahead_.begin(), read_ahead_.begin() + static_cast<std::ptrdiff_t>(from_read_ahead));
  }
  state_.match_offset = next_ - 1;  // the follower's log now matches ours through here
  Report();
}

Status Replicator::BackUp(const v1::AppendResponse& mismatch) {
  const uint64_t old_next = next_;
  uint64_t next = mismatch.conflict_offset();
  if (mismatch.conflict_term() > 0) {
    KV_ASSIGN_OR_RETURN(std::optional<uint64_t> last, LastOffsetOfTerm(source_.replica(), mismatch.conflict_term()));
    if (last) next = *last + 1;
  }
  // Always move back at least one record, never before the log's start.
  next_ = std::max<uint64_t>(1, std::min(next, old_next - 1));
  prev_term_.reset();
  read_ahead_.clear();
  Log().debug("{} -> {}: log mismatch at offset {} (follower's conflict term {}, offset {}); next offset {}",
              target_.partition.ToString(), target_.follower, old_next - 1, mismatch.conflict_term(),
              mismatch.conflict_offset(), next_);
  return Status::OK();
}

bool Replicator::SnapshotStep(SteadyTime::time_point now) {
  if (sender_) {
    if (!sender_->Done()) return false;
    const SnapshotOutcome out = sender_->outcome();
    sender_.reset();
    return Installed(out, now);
  }
  if (now < not_before_) return false;
  Log().info("{} -> {}: sending a snapshot (the follower needs offset {}, before this leader's WAL)",
             target_.partition.ToString(), target_.follower, next_);
  FollowerStream* stream = &stream_;  // outlives this replicator
  sender_ = std::make_unique<SnapshotSender>(target_, source_, stream_.stub(), options_, [stream] { stream->Wake(); });
  return false;
}

bool Replicator::Installed(const SnapshotOutcome& out, SteadyTime::time_point now) {
  const auto failed = [&](const std::string& problem) {
    NoteProblem(problem);
    not_before_ = now + options_.snapshot_retry;
    return false;
  };
  if (!out.local.ok()) return failed("cannot send a snapshot: " + out.local.message());
  if (!out.rpc.ok()) {
    if (out.rpc.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      return failed("cannot take a snapshot (a tablet without InstallSnapshot): it stays behind");
    }
    return failed("snapshot transfer failed: " + out.rpc.error_message());
  }
  switch (out.resp.error().code()) {
    case v1::OK: break;
    case v1::STALE_TERM:
      Log().info("{} -> {}: the follower has seen term {}, newer than this leader's term {}; stepping down",
                 target_.partition.ToString(), target_.follower, out.resp.error().current_term(), target_.term);
      source_.OnNewerTerm(target_.generation, out.resp.error().current_term());
      return false;
    default:
      return failed("refused the snapshot at " + out.position.ToString() + ": " +
                    v1::ErrorCode_Name(out.resp.error().code()) + ": " + out.resp.error().message());
  }
  // The follower's log now matches ours through the snapshot: go on after it.
  next_ = out.position.offset + 1;
  prev_term_ = out.position.term;
  read_ahead_.clear();
  backoff_ = milliseconds(0);
  not_before_ = {};
  last_problem_.clear();
  state_.needs_snapshot = false;
  state_.connected = true;
  state_.match_offset = out.position.offset;
  state_.last_answer = now;
  Log().info("{} -> {}: the follower holds the snapshot at {} (its last is {}:{}); replicating from offset {}",
             target_.partition.ToString(), target_.follower, out.position.ToString(), out.resp.last_term(),
             out.resp.last_offset(), next_);
  Report();
  return true;
}

milliseconds Replicator::NextBackoff() {
  backoff_ = backoff_.count() == 0 ? options_.min_backoff : std::min(backoff_ * 2, options_.max_backoff);
  return backoff_;
}

void Replicator::Report() { source_.OnFollowerState(target_.generation, target_.follower, state_); }

void Replicator::NoteProblem(const std::string& problem) {
  if (problem == last_problem_) return;
  last_problem_ = problem;
  Log().warn("{} -> {}: {}", target_.partition.ToString(), target_.follower, problem);
}

}  // namespace kv::tablet
