// kv::Status onto the wire: the one place where the nameserver maps error
// kinds to kv.v1.ErrorCode. (Answers read back from tablets go through the
// client library's FromError / FromGrpc, cluster/client/errors.h.)
#pragma once

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::ns {

// OK for an OK status; otherwise the closest ErrorCode and the message.
v1::Error ToError(const Status& status);

}  // namespace kv::ns
