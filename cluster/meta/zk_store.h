// The ZooKeeper back end: one znode per key under the root path, the value as
// the znode's data, the version as the znode's version (README.md).
//
// Parents are created on demand as folders: znodes with null data, which are
// not keys (Get says nullopt, List skips them). A key with keys below it that
// is deleted becomes such a folder again, so both back ends agree that a key
// and the keys below it are independent.
#pragma once

#include <memory>
#include <string>

#include "cluster/meta/meta_store.h"
#include "cluster/meta/zk_client.h"

namespace kv::meta {

class ZkStore final : public MetaStore {
 public:
  // Creates root_path when it is missing.
  static Result<std::unique_ptr<ZkStore>> Open(std::shared_ptr<ZkClient> client, std::string root_path);
  ~ZkStore() override;

  Result<std::optional<Versioned>> Get(const std::string& key) override;
  Status Put(const std::string& key, const std::string& value) override;
  Status PutIfVersion(const std::string& key, const std::string& value, int64_t expected_version) override;
  Status Delete(const std::string& key) override;
  Result<std::vector<std::pair<std::string, Versioned>>> List(const std::string& folder) override;
  Status Close() override;

 private:
  ZkStore(std::shared_ptr<ZkClient> client, std::string root) : client_(std::move(client)), root_(std::move(root)) {}
  std::string PathOf(const std::string& key) const { return root_ + key; }
  Result<std::optional<Versioned>> ReadKey(const std::string& key);
  // Creates the znode (and its parents); *exists when it was there already.
  Status CreateNode(const std::string& path, const std::string& value, bool* exists, bool* maybe_applied);
  Status CreateIfAbsent(const std::string& key, const std::string& value);
  Status SetIfVersion(const std::string& key, const std::string& value, int64_t expected_version);
  // After a write whose answer was lost, a conflict may be our own write
  // seen from the retry: then the key holds exactly what we wrote.
  bool HoldsOurWrite(const std::string& key, const std::string& value);

  std::shared_ptr<ZkClient> client_;
  const std::string root_;
};

}  // namespace kv::meta
