#include "cluster/tablet/leader_log.h"

#include "wal/reader.h"

namespace kv::tablet {

Result<WalRun> ReadWalRun(const std::string& wal_dir, uint64_t from, uint64_t up_to, const BatchLimits& limits) {
  WalRun run;
  if (from > up_to) return run;
  wal::ReadOptions options;
  options.from_offset = from;
  options.to_offset = up_to;
  size_t bytes = 0;
  KV_RETURN_IF_ERROR(wal::ReadLogInMode(wal_dir, wal::ReadMode::kTolerateTornTail, options,
                                        [&](const wal::RecordView& r) {
                                          if (run.records.empty() && r.offset != from) {
                                            run.before_log_start = true;
                                            return false;
                                          }
                                          if (!run.records.empty() && bytes + r.payload.size() > limits.max_bytes) {
                                            return false;
                                          }
                                          bytes += r.payload.size();
                                          run.records.push_back(
                                              {r.offset, r.term, r.type, std::string(r.payload)});
                                          return run.records.size() < limits.max_records;
                                        })
                         .status());
  if (run.records.empty()) run.before_log_start = true;  // `from` <= up_to, yet the WAL holds nothing from it
  return run;
}

Result<uint64_t> TermAt(const storage::Replica& replica, uint64_t offset) {
  if (offset == 0) return uint64_t{0};
  KV_ASSIGN_OR_RETURN(storage::LogPosition at, replica.TermStartAt(offset));
  return at.term;
}

Result<std::optional<uint64_t>> LastOffsetOfTerm(const storage::Replica& replica, uint64_t term) {
  uint64_t probe = replica.Applied().offset;
  while (probe > 0) {
    KV_ASSIGN_OR_RETURN(storage::LogPosition start, replica.TermStartAt(probe));
    if (start.term == term) return std::optional<uint64_t>(probe);
    if (start.term < term) break;
    probe = start.offset - 1;
  }
  return std::optional<uint64_t>();
}

}  // namespace kv::tablet
