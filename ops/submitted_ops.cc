#include "ops/submitted_ops.h"

#include <cstdio>

#include "cli/table.h"

namespace kv::ops {

int ReportSubmitted(const client::Client::SubmittedOps& submitted, const std::string& what,
                    const cli::CommonFlags& common) {
  for (size_t i = 0; i < submitted.op_ids.size(); ++i) {
    const uint64_t id = submitted.op_ids[i];
    // balance names each op's move; the other commands have one subject.
    const std::string subject = i < submitted.moves.size() ? what + ": " + submitted.moves[i] : what;
    if (common.json) {
      nlohmann::json line = {{"op_id", id}, {"command", what}};
      if (i < submitted.moves.size()) line["move"] = submitted.moves[i];
      cli::PrintJsonLine(line);
    } else {
      std::printf("submitted op %llu (%s): follow it with `ops showopstatus`\n", static_cast<unsigned long long>(id),
                  subject.c_str());
    }
  }
  if (submitted.op_ids.empty() && submitted.refused.empty() && !common.json) {
    std::printf("%s: nothing to do\n", what.c_str());
  }
  for (const std::string& line : submitted.refused)
    std::fprintf(stderr, "ops: %s: refused: %s\n", what.c_str(), line.c_str());
  return submitted.refused.empty() ? cli::kExitOk : cli::kExitFailed;
}

}  // namespace kv::ops
