// One gRPC channel per endpoint, made on first use and shared by every thread
// and call. Channels reconnect within a second (100 ms to 1 s backoff, not
// gRPC's default of up to two minutes), so a restarted server is found again
// quickly. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/proto/kv.grpc.pb.h"

namespace kv::client {

class Channels {
 public:
  v1::Tablet::Stub& Tablet(const std::string& endpoint);
  v1::NameServer::Stub& NameServer(const std::string& endpoint);

 private:
  struct Peer {
    std::unique_ptr<v1::Tablet::Stub> tablet;
    std::unique_ptr<v1::NameServer::Stub> nameserver;
  };
  Peer& PeerFor(const std::string& endpoint);  // mu_ held

  std::mutex mu_;
  std::map<std::string, Peer> peers_;  // nodes never move: references stay valid
};

}  // namespace kv::client
