// The steps that act on the playground: up, scale-out, down, the workloads, the faults.
#include <csignal>
#include <filesystem>

#include "common/file.h"
#include "ops/playbook/expectation.h"
#include "ops/playbook/faults.h"
#include "ops/playbook/run.h"

namespace kv::playbook {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

}  // namespace

Status Run::Connect() {
  client::ClientOptions options;
  options.nameservers = playground_->state().EndpointsOf(ops::kRoleNameserver);
  KV_ASSIGN_OR_RETURN(client_, client::Client::Connect(std::move(options)));
  return Status::OK();
}

Status Run::NeedPlayground() const {
  if (!playground_) return Status::FailedPrecondition("no playground is up (a `playground: up` step comes first)");
  return Status::OK();
}

Result<StepResult> Run::PlaygroundStep(const Step& step) {
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

PointSink Run::SinkFor(const std::string& name, double offset) {
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

Status Run::StartWorkload(WorkloadSpec spec, bool resumed) {
  spec.started_t = Now();
  KV_ASSIGN_OR_RETURN(auto w, BackgroundWorkload::Start(*client_, spec, resumed, SinkFor(spec.name, spec.started_t)));
  workloads_[spec.name] = std::move(w);
  state_.running.push_back(spec);
  return Status::OK();
}

Result<WorkloadSpec> Run::SpecOf(const Step& step) const {
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
  if (!ledger.empty()) spec.ledger = InRunDir(ledger);
  KV_ASSIGN_OR_RETURN(int seed, IntOption(step, "seed", 1));
  spec.seed = uint64_t(seed);
  for (const auto& [key, value] : step.properties) {
    KV_ASSIGN_OR_RETURN(spec.properties[key], Expand(value, Vars()));
  }
  return spec;
}

std::string Run::Summary(const nlohmann::json& s) {
  char text[160];
  std::snprintf(text, sizeof text, "%llu operations in %.1f s (%.0f ops/s), %llu errors, p99 %llu us",
                s["operations"].get<unsigned long long>(), s["seconds"].get<double>(), s["ops_per_s"].get<double>(),
                s["errors"].get<unsigned long long>(), s["p99_us"].get<unsigned long long>());
  return text;
}

uint64_t Run::OpsAfterFirstFault(const std::string& name) {
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

Result<StepResult> Run::WorkloadStepRun(const Step& step) {
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

void Run::MarkEvent(double t, std::string text) {
  std::lock_guard<std::mutex> l(report_mu_);
  state_.report.faults.push_back({t, std::move(text)});
}

Result<StepResult> Run::FaultStep(const Step& step) {
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

}  // namespace kv::playbook
