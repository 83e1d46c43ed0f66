#include "cluster/tablet/errors.h"

namespace kv::tablet {

Error OkError() { return Error(); }

Error MakeError(v1::ErrorCode code, std::string message) {
  Error e;
  e.set_code(code);
  e.set_message(std::move(message));
  return e;
}

Error NotLeader(const std::string& leader_hint, std::string message) {
  Error e = MakeError(v1::NOT_LEADER, std::move(message));
  e.set_leader_hint(leader_hint);
  return e;
}

Error StaleTerm(uint64_t request_term, uint64_t current_term, const std::string& partition) {
  Error e = MakeError(v1::STALE_TERM, "partition " + partition + ": term " + std::to_string(request_term) +
                                          " is older than term " + std::to_string(current_term) +
                                          ", the newest this replica has seen");
  e.set_current_term(current_term);
  return e;
}

Error NotHosted(const std::string& partition) {
  return MakeError(v1::NOT_FOUND, "partition " + partition + " is not hosted on this tablet");
}

Error FromStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return OkError();
    case Status::Code::kNotFound: return MakeError(v1::NOT_FOUND, s.message());
    case Status::Code::kInvalidArgument: return MakeError(v1::INVALID_ARGUMENT, s.message());
    case Status::Code::kFailedPrecondition: return MakeError(v1::FAILED_PRECONDITION, s.message());
    default: return MakeError(v1::INTERNAL, s.message());
  }
}

}  // namespace kv::tablet
