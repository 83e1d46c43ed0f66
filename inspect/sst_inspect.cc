#include "inspect/sst_inspect.h"

#include <rocksdb/comparator.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table_properties.h>

#include <memory>

#include "common/file.h"

namespace kv::inspect {
namespace {

// Lets a scan get past merge operands without the writer's merge operator: the
// newest operand stands for the value, and the key is remembered so the scan can
// tell a merged entry from a put (the iterator merges when it lands on a key).
class NewestOperandMerge : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "kv.inspect.NewestOperand"; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    if (in.operand_list.empty()) return false;
    out->existing_operand = in.operand_list.back();
    merged_key_ = in.key.ToString();
    merged_ = true;
    return true;
  }

  // True when the entry the iterator sits on at key came from a merge.
  bool TakeMerged(std::string_view key) const {
    const bool merged = merged_ && merged_key_ == key;
    merged_ = false;
    return merged;
  }

 private:
  // RocksDB calls FullMergeV2 on a const operator; one operator serves one scan.
  mutable std::string merged_key_;
  mutable bool merged_ = false;
};

// An SST opened with the comparator its properties name.
struct OpenSst {
  std::shared_ptr<NewestOperandMerge> merge;
  std::unique_ptr<rocksdb::SstFileReader> reader;
  std::shared_ptr<const rocksdb::TableProperties> props;
  const rocksdb::Comparator* comparator = nullptr;  // null: unknown, never iterate
};

const rocksdb::Comparator* KnownComparator(const std::string& name) {
  for (const rocksdb::Comparator* c : {rocksdb::BytewiseComparator(), rocksdb::ReverseBytewiseComparator()}) {
    if (name == c->Name()) return c;
  }
  return nullptr;
}

Status FromRocks(const std::string& file, const char* what, const rocksdb::Status& s) {
  const std::string msg = file + ": " + what + ": " + s.ToString();
  return s.IsIOError() ? Status::IOError(msg) : Status::Corruption(msg);
}

Result<std::unique_ptr<rocksdb::SstFileReader>> OpenReader(const std::string& file,
                                                          const rocksdb::Comparator* comparator,
                                                          std::shared_ptr<NewestOperandMerge> merge) {
  rocksdb::Options options;
  options.comparator = comparator;
  options.merge_operator = std::move(merge);
  auto reader = std::make_unique<rocksdb::SstFileReader>(options);
  rocksdb::Status s = reader->Open(file);
  if (!s.ok()) return FromRocks(file, "cannot be read as an SST", s);
  return reader;
}

Result<OpenSst> OpenSstFile(const std::string& file) {
  OpenSst sst;
  sst.merge = std::make_shared<NewestOperandMerge>();
  KV_ASSIGN_OR_RETURN(sst.reader, OpenReader(file, rocksdb::BytewiseComparator(), sst.merge));
  sst.props = sst.reader->GetTableProperties();
  if (sst.props == nullptr) return Status::Corruption(file + ": the SST has no properties block");
  sst.comparator = KnownComparator(sst.props->comparator_name);
  // The comparator is only known once the file is open: reopen with it.
  if (sst.comparator != nullptr && sst.comparator != rocksdb::BytewiseComparator()) {
    KV_ASSIGN_OR_RETURN(sst.reader, OpenReader(file, sst.comparator, sst.merge));
  }
  return sst;
}

Result<std::unique_ptr<rocksdb::Iterator>> NewEntryIterator(const OpenSst& sst, const std::string& file) {
  if (sst.comparator == nullptr) {
    return Status::FailedPrecondition(file + ": keys are ordered by comparator '" + sst.props->comparator_name +
                                      "', which inspect cannot iterate (only bytewise and reverse bytewise)");
  }
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // a scan reads each block once
  return std::unique_ptr<rocksdb::Iterator>(sst.reader->NewIterator(ro));
}

Status ReadKeyRange(const OpenSst& sst, const std::string& file, SstProperties* p) {
  KV_ASSIGN_OR_RETURN(auto it, NewEntryIterator(sst, file));
  it->SeekToFirst();
  if (!it->status().ok()) return FromRocks(file, "reading the first key", it->status());
  if (it->Valid()) p->smallest_key = it->key().ToString();
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(file, "reading the last key", it->status());
  if (it->Valid()) p->largest_key = it->key().ToString();
  return Status::OK();
}

}  // namespace

