#include "cluster/tablet/tablet_server.h"

#include "cluster/tablet/log.h"

namespace kv::tablet {
namespace {

// "127.0.0.1:9921" -> "127.0.0.1"; an endpoint without a port is refused earlier (flags).
std::string HostOf(const std::string& endpoint) { return endpoint.substr(0, endpoint.rfind(':')); }

}  // namespace

Result<std::unique_ptr<TabletServer>> TabletServer::Start(DataDir data_dir, TabletServerOptions options) {
  std::unique_ptr<TabletServer> s(new TabletServer());
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.endpoint, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  // The sync handlers may block (a lone Write waits for its majority, a
  // snapshot streams in), so gRPC's default of at most 2 idle polling threads
  // made it start and end a thread for nearly every call: idle threads now
  // stay, up to the calls a busy tablet has in flight (docs/benchmarks.md).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
  builder.RegisterService(&s->service_);
  s->hot_calls_ = std::make_unique<HotCalls>(s->service_, builder, options.hot_call_threads);
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || port == 0) {
    return Status::IOError("cannot listen on " + options.endpoint + " (in use, or not an address of this machine)");
  }
  s->hot_calls_->Start();
  s->endpoint_ = HostOf(options.endpoint) + ":" + std::to_string(port);
  if (data_dir.recorded_endpoint() != s->endpoint_ && !data_dir.recorded_endpoint().empty()) {
    Log().warn("{} was served as {}; it is served as {} from now on", data_dir.dir(), data_dir.recorded_endpoint(),
               s->endpoint_);
  }
  KV_RETURN_IF_ERROR(data_dir.RecordEndpoint(s->endpoint_));
  options.tablet.partition.endpoint = s->endpoint_;
  const Clock& clock = options.clock != nullptr ? *options.clock : SteadyClock();
  KV_ASSIGN_OR_RETURN(s->tablet_, Tablet::Open(std::move(data_dir), std::move(options.tablet), clock));
  s->service_.Attach(s->tablet_.get());
  if (!options.nameservers.empty()) {
    options.link.nameservers = options.nameservers;
    s->link_ = std::make_unique<NameserverLink>(options.link, *s->tablet_, s->nameserver_channels_, clock);
    s->link_->Start();
  }
  Log().info("tablet {} serving {} on {}", s->tablet_->data_dir().tablet_id(), s->tablet_->data_dir().dir(),
             s->endpoint_);
  return s;
}

TabletServer::~TabletServer() { Shutdown(); }

void TabletServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (link_) link_->Stop();
  // Replicas first: writes waiting for acks are answered at once, so the
  // server's shutdown does not wait for them.
  if (tablet_) tablet_->CloseAll();
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    if (hot_calls_) hot_calls_->Stop();  // after the server's Shutdown, as gRPC requires
    server_->Wait();                     // no handler still runs on the tablet
  }
  service_.Attach(nullptr);
}

}  // namespace kv::tablet
