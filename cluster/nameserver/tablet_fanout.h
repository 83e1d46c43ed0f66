// Calls to many tablets at once: one thread per tablet endpoint, each
// tablet's own calls in the order given, so a slow or dead tablet delays only
// its own calls (each bounded by the TabletClient's deadline).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::ns {

struct TabletCall {
  std::string endpoint;
  std::function<Status()> run;
};

// The outcome of every call, in the order of calls.
std::vector<Status> RunPerTablet(const std::vector<TabletCall>& calls);

}  // namespace kv::ns
