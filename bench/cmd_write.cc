// `wal-bench write`: makes a WAL of known puts, timed. Also the way to make
// test data for `inspect wal` and `repair wal`, so it refuses to mix its log
// into a folder that already holds something unless asked to (--append).
#include <array>
#include <cstdio>

#include "bench/append_bench.h"
#include "bench/report.h"
#include "bench/scratch_dir.h"
#include "bench/workload.h"
#include "cli/command.h"
#include "wal/tail.h"

namespace kv::bench {
namespace {

class WriteCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"write"}; }
  std::string Help() const override {
    return "Write a WAL of N puts (record n: key<n> zero-padded to --key-size, a value of --value-size "
           "bytes naming n) and print records/s and MB/s";
  }

  void AddFlags(CLI::App* app) override {
    app->add_option("--dir", dir_, "the WAL folder to write (made if missing; must be empty unless --append)")
        ->required();
    app->add_option("--records", o_.records, "how many records to append")->required();
    app->add_option("--value-size", o_.value_size, "bytes per value")->required();
    app->add_option("--key-size", o_.key_size, "bytes per key")->capture_default_str();
    app->add_option("--wal-level", wo_.wal_level, "1: write only; 2: write and fsync")
        ->capture_default_str()
        ->check(CLI::IsMember({1, 2}));
    period_ =
        app->add_option("--fsync-period-ms", wo_.fsync_period_ms,
                        "wal_level 2: fsync every P ms in the background (0: before each append returns)");
    app->add_option("--segment-bytes", wo_.segment_bytes, "roll to a new segment file past this size")
        ->capture_default_str();
    identity_flags_ = {
        app->add_option("--tid", wo_.tid, "table id in the segment headers (--append: the log's)")
            ->capture_default_str(),
        app->add_option("--pid", wo_.pid, "partition id in the segment headers (--append: the log's)")
            ->capture_default_str()};
    app->add_option("--term-every", o_.term_every, "start a new term every M records (0: all in term 1)")
        ->capture_default_str();
    app->add_option("--threads", o_.threads, "concurrent appenders (group commit)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    app->add_flag("--append", append_,
                  "add to the log already in --dir instead of refusing a non-empty folder");
  }

  int Run(const cli::CommonFlags& common) override {
    if (period_->count() > 0 && wo_.wal_level != 2) {
      return cli::UsageError("--fsync-period-ms applies to --wal-level 2 only");
    }
    // Refuse what a fresh log cannot take before making any file; --append
    // checks against the log's end once the writer has found it.
    Status s =
        append_ ? TakeIdentityOfLog()
                : RequireEmptyFolder(dir_, "choose a new folder, or pass --append to add to the log in it");
    if (s.ok() && !append_) s = ValidateWorkload(o_, 1);
    if (s.ok()) s = wal::ValidateWriterOptions(wo_);
    if (!s.ok()) return cli::ReportError(s);
    auto writer = wal::Writer::Open(dir_, wo_);
    if (!writer.ok()) return cli::ReportError(writer.status());
    auto stats = RunWorkload(std::move(writer).value(), o_);
    if (!stats.ok()) return cli::ReportError(stats.status());
    PrintAppendRows({{"write, " + ModeName(wo_.wal_level, wo_.fsync_period_ms), *stats}}, common.json);
    std::fprintf(stderr, "wal-bench: wrote records %llu..%llu to %s (read them with `inspect wal %s`)\n",
                 static_cast<unsigned long long>(stats->first_n),
                 static_cast<unsigned long long>(stats->last_n), dir_.c_str(), dir_.c_str());
    return cli::kExitOk;
  }

 private:
  // --append adds to the log's own table and partition: taken from its last
  // segment unless given, and a mismatch is a usage error, not a failed write.
  Status TakeIdentityOfLog() {
    auto tail = wal::FindTail(dir_);
    if (!tail.ok() && tail.status().IsNotFound()) return Status::OK();  // no log yet: a fresh one
    if (!tail.ok()) return tail.status();
    if (tail->segments == 0) return Status::OK();
    const bool given = identity_flags_[0]->count() > 0 || identity_flags_[1]->count() > 0;
    if (given && (tail->tid != wo_.tid || tail->pid != wo_.pid)) {
      return Status::InvalidArgument(dir_ + " holds the log of table " + std::to_string(tail->tid) +
                                     " partition " + std::to_string(tail->pid) + "; pass --tid " +
                                     std::to_string(tail->tid) + " --pid " + std::to_string(tail->pid) +
                                     " or leave them out to append to it");
    }
    wo_.tid = tail->tid;
    wo_.pid = tail->pid;
    return Status::OK();
  }

  std::string dir_;
  WorkloadOptions o_;
  wal::WriterOptions wo_{.tid = 1, .pid = 0};
  CLI::Option* period_ = nullptr;
  std::array<CLI::Option*, 2> identity_flags_{};
  bool append_ = false;
};

}  // namespace
KV_REGISTER_COMMAND(WriteCommand)
}  // namespace kv::bench
