#include "storage/retention.h"

#include "wal/reader.h"
#include "wal/segment.h"

namespace kv::storage {

RetentionPlan PlanWalRetention(const std::vector<SegmentSpan>& segments, uint64_t keep_from,
                               uint32_t keep_extra) {
  RetentionPlan plan;
  plan.keep_from = keep_from;
  size_t obsolete = 0;
  while (obsolete + 1 < segments.size() && segments[obsolete + 1].first_offset <= keep_from) ++obsolete;
  // segments[i] ends at segments[i + 1].first_offset - 1, which is < keep_from for every i < obsolete.
  const size_t remove = obsolete > keep_extra ? obsolete - keep_extra : 0;
  for (size_t i = 0; i < remove; ++i) plan.obsolete.push_back(segments[i].path);
  return plan;
}

Result<std::vector<SegmentSpan>> ListSegmentSpans(const std::string& wal_dir) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, wal::ListSegmentFiles(wal_dir));
  std::vector<SegmentSpan> spans;
  for (std::string& f : files) {
    const uint64_t first = *wal::ParseSegmentFileName(f.substr(f.rfind('/') + 1));
    spans.push_back({std::move(f), first});
  }
  return spans;  // ListSegmentFiles sorts by name, and names sort by first offset
}

}  // namespace kv::storage
