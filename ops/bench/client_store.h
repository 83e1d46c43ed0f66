// The replicated store as a workload's Store (store.h): every call goes
// through client::Client, so a run sees what an application would (routing,
// retries, the client's write batching).
#pragma once

#include "ops/bench/store.h"

namespace kv::client {
class Client;
}

namespace kv::bench {

class ClientStore : public Store {
 public:
  explicit ClientStore(client::Client& client) : client_(client) {}
  Result<StoreAck> Put(const std::string& table, const std::string& key, const std::string& value) override;
  Result<std::optional<std::string>> Get(const std::string& table, const std::string& key) override;
  Result<uint64_t> Scan(const std::string& table, const std::string& from, uint64_t limit) override;

 private:
  client::Client& client_;
};

}  // namespace kv::bench
