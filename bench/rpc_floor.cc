// rpc-floor: what gRPC alone costs on this machine, the yardstick for
// kv-bench's writes (docs/benchmarks.md, "The RPC floor").
//
// In-process Tablet services that answer at once (no WAL, no RocksDB, no
// locks), driven the way kv-bench drives the store: --threads callers, each
// sending a --value-size write and waiting for its answer before the next.
//
//   --mode single      one Write RPC per call, to one service
//   --mode coalesced   through the client's coalescer (cluster/client/coalescer.h):
//                      concurrent calls to a service go as one WriteMulti
//   --mode replicated  (default) coalesced, to 3 services, each call to the one
//                      its key picks; a service forwards each WriteMulti as one
//                      AppendMulti to --followers of the others (2: both),
//                      all at once, and answers when all answered: the hops of
//                      a replicated write (client -> leader -> followers) with
//                      nothing else in them. The store's acks majority waits
//                      for one of two followers but sends to both, so its
//                      floor lies between --followers 2 and --followers 1.
//
// Everything runs in this process, so its CPU time and context switches per
// call (bench/proc_usage.h) are the whole cost.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/closed_loop.h"
#include "cli/parse_flags.h"
#include "cluster/client/channels.h"
#include "cluster/client/mutex_checks.h"
#include "cluster/client/tablet_pipes.h"
#include "cluster/proto/kv.grpc.pb.h"

namespace {

using kv::Status;

// Answers writes with made-up offsets; forwards WriteMulti to its followers, if any.
class FloorTablet final : public kv::v1::Tablet::Service {
 public:
  void SetFollowers(std::vector<kv::v1::Tablet::Stub*> followers) { followers_ = std::move(followers); }

  grpc::Status Write(grpc::ServerContext*, const kv::v1::WriteRequest*, kv::v1::WriteResponse* resp) override {
    resp->set_offset(++offset_);
    return grpc::Status::OK;
  }

  grpc::Status WriteMulti(grpc::ServerContext*, const kv::v1::WriteMultiRequest* req,
                          kv::v1::WriteMultiResponse* resp) override {
    kv::v1::AppendMultiRequest append;
    kv::v1::AppendRequest* a = append.add_appends();
    for (const kv::v1::WriteRequest& w : req->writes()) {
      const uint64_t offset = ++offset_;
      resp->add_results()->set_offset(offset);
      kv::v1::LogRecord* r = a->add_records();
      r->set_offset(offset);
      r->set_payload(w.ops(0).value());
    }
    return Replicate(append);
  }

  grpc::Status AppendMulti(grpc::ServerContext*, const kv::v1::AppendMultiRequest* req,
                           kv::v1::AppendMultiResponse* resp) override {
    for (int i = 0; i < req->appends_size(); ++i) resp->add_results()->set_last_offset(++offset_);
    return grpc::Status::OK;
  }

 private:
  // One AppendMulti to every follower at once, on this handler's thread.
  grpc::Status Replicate(const kv::v1::AppendMultiRequest& append) {
    if (followers_.empty()) return grpc::Status::OK;
    grpc::CompletionQueue cq;
    struct Call {
      grpc::ClientContext ctx;
      kv::v1::AppendMultiResponse resp;
      grpc::Status status;
      std::unique_ptr<grpc::ClientAsyncResponseReader<kv::v1::AppendMultiResponse>> reader;
    };
    std::vector<Call> calls(followers_.size());
    for (size_t i = 0; i < followers_.size(); ++i) {
      calls[i].reader = followers_[i]->AsyncAppendMulti(&calls[i].ctx, append, &cq);
      calls[i].reader->Finish(&calls[i].resp, &calls[i].status, &calls[i]);
    }
    grpc::Status result = grpc::Status::OK;
    for (size_t i = 0; i < calls.size(); ++i) {
      void* tag;
      bool ok;
      if (!cq.Next(&tag, &ok)) break;
      const grpc::Status& s = static_cast<Call*>(tag)->status;
      if (!s.ok()) result = s;
    }
    return result;
  }

