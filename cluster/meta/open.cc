// The one place that picks a back end from the options.
#include "cluster/meta/embedded_store.h"
#include "cluster/meta/leader_election.h"
#include "cluster/meta/meta_key.h"
#include "cluster/meta/meta_store.h"
#include "cluster/meta/single_node_election.h"
#include "cluster/meta/zk_client.h"
#include "cluster/meta/zk_election.h"
#include "cluster/meta/zk_store.h"

namespace kv::meta {

namespace {

bool UsesZooKeeper(const MetaStoreOptions& options) { return !options.zk_cluster.empty(); }

Result<std::shared_ptr<ZkClient>> ConnectZooKeeper(const MetaStoreOptions& options) {
  KV_RETURN_IF_ERROR(ValidatePath(options.zk_root_path, "ZooKeeper root path"));
  return ZkClient::Connect({.hosts = options.zk_cluster,
                            .session_timeout = options.zk_session_timeout,
                            .operation_timeout = options.zk_operation_timeout});
}

Status CheckEmbedded(const MetaStoreOptions& options) {
  if (options.data_dir.empty()) {
    return Status::InvalidArgument("metadata store: give a data dir (embedded) or a ZooKeeper cluster");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<MetaStore>> OpenMetaStore(const MetaStoreOptions& options) {
  if (UsesZooKeeper(options)) {
    KV_ASSIGN_OR_RETURN(std::shared_ptr<ZkClient> client, ConnectZooKeeper(options));
    KV_ASSIGN_OR_RETURN(std::unique_ptr<ZkStore> store, ZkStore::Open(std::move(client), options.zk_root_path));
    return std::unique_ptr<MetaStore>(std::move(store));
  }
  KV_RETURN_IF_ERROR(CheckEmbedded(options));
  KV_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedStore> store, EmbeddedStore::Open(options.data_dir));
  return std::unique_ptr<MetaStore>(std::move(store));
}

Result<std::unique_ptr<LeaderElection>> OpenLeaderElection(const MetaStoreOptions& options) {
  if (UsesZooKeeper(options)) {
    KV_ASSIGN_OR_RETURN(std::shared_ptr<ZkClient> client, ConnectZooKeeper(options));
    return std::unique_ptr<LeaderElection>(
        std::make_unique<ZkLeaderElection>(std::move(client), options.zk_root_path));
  }
  KV_RETURN_IF_ERROR(CheckEmbedded(options));
  return std::unique_ptr<LeaderElection>(std::make_unique<SingleNodeElection>());
}

}  // namespace kv::meta
