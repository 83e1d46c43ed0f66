#include "bench/workload.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/sync_counter.h"

namespace kv::bench {

namespace {
constexpr std::string_view kKeyPrefix = "key";

size_t Digits(uint64_t n) {
  size_t d = 1;
  for (; n >= 10; n /= 10) ++d;
  return d;
}

// The appenders share a ticket counter for record numbers and stop together at
// the first failure.
class AppendLoop {
 public:
  AppendLoop(wal::Writer* writer, const WorkloadOptions& o, uint64_t first_n, uint64_t base_term)
      : w_(writer), o_(o), next_(first_n), end_(first_n + o.records), base_term_(base_term) {}

  void Run() {
    std::vector<wal::Record> batch(1);
    for (;;) {
      const uint64_t n = next_.fetch_add(1);
      if (n >= end_ || failed_.load()) return;
      batch[0] = wal::Record::Put(TermOf(n), BenchKey(n, o_.key_size), BenchValue(n, o_.value_size));
      Status s = w_->AppendAssigning(&batch);
      if (!s.ok()) {
        std::lock_guard<std::mutex> l(mu_);
        if (first_error_.ok()) first_error_ = s;
        failed_ = true;
        return;
      }
    }
  }

  Status first_error() const { return first_error_; }

 private:
  uint64_t TermOf(uint64_t n) const {
    const uint64_t t = o_.term_every == 0 ? 1 : 1 + (n - 1) / o_.term_every;
    return std::max(t, base_term_);
  }

  wal::Writer* w_;
  const WorkloadOptions& o_;
  std::atomic<uint64_t> next_;
  const uint64_t end_;
  const uint64_t base_term_;
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  Status first_error_;
};
}  // namespace

std::string BenchKey(uint64_t n, size_t key_size) {
  const std::string digits = std::to_string(n);
  const size_t width = key_size > kKeyPrefix.size() ? key_size - kKeyPrefix.size() : 0;
  std::string key(kKeyPrefix);
  if (digits.size() < width) key.append(width - digits.size(), '0');
  return key + digits;
}

size_t MinKeySize(uint64_t last) { return kKeyPrefix.size() + Digits(last); }

std::string BenchValue(uint64_t n, size_t size) {
  std::string v = "value" + std::to_string(n) + "-";
  v.reserve(std::max(size, v.size()));
  while (v.size() < size) v.push_back(static_cast<char>('a' + (v.size() + n) % 26));
  v.resize(size);
  return v;
}

Status ValidateWorkload(const WorkloadOptions& o, uint64_t first_n) {
  if (o.records == 0) return Status::InvalidArgument("--records must be at least 1");
  if (o.threads == 0) return Status::InvalidArgument("--threads must be at least 1");
  const uint64_t last_n = first_n + o.records - 1;
  if (o.key_size < MinKeySize(last_n)) {
    return Status::InvalidArgument("--key-size " + std::to_string(o.key_size) + " cannot hold key" +
                                   std::to_string(last_n) + "; use at least " +
                                   std::to_string(MinKeySize(last_n)));
  }
  if (o.term_every > 0 && o.threads > 1) {
    return Status::InvalidArgument(
        "--term-every needs --threads 1: with several appenders the order of records, and so of "
        "terms, in the log is not known in advance");
  }
  return Status::OK();
}

Result<AppendStats> RunWorkload(std::unique_ptr<wal::Writer> writer, const WorkloadOptions& o) {
  const uint64_t first_n = writer->last_offset() + 1;
  KV_RETURN_IF_ERROR(ValidateWorkload(o, first_n));
  AppendLoop loop(writer.get(), o, first_n, writer->last_term());

  const uint64_t syncs_before = SyncCalls();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> appenders;
  for (unsigned t = 1; t < o.threads; ++t) appenders.emplace_back([&loop] { loop.Run(); });
  loop.Run();
  for (std::thread& t : appenders) t.join();
  const uint64_t last_offset = writer->last_offset();
  writer.reset();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  KV_RETURN_IF_ERROR(loop.first_error());

  AppendStats st;
  st.threads = o.threads;
  st.records = last_offset - first_n + 1;
  st.first_n = first_n;
  st.last_n = last_offset;
  // Every record is the same size: the key and value have fixed lengths.
  const size_t payload =
      wal::Record::Put(1, BenchKey(first_n, o.key_size), BenchValue(first_n, o.value_size)).payload.size();
  st.log_bytes = st.records * (wal::kRecordOverhead + payload);
  st.seconds = elapsed.count();
  st.syncs = SyncCalls() - syncs_before;
  return st;
}

}  // namespace kv::bench
