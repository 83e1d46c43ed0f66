#include "bench/read_bench.h"

#include <algorithm>
#include <chrono>

#include "bench/cat_timer.h"

namespace kv::bench {

namespace {
class CountingHandler : public wal::ReadHandler {
 public:
  CountingHandler(bool decode_ops, ReadCounts* counts) : decode_ops_(decode_ops), c_(counts) {}

  bool OnRecord(const wal::RecordView& r, const wal::RecordLocation&) override {
    ++c_->records;
    c_->payload_bytes += r.payload.size();
    if (!decode_ops_) return true;
    Status s = wal::ForEachOp(r, [this](const wal::Op&) { ++c_->ops; });
    if (!s.ok()) {
      ++c_->bad_payloads;
      if (c_->first_problem.empty()) c_->first_problem = s.message();
    }
    return true;
  }

  bool OnDamage(const wal::Damage& d) override {
    ++c_->damages;
    if (c_->first_problem.empty()) c_->first_problem = d.Describe();
    return true;  // salvage: count it and read on
  }

 private:
  const bool decode_ops_;
  ReadCounts* c_;
};

template <typename Fn>
Result<double> Timed(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  KV_RETURN_IF_ERROR(fn());
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count();
}
}  // namespace

Result<ReadCounts> ReadOnce(const std::string& dir, bool decode_ops) {
  ReadCounts counts;
  CountingHandler handler(decode_ops, &counts);
  KV_ASSIGN_OR_RETURN(wal::ReadSummary sum, wal::ReadLog(dir, {}, &handler));
  counts.segments = sum.segments;
  counts.file_bytes = sum.bytes;
  counts.end = sum.end;
  return counts;
}

double Timings::Median() const {
  if (seconds.empty()) return 0;
  std::vector<double> s = seconds;
  std::sort(s.begin(), s.end());
  const size_t mid = s.size() / 2;
  return s.size() % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

double Timings::Best() const {
  return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end());
}

Result<ReadComparison> CompareWithCat(const std::string& dir, bool decode_ops, int runs) {
  KV_ASSIGN_OR_RETURN(std::vector<std::string> files, wal::ListSegmentFiles(dir));
  if (files.empty()) {
    return Status::InvalidArgument(
        dir + " holds no WAL segment files (make some with `wal-bench write --dir " + dir + "`)");
  }
  ReadComparison out;
  KV_RETURN_IF_ERROR(TimeCat(files).status());
  KV_ASSIGN_OR_RETURN(out.counts, ReadOnce(dir, decode_ops));
  for (int i = 0; i < runs; ++i) {
    KV_ASSIGN_OR_RETURN(double reader_s, Timed([&] { return ReadOnce(dir, decode_ops).status(); }));
    KV_ASSIGN_OR_RETURN(double cat_s, TimeCat(files));
    out.reader.seconds.push_back(reader_s);
    out.cat.seconds.push_back(cat_s);
  }
  return out;
}

}  // namespace kv::bench
