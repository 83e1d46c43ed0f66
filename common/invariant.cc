#include "common/invariant.h"

#include <cstdio>
#include <cstdlib>

namespace kv {

void InvariantFailed(const char* name, const char* cond, const std::string& detail,
                     const char* file, int line) {
  std::fprintf(stderr, "invariant '%s' violated at %s:%d: %s (%s)\n", name, file, line, cond,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace kv
