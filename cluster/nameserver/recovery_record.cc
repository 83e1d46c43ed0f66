#include "cluster/nameserver/recovery_record.h"

#include "cluster/meta/meta_key.h"
#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

Result<std::string> FinishedRecoveryKey(const std::string& plan_id) {
  std::string key = std::string(kRecoveryDoneFolder) + "/" + plan_id;
  if (plan_id.empty() || plan_id.find('/') != std::string::npos || !meta::ValidateKey(key).ok()) {
    return Status::InvalidArgument("plan id \"" + plan_id + "\" is not a valid plan id");
  }
  return key;
}

std::string EncodeRecovery(const RecoveryRecord& record) {
  nlohmann::json doc = NewDocument();
  doc["plan_id"] = record.plan_id;
  doc["fingerprint"] = record.fingerprint;
  doc["op_ids"] = record.op_ids;
  doc["auto_failover_before"] = record.auto_failover_before;
  doc["started_ms"] = record.started_ms;
  doc["finished_ms"] = record.finished_ms;
  nlohmann::json outcomes = nlohmann::json::object();
  for (const auto& [id, status] : record.outcomes) outcomes[std::to_string(id)] = status;
  doc["outcomes"] = std::move(outcomes);
  return doc.dump();
}

Result<RecoveryRecord> DecodeRecovery(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(text, key));
  RecoveryRecord r;
  KV_ASSIGN_OR_RETURN(r.plan_id, ReadString(doc, "plan_id", key));
  KV_ASSIGN_OR_RETURN(r.fingerprint, ReadString(doc, "fingerprint", key));
  KV_ASSIGN_OR_RETURN(nlohmann::json ids, ReadArray(doc, "op_ids", key));
  for (const nlohmann::json& id : ids) {
    if (!id.is_number_unsigned()) return Status::Corruption(key + ": op_ids holds " + id.dump() + ", not an op id");
    r.op_ids.push_back(id.get<uint64_t>());
  }
  KV_ASSIGN_OR_RETURN(r.auto_failover_before, ReadString(doc, "auto_failover_before", key));
  KV_ASSIGN_OR_RETURN(r.started_ms, JsonField<int64_t>(doc, "started_ms", key));
  KV_ASSIGN_OR_RETURN(r.finished_ms, JsonField<int64_t>(doc, "finished_ms", key));
  auto outcomes = doc.find("outcomes");
  if (outcomes == doc.end() || !outcomes->is_object()) {
    return Status::Corruption(key + ": field outcomes is missing or not an object");
  }
  for (const auto& [id, status] : outcomes->items()) {
    if (!status.is_string()) return Status::Corruption(key + ": outcomes[" + id + "] is not a string");
    try {
      r.outcomes[std::stoull(id)] = status.get<std::string>();
    } catch (const std::exception&) {
      return Status::Corruption(key + ": outcomes names \"" + id + "\", not an op id");
    }
  }
  return r;
}

}  // namespace kv::ns
