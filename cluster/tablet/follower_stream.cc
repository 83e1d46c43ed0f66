#include "cluster/tablet/follower_stream.h"

#include <grpcpp/grpcpp.h>
#include <pthread.h>

#include <algorithm>

namespace kv::tablet {

FollowerStream::FollowerStream(std::string follower, v1::Tablet::Stub& stub, std::chrono::milliseconds rpc_timeout)
    : follower_(std::move(follower)), stub_(stub), rpc_timeout_(rpc_timeout) {
  thread_ = std::thread([this] { Run(); });
}

FollowerStream::~FollowerStream() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  wake_.notify_one();
  thread_.join();
}

void FollowerStream::Add(Replicator* r) {
  {
    std::lock_guard<std::mutex> l(mu_);
    members_.push_back(r);
    woken_ = true;
  }
  wake_.notify_one();
}

void FollowerStream::Remove(Replicator* r) {
  std::unique_lock<std::mutex> l(mu_);
  members_.erase(std::remove(members_.begin(), members_.end(), r), members_.end());
  if (!in_round_) return;
  // The round may hold r: end it now rather than after the follower answers
  // (a follower that hangs would hold up a role change for a whole timeout).
  cancel_round_ = true;
  if (in_flight_ != nullptr) in_flight_->TryCancel();
  round_done_.wait(l, [&] { return !in_round_; });
}

void FollowerStream::Wake() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (woken_) return;
    woken_ = true;
  }
  wake_.notify_one();
}

void FollowerStream::Run() {
  pthread_setname_np(pthread_self(), "kv-repl-stream");  // for top, perf and gdb
  std::unique_lock<std::mutex> l(mu_);
  SteadyTime::time_point due = SteadyTime::now();
  while (true) {
    wake_.wait_until(l, due, [&] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
    const std::vector<Replicator*> members = members_;
    in_round_ = true;
    cancel_round_ = false;
    l.unlock();
    due = Round(members);
    l.lock();
    in_round_ = false;
    round_done_.notify_all();
  }
}

FollowerStream::SteadyTime::time_point FollowerStream::Round(const std::vector<Replicator*>& members) {
  const auto now = SteadyTime::now();
  auto due = now + std::chrono::seconds(1);
  v1::AppendMultiRequest req;
  std::vector<Replicator*> sent;
  for (Replicator* r : members) {
    std::optional<v1::AppendRequest> append = r->Prepare(now, &due);
    if (!append) continue;
    *req.add_appends() = std::move(*append);
    sent.push_back(r);
  }
  if (sent.empty()) return due;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + rpc_timeout_);
  v1::AppendMultiResponse resp;
  grpc::Status rpc;
  bool cancelled;
  {
    std::lock_guard<std::mutex> l(mu_);
    cancelled = cancel_round_ || stopping_;
    if (!cancelled) in_flight_ = &ctx;
  }
  if (!cancelled) {
    rpc = Send(&ctx, req, &resp);
    std::lock_guard<std::mutex> l(mu_);
    in_flight_ = nullptr;
    cancelled = cancel_round_ || stopping_;
  }
  if (!cancelled && rpc.ok() && resp.results_size() != req.appends_size()) {
    rpc = grpc::Status(grpc::StatusCode::INTERNAL, "the follower answered " + std::to_string(resp.results_size()) +
                                                       " of " + std::to_string(req.appends_size()) + " Appends");
  }
  std::vector<Replicator*> still;  // Remove waits for this round: every member is still alive
  {
    std::lock_guard<std::mutex> l(mu_);
    still = members_;
  }
  const v1::AppendResponse none;
  for (size_t i = 0; i < sent.size(); ++i) {
    if (std::find(still.begin(), still.end(), sent[i]) == still.end()) continue;
    if (cancelled) {
      sent[i]->Abandon();  // not the follower's doing: send again at once
      due = now;
    } else {
      sent[i]->Handle(rpc, rpc.ok() ? resp.results(static_cast<int>(i)) : none, now, &due);
    }
  }
  return due;
}

grpc::Status FollowerStream::Send(grpc::ClientContext* ctx, const v1::AppendMultiRequest& req,
                                  v1::AppendMultiResponse* resp) {
  if (!single_only_) {
    grpc::Status s = stub_.AppendMulti(ctx, req, resp);
    if (s.error_code() != grpc::StatusCode::UNIMPLEMENTED) return s;
    single_only_ = true;  // an older follower: one Append per call from now on
  }
  for (const v1::AppendRequest& a : req.appends()) {
    grpc::ClientContext one;
    one.set_deadline(ctx->deadline());
    grpc::Status s = stub_.Append(&one, a, resp->add_results());
    if (!s.ok()) return s;
  }
  return grpc::Status::OK;
}

FollowerStream& FollowerStreams::To(const std::string& follower) {
  std::lock_guard<std::mutex> l(mu_);
  std::unique_ptr<FollowerStream>& s = streams_[follower];
  if (!s) s = std::make_unique<FollowerStream>(follower, channels_.Tablet(follower), rpc_timeout_);
  return *s;
}

}  // namespace kv::tablet
