#include "cluster/tablet/replica_settings.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "cluster/proto/enum_names.h"
#include "common/file.h"
#include "storage/layout.h"
#include "wal/durability.h"

namespace kv::tablet {

std::string ReplicaSettings::Describe() const {
  return "table " + table + ", acks " + names::AcksName(acks) + ", wal_level " + std::to_string(wal_level) +
         ", wal_fsync_period_ms " + std::to_string(wal_fsync_period_ms) + ", replica_count " +
         std::to_string(replica_count);
}

bool SameStorage(const ReplicaSettings& a, const ReplicaSettings& b) {
  return a.table == b.table && a.tid == b.tid && a.pid == b.pid && a.wal_level == b.wal_level &&
         a.wal_fsync_period_ms == b.wal_fsync_period_ms;
}

Result<ReplicaSettings> SettingsFromSpec(const v1::ReplicaSpec& spec) {
  ReplicaSettings s;
  s.table = spec.table_name();
  s.tid = spec.partition().tid();
  s.pid = spec.partition().pid();
  s.acks = spec.acks();
  KV_ASSIGN_OR_RETURN(wal::Durability durability,
                      wal::Durability::Resolve(spec.wal_level(), spec.wal_fsync_period_ms()));
  s.wal_level = durability.wal_level;
  s.wal_fsync_period_ms = durability.fsync_period_ms;
  s.replica_count = spec.replica_count() == 0 ? static_cast<uint32_t>(spec.followers_size()) + 1 : spec.replica_count();
  s.partition_count = spec.partition_count();
  if (s.table.empty()) return Status::InvalidArgument("the replica spec names no table");
  if (spec.acks() != v1::ACKS_MAJORITY && spec.acks() != v1::ACKS_LEADER) {
    return Status::InvalidArgument("unknown acks mode " + std::to_string(spec.acks()));
  }
  if (spec.role() != v1::LEADER && spec.role() != v1::FOLLOWER) {
    return Status::InvalidArgument("the replica spec's role must be LEADER or FOLLOWER");
  }
  if (spec.role() == v1::LEADER && spec.term() == 0) {
    return Status::InvalidArgument("a leader needs a term of 1 or more (terms come from the nameserver)");
  }
  return s;
}

std::string SettingsPath(const std::string& replica_dir) { return storage::ReplicaPaths(replica_dir).settings; }

Result<ReplicaSettings> ReadSettings(const std::string& replica_dir) {
  const std::string path = SettingsPath(replica_dir);
  if (!PathExists(path)) return Status::NotFound(path + " is missing");
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption(path + " is not a JSON object");
  auto number = [&](const char* field, uint32_t* out) -> Status {
    if (!j.contains(field) || !j[field].is_number_unsigned()) {
      return Status::Corruption(path + ": field " + field + " is missing or not a number");
    }
    *out = j[field].get<uint32_t>();
    return Status::OK();
  };
  uint32_t version = 0;
  KV_RETURN_IF_ERROR(number("format_version", &version));
  if (version != ReplicaSettings::kFormatVersion) {
    return Status::FailedPrecondition(path + " has format_version " + std::to_string(version) +
                                      ", this tablet reads version " +
                                      std::to_string(ReplicaSettings::kFormatVersion));
  }
  ReplicaSettings s;
  KV_RETURN_IF_ERROR(number("tid", &s.tid));
  KV_RETURN_IF_ERROR(number("pid", &s.pid));
  KV_RETURN_IF_ERROR(number("wal_level", &s.wal_level));
  KV_RETURN_IF_ERROR(number("wal_fsync_period_ms", &s.wal_fsync_period_ms));
  KV_RETURN_IF_ERROR(number("replica_count", &s.replica_count));
  if (j.contains("partition_count")) KV_RETURN_IF_ERROR(number("partition_count", &s.partition_count));
  if (!j.contains("table") || !j["table"].is_string()) return Status::Corruption(path + ": field table is missing");
  s.table = j["table"].get<std::string>();
  const std::string acks = j.value("acks", std::string());
  const std::optional<v1::Acks> parsed = names::ParseAcks(acks);
  if (!parsed) {
    return Status::Corruption(path + ": field acks is \"" + acks + "\", not " + names::AcksChoices());
  }
  s.acks = *parsed;
  return s;
}

Status WriteSettings(const std::string& replica_dir, const ReplicaSettings& s) {
  const nlohmann::json j = {{"format_version", ReplicaSettings::kFormatVersion},
                            {"table", s.table},
                            {"tid", s.tid},
                            {"pid", s.pid},
                            {"acks", names::AcksName(s.acks)},
                            {"wal_level", s.wal_level},
                            {"wal_fsync_period_ms", s.wal_fsync_period_ms},
                            {"replica_count", s.replica_count}};
  nlohmann::json out = j;
  if (s.partition_count > 0) out["partition_count"] = s.partition_count;
  return WriteFileAtomic(SettingsPath(replica_dir), out.dump(2) + "\n");
}

}  // namespace kv::tablet
