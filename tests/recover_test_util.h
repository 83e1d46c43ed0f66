// Shared by the `ops recoverdata` tests on real processes
// (recover_apply_test.cc, recover_soak_test.cc).
#pragma once

#include <string>
#include <vector>

#include "cluster/client/kv_client.h"
#include "tests/test_util.h"

namespace kv::test {

// `inspect tablet DATA_DIR --json`, through the library, into tmp/name.
std::string WriteReport(const TempDir& tmp, const std::string& data_dir, const std::string& name);

// args with the collection's bounds (every phase collects), and for apply and
// run how long to follow the ops.
std::vector<std::string> With(std::vector<std::string> args);

// The cluster's auto_failover setting ("?" when it cannot be read).
std::string AutoFailover(client::Client& client);

}  // namespace kv::test
