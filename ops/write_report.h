// What `put` and `delete` print for an acknowledged write.
#pragma once

#include <string>

#include "cluster/client/kv_client.h"

namespace kv::ops {

// "ok: partition 3, offset 17, term 2", or one JSON object.
void PrintWriteAck(const std::string& table, const std::string& key, const client::WriteAck& ack, bool json);

}  // namespace kv::ops
