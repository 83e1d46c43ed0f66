#include "ops/playbook/runner.h"

#include <filesystem>
#include <thread>

#include "common/file.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/run.h"

namespace kv::playbook {
namespace {

namespace fs = std::filesystem;

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

}  // namespace

Run::Run(const Playbook& book, RunnerOptions options) : book_(book), options_(std::move(options)) {
  options_.dir = fs::absolute(fs::path(options_.dir)).lexically_normal().string();
  playbook_dir_ = fs::absolute(fs::path(book.path)).parent_path().string();
}

Result<RunOutcome> Run::DryRun() {
  std::fprintf(options_.out, "playbook %s (%s), dry run: nothing is touched\n", book_.name.c_str(), book_.path.c_str());
  for (const auto& [name, value] : book_.parameters) std::fprintf(options_.out, "  param %s = %s\n", name.c_str(), value.c_str());
  Variables vars = BaseVariables();
  for (size_t i = 0; i < book_.steps.size(); ++i) {
    std::fprintf(options_.out, "%s%s\n", Prefix(i).c_str(), StepText(book_.steps[i], vars).c_str());
  }
  return RunOutcome::kPassed;
}

Result<RunOutcome> Run::Go() {
  KV_RETURN_IF_ERROR(Begin());
  RunOutcome outcome = RunOutcome::kPassed;
  for (size_t i = state_.next_step; i < book_.steps.size(); ++i) {
    const Step& step = book_.steps[i];
    const std::string text = StepText(step, Vars());
    std::fprintf(options_.out, "%s%s ... ", Prefix(i).c_str(), text.c_str());
    std::fflush(options_.out);
    const double start = Now();
    StepResult result = Execute(step, i);
    const bool interrupted = Interrupted();
    StepRecord record{.index = int(i + 1),
                      .line = step.line,
                      .kind = StepKindName(step.kind),
                      .text = text,
                      .outcome = result.held ? "passed" : interrupted ? "interrupted" : "failed",
                      .start_s = start,
                      .seconds = Now() - start,
                      .message = result.message};
    std::fprintf(options_.out, "%s (%.1f s)%s%s\n", result.held ? "ok" : interrupted ? "INTERRUPTED" : "FAILED",
                 record.seconds, result.message.empty() ? "" : ": ", result.message.c_str());
    {
      std::lock_guard<std::mutex> l(report_mu_);
      state_.report.steps.push_back(record);
    }
    if (!result.held) {
      outcome = interrupted ? RunOutcome::kInterrupted : RunOutcome::kFailed;
      break;
    }
    state_.next_step = i + 1;
    KV_RETURN_IF_ERROR(Save());
  }
  return Finish(outcome);
}

Status Run::Begin() {
  const std::string& dir = options_.dir;
  if (options_.resume) {
    auto loaded = LoadRunState(dir);
    if (!loaded.ok()) {
      return loaded.status().code() == Status::Code::kNotFound
                 ? Status::InvalidArgument("--resume: " + loaded.status().message())
                 : loaded.status();
    }
    state_ = std::move(loaded).value();
    if (state_.fingerprint != book_.fingerprint) {
      return Status::InvalidArgument("--resume: " + dir + " holds a run of " + state_.playbook +
                                     " with another playbook file or other --set values (fingerprint " +
                                     state_.fingerprint + ", now " + book_.fingerprint + ")");
    }
    if (state_.next_step >= book_.steps.size()) {
      return Status::InvalidArgument("--resume: the run in " + dir + " finished (" + state_.report.outcome +
                                     "); nothing to resume");
    }
    std::fprintf(options_.out, "playbook %s: resuming at step %zu of %zu\n", book_.name.c_str(), state_.next_step + 1,
                 book_.steps.size());
    if (PathExists(ops::PlaygroundStatePath(PlaygroundDir()))) {
      KV_ASSIGN_OR_RETURN(ops::Playground pg, ops::Playground::Open(PlaygroundDir()));
      playground_.emplace(std::move(pg));
      KV_RETURN_IF_ERROR(Connect());
    }
    std::vector<WorkloadSpec> running = std::move(state_.running);
    state_.running.clear();
    for (const WorkloadSpec& spec : running) {
      std::fprintf(options_.out, "  starting workload %s again (it ran when the run stopped)\n", spec.name.c_str());
      if (!client_) return Status::FailedPrecondition("workload " + spec.name + " ran, but there is no playground");
      KV_RETURN_IF_ERROR(StartWorkload(spec, /*resumed=*/true));
    }
  } else {
    if (PathExists(RunStatePath(dir))) {
      return Status::InvalidArgument(dir + " holds a playbook run already: --resume continues it, or give another --dir");
    }
    KV_RETURN_IF_ERROR(CreateDirs(dir + "/steps"));
    state_.playbook = book_.path;
    state_.fingerprint = book_.fingerprint;
    state_.started_unix_ms = UnixMs();
    state_.report.playbook = book_.path;
    state_.report.name = book_.name;
    state_.report.started = UtcNow();
    state_.report.parameters = book_.parameters;
    std::fprintf(options_.out, "playbook %s: %zu steps, run folder %s\n", book_.name.c_str(), book_.steps.size(),
                 dir.c_str());
  }
  state_.report.outcome = "running";
  return Save();
}

Result<RunOutcome> Run::Finish(RunOutcome outcome) {
  // Workloads still running are stopped (destroyed); when the run can be
  // resumed, state_.running starts them again then.
  workloads_.clear();
  if (outcome == RunOutcome::kPassed) {
    state_.running.clear();
    state_.next_step = book_.steps.size();
  }
  state_.report.outcome = RunOutcomeName(outcome);
  KV_RETURN_IF_ERROR(Save());
  KV_RETURN_IF_ERROR(WriteReportNow());
  const std::string report = ReportPath();
  if (outcome == RunOutcome::kPassed) {
    std::fprintf(options_.out, "playbook %s passed: %zu steps in %.1f s; report: %s\n", book_.name.c_str(),
                 book_.steps.size(), Now(), report.c_str());
  } else {
    const StepRecord& last = state_.report.steps.back();
    std::fprintf(options_.out,
                 "playbook %s %s at step %d (%s:%d): %s\n"
                 "  the playground is left as it is for a look: ops playground display --dir %s\n"
                 "  report: %s\n"
                 "  to continue from that step: ops playbook run %s --dir %s --resume\n",
                 book_.name.c_str(), outcome == RunOutcome::kFailed ? "FAILED" : "was interrupted", last.index,
                 book_.path.c_str(), last.line, last.message.c_str(), PlaygroundDir().c_str(), report.c_str(),
                 book_.path.c_str(), options_.dir.c_str());
  }
  return outcome;
}

Status Run::Save() {
  std::lock_guard<std::mutex> l(report_mu_);
  state_.report.seconds = Now();
  return SaveRunState(state_, options_.dir);
}

Status Run::WriteReportNow() {
  Report copy;
  {
    std::lock_guard<std::mutex> l(report_mu_);
    state_.report.seconds = Now();
    copy = state_.report;
  }
  return WriteReport(copy, options_.dir);
}

std::string Run::InRunDir(const std::string& file) const {
  return fs::path(file).is_absolute() ? file : options_.dir + "/" + file;
}

std::string Run::Prefix(size_t i) const {
  char text[32];
  std::snprintf(text, sizeof text, "[%zu/%zu] ", i + 1, book_.steps.size());
  return text;
}

Variables Run::BaseVariables() const {
  Variables vars;
  for (const auto& [name, value] : book_.parameters) vars[name] = value;
  vars["dir"] = options_.dir;
  vars["playbook_dir"] = playbook_dir_;
  return vars;
}

Variables Run::Vars() const {
  Variables vars = BaseVariables();
  for (const auto& [name, value] : state_.captured) vars[name] = value;
  if (playground_) {
    vars["ns"] = playground_->NameserverList();
    for (const ops::ServerRecord& s : playground_->state().servers) {
      vars[s.name + ".endpoint"] = s.endpoint;
      vars[s.name + ".data_dir"] = s.data_dir;
    }
  }
  return vars;
}

std::string Run::StepText(const Step& step, const Variables& vars) {
  auto x = [&](const std::string& text) { return Expand(text, vars, /*keep_unknown=*/true).value(); };
  std::string text = StepKindName(step.kind);
  if (!step.action.empty()) text += " " + x(step.action);
  for (const auto& [key, value] : step.options) text += " " + key + "=" + x(value);
  for (const auto& [key, value] : step.properties) text += " -p " + key + "=" + x(value);
  if (step.expectation) {
    text += step.kind == StepKind::kWait ? " until " : " expect ";
    text += x(DescribeExpectation(*step.expectation));
  }
  for (const Capture& c : step.captures) text += " capture " + c.variable + "=" + c.field;
  return text;
}

Result<std::string> Run::Option(const Step& step, const std::string& key, const std::string& fallback) const {
  auto it = step.options.find(key);
  if (it == step.options.end()) return fallback;
  return Expand(it->second, Vars());
}

Result<double> Run::SecondsOption(const Step& step, const std::string& key, double fallback) const {
  KV_ASSIGN_OR_RETURN(std::string text, Option(step, key));
  if (text.empty()) return fallback;
  return ParseSeconds(text);
}

Result<int> Run::IntOption(const Step& step, const std::string& key, int fallback) const {
  KV_ASSIGN_OR_RETURN(std::string text, Option(step, key));
  if (text.empty()) return fallback;
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return Status::InvalidArgument(key + ": \"" + text + "\" is not a number");
  }
}

