#include "bench/append_bench.h"

#include <cstdio>
#include <tuple>

#include "bench/scratch_dir.h"

namespace kv::bench {

std::string ModeName(int wal_level, uint32_t fsync_period_ms) {
  if (wal_level == 1) return "wal_level 1 (write, no fsync)";
  if (fsync_period_ms == 0) return "wal_level 2, fsync per append";
  return "wal_level 2, fsync every " + std::to_string(fsync_period_ms) + " ms";
}

std::vector<AppendMode> StandardAppendModes() {
  std::vector<AppendMode> modes;
  for (const auto& [level, period, threads, records] :
       {std::tuple{1, 0u, 1u, 200'000u}, std::tuple{2, 0u, 1u, 1'000u}, std::tuple{2, 100u, 1u, 200'000u},
        std::tuple{2, 0u, 16u, 4'000u}}) {
    modes.push_back({ModeName(level, period), level, period, threads, records});
  }
  return modes;
}

Result<AppendStats> RunAppendMode(const AppendMode& mode, uint64_t records, size_t value_size,
                                  const std::string& tmp_root) {
  KV_ASSIGN_OR_RETURN(ScratchDir dir, ScratchDir::Create(tmp_root, "wal-bench-append"));
  wal::WriterOptions wo;
  wo.wal_level = mode.wal_level;
  wo.fsync_period_ms = mode.fsync_period_ms;
  KV_ASSIGN_OR_RETURN(std::unique_ptr<wal::Writer> writer, wal::Writer::Open(dir.path(), wo));
  WorkloadOptions o;
  o.records = records;
  o.value_size = value_size;
  o.threads = mode.threads;
  return RunWorkload(std::move(writer), o);
}

Result<std::vector<AppendRow>> RunStandardAppendModes(uint64_t records, size_t value_size,
                                                      const std::string& tmp_root) {
  std::vector<AppendRow> rows;
  for (const AppendMode& mode : StandardAppendModes()) {
    const uint64_t n = records > 0 ? records : mode.default_records;
    std::fprintf(stderr, "wal-bench: append, %s, %u appender(s), %llu records\n", mode.name.c_str(),
                 mode.threads, static_cast<unsigned long long>(n));
    KV_ASSIGN_OR_RETURN(AppendStats stats, RunAppendMode(mode, n, value_size, tmp_root));
    rows.push_back({mode.name, stats});
  }
  return rows;
}

}  // namespace kv::bench
