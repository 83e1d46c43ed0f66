// The tablet's side of the nameserver protocol: register, then heartbeat
// every interval with every replica's status; the answers grant the leases
// (lease_table.h). The tablet takes a list of nameserver endpoints: a standby
// answers NOT_LEADER with the active one as hint, which is followed; an
// endpoint that does not answer makes the link try the next. When told to
// reregister (the nameserver lost track of this tablet) it registers again.
// Registration and heartbeats carry the link's incarnation, drawn once per
// process, so the nameserver tells a restarted tablet from the old one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/proto/kv.grpc.pb.h"
#include "cluster/client/channels.h"
#include "cluster/tablet/tablet.h"

namespace kv::tablet {

struct NameserverLinkOptions {
  std::vector<std::string> nameservers;
  std::chrono::milliseconds rpc_timeout{1000};
  std::chrono::milliseconds retry_pause{200};  // after every nameserver failed to answer
};

class NameserverLink {
 public:
  NameserverLink(NameserverLinkOptions options, Tablet& tablet, client::Channels& channels, const Clock& clock);
  ~NameserverLink();  // Stop()
  NameserverLink(const NameserverLink&) = delete;
  NameserverLink& operator=(const NameserverLink&) = delete;

  void Start();
  void Stop();

 private:
  void Run();
  enum class Registration { kDone, kRedirected, kFailed };
  Registration Register();
  bool Heartbeat();  // false when this tablet must register (again)
  // After an answer with an error: follows a NOT_LEADER hint (true), else moves to the next endpoint.
  bool FollowOrRotate(const v1::Error& error);
  void Rotate();
  void NoteProblem(const std::string& problem);
  // Waits for `pause`, or less when stopped; false once stopped.
  bool WaitFor(std::chrono::steady_clock::duration pause);

  const NameserverLinkOptions options_;
  Tablet& tablet_;
  client::Channels& channels_;
  const Clock& clock_;
  const uint64_t incarnation_;  // random, non-zero

  // Touched only by the link's thread.
  std::string current_;  // the nameserver talked to
  size_t next_index_ = 0;
  std::chrono::milliseconds interval_{100};
  std::string last_problem_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kv::tablet
