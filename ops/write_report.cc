#include "ops/write_report.h"

#include "cli/table.h"

namespace kv::ops {

void PrintWriteAck(const std::string& table, const std::string& key, const client::WriteAck& ack, bool json) {
  if (json) {
    cli::PrintJsonLine({{"table", table},
                        {"key", cli::Printable(key)},
                        {"pid", ack.pid},
                        {"offset", ack.offset},
                        {"term", ack.term}});
    return;
  }
  std::printf("ok: partition %u, offset %llu, term %llu\n", ack.pid, static_cast<unsigned long long>(ack.offset),
              static_cast<unsigned long long>(ack.term));
}

}  // namespace kv::ops