StepResult Run::Execute(const Step& step, size_t index) {
  Result<StepResult> result = ExecuteOrError(step, index);
  if (!result.ok()) return Failed(result.status().message());
  return *result;
}

Result<StepResult> Run::ExecuteOrError(const Step& step, size_t index) {
  switch (step.kind) {
    case StepKind::kPlayground: return PlaygroundStep(step);
    case StepKind::kOps:
    case StepKind::kInspect:
    case StepKind::kRepair: return ToolStep(step, index);
    case StepKind::kWait: return WaitStep(step, index);
    case StepKind::kAssert: return AssertStep(step, index);
    case StepKind::kWorkload: return WorkloadStepRun(step);
    case StepKind::kFault: return FaultStep(step);
    case StepKind::kSleep: return SleepStep(step);
    case StepKind::kReport:
      KV_RETURN_IF_ERROR(WriteReportNow());
      return Held(ReportPath());
  }
  return Status::InvalidArgument("unknown step kind");
}

bool Run::Pause(double seconds) const {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + Millis(seconds);
  while (Clock::now() < until) {
    if (Interrupted()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(100), until - Clock::now()));
  }
  return !Interrupted();
}

Result<StepResult> Run::SleepStep(const Step& step) {
  KV_ASSIGN_OR_RETURN(std::string text, Expand(step.action, Vars()));
  KV_ASSIGN_OR_RETURN(double seconds, ParseSeconds(text));
  if (!Pause(seconds)) return Failed("interrupted");
  return Held("");
}

const char* RunOutcomeName(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kPassed: return "passed";
    case RunOutcome::kFailed: return "failed";
    case RunOutcome::kInterrupted: return "interrupted";
  }
  return "?";
}

Result<RunOutcome> RunPlaybook(const Playbook& book, const RunnerOptions& options) {
  Run run(book, options);
  if (options.dry_run) return run.DryRun();
  return run.Go();
}

}  // namespace kv::playbook
