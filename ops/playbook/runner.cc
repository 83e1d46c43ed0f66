#include "ops/playbook/runner.h"

#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cluster/client/kv_client.h"
#include "common/file.h"
#include "ops/playbook/expand.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/faults.h"
#include "ops/playbook/run_state.h"
#include "ops/playbook/workload_step.h"
#include "ops/playground/playground.h"
#include "ops/playground/server_binaries.h"

namespace kv::playbook {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr double kToolTimeoutS = 120;   // a command step's default timeout
constexpr double kWaitTimeoutS = 60;    // a wait's default timeout
constexpr double kWaitIntervalS = 1;    // between a wait's tries
constexpr double kServerTimeoutS = 60;  // playground up, scale-out, restart

struct StepResult {
  bool held = false;
  std::string message;
};
StepResult Held(std::string message) { return {true, std::move(message)}; }
StepResult Failed(std::string message) { return {false, std::move(message)}; }

int64_t UnixMs() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

milliseconds Millis(double seconds) { return milliseconds(static_cast<int64_t>(seconds * 1000)); }

std::string FirstLine(const std::string& text) {
  const size_t nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

class Run {
 public:
  Run(const Playbook& book, RunnerOptions options) : book_(book), options_(std::move(options)) {
    options_.dir = fs::absolute(fs::path(options_.dir)).lexically_normal().string();
    playbook_dir_ = fs::absolute(fs::path(book.path)).parent_path().string();
  }

  Result<RunOutcome> DryRun() {
    std::fprintf(options_.out, "playbook %s (%s), dry run: nothing is touched\n", book_.name.c_str(), book_.path.c_str());
    for (const auto& [name, value] : book_.parameters) std::fprintf(options_.out, "  param %s = %s\n", name.c_str(), value.c_str());
    Variables vars = BaseVariables();
    for (size_t i = 0; i < book_.steps.size(); ++i) {
      std::fprintf(options_.out, "%s%s\n", Prefix(i).c_str(), StepText(book_.steps[i], vars).c_str());
    }
    return RunOutcome::kPassed;
  }

  Result<RunOutcome> Go() {
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

 private:
  // --- the run's beginning and end ---

  Status Begin() {
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

  Result<RunOutcome> Finish(RunOutcome outcome) {
    // Workloads still running are stopped; when the run can be resumed, they start again then.
    for (auto& [name, w] : workloads_) (void)w->Stop();
    if (outcome == RunOutcome::kPassed) {
      state_.running.clear();
      state_.next_step = book_.steps.size();
    }
    workloads_.clear();
    state_.report.outcome = RunOutcomeName(outcome);
    KV_RETURN_IF_ERROR(Save());
    KV_RETURN_IF_ERROR(WriteReportNow());
    const std::string report = options_.dir + "/report.html";
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

  Status Save() {
    std::lock_guard<std::mutex> l(report_mu_);
    state_.report.seconds = Now();
    return SaveRunState(state_, options_.dir);
  }

  Status WriteReportNow() {
    Report copy;
    {
      std::lock_guard<std::mutex> l(report_mu_);
      state_.report.seconds = Now();
      copy = state_.report;
    }
    return WriteReport(copy, options_.dir);
  }

  // --- what steps see ---

  double Now() const { return double(UnixMs() - state_.started_unix_ms) / 1000.0; }
  bool Interrupted() const { return options_.interrupted != nullptr && options_.interrupted->load(); }
  std::string PlaygroundDir() const { return options_.dir + "/playground"; }

  std::string Prefix(size_t i) const {
    char text[32];
    std::snprintf(text, sizeof text, "[%zu/%zu] ", i + 1, book_.steps.size());
    return text;
  }

  Variables BaseVariables() const {
    Variables vars;
    for (const auto& [name, value] : book_.parameters) vars[name] = value;
    vars["dir"] = options_.dir;
    vars["playbook_dir"] = playbook_dir_;
    return vars;
  }

  Variables Vars() const {
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

  // "fault kill server=tablet-2": the step with what is known put in.
  static std::string StepText(const Step& step, const Variables& vars) {
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

  Result<std::string> Option(const Step& step, const std::string& key, const std::string& fallback = "") const {
    auto it = step.options.find(key);
    if (it == step.options.end()) return fallback;
    return Expand(it->second, Vars());
  }

  Result<double> SecondsOption(const Step& step, const std::string& key, double fallback) const {
    KV_ASSIGN_OR_RETURN(std::string text, Option(step, key));
    if (text.empty()) return fallback;
    return ParseSeconds(text);
  }

  Result<int> IntOption(const Step& step, const std::string& key, int fallback) const {
    KV_ASSIGN_OR_RETURN(std::string text, Option(step, key));
    if (text.empty()) return fallback;
    try {
      return std::stoi(text);
    } catch (const std::exception&) {
      return Status::InvalidArgument(key + ": \"" + text + "\" is not a number");
    }
  }

  // --- the steps ---

  StepResult Execute(const Step& step, size_t index) {
    Result<StepResult> result = ExecuteOrError(step, index);
    if (!result.ok()) return Failed(result.status().message());
    return *result;
  }

  Result<StepResult> ExecuteOrError(const Step& step, size_t index) {
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
        return Held(options_.dir + "/report.html");
    }
    return Status::InvalidArgument("unknown step kind");
  }

  Status Connect() {
    client::ClientOptions options;
    options.nameservers = playground_->state().EndpointsOf(ops::kRoleNameserver);
    KV_ASSIGN_OR_RETURN(client_, client::Client::Connect(std::move(options)));
    return Status::OK();
  }

  Status NeedPlayground() const {
    if (!playground_) return Status::FailedPrecondition("no playground is up (a `playground: up` step comes first)");
    return Status::OK();
  }

  Result<StepResult> PlaygroundStep(const Step& step) {
    KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kServerTimeoutS));
    if (step.action == "up") {
      if (playground_) return Failed("a playground is up already in " + PlaygroundDir());
      ops::PlaygroundOptions options;
      options.dir = PlaygroundDir();
      options.bin_dir = options_.bin_dir;
      options.timeout = Millis(timeout_s);
      KV_ASSIGN_OR_RETURN(options.tablets, IntOption(step, "tablets", options.tablets));
      KV_ASSIGN_OR_RETURN(std::string ns_flags, Option(step, "nameserver_flags"));
      KV_ASSIGN_OR_RETURN(std::string tablet_flags, Option(step, "tablet_flags"));
      KV_ASSIGN_OR_RETURN(options.nameserver_flags, SplitWords(ns_flags));
      KV_ASSIGN_OR_RETURN(options.tablet_flags, SplitWords(tablet_flags));
      KV_ASSIGN_OR_RETURN(ops::Playground pg, ops::Playground::Up(options));
      playground_.emplace(std::move(pg));
      KV_RETURN_IF_ERROR(Connect());
      return Held(std::to_string(options.tablets) + " tablets, nameserver " + playground_->NameserverList());
    }
    KV_RETURN_IF_ERROR(NeedPlayground());
    if (step.action == "scale-out") {
      KV_ASSIGN_OR_RETURN(int count, IntOption(step, "tablets", 0));
      const double t = Now();
      KV_ASSIGN_OR_RETURN(auto added, playground_->ScaleOut(count, Millis(timeout_s)));
      std::string names;
      for (const ops::ServerRecord& s : added) names += (names.empty() ? "" : ", ") + s.name;
      MarkEvent(t, "scale-out " + names);  // a change the plots show, as a fault is
      return Held("started " + names);
    }
    // Down: nothing left to run against, and no channel of ours open to the servers.
    workloads_.clear();
    state_.running.clear();
    client_.reset();
    KV_ASSIGN_OR_RETURN(auto outcomes, playground_->Down(milliseconds(10000)));
    playground_.reset();
    return Held(std::to_string(outcomes.size()) + " servers stopped");
  }

  struct ToolRun {
    int code = -1;
    std::string out, err, out_path;
  };

  Result<ToolRun> RunTool(const Step& step, size_t index, double timeout_s) {
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

  // The step's captures from the rows; the message names them.
  Result<std::string> TakeCaptures(const Step& step, const std::vector<nlohmann::json>& rows) {
    std::string taken;
    for (const Capture& c : step.captures) {
      KV_ASSIGN_OR_RETURN(std::string value, CaptureValue(c, rows, Vars()));
      state_.captured[c.variable] = value;
      taken += (taken.empty() ? "" : ", ") + c.variable + "=" + value;
    }
    return taken;
  }

  Result<StepResult> ToolStep(const Step& step, size_t index) {
    KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kToolTimeoutS));
    KV_ASSIGN_OR_RETURN(std::string expected, Option(step, "exit", "0"));  // "0", or "0,1": any of these
    KV_ASSIGN_OR_RETURN(ToolRun run, RunTool(step, index, timeout_s));
    if (("," + expected + ",").find("," + std::to_string(run.code) + ",") == std::string::npos) {
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
      const std::string path = fs::path(save).is_absolute() ? save : options_.dir + "/" + save;
      KV_RETURN_IF_ERROR(WriteFileAtomic(path, run.out));
      taken += (taken.empty() ? "" : ", ") + std::string("output saved to ") + path;
    }
    return Held("exit " + std::to_string(run.code) + seen + (taken.empty() ? "" : "; " + taken));
  }

  Result<StepResult> AssertStep(const Step& step, size_t index) {
    KV_ASSIGN_OR_RETURN(ToolRun run, RunTool(step, index, kToolTimeoutS));
    if (run.code == cli::kExitUsage) return Failed("exit 2: " + FirstLine(run.err) + " [output: " + run.out_path + "]");
    const auto rows = ParseRows(run.out);
    Verdict v = Check(*step.expectation, rows, Vars());
    if (!v.held) return Failed(v.message + " [output: " + run.out_path + "]");
    KV_ASSIGN_OR_RETURN(std::string taken, TakeCaptures(step, rows));
    return Held(v.message + (taken.empty() ? "" : "; " + taken));
  }

  Result<StepResult> WaitStep(const Step& step, size_t index) {
    KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kWaitTimeoutS));
    KV_ASSIGN_OR_RETURN(double interval_s, SecondsOption(step, "interval", kWaitIntervalS));
    const double start = Now();
    for (int tries = 1;; ++tries) {
      KV_ASSIGN_OR_RETURN(ToolRun run, RunTool(step, index, std::max(timeout_s, 1.0)));
      // Bad usage does not mend by waiting.
      if (run.code == cli::kExitUsage) return Failed("exit 2: " + FirstLine(run.err) + " [output: " + run.out_path + "]");
      const auto rows = ParseRows(run.out);
      Verdict v = Check(*step.expectation, rows, Vars());
      if (v.held) {
        KV_ASSIGN_OR_RETURN(std::string taken, TakeCaptures(step, rows));
        return Held(v.message + " after " + std::to_string(tries) + " tries" + (taken.empty() ? "" : "; " + taken));
      }
      if (Now() - start >= timeout_s) {
        char within[64];
        std::snprintf(within, sizeof within, "not within %.1f s (%d tries)", timeout_s, tries);
        return Failed(within + std::string("; last: ") + v.message + " [output: " + run.out_path + "]");
      }
      if (!Pause(interval_s)) return Failed("interrupted");
    }
  }

  // Sleeps, waking for Ctrl-C; false when interrupted.
  bool Pause(double seconds) const {
    const auto until = std::chrono::steady_clock::now() + Millis(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (Interrupted()) return false;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(milliseconds(100), until - std::chrono::steady_clock::now()));
    }
    return !Interrupted();
  }

