// Turning WAL records into the one RocksDB WriteBatch of invariant 7: their
// data ops, the term index entries of terms that start among them, and the
// applied (term, offset) they reach. Internal to kv_storage; the write path,
// open's replay and rebuild all build their batches here.
#pragma once

#include <rocksdb/write_batch.h>

#include "storage/keys.h"
#include "common/status.h"
#include "wal/record.h"

namespace kv::storage {

// Adds the record's puts and deletes (on data keys) to batch. Corruption when
// the payload does not decode; batch is then unusable.
Status AddDataOps(const wal::RecordView& record, rocksdb::WriteBatch* batch);
wal::RecordView ViewOf(const wal::Record& record);

// Follows the applied position across records and writes its meta keys.
class AppliedTracker {
 public:
  explicit AppliedTracker(AppliedMeta start) : meta_(start) {}

  // A record at the next offset: a term index entry when its term starts here.
  void Note(uint64_t offset, uint64_t term, rocksdb::WriteBatch* batch);
  // The m:applied value for everything noted so far.
  void Seal(rocksdb::WriteBatch* batch) const;
  const AppliedMeta& meta() const { return meta_; }

 private:
  AppliedMeta meta_;
};

}  // namespace kv::storage
