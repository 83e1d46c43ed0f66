// `wal-bench append`: append throughput at each durability level, and what
// group commit buys 16 appenders at wal_level 2.
#include <cstdio>

#include "bench/append_bench.h"
#include "bench/report.h"
#include "cli/command.h"

namespace kv::bench {
namespace {

class AppendCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"append"}; }
  std::string Help() const override {
    return "Measure append records/s at wal_level 1, wal_level 2 (fsync per append and every 100 ms) "
           "and with 16 appenders at wal_level 2 (group commit), each in a fresh temporary log";
  }

  void AddFlags(CLI::App* app) override {
    records_flag_ =
        app->add_option("--records", records_,
                        "records per mode, all appenders together (default: each mode's own, "
                        "200000 where appends only write, 1000 or 4000 where they wait for fsync)");
    app->add_option("--value-size", value_size_, "bytes per value")->capture_default_str();
    app->add_option("--tmp-dir", tmp_root_, "where the temporary logs go (default: $TMPDIR or /tmp)");
  }

  int Run(const cli::CommonFlags& common) override {
    if (records_flag_->count() > 0) {
      if (Status s = ValidateWorkload({.records = records_, .value_size = value_size_}, 1); !s.ok()) {
        return cli::ReportError(s);
      }
    }
    auto rows = RunStandardAppendModes(records_, value_size_, tmp_root_);
    if (!rows.ok()) return cli::ReportError(rows.status());
    PrintAppendRows(*rows, common.json);
    return cli::kExitOk;
  }

 private:
  CLI::Option* records_flag_ = nullptr;
  uint64_t records_ = 0;  // 0: each mode's default
  size_t value_size_ = 100;
  std::string tmp_root_;
};

}  // namespace
KV_REGISTER_COMMAND(AppendCommand)
}  // namespace kv::bench
