#include "storage/log_position.h"

namespace kv::storage {

std::string LogPosition::ToString() const {
  return "(term " + std::to_string(term) + ", offset " + std::to_string(offset) + ")";
}

}  // namespace kv::storage
