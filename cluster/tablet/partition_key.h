// A partition's identity on a tablet: (tid, pid).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "cluster/proto/kv.pb.h"

namespace kv::tablet {

struct PartitionKey {
  uint32_t tid = 0;
  uint32_t pid = 0;

  auto operator<=>(const PartitionKey&) const = default;
  std::string ToString() const { return std::to_string(tid) + "_" + std::to_string(pid); }
};

inline PartitionKey KeyOf(const v1::PartitionId& id) { return {id.tid(), id.pid()}; }
inline void SetPartitionId(PartitionKey key, v1::PartitionId* id) {
  id->set_tid(key.tid);
  id->set_pid(key.pid);
}

}  // namespace kv::tablet
