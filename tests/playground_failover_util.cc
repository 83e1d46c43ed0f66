#include "tests/playground_failover_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/playground_test_util.h"

namespace kv::test {

using namespace std::chrono_literals;

std::string KeyOfPartition(uint32_t pid, uint32_t partitions, const std::string& prefix) {
  for (int i = 0;; ++i) {
    std::string key = prefix + std::to_string(i);
    if (client::PartitionOf(key, partitions) == pid) return key;
  }
}

std::optional<std::chrono::milliseconds> FirstWriteWithin(client::Client& client, uint32_t pid, uint32_t partitions,
                                                          const std::string& prefix,
                                                          std::chrono::steady_clock::time_point since,
                                                          std::chrono::milliseconds within) {
  const std::string probe = KeyOfPartition(pid, partitions, prefix);
  while (std::chrono::steady_clock::now() - since < within) {
    if (client.Put("t", probe, "p").ok()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since);
    }
  }
  return std::nullopt;
}

bool AllAlive(client::Client& client) {
  auto shown = client.ShowTable("t");
  if (!shown.ok() || shown->empty()) return false;
  for (const v1::PartitionInfo& p : shown->front().partitions()) {
    for (const v1::ReplicaInfo& r : p.replicas()) {
      if (!r.is_alive()) return false;
    }
  }
  return true;
}

WriteLoad::WriteLoad(client::Client& client, int threads, const std::string& prefix) {
  for (int t = 0; t < threads; ++t) {
    threads_.emplace_back([this, &client, t, prefix] {
      for (int i = 0; !stop_; ++i) {
        const std::string key = prefix + std::to_string(t) + "-" + std::to_string(i);
        if (client.Put("t", key, "v-" + key).ok()) {
          std::lock_guard lock(mu_);
          acked_.push_back(key);
        } else {
          ++failed_;
        }
      }
    });
  }
}

void WriteLoad::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t WriteLoad::acked() const {
  std::lock_guard lock(mu_);
  return acked_.size();
}

std::vector<std::string> WriteLoad::acked_keys() const {
  std::lock_guard lock(mu_);
  return acked_;
}

void RequireConverged(client::Client& client, const ops::Playground& pg, Alive alive) {
  std::string why;
  const bool converged = WaitUntil(45s, [&] {
    if (alive == Alive::kAll && !AllAlive(client)) {
      why = "a replica is not alive yet";
      return false;
    }
    why = DescribeDivergence(client, pg);
    return why.empty();
  });
  INFO(why);
  REQUIRE(converged);
}

size_t MissingOf(client::Client& client, const std::vector<std::string>& keys) {
  size_t missing = 0;
  for (const std::string& key : keys) {
    auto got = client.Get("t", key);
    if (!got.ok() || !got->has_value() || **got != "v-" + key) ++missing;
  }
  return missing;
}

std::optional<v1::PartitionInfo> PartitionNow(client::Client& client, uint32_t pid) {
  auto shown = client.ShowTable("t");
  if (!shown.ok() || shown->size() != 1 || pid >= static_cast<uint32_t>(shown->front().partitions_size())) {
    return std::nullopt;
  }
  return shown->front().partitions(static_cast<int>(pid));
}

void CreateT(client::Client& client, uint32_t partitions, uint32_t replicas) {
  v1::CreateTableRequest create;
  create.set_name("t");
  create.set_partitions(partitions);
  create.set_replicas(replicas);
  auto table = client.CreateTable(create);
  INFO(table.status().message());
  REQUIRE(table.ok());
}

bool OpsFinal(client::Client& client) {
  auto ops = client.ShowOpStatus();
  if (!ops.ok()) return false;
  return std::all_of(ops->begin(), ops->end(), [](const v1::OpInfo& op) { return op.current_task() == "-"; });
}

}  // namespace kv::test
