#include "cluster/nameserver/meta_repository.h"

#include "cluster/nameserver/json_doc.h"

namespace kv::ns {

namespace {

constexpr char kNextTidKey[] = "/ids/next_tid";

Status LostLeadership(const std::string& key, const Status& conflict) {
  return Status::Aborted("metadata key " + key +
                         " was changed by someone else; this nameserver is no longer the active one (" +
                         conflict.message() + ")");
}

}  // namespace

Result<std::optional<meta::Versioned>> MetaRepository::Read(const std::string& key) {
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> current, store_->Get(key));
  if (current) {
    versions_[key] = current->version;
  } else {
    versions_.erase(key);
  }
  return current;
}

Status MetaRepository::Save(const std::string& key, const std::string& value) {
  auto known = versions_.find(key);
  const int64_t expected = known == versions_.end() ? meta::kMustNotExist : known->second;
  Status put = store_->PutIfVersion(key, value, expected);
  if (put.IsFailedPrecondition()) return LostLeadership(key, put);
  KV_RETURN_IF_ERROR(put.WithContext("writing metadata " + key));
  // The contract promises a new version, not which one: read it back.
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> written, Read(key));
  if (!written || written->value != value) return LostLeadership(key, Status::Aborted("read back another value"));
  return Status::OK();
}

Result<ClusterMetadata> MetaRepository::LoadAll() {
  versions_.clear();
  ClusterMetadata out;
  KV_ASSIGN_OR_RETURN(auto tables, store_->List(std::string(kTablesFolder)));
  for (const auto& [key, doc] : tables) {
    KV_ASSIGN_OR_RETURN(TableMeta table, DecodeTable(doc.value, key));
    versions_[key] = doc.version;
    out.tables.push_back(std::move(table));
  }
  KV_ASSIGN_OR_RETURN(auto tablets, store_->List(std::string(kTabletsFolder)));
  for (const auto& [key, doc] : tablets) {
    KV_ASSIGN_OR_RETURN(TabletMeta tablet, DecodeTablet(doc.value, key));
    versions_[key] = doc.version;
    out.tablets.push_back(std::move(tablet));
  }
  KV_ASSIGN_OR_RETURN(auto config, store_->List(std::string(kConfigFolder)));
  for (const auto& [key, doc] : config) {
    KV_ASSIGN_OR_RETURN(std::string value, DecodeConfigValue(doc.value, key));
    const std::string name = key.substr(kConfigFolder.size() + 1);
    Result<std::string> canonical = ClusterConfig::Validate(name, value);
    if (!canonical.ok()) return Status::Corruption(key + ": " + canonical.status().message());
    versions_[key] = doc.version;
    out.config.Set(name, *canonical);
  }
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> recovery, Read(std::string(kRecoveryCurrentKey)));
  if (recovery) {
    KV_ASSIGN_OR_RETURN(out.recovery, DecodeRecovery(recovery->value, std::string(kRecoveryCurrentKey)));
  }
  return out;
}

Status MetaRepository::SaveTable(const TableMeta& table) { return Save(TableKey(table.name), EncodeTable(table)); }

Status MetaRepository::DeleteTable(const std::string& name) { return DeleteKnown(TableKey(name)); }

Status MetaRepository::DeleteKnown(const std::string& key) {
  // MetaStore has no conditional delete: check the version just before.
  auto known = versions_.find(key);
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> current, store_->Get(key));
  if (current && (known == versions_.end() || known->second != current->version)) {
    return LostLeadership(key, Status::Aborted("version moved"));
  }
  KV_RETURN_IF_ERROR(store_->Delete(key).WithContext("deleting metadata " + key));
  versions_.erase(key);
  return Status::OK();
}

Status MetaRepository::SaveTablet(const TabletMeta& tablet) {
  return Save(TabletKey(tablet.endpoint), EncodeTablet(tablet));
}

Status MetaRepository::SaveConfig(const std::string& key, const std::string& value) {
  return Save(ConfigKeyPath(key), EncodeConfigValue(value));
}

Status MetaRepository::SaveRecovery(const RecoveryRecord& record) {
  return Save(std::string(kRecoveryCurrentKey), EncodeRecovery(record));
}

Status MetaRepository::FinishRecovery(const RecoveryRecord& record) {
  KV_ASSIGN_OR_RETURN(std::string done_key, FinishedRecoveryKey(record.plan_id));
  KV_RETURN_IF_ERROR(Save(done_key, EncodeRecovery(record)));
  return DeleteKnown(std::string(kRecoveryCurrentKey));
}

Result<std::optional<RecoveryRecord>> MetaRepository::LoadFinishedRecovery(const std::string& plan_id) {
  KV_ASSIGN_OR_RETURN(std::string key, FinishedRecoveryKey(plan_id));
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> doc, Read(key));
  if (!doc) return std::optional<RecoveryRecord>();
  KV_ASSIGN_OR_RETURN(RecoveryRecord record, DecodeRecovery(doc->value, key));
  return std::optional<RecoveryRecord>(std::move(record));
}

Result<uint32_t> MetaRepository::NextTid() {
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> current, Read(kNextTidKey));
  uint32_t tid = 1;
  if (current) {
    KV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseDocument(current->value, kNextTidKey));
    KV_ASSIGN_OR_RETURN(tid, ReadUint32(doc, "value", kNextTidKey));
  }
  if (tid == 0 || tid == UINT32_MAX) return Status::Corruption(std::string(kNextTidKey) + ": no table id left");
  return tid;
}

Status MetaRepository::SaveNextTid(uint32_t next_tid) {
  nlohmann::json next = NewDocument();
  next["value"] = next_tid;
  return Save(kNextTidKey, next.dump());
}

Result<uint32_t> MetaRepository::AllocateTid() {
  KV_ASSIGN_OR_RETURN(uint32_t tid, NextTid());
  KV_RETURN_IF_ERROR(SaveNextTid(tid + 1));
  return tid;
}

Status MetaRepository::ReserveTid(uint32_t tid) {
  KV_ASSIGN_OR_RETURN(uint32_t next, NextTid());
  if (tid == UINT32_MAX) return Status::InvalidArgument("tid " + std::to_string(tid) + " is out of range");
  return next > tid ? Status::OK() : SaveNextTid(tid + 1);
}

}  // namespace kv::ns