  Result<StepResult> SleepStep(const Step& step) {
    KV_ASSIGN_OR_RETURN(std::string text, Expand(step.action, Vars()));
    KV_ASSIGN_OR_RETURN(double seconds, ParseSeconds(text));
    if (!Pause(seconds)) return Failed("interrupted");
    return Held("");
  }

  PointSink SinkFor(const std::string& name, double offset) {
    return [this, name, offset](const bench::SecondPoint& point) {
      std::lock_guard<std::mutex> l(report_mu_);
      auto& series = state_.report.workloads;
      auto it = std::find_if(series.begin(), series.end(), [&](const WorkloadSeries& s) { return s.name == name; });
      if (it == series.end()) it = series.insert(series.end(), WorkloadSeries{name, {}});
      bench::SecondPoint shifted = point;
      shifted.t += offset;
      it->points.push_back(shifted);
    };
  }

  Status StartWorkload(WorkloadSpec spec, bool resumed) {
    spec.started_t = Now();
    KV_ASSIGN_OR_RETURN(auto w, BackgroundWorkload::Start(*client_, spec, resumed, SinkFor(spec.name, spec.started_t)));
    workloads_[spec.name] = std::move(w);
    state_.running.push_back(spec);
    return Status::OK();
  }

  Result<WorkloadSpec> SpecOf(const Step& step) const {
    WorkloadSpec spec;
    KV_ASSIGN_OR_RETURN(spec.name, Option(step, "name", "load"));
    KV_ASSIGN_OR_RETURN(std::string file, Option(step, "file"));
    // A bare name is one of the shipped workloads beside the playbook.
    fs::path path = file.find('/') == std::string::npos ? fs::path(playbook_dir_) / "workloads" / file : fs::path(file);
    if (path.is_relative()) path = fs::path(playbook_dir_) / path;
    if (!PathExists(path.string())) return Status::NotFound("workload " + file + ": no file " + path.string());
    spec.file = path.string();
    KV_ASSIGN_OR_RETURN(spec.table, Option(step, "table"));
    KV_ASSIGN_OR_RETURN(std::string ledger, Option(step, "ledger"));
    if (!ledger.empty()) spec.ledger = fs::path(ledger).is_absolute() ? ledger : options_.dir + "/" + ledger;
    KV_ASSIGN_OR_RETURN(int seed, IntOption(step, "seed", 1));
    spec.seed = uint64_t(seed);
    for (const auto& [key, value] : step.properties) {
      KV_ASSIGN_OR_RETURN(spec.properties[key], Expand(value, Vars()));
    }
    return spec;
  }

