#include "cluster/tablet/hot_calls.h"

#include <pthread.h>

#include "common/invariant.h"

namespace kv::tablet {
namespace {

// One call's state, its address the queue's tag. A call waits for a request,
// then (once it has one) starts the next call of its kind, so the queue
// always holds one waiting; it deletes itself when its answer is sent or the
// server shuts down.
class Call {
 public:
  virtual ~Call() = default;
  virtual void Proceed(bool ok) = 0;
};

template <typename Request, typename Response>
class UnaryCall : public Call {
 protected:
  UnaryCall(TabletService& service, grpc::ServerCompletionQueue& queue)
      : service_(service), queue_(queue), responder_(&ctx_) {}

  // The answer, from any thread; nothing of this call may be touched after it.
  void Answer() {
    answering_ = true;
    responder_.Finish(response_, grpc::Status::OK, this);
  }

  TabletService& service_;
  grpc::ServerCompletionQueue& queue_;
  grpc::ServerContext ctx_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  bool answering_ = false;
};

// Fills one result per call with the "starting" error.
template <typename Response>
void AnswerStarting(int calls, Response* response) {
  for (int i = 0; i < calls; ++i) *response->add_results()->mutable_error() = Starting();
}

class WriteMultiCall final : public UnaryCall<v1::WriteMultiRequest, v1::WriteMultiResponse> {
 public:
  static void Await(TabletService& service, grpc::ServerCompletionQueue& queue) {
    auto* c = new WriteMultiCall(service, queue);
    service.RequestWriteMulti(&c->ctx_, &c->request_, &c->responder_, &queue, &queue, c);
  }

  void Proceed(bool ok) override {
    if (!ok || answering_) return delete this;  // shutting down, or the answer went out
    Await(service_, queue_);
    Tablet* t = service_.tablet();
    if (t == nullptr) {
      AnswerStarting(request_.writes_size(), &response_);
      return Answer();
    }
    t->WriteMultiThen(request_, ClientDeadline(ctx_), &response_, [this] { Answer(); });
  }

 private:
  using UnaryCall::UnaryCall;
};

class AppendMultiCall final : public UnaryCall<v1::AppendMultiRequest, v1::AppendMultiResponse> {
 public:
  static void Await(TabletService& service, grpc::ServerCompletionQueue& queue) {
    auto* c = new AppendMultiCall(service, queue);
    service.RequestAppendMulti(&c->ctx_, &c->request_, &c->responder_, &queue, &queue, c);
  }

  void Proceed(bool ok) override {
    if (!ok || answering_) return delete this;
    Await(service_, queue_);
    Tablet* t = service_.tablet();
    if (t == nullptr) {
      AnswerStarting(request_.appends_size(), &response_);
    } else {
      t->AppendMulti(request_, &response_);
    }
    Answer();
  }

 private:
  using UnaryCall::UnaryCall;
};

void Serve(TabletService& service, grpc::ServerCompletionQueue& queue) {
  pthread_setname_np(pthread_self(), "kv-hot-calls");  // for top, perf and gdb
  WriteMultiCall::Await(service, queue);
  AppendMultiCall::Await(service, queue);
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) static_cast<Call*>(tag)->Proceed(ok);
}

}  // namespace

HotCalls::HotCalls(TabletService& service, grpc::ServerBuilder& builder, int threads) : service_(service) {
  KV_INVARIANT("hot-calls-have-a-thread", threads >= 1, std::to_string(threads) + " threads");
  for (int i = 0; i < threads; ++i) queues_.push_back(builder.AddCompletionQueue());
}

HotCalls::~HotCalls() { Stop(); }

void HotCalls::Start() {
  for (auto& q : queues_) threads_.emplace_back([this, queue = q.get()] { Serve(service_, *queue); });
}

void HotCalls::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& q : queues_) q->Shutdown();  // Next() returns false once drained
  for (std::thread& t : threads_) t.join();
}

}  // namespace kv::tablet
