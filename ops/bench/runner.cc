#include "ops/bench/runner.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ops/bench/client_store.h"
#include "ops/bench/key_chooser.h"
#include "ops/bench/status_line.h"

namespace kv::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum class Op { kInsert, kRead, kUpdate, kScan, kReadModifyWrite };
const char* OpName(Op op) {
  switch (op) {
    case Op::kInsert: return "INSERT";
    case Op::kRead: return "READ";
    case Op::kUpdate: return "UPDATE";
    case Op::kScan: return "SCAN";
    case Op::kReadModifyWrite: return "READ_MODIFY_WRITE";
  }
  return "?";
}

Op PickOp(const Workload& w, std::mt19937_64& random) {
  const double total = w.read + w.update + w.insert + w.scan + w.read_modify_write;
  double u = std::uniform_real_distribution<double>(0.0, total)(random);
  const std::pair<double, Op> mix[] = {{w.read, Op::kRead}, {w.update, Op::kUpdate}, {w.insert, Op::kInsert},
                                       {w.scan, Op::kScan}, {w.read_modify_write, Op::kReadModifyWrite}};
  for (const auto& [share, op] : mix) {
    if (u < share) return op;
    u -= share;
  }
  return Op::kRead;
}

// A record's value: fieldcount x fieldlength bytes, different per write.
std::string ValueFor(const Workload& w, std::mt19937_64& random) {
  std::string value(size_t(w.field_count) * w.field_length, 'a');
  for (char& c : value) c = char('a' + random() % 26);
  return value;
}

// How often a worker that waits for its next due time looks at the stop flag.
constexpr auto kStopCheck = std::chrono::milliseconds(100);


class Recorder {
 public:
  void Record(const std::string& name, uint64_t micros) {
    std::lock_guard<std::mutex> l(mu_);
    by_operation_[name].Record(micros);
    this_second_.Record(micros);
  }
  void Failed(const std::string& name, uint64_t micros, const Status& s) {
    std::lock_guard<std::mutex> l(mu_);
    by_operation_[name + std::string(kErrorSuffix)].Record(micros);
    ++errors_this_second_;
    if (first_error_.empty()) first_error_ = s.ToString();
  }
  // Ends the second that ends at t: its point, kept for the result.
  SecondPoint EndSecond(double t) {
    std::lock_guard<std::mutex> l(mu_);
    SecondPoint p{.t = t,
                  .ops = this_second_.count(),
                  .errors = errors_this_second_,
                  .p50_us = this_second_.Percentile(50),
                  .p99_us = this_second_.Percentile(99),
                  .max_us = this_second_.max()};
    series_.push_back(p);
    this_second_.Clear();
    errors_this_second_ = 0;
    return p;
  }
  bool SecondIsEmpty() const {
    std::lock_guard<std::mutex> l(mu_);
    return this_second_.count() == 0 && errors_this_second_ == 0;
  }
  RunResult Snapshot(double seconds) const {
    std::lock_guard<std::mutex> l(mu_);
    RunResult r;
    r.seconds = seconds;
    r.by_operation = by_operation_;
    for (const auto& [name, h] : by_operation_) {
      r.operations += h.count();
      if (name.ends_with(kErrorSuffix)) r.errors += h.count();
    }
    r.first_error = first_error_;
    r.series = series_;
    return r;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, LatencyHistogram> by_operation_;
  std::string first_error_;
  LatencyHistogram this_second_;
  uint64_t errors_this_second_ = 0;
  std::vector<SecondPoint> series_;
};

}  // namespace

nlohmann::json PointJson(const SecondPoint& p) {
  return {{"t", p.t}, {"ops", p.ops}, {"errors", p.errors}, {"p50_us", p.p50_us}, {"p99_us", p.p99_us}, {"max_us", p.max_us}};
}

Result<SecondPoint> PointFromJson(const nlohmann::json& j) {
  try {
    return SecondPoint{.t = j.at("t").get<double>(),
                       .ops = j.at("ops").get<uint64_t>(),
                       .errors = j.at("errors").get<uint64_t>(),
                       .p50_us = j.at("p50_us").get<uint64_t>(),
                       .p99_us = j.at("p99_us").get<uint64_t>(),
                       .max_us = j.at("max_us").get<uint64_t>()};
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("a time series point: ") + e.what());
  }
}

