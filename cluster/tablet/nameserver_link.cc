#include "cluster/tablet/nameserver_link.h"

#include <random>

#include "cluster/tablet/log.h"

namespace kv::tablet {

namespace {

uint64_t NewIncarnation() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> draw(1);  // 0 means "none" on the wire
  return draw(device);
}

}  // namespace

NameserverLink::NameserverLink(NameserverLinkOptions options, Tablet& tablet, client::Channels& channels,
                               const Clock& clock)
    : options_(std::move(options)),
      tablet_(tablet),
      channels_(channels),
      clock_(clock),
      incarnation_(NewIncarnation()) {
  current_ = options_.nameservers.at(0);
  next_index_ = 1 % options_.nameservers.size();
}

NameserverLink::~NameserverLink() { Stop(); }

void NameserverLink::Start() { thread_ = std::thread([this] { Run(); }); }

void NameserverLink::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool NameserverLink::WaitFor(std::chrono::steady_clock::duration pause) {
  std::unique_lock<std::mutex> l(mu_);
  return !cv_.wait_for(l, pause, [&] { return stop_; });
}

void NameserverLink::Run() {
  bool registered = false;
  bool redirected = false;
  auto next_beat = std::chrono::steady_clock::now();
  while (WaitFor(next_beat - std::chrono::steady_clock::now())) {
    if (!registered) {
      const Registration r = Register();
      registered = r == Registration::kDone;
      // A hint is followed at once, but only once in a row: two standbys
      // pointing at each other during an election must not spin.
      const bool now = registered || (r == Registration::kRedirected && !redirected);
      redirected = r == Registration::kRedirected;
      next_beat = std::chrono::steady_clock::now() + (now ? std::chrono::milliseconds(0) : options_.retry_pause);
      continue;
    }
    next_beat += interval_;
    registered = Heartbeat();
    // A late beat (a slow nameserver) does not make the next ones come in a burst.
    next_beat = std::max(next_beat, std::chrono::steady_clock::now());
  }
}

void NameserverLink::Rotate() {
  current_ = options_.nameservers[next_index_];
  next_index_ = (next_index_ + 1) % options_.nameservers.size();
}

bool NameserverLink::FollowOrRotate(const v1::Error& error) {
  if (error.code() == v1::NOT_LEADER && !error.leader_hint().empty()) {
    Log().info("nameserver {} is a standby; the active one is {}", current_, error.leader_hint());
    current_ = error.leader_hint();
    return true;
  }
  NoteProblem("nameserver " + current_ + " refused: " + v1::ErrorCode_Name(error.code()) + ": " + error.message());
  Rotate();
  return false;
}

NameserverLink::Registration NameserverLink::Register() {
  v1::RegisterTabletRequest req;
  req.set_endpoint(tablet_.endpoint());
  req.set_data_dir(tablet_.data_dir().dir());
  req.set_tablet_id(tablet_.data_dir().tablet_id());
  req.set_incarnation(incarnation_);
  v1::RegisterTabletResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.rpc_timeout);
  const grpc::Status rpc = channels_.NameServer(current_).RegisterTablet(&ctx, req, &resp);
  if (!rpc.ok()) {
    NoteProblem("nameserver " + current_ + " unreachable: " + rpc.error_message());
    Rotate();
    return Registration::kFailed;
  }
  if (resp.error().code() != v1::OK) {
    return FollowOrRotate(resp.error()) ? Registration::kRedirected : Registration::kFailed;
  }
  if (resp.heartbeat_interval_ms() > 0) interval_ = std::chrono::milliseconds(resp.heartbeat_interval_ms());
  last_problem_.clear();
  Log().info("registered with nameserver {} as {}; heartbeat every {} ms", current_, tablet_.endpoint(),
             interval_.count());
  return Registration::kDone;
}

bool NameserverLink::Heartbeat() {
  v1::HeartbeatRequest req;
  req.set_endpoint(tablet_.endpoint());
  req.set_incarnation(incarnation_);
  for (v1::ReplicaStatus& s : tablet_.HeartbeatStatus()) *req.add_replicas() = std::move(s);
  v1::HeartbeatResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.rpc_timeout);
  const Clock::TimePoint sent_at = clock_.Now();  // invariant 4: the lease counts from the send
  const grpc::Status rpc = channels_.NameServer(current_).Heartbeat(&ctx, req, &resp);
  if (!rpc.ok()) {
    NoteProblem("heartbeat to nameserver " + current_ + " failed: " + rpc.error_message());
    Rotate();
    return true;
  }
  if (resp.error().code() != v1::OK) {
    FollowOrRotate(resp.error());
    return true;
  }
  if (resp.reregister()) {
    Log().info("nameserver {} does not know this tablet; registering again", current_);
    return false;
  }
  std::vector<LeaseGrant> grants;
  for (const v1::LeaseGrant& g : resp.leases()) grants.push_back({KeyOf(g.partition()), g.term()});
  tablet_.leases().Grant(sent_at, std::chrono::milliseconds(resp.lease_ms()), grants);
  if (!last_problem_.empty()) {
    Log().info("heartbeats to nameserver {} answered again", current_);
    last_problem_.clear();
  }
  return true;
}

void NameserverLink::NoteProblem(const std::string& problem) {
  if (problem == last_problem_) return;
  last_problem_ = problem;
  Log().warn("{}", problem);
}

}  // namespace kv::tablet
