#include "common/status.h"

#include <cstring>

namespace kv {

Status Status::FromErrno(const std::string& context, int err) {
  return Status(Code::kIOError, context + ": " + std::strerror(err));
}

std::string Status::ToString() const {
  const char* kind = "";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: kind = "not found"; break;
    case Code::kCorruption: kind = "corruption"; break;
    case Code::kInvalidArgument: kind = "invalid argument"; break;
    case Code::kIOError: kind = "I/O error"; break;
    case Code::kBusy: kind = "busy"; break;
    case Code::kFailedPrecondition: kind = "failed precondition"; break;
    case Code::kAborted: kind = "aborted"; break;
    case Code::kAlreadyExists: kind = "already exists"; break;
  }
  return std::string(kind) + ": " + msg_;
}

}  // namespace kv
