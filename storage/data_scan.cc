#include "storage/data_scan.h"

#include <memory>
#include <string>

#include "storage/db.h"
#include "storage/keys.h"

namespace kv::storage {
namespace {

rocksdb::ReadOptions FullScan(const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.snapshot = snapshot;
  return ro;
}

}  // namespace

Status ForEachDataEntry(rocksdb::DB* db, rocksdb::ReadOptions ro, std::string_view from, std::string_view to,
                        const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string upper = to.empty() ? std::string(1, kDataPrefix + 1) : DataKey(to);
  const rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  for (it->Seek(DataKey(from)); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data() + 1, it->key().size() - 1);
    if (!fn(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan data keys");
}

Result<ContentChecksum> ChecksumData(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) {
  ContentChecksum c;
  KV_RETURN_IF_ERROR(ForEachDataEntry(db, FullScan(snapshot), {}, {}, [&](std::string_view k, std::string_view v) {
    c.Add(k, v);
    return true;
  }));
  return c;
}

Result<uint64_t> CountData(rocksdb::DB* db) {
  uint64_t n = 0;
  KV_RETURN_IF_ERROR(ForEachDataEntry(db, FullScan(nullptr), {}, {}, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  }));
  return n;
}

}  // namespace kv::storage
