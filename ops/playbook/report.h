// A playbook run's report (`ops playbook run`, docs/playbooks.md): what the
// operator looks at afterwards, as report.json (for tools) and report.html
// (one self-contained file that opens offline in a browser: throughput, p99
// latency and errors of every workload over time, each fault marked at its
// time on the axis, and the steps with pass/fail and durations).
// The JSON format is versioned (docs/FORMATS.md "playbook report").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "ops/bench/runner.h"

namespace kv::playbook {

inline constexpr int kReportFormatVersion = 1;

// A step as it ran. Times are seconds since the run started.
struct StepRecord {
  int index = 0;            // 1-based, in the playbook's order
  int line = 0;             // where the step starts in the playbook file
  std::string kind;         // "ops", "fault", "wait", ...
  std::string text;         // the step as printed, parameters resolved: "fault kill tablet-2"
  std::string outcome;      // "passed", "failed", "interrupted"
  double start_s = 0;
  double seconds = 0;
  std::string message;      // why it failed, or what it found ("3 of 3 replicas alive")
};

// A fault (kill, stop, cont, restart, wipe, damage-wal) at its time: a marker on the plots.
struct FaultEvent {
  double t = 0;
  std::string text;  // "kill tablet-2"
};

// One background workload's time series; a point's t is seconds since the
// run started (not since the workload started).
struct WorkloadSeries {
  std::string name;
  std::vector<bench::SecondPoint> points;
};

struct Report {
  std::string playbook;  // its file, as given
  std::string name;      // the playbook's name
  std::string started;   // UTC, "2026-12-07T01:02:03Z"
  double seconds = 0;    // the run's length so far
  std::string outcome;   // "passed", "failed", "interrupted", "running"
  std::vector<std::pair<std::string, std::string>> parameters;  // resolved, in order
  std::vector<StepRecord> steps;
  std::vector<FaultEvent> faults;
  std::vector<WorkloadSeries> workloads;
};

nlohmann::json ReportJson(const Report& report);
// InvalidArgument naming what is wrong (a resumed run reads its report back).
Result<Report> ReportFromJson(const nlohmann::json& j);
// The HTML page: the report's JSON embedded, drawn by an inline script into
// SVG (no file, font or script from elsewhere).
std::string ReportHtml(const Report& report);
// Writes DIR/report.json and DIR/report.html, each atomically.
Status WriteReport(const Report& report, const std::string& dir);

}  // namespace kv::playbook
