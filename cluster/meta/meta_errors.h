// Error texts both back ends share, so callers see the same words whichever
// store runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace kv::meta {

// FailedPrecondition for a compare-and-set that found another version.
// actual: the key's version now, nullopt when it holds no value.
Status VersionConflict(const std::string& key, int64_t expected, std::optional<int64_t> actual);
// FailedPrecondition for a compare-and-set that lost a race it could not see.
Status ConcurrentChange(const std::string& key);
Status StoreClosed();

}  // namespace kv::meta
