// The calls on every write's path, WriteMulti (clients) and AppendMulti
// (leaders), served from completion queues instead of gRPC's sync thread
// pool (docs/benchmarks.md, "Cost per write"). A sync handler holds a pool
// thread while a write waits for its majority, and the pool hands each call
// to another of its threads; here a queue's thread takes a call, appends,
// and moves on, and whichever thread settles the acks (the replication
// stream's, usually) answers it.
//
// Lifecycle: construct with the service before the server is built (it adds
// its queues to the builder), Start() once the server runs, Stop() after the
// server's Shutdown (it drains the queues and joins their threads).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>
#include <vector>

#include "cluster/tablet/tablet_service.h"

namespace kv::tablet {

class HotCalls {
 public:
  // threads: one completion queue each (>= 1). One is the default: with two,
  // gRPC hands events between the queues' threads, and kv-bench measured
  // more switches and CPU per write at wal_level 1 (docs/benchmarks.md), and
  // no loss at wal_level 2, where a follower's fsync runs on that thread.
  HotCalls(TabletService& service, grpc::ServerBuilder& builder, int threads);
  ~HotCalls();  // Stop()
  HotCalls(const HotCalls&) = delete;
  HotCalls& operator=(const HotCalls&) = delete;

  void Start();
  void Stop();  // idempotent

 private:
  TabletService& service_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace kv::tablet
