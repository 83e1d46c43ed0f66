#include "storage/applied_tracker.h"

#include "storage/db.h"
#include "common/invariant.h"

namespace kv::storage {

wal::RecordView ViewOf(const wal::Record& r) { return wal::RecordView{r.offset, r.term, r.type, r.payload}; }

Status AddDataOps(const wal::RecordView& record, rocksdb::WriteBatch* batch) {
  rocksdb::Status first_error;
  Status s = wal::ForEachOp(record, [&](const wal::Op& op) {
    if (!first_error.ok()) return;
    const std::string key = DataKey(op.key);
    first_error = op.type == wal::RecordType::kPut ? batch->Put(key, rocksdb::Slice(op.value.data(), op.value.size()))
                                                    : batch->Delete(key);
  });
  KV_RETURN_IF_ERROR(s);
  return FromRocks(first_error, "build batch for offset " + std::to_string(record.offset));
}

void AppliedTracker::Note(uint64_t offset, uint64_t term, rocksdb::WriteBatch* batch) {
  KV_INVARIANT("applied-prefix", offset == meta_.position.offset + 1,
               "record " + std::to_string(offset) + " applied after " + std::to_string(meta_.position.offset));
  if (term > meta_.position.term || meta_.position.offset == 0) {
    std::string value;
    wal::PutFixed64(&value, term);
    batch->Put(TermStartKey(offset), value);
  }
  meta_.position = LogPosition{term, offset};
}

void AppliedTracker::Seal(rocksdb::WriteBatch* batch) const {
  batch->Put(rocksdb::Slice(kAppliedKey.data(), kAppliedKey.size()), EncodeApplied(meta_));
}

}  // namespace kv::storage
