// `inspect tablet`: every replica of a tablet's data dir, each read as
// `inspect partition` reads it (read-only, invariant 8; cheap by default: the
// WAL's end from its trailers, never a full scan).
//
// Its JSON is the "collect" input of `ops recoverdata` for a tablet that
// cannot be started: a first line describing the tablet (TabletHeaderJson),
// then one line per replica (PartitionReportJson), each with "format_version":
// kCollectFormatVersion (inspect/partition_inspect.h). The fields are
// documented in docs/FORMATS.md, "inspect partition|tablet --json".
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "inspect/partition_inspect.h"

namespace kv::inspect {

struct TabletReport {
  std::string data_dir;
  std::optional<nlohmann::json> tablet_json;  // DATA_DIR/tablet.json as it is
  Status tablet_json_status;                  // why tablet_json is missing or unreadable
  bool lock_held = false;                     // a running process holds DATA_DIR/LOCK
  // Entries of DATA_DIR/partitions that are not replica folders (<tid>_<pid>).
  std::vector<std::string> ignored;
  std::vector<PartitionReport> replicas;  // in (tid, pid) order

  bool healthy() const;
};

// NotFound when data_dir is not a folder; InvalidArgument when it holds
// neither tablet.json nor partitions/ (not a tablet's data dir). Reads only.
// progress, when given, is called before each replica is read.
using TabletProgress = std::function<void(size_t index, size_t total, const std::string& replica_dir)>;
Result<TabletReport> InspectTablet(const std::string& data_dir, const PartitionInspectOptions& options,
                                   const TabletProgress& progress = {});

// The first line of `inspect tablet --json`: {"type": "tablet", ...}.
nlohmann::json TabletHeaderJson(const TabletReport& report);

}  // namespace kv::inspect
