// A nameserver in the test process, with fake tablets (nameserver_fake_tablet.h)
// and a client for its RPCs.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/nameserver/nameserver_process.h"
#include "cluster/proto/kv.grpc.pb.h"
#include "tests/nameserver_fake_tablet.h"

namespace kv::test {

// Timing short enough for tests, with room for a busy machine: offline after
// 1500 ms without a heartbeat, lease 1000 ms, heartbeats every 50 ms.
// Listens on a free loopback port.
ns::NameServerOptions FastOptions(const std::string& data_dir);
inline constexpr auto kTestHeartbeat = std::chrono::milliseconds(50);

// Starts it or fails the test with the reason.
std::unique_ptr<ns::NameServerProcess> StartNameServer(const ns::NameServerOptions& options);

// Calls a nameserver with a deadline; a call that gets no answer fails the test.
class NsClient {
 public:
  explicit NsClient(const std::string& endpoint);
  v1::CreateTableResponse CreateTable(const v1::CreateTableRequest& request);
  v1::CreateTableResponse CreateTable(const std::string& name, uint32_t partitions = 0, uint32_t replicas = 0);
  v1::DropTableResponse DropTable(const std::string& name);
  v1::ShowTableResponse ShowTable(const std::string& name = "");
  v1::ShowTabletResponse ShowTablet();
  v1::ConfGetResponse ConfGet(const std::string& key = "");
  v1::ConfSetResponse ConfSet(const std::string& key, const std::string& value);
  v1::HeartbeatResponse Heartbeat(const std::string& endpoint);
  v1::ShowOpStatusResponse ShowOpStatus(const std::string& table = "", std::optional<uint32_t> pid = std::nullopt);
  v1::CancelOpResponse CancelOp(uint64_t id);
  v1::SubmitOpsResponse ChangeLeader(const std::string& table, uint32_t pid, const std::string& candidate = "");
  v1::SubmitOpsResponse RecoverTable(const std::string& table, uint32_t pid, const std::string& endpoint);
  v1::SubmitOpsResponse UpdateTableAlive(const std::string& table, std::optional<uint32_t> pid,
                                         const std::string& endpoint, bool is_alive);
  v1::SubmitOpsResponse OfflineEndpoint(const std::string& endpoint);
  v1::SubmitOpsResponse RecoverEndpoint(const std::string& endpoint);
  v1::SubmitOpsResponse SetReplicas(const std::string& table, uint32_t n);
  v1::SubmitOpsResponse Balance();
  v1::SubmitOpsResponse RecoverData(const v1::RecoverDataRequest& request);
  v1::ShowRecoveryResponse ShowRecovery(const std::string& plan_id = "");

 private:
  template <typename Request, typename Response>
  Response Call(grpc::Status (v1::NameServer::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                const Request& request);
  std::unique_ptr<v1::NameServer::Stub> stub_;
};

// Fake tablets joined to the nameservers, heartbeating every kTestHeartbeat.
std::vector<std::unique_ptr<FakeTablet>> StartFakeTablets(size_t count, const std::vector<std::string>& nameservers);

// True once showtablet lists count tablets, all kTabletHealthy.
bool WaitForHealthyTablets(NsClient& client, size_t count);

}  // namespace kv::test