  std::atomic<uint64_t> offset_{0};
  std::vector<kv::v1::Tablet::Stub*> followers_;
};

struct Server {
  FloorTablet service;
  std::unique_ptr<grpc::Server> server;
  std::string endpoint;
};

// Built as the tablet builds its server (cluster/tablet/tablet_server.cc).
kv::Result<std::unique_ptr<Server>> StartServer() {
  auto s = std::make_unique<Server>();
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
  builder.RegisterService(&s->service);
  s->server = builder.BuildAndStart();
  if (!s->server || port == 0) return kv::Status::IOError("cannot listen on 127.0.0.1");
  s->endpoint = "127.0.0.1:" + std::to_string(port);
  return s;
}

struct Flags {
  std::string mode = "replicated";
  int followers = 2;
  int threads = 16;
  int value_size = 100;
  double duration_s = 8;
  bool json = false;
};

kv::v1::WriteRequest MakeWrite(int thread, uint64_t seq, const std::string& value) {
  kv::v1::WriteRequest w;
  kv::v1::WriteOp* op = w.add_ops();
  op->set_type(kv::v1::PUT);
  op->set_key("key-" + std::to_string(thread) + "-" + std::to_string(seq));
  op->set_value(value);
  return w;
}

Status FromGrpc(const grpc::Status& s) {
  return s.ok() ? Status::OK() : Status::IOError("rpc failed: " + s.error_message());
}

int Run(const Flags& flags) {
  const size_t server_count = flags.mode == "replicated" ? 3 : 1;
  std::vector<std::unique_ptr<Server>> servers;
  for (size_t i = 0; i < server_count; ++i) {
    auto s = StartServer();
    if (!s.ok()) return std::fprintf(stderr, "rpc-floor: %s\n", s.status().message().c_str()), 1;
    servers.push_back(std::move(*s));
  }
  kv::client::Channels channels;
  if (server_count > 1) {
    for (size_t i = 0; i < server_count; ++i) {
      std::vector<kv::v1::Tablet::Stub*> followers;
      for (size_t j = 1; j <= static_cast<size_t>(flags.followers); ++j) {
        followers.push_back(&channels.Tablet(servers[(i + j) % server_count]->endpoint));
      }
      servers[i]->service.SetFollowers(std::move(followers));
    }
  }
  kv::client::TabletPipes<kv::client::WriteCalls> pipes(channels);
  const std::string value(flags.value_size, 'v');
  const auto deadline = [] { return std::chrono::system_clock::now() + std::chrono::seconds(10); };
  kv::bench::PhaseLimits limits{flags.threads, flags.duration_s, 0};
  kv::bench::PhaseResult r = kv::bench::RunPhase(flags.mode, limits, {}, [&](int t, uint64_t seq) {
    const std::string& endpoint = servers[(t + seq) % servers.size()]->endpoint;
    kv::v1::WriteResponse resp;
    if (flags.mode == "single") {
      grpc::ClientContext ctx;
      ctx.set_deadline(deadline());
      return FromGrpc(channels.Tablet(endpoint).Write(&ctx, MakeWrite(t, seq, value), &resp));
    }
    return FromGrpc(pipes.To(endpoint).Call(MakeWrite(t, seq, value), deadline(), &resp));
  });
  kv::bench::ReportPhases({r}, flags.json,
                          {{"threads", flags.threads}, {"value_size", flags.value_size}, {"followers", flags.followers}},
                          "rpc-floor");
  for (auto& s : servers) s->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return r.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  kv::client::DisableMutexDeadlockDetection();
  Flags flags;
  CLI::App app("What gRPC alone costs per write on this machine (kv-bench's yardstick)", "rpc-floor");
  app.add_option("--mode", flags.mode, "single, coalesced or replicated")
      ->check(CLI::IsMember({"single", "coalesced", "replicated"}))
      ->capture_default_str();
  app.add_option("--followers", flags.followers, "with --mode replicated: followers each write is sent to (0-2)")
      ->check(CLI::Range(0, 2))
      ->capture_default_str();
  app.add_option("--threads", flags.threads, "client threads")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--value-size", flags.value_size, "bytes per value")->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--duration-s", flags.duration_s, "seconds")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_flag("--json", flags.json, "one JSON object on stdout");
  if (auto code = kv::cli::ParseFlagsOrExit(app, argc, argv)) return *code;
  return Run(flags);
}
