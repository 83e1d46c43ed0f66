// Runs a playbook (playbook.h) on a playground in its run folder:
//   DIR/playground/      the servers (ops/playground)
//   DIR/steps/NN-KIND.out, .err   what each command printed
//   DIR/state.json       where the run is (run_state.h): --resume continues from it
//   DIR/report.json, DIR/report.html   (report.h), written at the end and by `report` steps
// Each step is printed with its result and duration. The run stops at the
// first step that fails, leaving the playground up for a look; its state
// says where to resume. Ctrl-C (the interrupted flag) stops the running step
// and the workloads the same way.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "common/status.h"
#include "ops/playbook/playbook.h"

namespace kv::playbook {

struct RunnerOptions {
  std::string dir;        // the run folder
  bool dry_run = false;   // print every step with its parameters put in; touch nothing
  bool resume = false;    // continue the run DIR/state.json describes
  std::string bin_dir;    // the servers and tools; empty: beside this program, or its build tree
  std::FILE* out = stdout;
  const std::atomic<bool>* interrupted = nullptr;
};

enum class RunOutcome { kPassed, kFailed, kInterrupted };
const char* RunOutcomeName(RunOutcome outcome);  // "passed", "failed", "interrupted"

// InvalidArgument before any step runs: a run folder that already holds a
// run (without resume), a resume without a state or of another playbook (or
// other --set values), a finished run resumed.
Result<RunOutcome> RunPlaybook(const Playbook& book, const RunnerOptions& options);

}  // namespace kv::playbook
