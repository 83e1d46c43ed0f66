#include "cluster/client/nameserver_caller.h"

#include <algorithm>

namespace kv::client {

NameServerCaller::NameServerCaller(std::vector<std::string> endpoints, Channels* channels)
    : channels_(channels), endpoints_(std::move(endpoints)) {}

std::vector<std::string> NameServerCaller::endpoints() const {
  std::lock_guard l(mu_);
  return endpoints_;
}

std::string NameServerCaller::Current() const {
  std::lock_guard l(mu_);
  return endpoints_[current_];
}

void NameServerCaller::Follow(const std::string& failed, const std::string& hint) {
  std::lock_guard l(mu_);
  if (!hint.empty()) {
    auto it = std::find(endpoints_.begin(), endpoints_.end(), hint);
    if (it == endpoints_.end()) it = endpoints_.insert(endpoints_.end(), hint);
    current_ = static_cast<size_t>(it - endpoints_.begin());
    return;
  }
  // Another thread may have moved on already; only the one that saw this
  // endpoint fail moves past it.
  if (endpoints_[current_] == failed) current_ = (current_ + 1) % endpoints_.size();
}

}  // namespace kv::client