LatencyHistogram SuccessLatencies(const RunResult& r) {
  LatencyHistogram all;
  for (const auto& [name, h] : r.by_operation) {
    if (!name.ends_with(kErrorSuffix)) all.Merge(h);
  }
  return all;
}

std::vector<std::string> StatusLines(const RunResult& r) {
  std::vector<std::string> lines;
  for (const auto& [name, h] : r.by_operation) lines.push_back(StatusLine(name, r.seconds, h));
  return lines;
}

Result<RunResult> RunWorkload(Store& store, const Workload& w, const RunOptions& options) {
  if (options.table.empty()) return Status::InvalidArgument("a workload needs a table (--table)");
  const uint64_t total = options.phase == Phase::kLoad ? w.record_count : w.operation_count;
  const KeyChooser chooser(w.distribution, w.record_count);
  std::atomic<uint64_t> next{0}, inserted{w.record_count};
  Recorder recorder;
  const Clock::time_point start = Clock::now();
  const auto limit = w.max_execution_s > 0 ? std::chrono::seconds(w.max_execution_s) : Clock::duration::max();
  auto elapsed_s = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  auto worker = [&](uint64_t thread) {
    std::mt19937_64 random(options.seed * 1000003 + thread);
    auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };
    for (uint64_t i = next++; i < total && !stopped(); i = next++) {
      if (Clock::now() - start > limit) break;
      Clock::time_point from = Clock::now();
      if (w.target_ops > 0) {
        // Open loop: timed from when it was due, however late it is sent.
        const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(i) / w.target_ops));
        while (Clock::now() < due && !stopped()) std::this_thread::sleep_until(std::min(due, Clock::now() + kStopCheck));
        if (stopped()) break;
        from = due;
      }
      const Op op = options.phase == Phase::kLoad ? Op::kInsert : PickOp(w, random);
      auto put = [&](const std::string& key) {
        const std::string value = ValueFor(w, random);
        auto ack = store.Put(options.table, key, value);
        if (ack.ok() && options.ledger) options.ledger->Acknowledged(key, value, ack->pid, ack->term, ack->offset);
        return ack.status();
      };
      Status s;
      if (op == Op::kInsert) {
        s = put(KeyName(options.phase == Phase::kLoad ? i : inserted++));
      } else {
        const std::string key = KeyName(chooser.Next(random, inserted.load()));
        if (op == Op::kRead) {
          s = store.Get(options.table, key).status();
        } else if (op == Op::kUpdate) {
          s = put(key);
        } else if (op == Op::kScan) {
          const uint64_t length = std::uniform_int_distribution<uint64_t>(1, std::max<uint32_t>(w.max_scan_length, 1))(random);
          s = store.Scan(options.table, key, length).status();
        } else {
          s = store.Get(options.table, key).status();
          if (s.ok()) s = put(key);
        }
      }
      const auto micros = uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - from).count());
      if (s.ok()) {
        recorder.Record(OpName(op), micros);
      } else {
        recorder.Failed(OpName(op), micros, s);
      }
    }
  };

  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  // Wakes at every whole second since the start: ends that second's point,
  // and every status.interval seconds prints the status lines.
  std::thread reporter([&] {
    std::unique_lock<std::mutex> l(done_mu);
    for (uint64_t second = 1;; ++second) {
      if (done_cv.wait_until(l, start + std::chrono::seconds(second), [&] { return done; })) break;
      const SecondPoint point = recorder.EndSecond(double(second));
      if (options.each_second) options.each_second(point);
      if (options.status && second % std::max<uint32_t>(w.status_interval_s, 1) == 0) {
        options.status(StatusLines(recorder.Snapshot(elapsed_s())));
      }
    }
  });
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < w.thread_count; ++t) threads.emplace_back(worker, t);
  for (std::thread& t : threads) t.join();
  {
    std::lock_guard<std::mutex> l(done_mu);
    done = true;
  }
  done_cv.notify_all();
  reporter.join();
  if (!recorder.SecondIsEmpty()) {
    const SecondPoint last = recorder.EndSecond(elapsed_s());
    if (options.each_second) options.each_second(last);
  }
  return recorder.Snapshot(elapsed_s());
}

Result<RunResult> RunWorkload(client::Client& client, const Workload& w, const RunOptions& options) {
  ClientStore store(client);
  return RunWorkload(store, w, options);
}

}  // namespace kv::bench
