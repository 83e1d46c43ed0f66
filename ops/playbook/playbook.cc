#include "ops/playbook/playbook.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <set>

#include "common/crc32c.h"
#include "common/file.h"
#include "ops/playbook/expand.h"

namespace kv::playbook {
namespace {

// What each kind accepts. Keys not listed are refused, so a typo does not
// silently change what a runbook does.
struct KindSpec {
  StepKind kind;
  const char* key;
  std::vector<std::string> actions;  // empty: free text (a command line, a duration)
  std::set<std::string> options;
  const char* expectation_key;       // "until", "expect", or nullptr
  bool captures;
};

const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds = {
      {StepKind::kPlayground, "playground", {"up", "scale-out", "down"},
       {"tablets", "tablet_flags", "nameserver_flags", "timeout"}, nullptr, false},
      {StepKind::kOps, "ops", {}, {"exit", "timeout", "save"}, "expect", true},
      {StepKind::kInspect, "inspect", {}, {"exit", "timeout", "save"}, "expect", true},
      {StepKind::kRepair, "repair", {}, {"exit", "timeout", "save"}, "expect", true},
      {StepKind::kWorkload, "workload", {"load", "start", "stop"}, {"name", "file", "table", "ledger", "seed"},
       "expect", false},
      {StepKind::kFault, "fault", {"kill", "stop", "cont", "restart", "wipe", "damage-wal"},
       {"server", "table", "pid", "at", "timeout"}, nullptr, false},
      {StepKind::kWait, "wait", {}, {"timeout", "interval"}, "until", true},
      {StepKind::kAssert, "assert", {}, {}, "expect", true},
      {StepKind::kSleep, "sleep", {}, {}, nullptr, false},
      {StepKind::kReport, "report", {}, {}, nullptr, false},
  };
  return kinds;
}

bool IsWhole(const std::string& text, long min) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && value >= min;
}

class Loader {
 public:
  Loader(std::string path) : path_(std::move(path)) {}

  Status Fail(const YAML::Node& at, const std::string& what) const {
    return Status::InvalidArgument(path_ + ":" + std::to_string(at.Mark().line + 1) + ": " + what);
  }