  static std::string Summary(const nlohmann::json& s) {
    char text[160];
    std::snprintf(text, sizeof text, "%llu operations in %.1f s (%.0f ops/s), %llu errors, p99 %llu us",
                  s["operations"].get<unsigned long long>(), s["seconds"].get<double>(), s["ops_per_s"].get<double>(),
                  s["errors"].get<unsigned long long>(), s["p99_us"].get<unsigned long long>());
    return text;
  }

  // What the workload completed after the run's first fault: a point at t
  // covers (t - 1, t], so only points that end a second or more after it count.
  uint64_t OpsAfterFirstFault(const std::string& name) {
    std::lock_guard<std::mutex> l(report_mu_);
    if (state_.report.faults.empty()) return 0;
    const double fault_t = state_.report.faults.front().t;
    uint64_t ops = 0;
    for (const WorkloadSeries& s : state_.report.workloads) {
      if (s.name != name) continue;
      for (const bench::SecondPoint& p : s.points) {
        if (p.t - 1 >= fault_t) ops += p.ops;
      }
    }
    return ops;
  }

  Result<StepResult> WorkloadStepRun(const Step& step) {
    KV_RETURN_IF_ERROR(NeedPlayground());
    KV_ASSIGN_OR_RETURN(std::string name, Option(step, "name", "load"));
    if (step.action == "load") {
      KV_ASSIGN_OR_RETURN(WorkloadSpec spec, SpecOf(step));
      KV_ASSIGN_OR_RETURN(bench::RunResult r, LoadRecords(*client_, spec, SinkFor(spec.name, Now()), options_.interrupted));
      const nlohmann::json summary = WorkloadSummary(name, r);
      if (r.errors > 0) return Failed(Summary(summary) + "; the first error: " + r.first_error);
      return Held(Summary(summary));
    }
    if (step.action == "start") {
      if (workloads_.contains(name)) return Failed("workload " + name + " is running already");
      KV_ASSIGN_OR_RETURN(WorkloadSpec spec, SpecOf(step));
      KV_RETURN_IF_ERROR(StartWorkload(spec, /*resumed=*/false));
      return Held("");
    }
    auto it = workloads_.find(name);
    if (it == workloads_.end()) return Failed("no workload " + name + " is running");
    auto result = it->second->Stop();
    workloads_.erase(it);
    std::erase_if(state_.running, [&](const WorkloadSpec& s) { return s.name == name; });
    if (!result.ok()) return Failed("workload " + name + ": " + result.status().message());
    nlohmann::json summary = WorkloadSummary(name, *result);
    summary["ops_after_first_fault"] = OpsAfterFirstFault(name);
    if (step.expectation) {
      Verdict v = Check(*step.expectation, {summary}, Vars());
      if (!v.held) return Failed(Summary(summary) + "; " + v.message);
    }
    return Held(Summary(summary));
  }

