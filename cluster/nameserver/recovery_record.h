// The record of an `ops recoverdata` apply in the metadata (README.md
// "Recovery record"): which plan, which ops, and the auto_failover value to
// restore. It lives with the ops, not in the `ops` process, so that a killed
// `ops` or a restarted nameserver still finishes the recovery and turns
// auto_failover back on. One at a time: /recoverdata/current; once every op
// is final it moves to /recoverdata/done/<plan id> (the audit record).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv::ns {

inline constexpr std::string_view kRecoveryCurrentKey = "/recoverdata/current";
inline constexpr std::string_view kRecoveryDoneFolder = "/recoverdata/done";

struct RecoveryRecord {
  std::string plan_id;
  std::string fingerprint;
  std::vector<uint64_t> op_ids;      // one kRecoverDataOP per partition, in the plan's order
  std::string auto_failover_before;  // "true" | "false"
  int64_t started_ms = 0;            // wall clock, ms since the Unix epoch
  int64_t finished_ms = 0;           // 0 while it runs
  std::map<uint64_t, std::string> outcomes;  // op id -> final status (kDone, kFailed, kCanceled), once finished
};

// "/recoverdata/done/<plan id>"; InvalidArgument when plan_id cannot be a key component.
Result<std::string> FinishedRecoveryKey(const std::string& plan_id);

std::string EncodeRecovery(const RecoveryRecord& record);
// Corruption naming key and field when the document is not a recovery record.
Result<RecoveryRecord> DecodeRecovery(std::string_view text, const std::string& key);

}  // namespace kv::ns
