// The nameserver's metadata store: small JSON documents under '/'-separated
// keys, with a version per key for compare-and-set. Two back ends behave the
// same (README.md beside this file): an embedded RocksDB (one machine) and
// ZooKeeper (an active and a standby nameserver on different machines).
//
// Every write is durable before it returns: fsynced (embedded) or acknowledged
// by a ZooKeeper quorum. All methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kv::meta {

struct Versioned {
  std::string value;
  // Changes with every write of the key. Compare it for equality only (pass it
  // back to PutIfVersion): its absolute values differ between back ends, and a
  // key deleted and created again starts over.
  int64_t version = 0;

  bool operator==(const Versioned&) const = default;
};

// Passed as expected_version: the key must not exist.
inline constexpr int64_t kMustNotExist = -1;

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // nullopt when the key holds no value.
  virtual Result<std::optional<Versioned>> Get(const std::string& key) = 0;
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  // Writes only if the key's version is expected_version (kMustNotExist: only if
  // the key holds no value). A mismatch is FailedPrecondition and writes nothing.
  virtual Status PutIfVersion(const std::string& key, const std::string& value,
                              int64_t expected_version) = 0;
  // Deleting a key that holds no value is OK (deletes are idempotent, so a
  // resumed op may repeat them). Keys below it are not touched.
  virtual Status Delete(const std::string& key) = 0;
  // The keys directly inside folder ("/" or a key) that hold a value, as full
  // keys, sorted: List("/tables") gives "/tables/t1" but not "/tables/t1/x".
  virtual Result<std::vector<std::pair<std::string, Versioned>>> List(const std::string& folder) = 0;
  // Releases the store (the embedded LOCK, the ZooKeeper session). Every call
  // after it fails with FailedPrecondition. The destructor closes too.
  virtual Status Close() = 0;
};

struct MetaStoreOptions {
  // Embedded back end: the nameserver's data dir (the store is <data_dir>/meta,
  // locked by <data_dir>/LOCK). Ignored when zk_cluster is set.
  std::string data_dir;

  // ZooKeeper back end: "host:port[,host:port...]" and the znode under which
  // every key lives (e.g. "/kv"; created when missing).
  std::string zk_cluster;
  std::string zk_root_path;
  // A standby takes over this long after the active nameserver dies: keep it
  // short. ZooKeeper clamps it to [2, 20] x its tickTime.
  std::chrono::milliseconds zk_session_timeout{3000};
  // How long one call keeps retrying through a lost connection before it fails.
  std::chrono::milliseconds zk_operation_timeout{10000};
};

// Opens the ZooKeeper back end when zk_cluster is set, the embedded one
// otherwise. Busy when another process holds the embedded store's LOCK.
Result<std::unique_ptr<MetaStore>> OpenMetaStore(const MetaStoreOptions& options);

}  // namespace kv::meta
