// One Coalescer per tablet endpoint for a kind of call that has a Multi RPC
// (clients' Writes: WriteMulti; leaders replicate with FollowerStream). A tablet
// that answers the Multi RPC UNIMPLEMENTED (an older one) gets the calls one
// by one with the single RPC from then on. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/client/channels.h"
#include "cluster/client/coalescer.h"
#include "cluster/proto/kv.grpc.pb.h"

namespace kv::client {

// What the pipes need of a call kind.
struct WriteCalls {
  using Request = v1::WriteRequest;
  using Response = v1::WriteResponse;
  using MultiRequest = v1::WriteMultiRequest;
  using MultiResponse = v1::WriteMultiResponse;
  static constexpr auto kSingle = &v1::Tablet::Stub::Write;
  static constexpr auto kMulti = &v1::Tablet::Stub::WriteMulti;
  static Request* Add(MultiRequest* m) { return m->add_writes(); }
};

template <typename Calls>
class TabletPipes {
 public:
  using Pipe = Coalescer<typename Calls::Request, typename Calls::Response>;

  TabletPipes(Channels& channels, CoalescerLimits limits = {}) : channels_(channels), limits_(limits) {}

  Pipe& To(const std::string& endpoint) {
    std::lock_guard<std::mutex> l(mu_);
    std::unique_ptr<Endpoint>& e = endpoints_[endpoint];
    if (!e) e = std::make_unique<Endpoint>(channels_.Tablet(endpoint), limits_);
    return e->pipe;
  }

 private:
  struct Endpoint {
    Endpoint(v1::Tablet::Stub& stub, CoalescerLimits limits)
        : pipe([this, &stub](grpc::ClientContext* ctx, const std::vector<const typename Calls::Request*>& batch,
                             std::vector<typename Calls::Response>* out) { return Send(stub, ctx, batch, out); },
               limits) {}

    grpc::Status Send(v1::Tablet::Stub& stub, grpc::ClientContext* ctx,
                      const std::vector<const typename Calls::Request*>& batch,
                      std::vector<typename Calls::Response>* out) {
      if (!single_only.load()) {
        typename Calls::MultiRequest req;
        for (const auto* r : batch) *Calls::Add(&req) = *r;
        typename Calls::MultiResponse resp;
        grpc::Status s = (stub.*Calls::kMulti)(ctx, req, &resp);
        if (s.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
          if (s.ok()) out->assign(std::make_move_iterator(resp.mutable_results()->begin()),
                                  std::make_move_iterator(resp.mutable_results()->end()));
          return s;
        }
        single_only.store(true);
      }
      for (const auto* r : batch) {
        grpc::ClientContext one;
        one.set_deadline(ctx->deadline());
        grpc::Status s = (stub.*Calls::kSingle)(&one, *r, &out->emplace_back());
        if (!s.ok()) return s;
      }
      return grpc::Status::OK;
    }

    std::atomic<bool> single_only{false};
    Pipe pipe;  // last: its sender thread uses the members above
  };

  Channels& channels_;
  const CoalescerLimits limits_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace kv::client
