// Walking the data keys of a replica's RocksDB in key order. Internal to kv_storage.
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <string_view>

#include "storage/checksum.h"
#include "common/status.h"

namespace kv::storage {

// Calls fn(user key, value) for data keys in [from, to) (to empty = to the end)
// until fn returns false. ro gives the snapshot and caching; its bounds are set here.
Status ForEachDataEntry(rocksdb::DB* db, rocksdb::ReadOptions ro, std::string_view from, std::string_view to,
                        const std::function<bool(std::string_view, std::string_view)>& fn);

// Full scans: they bypass the block cache, so as not to evict what the
// replica's readers need. snapshot: null = the DB as it is now.
Result<ContentChecksum> ChecksumData(rocksdb::DB* db, const rocksdb::Snapshot* snapshot = nullptr);
Result<uint64_t> CountData(rocksdb::DB* db);

}  // namespace kv::storage
