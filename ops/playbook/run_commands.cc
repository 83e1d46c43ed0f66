// The steps that run a command of the toolkit: ops, inspect, repair, wait, assert.
#include <algorithm>
#include <set>

#include "cli/command.h"
#include "common/file.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/run.h"
#include "ops/playground/process.h"
#include "ops/playground/server_binaries.h"

namespace kv::playbook {
namespace {

std::string FirstLine(const std::string& text) {
  const size_t nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

}  // namespace

Result<Run::ToolRun> Run::RunTool(const Step& step, size_t index, double timeout_s) {
  KV_ASSIGN_OR_RETURN(std::string line, Expand(step.action, Vars()));
  KV_ASSIGN_OR_RETURN(std::vector<std::string> args, SplitWords(line));
  const std::string tool = step.kind == StepKind::kInspect ? "inspect" : step.kind == StepKind::kRepair ? "repair" : "ops";
  auto has = [&](const std::string& flag) { return std::find(args.begin(), args.end(), flag) != args.end(); };
  if (tool == "ops" && !args.empty() && args[0] == "playground" && !has("--dir")) {
    args.insert(args.end(), {"--dir", PlaygroundDir()});
  }
  if (!has("--json")) args.push_back("--json");
  // The cluster commands find the playground's nameserver as an operator's shell would: $KV_NS.
  std::vector<std::pair<std::string, std::string>> env;
  if (playground_) env.emplace_back("KV_NS", playground_->NameserverList());
  KV_ASSIGN_OR_RETURN(std::string binary, ops::FindProgram(tool, options_.bin_dir));
  char name[32];
  std::snprintf(name, sizeof name, "/steps/%02zu-%s", index + 1, tool.c_str());
  ToolRun run;
  run.out_path = options_.dir + name + ".out";
  const std::string err_path = options_.dir + name + ".err";
  (void)RemoveTree(run.out_path);  // the files hold the last try of the step
  (void)RemoveTree(err_path);
  KV_ASSIGN_OR_RETURN(ops::ProcessId child, ops::Spawn({binary, args, run.out_path, err_path, env}));
  KV_ASSIGN_OR_RETURN(run.code, ops::WaitForExit(child, Millis(timeout_s), options_.interrupted));
  // A command that printed nothing may leave no file.
  if (auto out = ReadWholeFile(run.out_path); out.ok()) run.out = *out;
  if (auto err = ReadWholeFile(err_path); err.ok()) run.err = *err;
  return run;
}

Result<std::string> Run::TakeCaptures(const Step& step, const std::vector<nlohmann::json>& rows) {
  std::string taken;
  for (const Capture& c : step.captures) {
    KV_ASSIGN_OR_RETURN(std::string value, CaptureValue(c, rows, Vars()));
    state_.captured[c.variable] = value;
    taken += (taken.empty() ? "" : ", ") + c.variable + "=" + value;
  }
  return taken;
}

Result<StepResult> Run::ToolStep(const Step& step, size_t index) {
  KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kToolTimeoutS));
  KV_ASSIGN_OR_RETURN(std::string expected, Option(step, "exit", "0"));
  KV_ASSIGN_OR_RETURN(std::set<int> codes, ParseExitCodes(expected));
  KV_ASSIGN_OR_RETURN(ToolRun run, RunTool(step, index, timeout_s));
  if (!codes.contains(run.code)) {
    return Failed("exit " + std::to_string(run.code) + " (expected " + expected + "): " + FirstLine(run.err) +
                  " [output: " + run.out_path + "]");
  }
  const auto rows = ParseRows(run.out);
  std::string seen;
  if (step.expectation) {
    Verdict v = Check(*step.expectation, rows, Vars());
    if (!v.held) return Failed(v.message + " [output: " + run.out_path + "]");
    seen = "; " + v.message;
  }
  KV_ASSIGN_OR_RETURN(std::string taken, TakeCaptures(step, rows));
  KV_ASSIGN_OR_RETURN(std::string save, Option(step, "save"));
  if (!save.empty()) {
    // A file of the run folder that later steps read (an offline report for recoverdata).
    const std::string path = InRunDir(save);
    KV_RETURN_IF_ERROR(WriteFileAtomic(path, run.out));
    taken += (taken.empty() ? "" : ", ") + std::string("output saved to ") + path;
  }
  return Held("exit " + std::to_string(run.code) + seen + (taken.empty() ? "" : "; " + taken));
}

Result<Run::CheckedRun> Run::RunChecked(const Step& step, size_t index, double timeout_s) {
  CheckedRun checked;
  KV_ASSIGN_OR_RETURN(checked.run, RunTool(step, index, timeout_s));
  if (checked.run.code == cli::kExitUsage) {
    return Status::InvalidArgument("exit 2: " + FirstLine(checked.run.err) + " [output: " + checked.run.out_path + "]");
  }
  checked.rows = ParseRows(checked.run.out);
  checked.verdict = Check(*step.expectation, checked.rows, Vars());
  return checked;
}

Result<StepResult> Run::AssertStep(const Step& step, size_t index) {
  KV_ASSIGN_OR_RETURN(CheckedRun c, RunChecked(step, index, kToolTimeoutS));
  if (!c.verdict.held) return Failed(c.verdict.message + " [output: " + c.run.out_path + "]");
  KV_ASSIGN_OR_RETURN(std::string taken, TakeCaptures(step, c.rows));
  return Held(c.verdict.message + (taken.empty() ? "" : "; " + taken));
}

Result<StepResult> Run::WaitStep(const Step& step, size_t index) {
  KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kWaitTimeoutS));
  KV_ASSIGN_OR_RETURN(double interval_s, SecondsOption(step, "interval", kWaitIntervalS));
  const double start = Now();
  for (int tries = 1;; ++tries) {
    KV_ASSIGN_OR_RETURN(CheckedRun c, RunChecked(step, index, std::max(timeout_s, 1.0)));
    if (c.verdict.held) {
      KV_ASSIGN_OR_RETURN(std::string taken, TakeCaptures(step, c.rows));
      return Held(c.verdict.message + " after " + std::to_string(tries) + " tries" + (taken.empty() ? "" : "; " + taken));
    }
    if (Now() - start >= timeout_s) {
      char within[64];
      std::snprintf(within, sizeof within, "not within %.1f s (%d tries)", timeout_s, tries);
      return Failed(within + std::string("; last: ") + c.verdict.message + " [output: " + c.run.out_path + "]");
    }
    if (!Pause(interval_s)) return Failed("interrupted");
  }
}

}  // namespace kv::playbook