  Result<std::string> Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) return Fail(node, what + " must be a single value");
    return node.Scalar();
  }

  Result<std::vector<ValueTest>> Tests(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) return Fail(node, what + " must be a map of field: value");
    std::vector<ValueTest> tests;
    for (const auto& entry : node) {
      const std::string field = entry.first.Scalar();
      KV_ASSIGN_OR_RETURN(ValueTest test, Test(entry.second, field));
      tests.push_back(std::move(test));
    }
    return tests;
  }

  // `VALUE`, `[A, B]`, or a one-key map {at_least|at_most|not: VALUE}.
  Result<ValueTest> Test(const YAML::Node& node, const std::string& field) const {
    if (node.IsScalar()) return ValueTest{field, "==", node.Scalar(), {}};
    if (node.IsSequence() && node.size() > 0) {
      ValueTest test{field, "in", "", {}};
      for (const YAML::Node& v : node) {
        KV_ASSIGN_OR_RETURN(std::string one, Scalar(v, field + "'s values"));
        test.one_of.push_back(one);
      }
      return test;
    }
    static const std::map<std::string, std::string> ops = {{"at_least", ">="}, {"at_most", "<="}, {"not", "!="}};
    if (node.IsMap() && node.size() == 1) {
      const std::string key = node.begin()->first.Scalar();
      if (auto op = ops.find(key); op != ops.end()) {
        KV_ASSIGN_OR_RETURN(std::string value, Scalar(node.begin()->second, key));
        return ValueTest{field, op->second, value, {}};
      }
    }
    return Fail(node, (field.empty() ? std::string("count") : field) + ": a value, a list [A, B] (one of), or one of {at_least: N}, {at_most: N}, {not: VALUE}");
  }

  Result<Expectation> ReadExpectation(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) return Fail(node, key + " must be a map (where, every, none, count)");
    Expectation e;
    e.line = node.Mark().line + 1;
    for (const auto& entry : node) {
      const std::string k = entry.first.Scalar();
      if (k == "where") {
        KV_ASSIGN_OR_RETURN(e.where, Tests(entry.second, "where"));
      } else if (k == "every") {
        KV_ASSIGN_OR_RETURN(e.every, Tests(entry.second, "every"));
      } else if (k == "none") {
        KV_ASSIGN_OR_RETURN(e.none, Tests(entry.second, "none"));
      } else if (k == "count") {
        KV_ASSIGN_OR_RETURN(e.count, Test(entry.second, ""));
      } else {
        return Fail(entry.first, key + ": unknown key \"" + k + "\" (where, every, none, count)");
      }
    }
    if (e.every.empty() && e.none.empty() && !e.count) return Fail(node, key + " tests nothing: give every, none or count");
    return e;
  }

  Result<std::vector<Capture>> ReadCaptures(const YAML::Node& node) const {
    if (!node.IsMap()) return Fail(node, "capture must be a map of NAME: {where: ..., field: F}");
    std::vector<Capture> captures;
    for (const auto& entry : node) {
      Capture c;
      c.variable = entry.first.Scalar();
      const YAML::Node& spec = entry.second;
      if (!spec.IsMap() || !spec["field"]) return Fail(spec, "capture " + c.variable + " needs field: (and where: to pick one row)");
      for (const auto& k : spec) {
        const std::string key = k.first.Scalar();
        if (key == "field") {
          KV_ASSIGN_OR_RETURN(c.field, Scalar(k.second, "field"));
        } else if (key == "where") {
          KV_ASSIGN_OR_RETURN(c.where, Tests(k.second, "where"));
        } else if (key == "row") {
          KV_ASSIGN_OR_RETURN(std::string row, Scalar(k.second, "row"));
          if (!IsWhole(row, 0)) return Fail(k.second, "row: \"" + row + "\" is not a whole number >= 0");
          c.row = std::stoul(row);
        } else {
          return Fail(k.first, "capture " + c.variable + ": unknown key \"" + key + "\" (where, field, row)");
        }
      }
      captures.push_back(std::move(c));
    }
    return captures;
  }

  Result<Step> ReadStep(const YAML::Node& node) const {
    Step step;
    step.line = node.Mark().line + 1;
    if (node.IsScalar() && node.Scalar() == "report") {
      step.kind = StepKind::kReport;
      return step;
    }
    if (!node.IsMap()) return Fail(node, "a step is a map whose first key is its kind (ops, fault, wait, ...)");
    const KindSpec* spec = nullptr;
    for (const KindSpec& k : Kinds()) {
      if (node[k.key]) {
        if (spec != nullptr) return Fail(node, std::string("a step of two kinds: ") + spec->key + " and " + k.key);
        spec = &k;
      }
    }
    if (spec == nullptr) {
      return Fail(node, "unknown step kind \"" + node.begin()->first.Scalar() +
                            "\" (playground, ops, inspect, repair, workload, fault, wait, assert, sleep, report)");
    }
    step.kind = spec->kind;
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (!seen.insert(key).second) return Fail(entry.first, "key \"" + key + "\" given twice in one step");
      if (key == spec->key) {
        if (!entry.second.IsNull()) {
          KV_ASSIGN_OR_RETURN(step.action, Scalar(entry.second, key));
        }
      } else if (spec->expectation_key != nullptr && key == spec->expectation_key) {
        KV_ASSIGN_OR_RETURN(step.expectation, ReadExpectation(entry.second, key));
      } else if (spec->captures && key == "capture") {
        KV_ASSIGN_OR_RETURN(step.captures, ReadCaptures(entry.second));
      } else if (spec->kind == StepKind::kWorkload && key == "props") {
        if (!entry.second.IsMap()) return Fail(entry.second, "props must be a map of YCSB property: value");
        for (const auto& p : entry.second) {
          KV_ASSIGN_OR_RETURN(step.properties[p.first.Scalar()], Scalar(p.second, p.first.Scalar()));
        }
      } else if (key == "exit" && entry.second.IsSequence()) {
        // exit: [0, 1]: any of these codes.
        std::string codes;
        for (const YAML::Node& code : entry.second) {
          KV_ASSIGN_OR_RETURN(std::string one, Scalar(code, "exit"));
          codes += (codes.empty() ? "" : ",") + one;
        }
        step.options[key] = codes;
      } else if (spec->options.contains(key)) {
        KV_ASSIGN_OR_RETURN(step.options[key], Scalar(entry.second, key));
      } else {
        std::string allowed;
        for (const std::string& o : spec->options) allowed += (allowed.empty() ? "" : ", ") + o;
        if (spec->expectation_key) allowed += std::string(allowed.empty() ? "" : ", ") + spec->expectation_key;
        if (spec->captures) allowed += ", capture";
        if (spec->kind == StepKind::kWorkload) allowed += ", props";
        return Fail(entry.first, std::string(spec->key) + " step: unknown key \"" + key + "\" (" + allowed + ")");
      }
    }
    if (!spec->actions.empty()) {
      bool known = false;
      std::string list;
      for (const std::string& a : spec->actions) {
        known = known || a == step.action;
        list += (list.empty() ? "" : ", ") + a;
      }
      if (!known) return Fail(node, std::string(spec->key) + ": \"" + step.action + "\" is not one of " + list);
    } else if (step.kind != StepKind::kReport && step.action.empty()) {
      return Fail(node, std::string(spec->key) + " needs a value");
    }
    return step;
  }

  std::string path_;
};