Result<std::vector<std::string>> ListSstFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (!PathExists(path)) return Status::NotFound("no such file or folder: " + path);
    if (!IsDirectory(path)) {
      files.push_back(path);
      continue;
    }
    KV_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(path));
    const size_t before = files.size();
    for (const std::string& name : names) {
      const std::string full = path + "/" + name;
      if (name.ends_with(".sst") && !IsDirectory(full)) files.push_back(full);
    }
    if (files.size() == before) return Status::InvalidArgument("no SST files in " + path);
  }
  for (const std::string& file : files) KV_RETURN_IF_ERROR(OpenReadOnly(file).status());
  return files;
}

Result<SstProperties> ReadSstProperties(const std::string& file) {
  KV_ASSIGN_OR_RETURN(OpenSst sst, OpenSstFile(file));
  const rocksdb::TableProperties& tp = *sst.props;
  SstProperties p;
  p.file = file;
  KV_ASSIGN_OR_RETURN(p.file_size, FileSize(file));
  p.entries = tp.num_entries;
  p.deletions = tp.num_deletions;
  p.merge_operands = tp.num_merge_operands;
  p.range_deletions = tp.num_range_deletions;
  p.data_blocks = tp.num_data_blocks;
  p.data_size = tp.data_size;
  p.index_size = tp.index_size;
  p.filter_size = tp.filter_size;
  p.raw_key_size = tp.raw_key_size;
  p.raw_value_size = tp.raw_value_size;
  p.format_version = tp.format_version;
  p.filter_policy = tp.filter_policy_name;
  p.compression = tp.compression_name;
  p.comparator = tp.comparator_name;
  p.column_family = tp.column_family_name;
  if (tp.column_family_id != rocksdb::TablePropertiesCollectorFactory::Context::kUnknownColumnFamily) {
    p.column_family_id = tp.column_family_id;
  }
  p.file_creation_time = tp.file_creation_time;
  p.db_id = tp.db_id;
  p.original_file_number = tp.orig_file_number;
  p.key_range_status = ReadKeyRange(sst, file, &p);
  return p;
}

const char* SstEntryTypeName(SstEntryType t) {
  switch (t) {
    case SstEntryType::kPut: return "put";
    case SstEntryType::kMerge: return "merge";
  }
  return "unknown";
}

const char* SstScanEndName(SstScanEnd e) {
  switch (e) {
    case SstScanEnd::kEndOfFile: return "end of file";
    case SstScanEnd::kReachedTo: return "reached --to";
    case SstScanEnd::kLimit: return "reached --limit";
    case SstScanEnd::kDamaged: return "damaged";
  }
  return "unknown";
}

Result<SstScanSummary> ScanSst(const std::string& file, const SstScanOptions& options,
                               const std::function<void(const SstEntry&)>& visit) {
  KV_ASSIGN_OR_RETURN(OpenSst sst, OpenSstFile(file));
  KV_ASSIGN_OR_RETURN(auto it, NewEntryIterator(sst, file));
  SstScanSummary summary;
  if (options.from) {
    it->Seek(*options.from);
  } else {
    it->SeekToFirst();
  }
  for (; it->Valid(); it->Next()) {
    if (options.to && sst.comparator->Compare(it->key(), *options.to) >= 0) {
      summary.end = SstScanEnd::kReachedTo;
      return summary;
    }
    const std::string_view key(it->key().data(), it->key().size());
    const SstEntryType type = sst.merge->TakeMerged(key) ? SstEntryType::kMerge : SstEntryType::kPut;
    visit(SstEntry{key, std::string_view(it->value().data(), it->value().size()), type});
    if (++summary.entries == options.limit) {
      summary.end = SstScanEnd::kLimit;
      return summary;
    }
  }
  if (!it->status().ok()) {
    summary.end = SstScanEnd::kDamaged;
    summary.damage = FromRocks(file, "reading entries", it->status());
  }
  return summary;
}

Status VerifySst(const std::string& file) {
  KV_ASSIGN_OR_RETURN(OpenSst sst, OpenSstFile(file));
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  rocksdb::Status s = sst.reader->VerifyChecksum(ro);
  if (!s.ok()) return FromRocks(file, "checksum verification failed", s);
  return Status::OK();
}

}  // namespace kv::inspect
