#include "cluster/nameserver/tablet_fanout.h"

#include <map>
#include <thread>

namespace kv::ns {

std::vector<Status> RunPerTablet(const std::vector<TabletCall>& calls) {
  std::map<std::string, std::vector<size_t>> by_endpoint;
  for (size_t i = 0; i < calls.size(); ++i) by_endpoint[calls[i].endpoint].push_back(i);
  std::vector<Status> outcomes(calls.size());
  {
    std::vector<std::jthread> workers;  // joined at the end of this scope
    workers.reserve(by_endpoint.size());
    for (const auto& [endpoint, indexes] : by_endpoint) {
      workers.emplace_back([&calls, &outcomes, &indexes] {
        for (size_t i : indexes) outcomes[i] = calls[i].run();
      });
    }
  }
  return outcomes;
}

}  // namespace kv::ns
