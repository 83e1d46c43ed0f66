// How the op-submitting commands (changeleader, recovertable, ...) report:
// one line per op submitted, one line on stderr per partition refused, and
// exit 1 when any was refused (the others still run).
#pragma once

#include <string>

#include "cli/command.h"
#include "cluster/client/kv_client.h"

namespace kv::ops {

int ReportSubmitted(const client::Client::SubmittedOps& submitted, const std::string& what,
                    const cli::CommonFlags& common);

}  // namespace kv::ops
