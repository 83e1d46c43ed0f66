// Reads of applied data.
#include <rocksdb/db.h>

#include "storage/data_scan.h"
#include "storage/db.h"
#include "storage/keys.h"
#include "storage/replica.h"

namespace kv::storage {

Result<std::string> Replica::Get(std::string_view key) const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  if (!db_) return Usable();
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), DataKey(key), &value);
  if (s.IsNotFound()) return Status::NotFound("no such key");
  KV_RETURN_IF_ERROR(FromRocks(s, "get"));
  return value;
}

Result<ScanResult> Replica::Scan(std::string_view from, std::string_view to, size_t limit) const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  if (!db_) return Usable();
  ScanResult out;
  auto collect = [&](std::string_view k, std::string_view v) {
    if (limit != 0 && out.entries.size() == limit) {
      out.more = true;
      return false;
    }
    out.entries.push_back({std::string(k), std::string(v)});
    return true;
  };
  KV_RETURN_IF_ERROR(ForEachDataEntry(db_.get(), rocksdb::ReadOptions(), from, to, collect));
  return out;
}

Result<uint64_t> Replica::Count() const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  if (!db_) return Usable();
  return CountData(db_.get());
}

Result<ContentAt> Replica::Checksum() const {
  std::shared_lock<std::shared_mutex> l(life_mu_);
  if (!db_) return Usable();
  ContentAt out;
  const rocksdb::Snapshot* snapshot = nullptr;
  {
    std::lock_guard<std::mutex> a(apply_mu_);  // the snapshot and applied_ describe the same moment
    snapshot = db_->GetSnapshot();
    out.applied = applied_;
  }
  auto content = ChecksumData(db_.get(), snapshot);
  db_->ReleaseSnapshot(snapshot);
  KV_ASSIGN_OR_RETURN(out.content, std::move(content));
  return out;
}

}  // namespace kv::storage
