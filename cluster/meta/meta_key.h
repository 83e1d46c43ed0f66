// The rules every metadata key obeys, shared by both back ends so that a key
// valid on one is valid on the other (ZooKeeper is the stricter of the two).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kv::meta {

// An absolute '/'-separated path: "/tables/t1". Every component is non-empty,
// not "." or "..", and printable ASCII other than '/' (ZooKeeper refuses
// control characters in znode names). what names the path in the error.
Status ValidatePath(std::string_view path, std::string_view what);
// Under the store's root, the leader election's znodes live in this folder.
inline constexpr std::string_view kElectionFolder = "/leader";
// A valid path outside kElectionFolder.
Status ValidateKey(std::string_view key);
// A folder given to List: "/" or a valid key.
Status ValidateFolder(std::string_view folder);

// "/tables/t1" -> "/tables"; "/ids" -> "/".
std::string ParentOf(std::string_view key);
// True when key lies directly inside folder: ("/tables", "/tables/t1") but not
// ("/tables", "/tables/t1/x") nor ("/tables", "/tablesx").
bool IsDirectChild(std::string_view folder, std::string_view key);
// "/" -> "/"; "/tables" -> "/tables/": what every key inside folder starts with.
std::string FolderPrefix(std::string_view folder);

// Values larger than this are refused by both back ends (ZooKeeper's own limit
// on a request is 1 MiB).
inline constexpr size_t kMaxValueBytes = 512 * 1024;
// The checks of Put: a valid key and a value within the limit.
Status ValidateWrite(std::string_view key, std::string_view value);
// The checks of PutIfVersion: those of Put, and a version >= kMustNotExist.
Status ValidateCompareAndSet(std::string_view key, std::string_view value, int64_t expected_version);

}  // namespace kv::meta
