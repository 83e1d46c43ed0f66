// replica.json: what a replica folder is (table, tid, pid) and the replica's
// role and newest term, persisted so that a restarted tablet keeps fencing
// older terms (invariant 3). Format: docs/storage.md, "replica.json".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kv::storage {

enum class Role { kLeader, kFollower };
const char* RoleName(Role role);  // "leader" | "follower"
bool ParseRole(std::string_view name, Role* out);

struct Descriptor {
  static constexpr uint64_t kFormatVersion = 1;

  std::string table;
  uint32_t tid = 0;
  uint32_t pid = 0;
  Role role = Role::kFollower;
  uint64_t term = 0;  // the newest term this replica has seen
};

// NotFound when the file is missing; Corruption (naming the field) when it is malformed.
Result<Descriptor> ReadDescriptor(const std::string& path);
// Written atomically (temp file, fsync, rename): a crash leaves the old or the new file.
Status WriteDescriptor(const std::string& path, const Descriptor& d);

}  // namespace kv::storage