// The checks that need the step's kind and action, on values with the
// parameters put in (a value that still holds a capture is checked when it runs).
Status CheckStep(const Step& step, const Variables& params, const std::string& where) {
  auto value = [&](const std::string& text) { return Expand(text, params, /*keep_unknown=*/true).value(); };
  auto fail = [&](const std::string& what) { return Status::InvalidArgument(where + what); };
  auto known = [&](const std::string& text) { return ReferencedNames(value(text)).empty(); };
  auto need = [&](const std::string& key) -> Status {
    if (!step.options.contains(key)) return fail(std::string(StepKindName(step.kind)) + " " + step.action + " needs " + key + ":");
    return Status::OK();
  };
  for (const std::string key : {"timeout", "interval"}) {
    if (auto o = step.options.find(key); o != step.options.end() && known(o->second)) {
      if (auto s = ParseSeconds(value(o->second)); !s.ok()) return fail(key + ": " + s.status().message());
    }
  }
  if (auto o = step.options.find("exit"); o != step.options.end() && known(o->second)) {
    if (auto codes = ParseExitCodes(value(o->second)); !codes.ok()) return fail(codes.status().message());
  }
  for (const auto& [key, min] : std::vector<std::pair<std::string, long>>{{"tablets", 1}, {"pid", 0}, {"seed", 0}}) {
    if (auto o = step.options.find(key); o != step.options.end() && known(o->second) && !IsWhole(value(o->second), min)) {
      return fail(key + ": \"" + value(o->second) + "\" is not a whole number >= " + std::to_string(min));
    }
  }
  switch (step.kind) {
    case StepKind::kSleep:
      if (known(step.action)) {
        if (auto s = ParseSeconds(value(step.action)); !s.ok()) return fail("sleep: " + s.status().message());
      }
      break;
    case StepKind::kPlayground:
      if (step.action == "scale-out") KV_RETURN_IF_ERROR(need("tablets"));
      break;
    case StepKind::kWorkload:
      KV_RETURN_IF_ERROR(step.action == "load" ? Status::OK() : need("name"));
      if (step.action != "stop") {
        KV_RETURN_IF_ERROR(need("file"));
        KV_RETURN_IF_ERROR(need("table"));
      } else if (step.options.size() > 1 || !step.properties.empty()) {
        return fail("workload stop takes only name: (and expect:)");
      }
      if (step.action != "stop" && step.expectation) return fail("expect: belongs to workload stop");
      break;
    case StepKind::kFault:
      KV_RETURN_IF_ERROR(need("server"));
      if (step.action == "damage-wal") {
        KV_RETURN_IF_ERROR(need("table"));
        KV_RETURN_IF_ERROR(need("pid"));
        if (auto at = step.options.find("at"); at != step.options.end() && known(at->second) &&
                                                value(at->second) != "middle" && value(at->second) != "tail") {
          return fail("at: \"" + value(at->second) + "\" is not middle or tail");
        }
      }
      break;
    case StepKind::kWait:
      if (!step.expectation) return fail("wait needs until: (what must hold)");
      break;
    case StepKind::kAssert:
      if (!step.expectation) return fail("assert needs expect: (what must hold)");
      break;
    default:
      break;
  }
  return Status::OK();
}

// Every ${name} of a step's values must be a parameter, a built-in or a
// capture of an earlier step.
Status CheckNames(const Step& step, const std::set<std::string>& known, const std::string& where) {
  std::vector<std::string> texts = {step.action};
  for (const auto& [k, v] : step.options) texts.push_back(v);
  for (const auto& [k, v] : step.properties) texts.push_back(v);
  auto add_tests = [&](const std::vector<ValueTest>& tests) {
    for (const ValueTest& t : tests) {
      texts.push_back(t.value);
      texts.insert(texts.end(), t.one_of.begin(), t.one_of.end());
    }
  };
  if (step.expectation) {
    add_tests(step.expectation->where);
    add_tests(step.expectation->every);
    add_tests(step.expectation->none);
    if (step.expectation->count) texts.push_back(step.expectation->count->value);
  }
  for (const Capture& c : step.captures) add_tests(c.where);
  for (const std::string& text : texts) {
    for (const std::string& name : ReferencedNames(text)) {
      if (!known.contains(name) && !IsPlaygroundBuiltin(name)) {
        return Status::InvalidArgument(where + "${" + name +
                                       "} is not a parameter, a built-in or a capture of an earlier step");
      }
    }
  }
  return Status::OK();
}

}  // namespace

