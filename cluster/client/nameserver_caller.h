// Calls to the nameserver: tries the known nameservers in turn, follows a
// standby's NOT_LEADER hint to the active one, and retries until the budget
// runs out. Thread-safe; the active nameserver found is remembered for the
// next call.
#pragma once

#include <grpcpp/client_context.h>

#include <mutex>
#include <string>
#include <vector>

#include "cluster/client/channels.h"
#include "cluster/client/errors.h"
#include "cluster/client/retry.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "common/status.h"

namespace kv::client {

enum class NsCallKind {
  // Reads and idempotent changes: any try may be repeated; per-RPC deadline.
  kRepeatable,
  // Changes that must not run twice (create/drop table): repeated only when
  // the nameserver surely did not act (connection refused, NOT_LEADER); gets
  // the whole budget as its deadline, since the nameserver calls tablets.
  kOnce,
};

class NameServerCaller {
 public:
  template <typename Request, typename Response>
  using Method = grpc::Status (v1::NameServer::Stub::*)(grpc::ClientContext*, const Request&, Response*);

  // endpoints: "host:port", at least one.
  NameServerCaller(std::vector<std::string> endpoints, Channels* channels);

  // The answer when its error is OK; otherwise the error, or after the budget
  // runs out the last reason, naming `what`.
  template <typename Request, typename Response>
  Result<Response> Call(Method<Request, Response> method, const Request& request, NsCallKind kind,
                        RetryBudget& budget, const std::string& what) {
    Status last;
    while (true) {
      const std::string endpoint = Current();
      const std::string peer = "nameserver " + endpoint;
      grpc::ClientContext context;
      context.set_deadline(kind == NsCallKind::kOnce ? budget.overall_deadline() : budget.RpcDeadline());
      Response response;
      const grpc::Status sent = (channels_->NameServer(endpoint).*method)(&context, request, &response);
      if (sent.ok()) {
        const v1::Error& error = response.error();
        if (error.code() == v1::OK) return response;
        const bool retry = error.code() == v1::NOT_LEADER ||
                           (error.code() == v1::UNAVAILABLE && kind == NsCallKind::kRepeatable);
        if (!retry) return FromError(error, what);
        last = FromError(error, peer);
        if (error.code() == v1::NOT_LEADER) Follow(endpoint, error.leader_hint());
      } else {
        last = FromGrpc(sent, peer);
        if (!IsTransient(sent.error_code())) return last.WithContext(what);
        if (kind == NsCallKind::kOnce && sent.error_code() != grpc::StatusCode::UNAVAILABLE) {
          return Status::IOError(what + ": " + last.message() +
                                 " (it may or may not have been done: check before repeating)");
        }
        Follow(endpoint, "");
      }
      if (!budget.WaitBeforeRetry()) return GaveUp(what, budget.attempts(), budget.elapsed(), last);
    }
  }

  std::vector<std::string> endpoints() const;

 private:
  std::string Current() const;
  // After `failed` did not serve: go to hint when given (learning it), else to
  // the next known endpoint.
  void Follow(const std::string& failed, const std::string& hint);

  Channels* const channels_;
  mutable std::mutex mu_;
  std::vector<std::string> endpoints_;
  size_t current_ = 0;
};

}  // namespace kv::client
