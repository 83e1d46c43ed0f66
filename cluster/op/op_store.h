// Ops in the MetaStore: one JSON document per op under /ops/<id>, the id
// counter /ids/next_op and the epoch counter /ids/op_epoch (README.md beside
// this file). Internal to kv_op; the runner is the only writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/meta/meta_store.h"
#include "cluster/op/op.h"
#include "common/status.h"

namespace kv::op {

inline constexpr uint64_t kOpFormatVersion = 1;
inline constexpr std::string_view kOpsFolder = "/ops";

std::string OpKey(uint64_t id);
std::string EncodeOp(const Op& op);
// Refuses (Corruption, naming key and field) anything but a complete document
// of kOpFormatVersion; another format_version is FailedPrecondition.
Result<Op> DecodeOp(std::string_view text, const std::string& key);

struct StoredOp {
  Op op;
  int64_t version = 0;  // the MetaStore version it was read or written at
};

class OpStore {
 public:
  explicit OpStore(meta::MetaStore* store) : store_(store) {}

  Result<uint64_t> AllocateId();
  // Writes op if its key is at expected_version (meta::kMustNotExist: creates
  // it) and returns the new version. A mismatch is Aborted: someone else
  // (a newer nameserver, or an operator's edit) wrote the op meanwhile.
  Result<int64_t> Write(const Op& op, int64_t expected_version);
  Result<std::optional<StoredOp>> Load(uint64_t id);
  // Every op, sorted by id.
  Result<std::vector<StoredOp>> LoadAll();
  Status Delete(uint64_t id);

 private:
  meta::MetaStore* store_;
};

// Hands out the counter's value and advances it by compare-and-set; the first
// value is 1. Shared by op ids and epochs.
Result<uint64_t> AdvanceCounter(meta::MetaStore* store, const std::string& key);

}  // namespace kv::op
