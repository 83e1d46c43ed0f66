#include "cluster/nameserver/rpc_error.h"

namespace kv::ns {

v1::Error ToError(const Status& status) {
  v1::Error error;
  switch (status.code()) {
    case Status::Code::kOk: return error;
    case Status::Code::kNotFound: error.set_code(v1::NOT_FOUND); break;
    case Status::Code::kInvalidArgument: error.set_code(v1::INVALID_ARGUMENT); break;
    case Status::Code::kAlreadyExists: error.set_code(v1::ALREADY_EXISTS); break;
    case Status::Code::kFailedPrecondition: error.set_code(v1::FAILED_PRECONDITION); break;
    // A tablet out of reach, a busy store, a lost metadata connection: the
    // caller may try again later.
    case Status::Code::kIOError:
    case Status::Code::kBusy: error.set_code(v1::UNAVAILABLE); break;
    case Status::Code::kCorruption:
    case Status::Code::kAborted: error.set_code(v1::INTERNAL); break;
  }
  error.set_message(status.message());
  return error;
}

}  // namespace kv::ns
