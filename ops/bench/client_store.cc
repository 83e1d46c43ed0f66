#include "ops/bench/client_store.h"

#include "cluster/client/kv_client.h"

namespace kv::bench {

Result<StoreAck> ClientStore::Put(const std::string& table, const std::string& key, const std::string& value) {
  KV_ASSIGN_OR_RETURN(client::WriteAck ack, client_.Put(table, key, value));
  return StoreAck{.pid = ack.pid, .term = ack.term, .offset = ack.offset};
}

Result<std::optional<std::string>> ClientStore::Get(const std::string& table, const std::string& key) {
  return client_.Get(table, key);
}

Result<uint64_t> ClientStore::Scan(const std::string& table, const std::string& from, uint64_t limit) {
  KV_ASSIGN_OR_RETURN(std::vector<client::KeyValue> records, client_.Scan(table, from, "", limit));
  return uint64_t(records.size());
}

}  // namespace kv::bench
