// A tablet that cannot start, collected from its `inspect tablet DATA_DIR
// --json` report (docs/FORMATS.md, "inspect partition|tablet --json"): the
// tablet's endpoint from its tablet.json, each replica's positions and
// health from its findings, the table settings from the replicas'
// settings.json.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "ops/recover/collection.h"

namespace kv::recover {

// InvalidArgument, one line naming `origin`: not an `inspect tablet --json`
// report (a foreign file, `inspect partition` output), a format version this
// reader does not know, a line that is not JSON, fewer replica lines than the
// tablet line counts (truncated), or a tablet.json that names no endpoint.
Result<Collection> ParseInspectTabletReport(std::string_view text, const std::string& origin);

// The health a replica's findings amount to, and the line saying why: the
// most severe class among them (unreadable, then WAL, then SST damage);
// findings that lose nothing (a torn tail, a replay pending) leave it ok.
struct HealthVerdict {
  Health health = Health::kOk;
  std::string reason;
};
HealthVerdict HealthFromFindings(const std::vector<std::pair<std::string, std::string>>& kind_and_text);

}  // namespace kv::recover
