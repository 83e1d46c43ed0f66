// One playbook run: the class behind RunPlaybook (runner.h is its public
// face). Its methods live in runner.cc (the run: its beginning and end, the
// steps in order, the state, the values steps see), run_commands.cc (ops,
// inspect and repair commands, wait, assert) and run_cluster.cc (the
// playground, the workloads, the faults).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/client/kv_client.h"
#include "ops/playbook/expand.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/playbook.h"
#include "ops/playbook/run_state.h"
#include "ops/playbook/runner.h"
#include "ops/playbook/workload_step.h"
#include "ops/playground/playground.h"

namespace kv::playbook {

inline constexpr double kToolTimeoutS = 120;   // a command step's default timeout
inline constexpr double kWaitTimeoutS = 60;    // a wait's default timeout
inline constexpr double kWaitIntervalS = 1;    // between a wait's tries
inline constexpr double kServerTimeoutS = 60;  // playground up, scale-out, restart

struct StepResult {
  bool held = false;
  std::string message;
};
inline StepResult Held(std::string message) { return {true, std::move(message)}; }
inline StepResult Failed(std::string message) { return {false, std::move(message)}; }

inline std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}
inline int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Run {
 public:
  Run(const Playbook& book, RunnerOptions options);
  Result<RunOutcome> DryRun();
  Result<RunOutcome> Go();

 private:
  // --- the run's beginning and end ---
  Status Begin();
  Result<RunOutcome> Finish(RunOutcome outcome);
  Status Save();
  Status WriteReportNow();

  // --- what steps see ---
  double Now() const { return double(UnixMs() - state_.started_unix_ms) / 1000.0; }
  bool Interrupted() const { return options_.interrupted != nullptr && options_.interrupted->load(); }
  std::string PlaygroundDir() const { return options_.dir + "/playground"; }
  std::string ReportPath() const { return options_.dir + "/report.html"; }
  // A file a step names: as given when absolute, else in the run folder.
  std::string InRunDir(const std::string& file) const;
  std::string Prefix(size_t i) const;
  Variables BaseVariables() const;
  Variables Vars() const;
  // "fault kill server=tablet-2": the step with what is known put in.
  static std::string StepText(const Step& step, const Variables& vars);
  Result<std::string> Option(const Step& step, const std::string& key, const std::string& fallback = "") const;
  Result<double> SecondsOption(const Step& step, const std::string& key, double fallback) const;
  Result<int> IntOption(const Step& step, const std::string& key, int fallback) const;

  // --- the steps (runner.cc; commands: run_commands.cc; playground, workloads, faults: run_cluster.cc) ---
  StepResult Execute(const Step& step, size_t index);
  Result<StepResult> ExecuteOrError(const Step& step, size_t index);
  Status Connect();
  Status NeedPlayground() const;
  Result<StepResult> PlaygroundStep(const Step& step);
  struct ToolRun {
    int code = -1;
    std::string out, err, out_path;
  };
  Result<ToolRun> RunTool(const Step& step, size_t index, double timeout_s);
  // One try of wait and assert: the command run and its output checked.
  // InvalidArgument (the step fails at once) on exit 2: bad usage does not mend by waiting.
  struct CheckedRun {
    ToolRun run;
    std::vector<nlohmann::json> rows;
    Verdict verdict;
  };
  Result<CheckedRun> RunChecked(const Step& step, size_t index, double timeout_s);
  // The step's captures from the rows; the message names them.
  Result<std::string> TakeCaptures(const Step& step, const std::vector<nlohmann::json>& rows);
  Result<StepResult> ToolStep(const Step& step, size_t index);
  Result<StepResult> AssertStep(const Step& step, size_t index);
  Result<StepResult> WaitStep(const Step& step, size_t index);
  // Sleeps, waking for Ctrl-C; false when interrupted.
  bool Pause(double seconds) const;
  Result<StepResult> SleepStep(const Step& step);
  PointSink SinkFor(const std::string& name, double offset);
  Status StartWorkload(WorkloadSpec spec, bool resumed);
  Result<WorkloadSpec> SpecOf(const Step& step) const;
  static std::string Summary(const nlohmann::json& s);
  // What the workload completed after the run's first fault: a point at t
  // covers (t - 1, t], so only points that end a second or more after it count.
  uint64_t OpsAfterFirstFault(const std::string& name);
  Result<StepResult> WorkloadStepRun(const Step& step);
  void MarkEvent(double t, std::string text);
  Result<StepResult> FaultStep(const Step& step);

  const Playbook& book_;
  RunnerOptions options_;  // dir made absolute
  std::string playbook_dir_;
  std::mutex report_mu_;  // state_.report: the workloads' threads add their points
  RunState state_;
  std::optional<ops::Playground> playground_;
  std::unique_ptr<client::Client> client_;
  // After client_: the workloads use it until they stop, when they are destroyed.
  std::map<std::string, std::unique_ptr<BackgroundWorkload>> workloads_;
};

}  // namespace kv::playbook