const char* StepKindName(StepKind kind) {
  for (const KindSpec& k : Kinds()) {
    if (k.kind == kind) return k.key;
  }
  return "?";
}

Result<Playbook> LoadPlaybook(const std::string& path, const std::vector<std::string>& sets, bool quick) {
  auto bytes = ReadWholeFile(path);
  if (!bytes.ok()) return Status::NotFound("cannot read the playbook: " + bytes.status().message());
  Loader loader(path);
  YAML::Node root;
  try {
    root = YAML::Load(*bytes);
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": not YAML: " + e.msg);
  }
  if (!root.IsMap()) return loader.Fail(root, "a playbook is a map with name, params and steps");

  Playbook book;
  book.path = path;
  std::vector<std::pair<std::string, int>> quick_sets;  // "key=value", line
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (key == "name") {
      KV_ASSIGN_OR_RETURN(book.name, loader.Scalar(entry.second, "name"));
    } else if (key == "description") {
      KV_ASSIGN_OR_RETURN(book.description, loader.Scalar(entry.second, "description"));
    } else if (key == "format_version") {
      if (entry.second.Scalar() != std::to_string(kPlaybookFormatVersion)) {
        return loader.Fail(entry.second, "format_version " + entry.second.Scalar() + " is not one this runner reads (" +
                                             std::to_string(kPlaybookFormatVersion) + ")");
      }
    } else if (key == "params") {
      if (!entry.second.IsMap()) return loader.Fail(entry.second, "params must be a map of name: default");
      for (const auto& p : entry.second) {
        std::string value;
        if (!p.second.IsNull()) {
          KV_ASSIGN_OR_RETURN(value, loader.Scalar(p.second, p.first.Scalar()));
        }
        book.parameters.emplace_back(p.first.Scalar(), p.second.IsNull() ? std::string("\x01") : value);
      }
    } else if (key == "quick") {
      if (!entry.second.IsMap()) return loader.Fail(entry.second, "quick must be a map of parameter: value");
      for (const auto& q : entry.second) {
        KV_ASSIGN_OR_RETURN(std::string value, loader.Scalar(q.second, q.first.Scalar()));
        quick_sets.push_back({q.first.Scalar() + "=" + value, q.first.Mark().line + 1});
      }
    } else if (key != "steps") {
      return loader.Fail(entry.first, "unknown key \"" + key + "\" (name, description, format_version, params, quick, steps)");
    }
  }
  if (book.name.empty()) return loader.Fail(root, "the playbook has no name");
  const YAML::Node steps = root["steps"];
  if (!steps || !steps.IsSequence() || steps.size() == 0) return loader.Fail(root, "the playbook has no steps (a list)");

  // The quick values are checked always (a typo there shows without --quick), applied with it.
  std::vector<std::pair<std::string, std::string>> all_sets;  // (set, where it came from)
  for (const auto& [set, line] : quick_sets) all_sets.emplace_back(set, path + ":" + std::to_string(line) + ": quick");
  for (const std::string& set : sets) all_sets.emplace_back(set, "--set");
  for (const auto& [set, origin] : all_sets) {
    const bool apply = quick || origin == "--set";
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) return Status::InvalidArgument(origin + " " + set + ": give key=value");
    const std::string key = set.substr(0, eq);
    bool found = false;
    for (auto& [name, value] : book.parameters) {
      if (name == key) {
        if (apply) value = set.substr(eq + 1);
        found = true;
      }
    }
    if (!found) {
      std::string names;
      for (const auto& [name, value] : book.parameters) names += (names.empty() ? "" : ", ") + name;
      return Status::InvalidArgument(origin + " " + set + ": " + path + " has no parameter " + key + " (it has: " + names + ")");
    }
  }
  Variables params;
  std::set<std::string> known = {"dir", "playbook_dir"};
  for (const auto& [name, value] : book.parameters) {
    if (value == "\x01") return Status::InvalidArgument(path + ": parameter " + name + " has no default: give --set " + name + "=VALUE");
    params[name] = value;
    known.insert(name);
  }
  for (const YAML::Node& node : steps) {
    KV_ASSIGN_OR_RETURN(Step step, loader.ReadStep(node));
    const std::string where = path + ":" + std::to_string(step.line) + ": ";
    KV_RETURN_IF_ERROR(CheckNames(step, known, where));
    KV_RETURN_IF_ERROR(CheckStep(step, params, where));
    for (const Capture& c : step.captures) known.insert(c.variable);
    book.steps.push_back(std::move(step));
  }
  std::string identity = *bytes + (quick ? "\n--quick" : "");
  for (const std::string& set : sets) identity += "\n--set " + set;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", crc32c::Value(identity));
  book.fingerprint = hex;
  return book;
}

}  // namespace kv::playbook
