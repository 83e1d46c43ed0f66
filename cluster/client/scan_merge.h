// A scan over every partition of a table, in key order: one cursor per
// partition reading pages from its leader, merged through a min-heap. Memory
// holds one page per partition, whatever the table's size.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::client {

struct KeyValue {
  std::string key;
  std::string value;
  bool operator==(const KeyValue&) const = default;
};

struct ScanPage {
  std::vector<KeyValue> entries;  // in key order
  bool more = false;              // the partition holds more keys in the range
};

// Reads one page of partition pid: keys >= from (and below the scan's end), at most limit.
using PageFetch = std::function<Result<ScanPage>(uint32_t pid, const std::string& from, uint32_t limit)>;

class MergedScan {
 public:
  static constexpr uint32_t kMaxPage = 1000;

  // limit 0 = no limit.
  MergedScan(uint32_t partitions, std::string from, uint64_t limit, PageFetch fetch);

  // The next entry in key order; nullopt at the end (or after limit entries).
  Result<std::optional<KeyValue>> Next();

 private:
  struct Cursor {
    std::vector<KeyValue> page;
    size_t pos = 0;
    bool more = true;
    std::string next_from;
  };
  // Refills cursor pid when its page is used up and the partition has more.
  Status Fill(uint32_t pid);
  void Push(uint32_t pid);  // puts the cursor's current key in the heap, if any
  uint32_t PageSize() const;

  const std::string from_;
  const uint64_t limit_;
  const PageFetch fetch_;
  std::vector<Cursor> cursors_;
  bool started_ = false;
  uint64_t returned_ = 0;
  // (key, pid), smallest key first; keys are unique across partitions.
  using HeapEntry = std::pair<const std::string*, uint32_t>;
  struct Greater {
    bool operator()(const HeapEntry& a, const HeapEntry& b) const { return *a.first > *b.first; }
  };
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, Greater> heap_;
};

}  // namespace kv::client
