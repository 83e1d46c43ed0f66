#include "cluster/client/channels.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace kv::client {

Channels::Peer& Channels::PeerFor(const std::string& endpoint) {
  Peer& peer = peers_[endpoint];
  if (!peer.tablet) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    args.SetMaxReceiveMessageSize(64 << 20);
    auto channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
    peer.tablet = v1::Tablet::NewStub(channel);
    peer.nameserver = v1::NameServer::NewStub(channel);
  }
  return peer;
}

v1::Tablet::Stub& Channels::Tablet(const std::string& endpoint) {
  std::lock_guard l(mu_);
  return *PeerFor(endpoint).tablet;
}

v1::NameServer::Stub& Channels::NameServer(const std::string& endpoint) {
  std::lock_guard l(mu_);
  return *PeerFor(endpoint).nameserver;
}

}  // namespace kv::client
