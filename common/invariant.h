// Invariant checks that stay on in release builds.
//
// KV_INVARIANT(name, cond, detail) aborts the process with the invariant's name
// when cond is false. Use it for states that mean the code itself is wrong
// (never for bad input, which gets a Status): continuing would risk the data.
#pragma once

#include <string>

namespace kv {
[[noreturn]] void InvariantFailed(const char* name, const char* cond, const std::string& detail,
                                  const char* file, int line);
}  // namespace kv

#define KV_INVARIANT(name, cond, detail)                                          \
  do {                                                                            \
    if (!(cond)) ::kv::InvariantFailed(name, #cond, (detail), __FILE__, __LINE__); \
  } while (0)