  void MarkEvent(double t, std::string text) {
    std::lock_guard<std::mutex> l(report_mu_);
    state_.report.faults.push_back({t, std::move(text)});
  }

  Result<StepResult> FaultStep(const Step& step) {
    KV_RETURN_IF_ERROR(NeedPlayground());
    KV_ASSIGN_OR_RETURN(std::string target, Option(step, "server"));
    KV_ASSIGN_OR_RETURN(ops::ServerRecord server, playground_->Find(target));
    const double t = Now();
    std::string done;
    if (step.action == "kill" || step.action == "stop" || step.action == "cont") {
      const int sig = step.action == "kill" ? SIGKILL : step.action == "stop" ? SIGSTOP : SIGCONT;
      KV_RETURN_IF_ERROR(playground_->Signal(server.name, sig));
      done = server.name + " (pid " + std::to_string(server.process.pid) + ")";
    } else if (step.action == "restart") {
      KV_ASSIGN_OR_RETURN(double timeout_s, SecondsOption(step, "timeout", kServerTimeoutS));
      KV_ASSIGN_OR_RETURN(ops::ServerRecord restarted, playground_->Restart(server.name, Millis(timeout_s)));
      done = server.name + " is back as pid " + std::to_string(restarted.process.pid);
    } else if (step.action == "wipe") {
      KV_ASSIGN_OR_RETURN(done, WipeDataDir(server));
    } else {
      KV_ASSIGN_OR_RETURN(std::string table, Option(step, "table"));
      KV_ASSIGN_OR_RETURN(int pid, IntOption(step, "pid", 0));
      KV_ASSIGN_OR_RETURN(std::vector<v1::TableInfo> tables, client_->ShowTable(table));
      if (tables.empty()) return Failed("no table " + table);
      KV_ASSIGN_OR_RETURN(std::string at, Option(step, "at", "middle"));
      KV_ASSIGN_OR_RETURN(done, DamageWal(server, tables.front().tid(), uint32_t(pid),
                                          at == "tail" ? WalDamage::kTail : WalDamage::kMiddle));
    }
    MarkEvent(t, step.action + " " + server.name);
    return Held(done);
  }

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

}  // namespace

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
