// A playbook (docs/playbooks.md): a runbook as a YAML file that
// `ops playbook run` executes step by step on the local playground.
//
//   name: single-node-failure
//   description: ...
//   params: {tablets: 6, run_seconds: 30}      # defaults; `--set key=value` overrides
//   quick: {run_seconds: 5}                     # with --quick: a short form (CI, a first try)
//   steps:
//     - playground: up
//       tablets: ${tablets}
//     - ops: create table t --partitions 8 --replicas 3
//     - fault: kill
//       server: ${leader}
//     ...
//
// Load reads and checks the whole file before anything runs: bad YAML, an
// unknown step kind or key, a missing one, a `${name}` that is neither a
// parameter, a capture of an earlier step nor a built-in, a value that is not
// a duration or a number: each refused with "FILE:LINE: what is wrong".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::playbook {

inline constexpr int kPlaybookFormatVersion = 1;

// A test of one value: `field: VALUE` (==), `field: [A, B]` (one of them),
// or `field: {at_least: N}`, `{at_most: N}`, `{not: VALUE}`.
struct ValueTest {
  std::string field;  // empty for count
  std::string op;     // "==", "!=", ">=", "<=", "in"
  std::string value;  // text, ${...} expanded when the step runs
  std::vector<std::string> one_of;  // of "in"
};

// What a command's JSON must show (`until` of wait, `expect` of assert and of
// a workload's stop). The JSON lines are rows; `where` selects some.
//   where: {pid: 0, role: leader}  each test holds for the rows selected
//   every: {is_alive: true}        each selected row (and at least one is)
//   none:  {endpoint: ${old}}      no selected row passes all of these
//   count: 3 | {at_least: 3}       how many rows are selected
struct Expectation {
  int line = 0;
  std::vector<ValueTest> where, every, none;
  std::optional<ValueTest> count;
};

// `capture: {leader: {where: {pid: 0, role: leader}, field: endpoint}}`:
// the one selected row's field, as ${leader} for the later steps; with
// `row: N`, the Nth (from 0) of the rows selected, in the output's order.
struct Capture {
  std::string variable;
  std::vector<ValueTest> where;
  std::string field;
  std::optional<size_t> row;
};

enum class StepKind { kPlayground, kOps, kInspect, kRepair, kWorkload, kFault, kWait, kAssert, kSleep, kReport };
const char* StepKindName(StepKind kind);  // as written in the file: "playground", "ops", ...

struct Step {
  int line = 0;
  StepKind kind = StepKind::kOps;
  // The value of the kind's key: "up", "create table t ...", "kill", "10s".
  std::string action;
  std::map<std::string, std::string> options;     // the step's other scalar keys
  std::map<std::string, std::string> properties;  // a workload's YCSB properties (`props`)
  std::optional<Expectation> expectation;         // wait's until, assert's expect, workload stop's expect
  std::vector<Capture> captures;
};

struct Playbook {
  std::string path;
  std::string name;
  std::string description;
  // In the file's order; the value after --set.
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<Step> steps;
  std::string fingerprint;  // of the file's bytes and the --set values: a resumed run must find the same
};

// Reads and checks the file with its quick values (when quick) and then sets
// ("key=value") applied. InvalidArgument
// "FILE:LINE: ..." for anything wrong in it (or "--set ...: ..."), NotFound
// when it cannot be read.
Result<Playbook> LoadPlaybook(const std::string& path, const std::vector<std::string>& sets, bool quick = false);

}  // namespace kv::playbook
