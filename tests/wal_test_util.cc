#include "tests/wal_test_util.h"

#include <stdexcept>

namespace kv::test {

std::string TestKey(uint64_t i) { return "key" + std::to_string(i); }

std::string TestValue(uint64_t i, size_t size) {
  std::string v = "value" + std::to_string(i) + "-";
  while (v.size() < size) v.push_back(static_cast<char>('a' + (v.size() + i) % 26));
  v.resize(size);
  return v;
}

std::vector<std::string> WriteTestLog(const std::string& dir, const TestLogOptions& o) {
  wal::WriterOptions wo;
  wo.tid = o.tid;
  wo.pid = o.pid;
  wo.segment_bytes = o.segment_bytes;
  auto w = wal::Writer::Open(dir, wo);
  if (!w.ok()) throw std::runtime_error(w.status().ToString());
  for (uint64_t i = 1; i <= o.records; ++i) {
    std::vector<wal::Record> rs{wal::Record::Put(1 + (i - 1) / o.term_every, TestKey(i), TestValue(i, o.value_size))};
    rs[0].offset = i;
    auto s = (*w)->Append(rs);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  auto files = wal::ListSegmentFiles(dir);
  return files.value();
}

bool CollectingHandler::OnRecord(const wal::RecordView& r, const wal::RecordLocation&) {
  c.offsets.push_back(r.offset);
  return true;
}

bool CollectingHandler::OnDamage(const wal::Damage& d) {
  c.damages.push_back(d);
  return true;
}

Collected ReadAll(const std::string& dir, const wal::ReadOptions& o) {
  CollectingHandler h;
  auto sum = wal::ReadLog(dir, o, &h);
  if (!sum.ok()) throw std::runtime_error(sum.status().ToString());
  h.c.summary = sum.value();
  return h.c;
}

}  // namespace kv::test
