// What a playbook step checks in a command's JSON output (playbook.h
// Expectation, Capture): the output's JSON lines are rows; `where` selects
// some; the tests compare a row's field (a dotted path into nested objects)
// with a value: numbers as numbers, true/false as booleans, else as text.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "ops/playbook/expand.h"
#include "ops/playbook/playbook.h"

namespace kv::playbook {

// One row per JSON object line (an array line gives one row per element);
// lines that are not JSON are skipped (a command's human notes).
std::vector<nlohmann::json> ParseRows(const std::string& output);

struct Verdict {
  bool held = false;
  std::string message;  // what was seen: "18 rows selected, every is_alive == true", or what failed
};

// "where pid == 0, every is_alive == true, count >= 3", as a step prints it.
std::string DescribeExpectation(const Expectation& expectation);

// Test values are expanded with vars first (an unknown name: not held, saying so).
Verdict Check(const Expectation& expectation, const std::vector<nlohmann::json>& rows, const Variables& vars);

// The capture's field of the one row it selects, as text (a string without
// quotes). FailedPrecondition when no row or several rows are selected.
Result<std::string> CaptureValue(const Capture& capture, const std::vector<nlohmann::json>& rows, const Variables& vars);

}  // namespace kv::playbook
