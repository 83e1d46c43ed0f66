#include "cluster/client/scan_merge.h"

#include <algorithm>

namespace kv::client {

MergedScan::MergedScan(uint32_t partitions, std::string from, uint64_t limit, PageFetch fetch)
    : from_(std::move(from)), limit_(limit), fetch_(std::move(fetch)), cursors_(partitions) {
  for (Cursor& c : cursors_) c.next_from = from_;
}

uint32_t MergedScan::PageSize() const {
  if (limit_ == 0) return kMaxPage;
  return static_cast<uint32_t>(std::min<uint64_t>(limit_ - returned_, kMaxPage));
}

Status MergedScan::Fill(uint32_t pid) {
  Cursor& c = cursors_[pid];
  if (c.pos < c.page.size() || !c.more) return Status::OK();
  if (limit_ != 0 && returned_ >= limit_) return Status::OK();  // done: fetch nothing more
  KV_ASSIGN_OR_RETURN(ScanPage page, fetch_(pid, c.next_from, PageSize()));
  c.page = std::move(page.entries);
  c.pos = 0;
  // An empty page that claims more would loop forever: take it as the end.
  c.more = page.more && !c.page.empty();
  // The smallest key after the page's last one.
  if (!c.page.empty()) c.next_from = c.page.back().key + '\0';
  return Status::OK();
}

void MergedScan::Push(uint32_t pid) {
  const Cursor& c = cursors_[pid];
  if (c.pos < c.page.size()) heap_.emplace(&c.page[c.pos].key, pid);
}

Result<std::optional<KeyValue>> MergedScan::Next() {
  if (!started_) {
    started_ = true;
    for (uint32_t pid = 0; pid < cursors_.size(); ++pid) {
      KV_RETURN_IF_ERROR(Fill(pid));
      Push(pid);
    }
  }
  if (heap_.empty() || (limit_ != 0 && returned_ >= limit_)) return std::optional<KeyValue>();
  const uint32_t pid = heap_.top().second;
  heap_.pop();
  Cursor& c = cursors_[pid];
  KeyValue out = std::move(c.page[c.pos++]);
  ++returned_;
  // The heap points into the page: refill only after this cursor left the heap.
  KV_RETURN_IF_ERROR(Fill(pid));
  Push(pid);
  return std::optional<KeyValue>(std::move(out));
}

}  // namespace kv::client
