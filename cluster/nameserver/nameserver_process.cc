#include "cluster/nameserver/nameserver_process.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "cli/endpoints.h"
#include "common/file.h"

namespace kv::ns {

namespace {

// "127.0.0.1:0" listened on port 43121 -> "127.0.0.1:43121".
std::string AnnouncedEndpoint(const std::string& listen, int port) {
  return listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
}

Status ValidateOptions(const NameServerOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("--data-dir is required");
  KV_RETURN_IF_ERROR(cli::CheckEndpoint(options.endpoint, "nameserver", cli::PortZero::kAllowed));
  return ValidateTiming(options.timing);
}

}  // namespace

Result<std::unique_ptr<NameServerProcess>> NameServerProcess::Start(const NameServerOptions& options) {
  KV_RETURN_IF_ERROR(ValidateOptions(options));
  KV_RETURN_IF_ERROR(CreateDirs(options.data_dir));
  std::unique_ptr<NameServerProcess> p(new NameServerProcess());
  p->timing_ = options.timing;
  const meta::MetaStoreOptions meta_options{.data_dir = options.data_dir,
                                            .zk_cluster = options.zk_cluster,
                                            .zk_root_path = options.zk_root_path,
                                            .zk_session_timeout = options.zk_session_timeout};
  KV_ASSIGN_OR_RETURN(p->store_, meta::OpenMetaStore(meta_options));
  KV_ASSIGN_OR_RETURN(p->election_, meta::OpenLeaderElection(meta_options));
  p->core_ = std::make_unique<NameServer>(p->store_.get(), options.timing, options.now);
  p->service_ = std::make_unique<NameServerService>(p->core_.get(), [raw = p.get()] { return raw->LeaderHint(); });

  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.endpoint, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(p->service_.get());
  p->server_ = builder.BuildAndStart();
  if (!p->server_ || port == 0) {
    return Status::IOError("cannot listen on " + options.endpoint + " (port in use, or not a local address?)");
  }
  p->endpoint_ = AnnouncedEndpoint(options.endpoint, port);
  KV_RETURN_IF_ERROR(p->election_->Start(p->endpoint_, [raw = p.get()](bool) { raw->wake_.notify_all(); }));
  p->loop_ = std::thread([raw = p.get()] { raw->Run(); });
  spdlog::info("nameserver serving on {} (metadata: {})", p->endpoint_,
               options.zk_cluster.empty() ? "embedded in " + options.data_dir
                                          : "ZooKeeper " + options.zk_cluster + options.zk_root_path);
  return p;
}

NameServerProcess::~NameServerProcess() { Stop(); }

void NameServerProcess::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  if (loop_.joinable()) loop_.join();
  if (core_) core_->Deactivate();
  if (election_) election_->Close();
  if (store_) store_->Close();
  spdlog::info("nameserver {} stopped", endpoint_);
}

std::string NameServerProcess::LeaderHint() const {
  std::lock_guard lock(mu_);
  return leader_hint_;
}

void NameServerProcess::FollowElection() {
  const bool leads = election_->IsLeader();
  if (leads && !core_->IsActive()) {
    spdlog::info("elected active nameserver: loading the metadata");
    Status activated = core_->Activate();
    if (!activated.ok()) spdlog::error("cannot become active: {}", activated.message());
  } else if (!leads && core_->IsActive()) {
    core_->Deactivate();
  }
  // Empty while this one leads but is still loading: there is nobody else to name.
  std::string hint;
  if (!leads) {
    Result<std::optional<std::string>> leader = election_->CurrentLeader();
    if (leader.ok() && *leader && **leader != endpoint_) hint = **leader;
  }
  std::lock_guard lock(mu_);
  leader_hint_ = hint;
}

void NameServerProcess::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    FollowElection();
    core_->CheckTablets();
    lock.lock();
    wake_.wait_for(lock, timing_.heartbeat_interval);
  }
}

}  // namespace kv::ns
