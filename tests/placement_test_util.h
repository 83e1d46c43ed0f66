// For the placement and balancer tests (pure functions over tablet names):
// made-up tablet endpoints, and how uneven a count per tablet is.
#pragma once

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace kv::test {

inline std::vector<std::string> Tablets(size_t n) {
  std::vector<std::string> tablets;
  for (size_t i = 0; i < n; ++i) tablets.push_back("127.0.0.1:" + std::to_string(9000 + i));
  return tablets;
}

// max - min of the counts over tablets, a tablet that got nothing counting 0.
template <typename Count>
Count Spread(const std::map<std::string, Count>& counts, const std::vector<std::string>& tablets) {
  Count lo = std::numeric_limits<Count>::max(), hi = 0;
  for (const std::string& t : tablets) {
    auto it = counts.find(t);
    const Count c = it == counts.end() ? 0 : it->second;
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  return hi - lo;
}

}  // namespace kv::test
