#include "cluster/meta/zk_store.h"

#include <algorithm>

#include "cluster/meta/meta_errors.h"
#include "cluster/meta/meta_key.h"

namespace kv::meta {

namespace {

// Writes that race with other writers go round again; past this many rounds
// something keeps changing the key under us.
constexpr int kMaxRounds = 20;

int Length(const std::string& value) { return static_cast<int>(value.size()); }

}  // namespace

Result<std::unique_ptr<ZkStore>> ZkStore::Open(std::shared_ptr<ZkClient> client, std::string root_path) {
  KV_RETURN_IF_ERROR(ValidatePath(root_path, "ZooKeeper root path"));
  KV_RETURN_IF_ERROR(EnsureFolder(*client, root_path));
  return std::unique_ptr<ZkStore>(new ZkStore(std::move(client), std::move(root_path)));
}

ZkStore::~ZkStore() { Close(); }

Result<std::optional<Versioned>> ZkStore::ReadKey(const std::string& key) {
  KV_ASSIGN_OR_RETURN(std::optional<ZkNode> node, ReadNode(*client_, PathOf(key)));
  if (!node || !node->data) return std::optional<Versioned>();
  return std::optional<Versioned>(Versioned{std::move(*node->data), node->stat.version});
}

Result<std::optional<Versioned>> ZkStore::Get(const std::string& key) {
  KV_RETURN_IF_ERROR(ValidateKey(key));
  return ReadKey(key);
}

Status ZkStore::CreateNode(const std::string& path, const std::string& value, bool* exists,
                           bool* maybe_applied) {
  for (int round = 0; round < kMaxRounds; ++round) {
    ZkClient::Outcome out = client_->Call([&](zhandle_t* zh) {
      return zoo_create(zh, path.c_str(), value.data(), Length(value), &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT,
                        nullptr, 0);
    });
    *maybe_applied |= out.maybe_applied;
    if (out.rc == ZOK) return Status::OK();
    if (out.rc == ZNODEEXISTS) {
      *exists = true;
      return Status::OK();
    }
    if (out.rc != ZNONODE) return client_->ToStatus(out.rc, "create " + path);
    KV_RETURN_IF_ERROR(EnsureFolder(*client_, ParentOf(path)));
  }
  return ConcurrentChange(path);
}

Status ZkStore::Put(const std::string& key, const std::string& value) {
  KV_RETURN_IF_ERROR(ValidateWrite(key, value));
  const std::string path = PathOf(key);
  for (int round = 0; round < kMaxRounds; ++round) {
    int rc = client_->Call([&](zhandle_t* zh) {
                        return zoo_set(zh, path.c_str(), value.data(), Length(value), -1);
                      }).rc;
    if (rc == ZOK) return Status::OK();
    if (rc != ZNONODE) return client_->ToStatus(rc, "write " + path);
    bool exists = false;
    bool maybe_applied = false;
    KV_RETURN_IF_ERROR(CreateNode(path, value, &exists, &maybe_applied));
    if (!exists) return Status::OK();
  }
  return ConcurrentChange(key);
}

Status ZkStore::PutIfVersion(const std::string& key, const std::string& value, int64_t expected_version) {
  KV_RETURN_IF_ERROR(ValidateCompareAndSet(key, value, expected_version));
  if (expected_version == kMustNotExist) return CreateIfAbsent(key, value);
  return SetIfVersion(key, value, expected_version);
}

Status ZkStore::CreateIfAbsent(const std::string& key, const std::string& value) {
  const std::string path = PathOf(key);
  bool maybe_applied = false;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool exists = false;
    KV_RETURN_IF_ERROR(CreateNode(path, value, &exists, &maybe_applied));
    if (!exists) return Status::OK();
    KV_ASSIGN_OR_RETURN(std::optional<ZkNode> node, ReadNode(*client_, path));
    if (!node) continue;  // deleted since: create again
    if (node->data) {
      if (maybe_applied && *node->data == value) return Status::OK();
      return VersionConflict(key, kMustNotExist, node->stat.version);
    }
    // A folder becomes the key, unless someone else changes it first.
    ZkClient::Outcome out = client_->Call([&](zhandle_t* zh) {
      return zoo_set(zh, path.c_str(), value.data(), Length(value), node->stat.version);
    });
    maybe_applied |= out.maybe_applied;
    if (out.rc == ZOK) return Status::OK();
    if (out.rc != ZBADVERSION && out.rc != ZNONODE) return client_->ToStatus(out.rc, "write " + path);
  }
  return ConcurrentChange(key);
}

Status ZkStore::SetIfVersion(const std::string& key, const std::string& value, int64_t expected_version) {
  // Read first: a folder has a version too, and must not pass for a key.
  KV_ASSIGN_OR_RETURN(std::optional<Versioned> current, ReadKey(key));
  if (!current || current->version != expected_version) {
    return VersionConflict(key, expected_version,
                           current ? std::optional<int64_t>(current->version) : std::nullopt);
  }
  const std::string path = PathOf(key);
  ZkClient::Outcome out = client_->Call([&](zhandle_t* zh) {
    return zoo_set(zh, path.c_str(), value.data(), Length(value), static_cast<int>(expected_version));
  });
  if (out.rc == ZOK) return Status::OK();
  if (out.rc != ZBADVERSION && out.rc != ZNONODE) return client_->ToStatus(out.rc, "write " + path);
  if (out.maybe_applied && HoldsOurWrite(key, value)) return Status::OK();
  return ConcurrentChange(key);
}

bool ZkStore::HoldsOurWrite(const std::string& key, const std::string& value) {
  Result<std::optional<Versioned>> now = ReadKey(key);
  return now.ok() && now->has_value() && (*now)->value == value;
}

Status ZkStore::Delete(const std::string& key) {
  KV_RETURN_IF_ERROR(ValidateKey(key));
  const std::string path = PathOf(key);
  int rc = client_->Call([&](zhandle_t* zh) { return zoo_delete(zh, path.c_str(), -1); }).rc;
  if (rc == ZNOTEMPTY) {
    // Keys live below it: keep the znode as a folder.
    rc = client_->Call([&](zhandle_t* zh) { return zoo_set(zh, path.c_str(), nullptr, -1, -1); }).rc;
  }
  if (rc == ZOK || rc == ZNONODE) return Status::OK();
  return client_->ToStatus(rc, "delete " + path);
}

Result<std::vector<std::pair<std::string, Versioned>>> ZkStore::List(const std::string& folder) {
  KV_RETURN_IF_ERROR(ValidateFolder(folder));
  KV_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      ReadChildren(*client_, folder == "/" ? root_ : PathOf(folder)));
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, Versioned>> entries;
  for (const std::string& name : names) {
    std::string key = FolderPrefix(folder) + name;
    KV_ASSIGN_OR_RETURN(std::optional<Versioned> entry, ReadKey(key));
    if (entry) entries.emplace_back(std::move(key), std::move(*entry));
  }
  return entries;
}

Status ZkStore::Close() {
  client_->Close();
  return Status::OK();
}

}  // namespace kv::meta
