#include "bench/report.h"

#include <cstdio>

#include "cli/table.h"

namespace kv::bench {

namespace {
constexpr double kMB = 1e6;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double PerSecond(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }
}  // namespace

void PrintAppendRows(const std::vector<AppendRow>& rows, bool json) {
  cli::Table table({"mode", "threads", "records", "seconds", "records/s", "MB/s", "syncs", "records/sync"});
  for (const AppendRow& row : rows) {
    const AppendStats& s = row.stats;
    const double records_per_s = PerSecond(static_cast<double>(s.records), s.seconds);
    const double mb_per_s = PerSecond(static_cast<double>(s.log_bytes) / kMB, s.seconds);
    const double records_per_sync =
        s.syncs > 0 ? static_cast<double>(s.records) / static_cast<double>(s.syncs) : 0;
    if (json) {
      cli::PrintJsonLine({{"bench", "append"},
                          {"mode", row.mode},
                          {"threads", s.threads},
                          {"records", s.records},
                          {"log_bytes", s.log_bytes},
                          {"seconds", s.seconds},
                          {"records_per_s", records_per_s},
                          {"mb_per_s", mb_per_s},
                          {"syncs", s.syncs}});
      continue;
    }
    table.AddRow({row.mode, std::to_string(s.threads), std::to_string(s.records), Fixed(s.seconds, 3),
                  Fixed(records_per_s, 0), Fixed(mb_per_s, 1), std::to_string(s.syncs),
                  s.syncs > 0 ? Fixed(records_per_sync, 1) : "-"});
  }
  if (!json) table.Print();
}

void PrintReadRows(const std::vector<ReadRow>& rows, bool json) {
  cli::Table table(
      {"data", "reader", "records", "MB", "runs", "median s", "median MB/s", "best MB/s", "vs cat"});
  for (const ReadRow& row : rows) {
    const ReadCounts& c = row.result.counts;
    const double mb = static_cast<double>(c.file_bytes) / kMB;
    const Timings& reader = row.result.reader;
    const Timings& cat = row.result.cat;
    const double ratio = PerSecond(cat.Median(), reader.Median());
    if (json) {
      cli::PrintJsonLine({{"bench", row.reader},
                          {"data", row.data},
                          {"records", c.records},
                          {"ops", c.ops},
                          {"file_bytes", c.file_bytes},
                          {"damages", c.damages},
                          {"bad_payloads", c.bad_payloads},
                          {"runs", reader.seconds.size()},
                          {"median_s", reader.Median()},
                          {"median_mb_per_s", PerSecond(mb, reader.Median())},
                          {"best_mb_per_s", PerSecond(mb, reader.Best())},
                          {"cat_median_s", cat.Median()},
                          {"cat_median_mb_per_s", PerSecond(mb, cat.Median())},
                          {"cat_best_mb_per_s", PerSecond(mb, cat.Best())},
                          {"vs_cat", ratio}});
      continue;
    }
    const auto add = [&](const std::string& name, const std::string& records, const Timings& t,
                         const std::string& vs_cat) {
      table.AddRow({row.data, name, records, Fixed(mb, 1), std::to_string(t.seconds.size()),
                    Fixed(t.Median(), 4), Fixed(PerSecond(mb, t.Median()), 0),
                    Fixed(PerSecond(mb, t.Best()), 0), vs_cat});
    };
    add(row.reader, std::to_string(c.records), reader, Fixed(ratio, 2));
    add("cat", "-", cat, "1.00");
  }
  if (!json) table.Print();
}

}  // namespace kv::bench
