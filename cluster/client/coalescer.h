// Calls from many threads to one endpoint, sent as one RPC that carries them
// all (docs/cluster.md, "Writes and replication"): while an RPC is in
// flight, new calls queue; when it returns, everything queued goes out in the
// next one. Natural batching, no timers: a lone call goes out at once, and
// the busier the endpoint, the more calls each RPC carries.
//
// Each call keeps its own answer and deadline: it returns when its own result
// is in, when its deadline passes (DEADLINE_EXCEEDED, the outcome unknown, as
// for any RPC without an answer) or when it is cancelled. A failed RPC fails
// the calls it carried with its status, nothing else.
//
// One sender thread per endpoint, so a caller never waits on another's RPC
// past its own deadline. Thread-safe.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kv::client {

struct CoalescerLimits {
  size_t max_calls = 1024;        // per RPC
  size_t max_bytes = 16 << 20;    // per RPC (the servers take 64 MiB)
};

template <typename Request, typename Response>
class Coalescer {
 public:
  using Deadline = std::chrono::system_clock::time_point;  // gRPC deadlines are system_clock
  // Sends the requests as one RPC under ctx (its deadline set); on OK fills
  // one response per request, in order.
  using SendBatch = std::function<grpc::Status(grpc::ClientContext* ctx, const std::vector<const Request*>& batch,
                                               std::vector<Response>* responses)>;

  // One call: submitted, then waited for (or cancelled).
  class Pending {
   public:
    Pending(Request request, Deadline deadline) : request_(std::move(request)), deadline_(deadline) {}

   private:
    friend class Coalescer;
    const Request request_;
    const Deadline deadline_;
    Response response_;
    grpc::Status status_;
    bool done_ = false;
    std::condition_variable cv_;
  };

  Coalescer(SendBatch send, CoalescerLimits limits = {}) : send_(std::move(send)), limits_(limits) {
    sender_ = std::thread([this] { Run(); });
  }
  // Cancels the RPC in flight; calls still waiting get CANCELLED.
  ~Coalescer() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
      if (in_flight_ != nullptr) in_flight_->TryCancel();
    }
    wake_sender_.notify_one();
    sender_.join();
  }
  Coalescer(const Coalescer&) = delete;
  Coalescer& operator=(const Coalescer&) = delete;

  std::shared_ptr<Pending> Submit(Request request, Deadline deadline) {
    auto p = std::make_shared<Pending>(std::move(request), deadline);
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) {
        Finish(*p, grpc::Status(grpc::StatusCode::CANCELLED, "the sender is shutting down"));
        return p;
      }
      queue_.push_back(p);
    }
    wake_sender_.notify_one();
    return p;
  }

  // Waits for the call's own result, or its deadline.
  grpc::Status Wait(Pending& p, Response* response) {
    std::unique_lock<std::mutex> l(mu_);
    if (!p.cv_.wait_until(l, p.deadline_, [&] { return p.done_; })) {
      Finish(p, grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "no answer before the call's deadline"));
    }
    *response = std::move(p.response_);
    return p.status_;
  }

  // Answers the call CANCELLED now (its RPC, shared with others, goes on).
  void Cancel(Pending& p) {
    std::lock_guard<std::mutex> l(mu_);
    Finish(p, grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    p.cv_.notify_all();
  }

  grpc::Status Call(Request request, Deadline deadline, Response* response) {
    auto p = Submit(std::move(request), deadline);
    return Wait(*p, response);
  }

 private:
  using PendingPtr = std::shared_ptr<Pending>;

  // mu_ held. A call is finished once; later answers are dropped.
  static void Finish(Pending& p, grpc::Status status) {
    if (p.done_) return;
    p.done_ = true;
    p.status_ = std::move(status);
  }

  // mu_ held: the calls for the next RPC, skipping those already finished
  // (timed out or cancelled while queued).
  std::vector<PendingPtr> TakeBatch() {
    std::vector<PendingPtr> batch;
    size_t bytes = 0;
    while (!queue_.empty() && batch.size() < limits_.max_calls) {
      PendingPtr& next = queue_.front();
      if (!next->done_) {
        const size_t size = next->request_.ByteSizeLong();
        if (!batch.empty() && bytes + size > limits_.max_bytes) break;
        bytes += size;
        batch.push_back(std::move(next));
      }
      queue_.pop_front();
    }
    return batch;
  }

  void Run() {
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      wake_sender_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      std::vector<PendingPtr> batch = TakeBatch();
      if (batch.empty()) continue;
      Deadline deadline = batch.front()->deadline_;
      std::vector<const Request*> requests;
      for (const PendingPtr& p : batch) {
        deadline = std::max(deadline, p->deadline_);
        requests.push_back(&p->request_);
      }
      grpc::ClientContext ctx;
      ctx.set_deadline(deadline);
      in_flight_ = &ctx;
      l.unlock();
      std::vector<Response> responses;
      grpc::Status status = send_(&ctx, requests, &responses);
      if (status.ok() && responses.size() != batch.size()) {
        status = grpc::Status(grpc::StatusCode::INTERNAL, "the server answered " + std::to_string(responses.size()) +
                                                              " of " + std::to_string(batch.size()) + " calls");
      }
      l.lock();
      in_flight_ = nullptr;
      for (size_t i = 0; i < batch.size(); ++i) {
        Pending& p = *batch[i];
        if (p.done_) continue;
        if (status.ok()) p.response_ = std::move(responses[i]);
        Finish(p, status);
      }
      l.unlock();
      for (const PendingPtr& p : batch) p->cv_.notify_one();  // outside the lock: the waiter takes it at once
      l.lock();
    }
    for (PendingPtr& p : queue_) {
      Finish(*p, grpc::Status(grpc::StatusCode::CANCELLED, "the sender is shutting down"));
      p->cv_.notify_all();
    }
    queue_.clear();
  }

  const SendBatch send_;
  const CoalescerLimits limits_;
  std::mutex mu_;
  std::condition_variable wake_sender_;
  std::deque<PendingPtr> queue_;
  grpc::ClientContext* in_flight_ = nullptr;
  bool stopping_ = false;
  std::thread sender_;
};

}  // namespace kv::client
