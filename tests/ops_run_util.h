// The `ops` binary of this build run as an operator runs it, for the tests
// that check its exit codes and output (ops_cli_test, the manual restore).
#pragma once

#include <string>
#include <vector>

#include "tests/test_util.h"

namespace kv::test {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
  // Errors are one line.
  bool OneLineError() const { return !err.empty() && err.find('\n') == err.size() - 1; }
};

// Runs ops with args; $KV_NS unset when kv_ns is empty; stdin from `input`
// (empty: /dev/null). Its output goes through files in tmp.
Run RunOps(const TempDir& tmp, const std::vector<std::string>& args, const std::string& kv_ns = "",
           const std::string& input = "");

std::vector<std::string> Lines(const std::string& text);

}  // namespace kv::test
