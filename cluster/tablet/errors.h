// The protocol's errors (kv.v1.Error) as the tablet answers them. Handlers
// build an Error and copy it into the response; code OK means success.
#pragma once

#include <cstdint>
#include <string>

#include "cluster/proto/kv.pb.h"
#include "common/status.h"

namespace kv::tablet {

using v1::Error;

inline bool IsOk(const Error& e) { return e.code() == v1::OK; }

Error OkError();
Error MakeError(v1::ErrorCode code, std::string message);
Error NotLeader(const std::string& leader_hint, std::string message);
// The request's term is older than current_term, the newest this replica has seen (invariant 3).
Error StaleTerm(uint64_t request_term, uint64_t current_term, const std::string& partition);
Error NotHosted(const std::string& partition);
// A storage Status as an Error: NotFound, InvalidArgument and FailedPrecondition
// keep their meaning, everything else is INTERNAL.
Error FromStatus(const Status& s);

}  // namespace kv::tablet
