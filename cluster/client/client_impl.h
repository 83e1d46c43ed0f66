// What a Client is made of: its gRPC channels, the nameserver caller, the
// write pipes and the route cache. Behind kv_client.h (pimpl), so that the
// code that only uses a Client does not compile gRPC's headers; included by
// the client's own .cc files alone.
#pragma once

#include <grpcpp/client_context.h>

#include "cluster/client/channels.h"
#include "cluster/client/errors.h"
#include "cluster/client/kv_client.h"
#include "cluster/client/nameserver_caller.h"
#include "cluster/client/retry.h"
#include "cluster/client/routing.h"
#include "cluster/client/tablet_pipes.h"
#include "cluster/proto/kv.grpc.pb.h"

namespace kv::client {

struct Client::Impl {
  template <typename Request, typename Response>
  using TabletMethod = grpc::Status (v1::Tablet::Stub::*)(grpc::ClientContext*, const Request&, Response*);

  Impl(const ClientOptions& options, RouteCache::Fetch fetch)
      : nameservers(options.nameservers, &channels), writes(channels), routes(std::move(fetch)) {}

  // Runs attempt(route) until it is done, refreshing the route between tries.
  template <typename T, typename Attempt>
  Result<T> OnRoute(const std::string& table, const std::string& what, RetryBudget& budget, Attempt attempt);
  // One call to the leader of partition pid; convert turns the answer into T.
  template <typename T, typename Request, typename Response, typename Convert>
  Outcome<T> CallLeader(const TableRoute& route, uint32_t pid, TabletMethod<Request, Response> method,
                        Request request, RetryBudget& budget, Convert convert);

  Channels channels;
  NameServerCaller nameservers;
  TabletPipes<WriteCalls> writes;  // per leader: the writes of every thread, coalesced
  RouteCache routes;
};

}  // namespace kv::client
