#include "cluster/op/op_store.h"

#include <algorithm>
#include <limits>

#include "common/json_field.h"

namespace kv::op {

namespace {

using nlohmann::json;

constexpr char kNextOpKey[] = "/ids/next_op";
constexpr char kEpochKey[] = "/ids/op_epoch";

constexpr std::string_view kStatusNames[] = {"kInited", "kDoing", "kDone", "kFailed", "kCanceled"};

Result<OpStatus> StatusField(const json& obj, const char* name, const std::string& where) {
  KV_ASSIGN_OR_RETURN(std::string text, JsonField<std::string>(obj, name, where));
  std::optional<OpStatus> status = ParseStatus(text);
  if (!status) return Status::Corruption(where + ": field " + name + " holds the unknown status " + text);
  return *status;
}

Result<Task> DecodeTask(const json& j, const std::string& where) {
  if (!j.is_object()) return Status::Corruption(where + " is not an object");
  Task task;
  KV_ASSIGN_OR_RETURN(task.type, JsonField<std::string>(j, "type", where));
  KV_ASSIGN_OR_RETURN(task.status, StatusField(j, "status", where));
  KV_ASSIGN_OR_RETURN(task.attempts, JsonField<uint32_t>(j, "attempts", where));
  KV_ASSIGN_OR_RETURN(task.last_error, JsonField<std::string>(j, "last_error", where));
  // Optional: documents written before tasks had args have none.
  if (auto args = j.find("args"); args != j.end()) {
    if (!args->is_object()) return Status::Corruption(where + ": field args is not an object");
    task.args = *args;
  }
  return task;
}

Result<std::optional<uint32_t>> PidField(const json& doc, const std::string& key) {
  auto it = doc.find("pid");
  if (it != doc.end() && it->is_null()) return std::optional<uint32_t>();
  KV_ASSIGN_OR_RETURN(uint32_t pid, JsonField<uint32_t>(doc, "pid", key));
  return std::optional<uint32_t>(pid);
}

}  // namespace

std::string_view StatusName(OpStatus status) { return kStatusNames[static_cast<size_t>(status)]; }

std::optional<OpStatus> ParseStatus(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (kStatusNames[i] == name) return static_cast<OpStatus>(i);
  }
  return std::nullopt;
}

bool IsFinal(OpStatus status) {
  return status == OpStatus::kDone || status == OpStatus::kFailed || status == OpStatus::kCanceled;
}

std::string OpKey(uint64_t id) { return std::string(kOpsFolder) + "/" + std::to_string(id); }

std::string EncodeOp(const Op& op) {
  json tasks = json::array();
  for (const Task& task : op.tasks) {
    json encoded = {{"type", task.type},
                    {"status", StatusName(task.status)},
                    {"attempts", task.attempts},
                    {"last_error", task.last_error}};
    if (!task.args.empty()) encoded["args"] = task.args;
    tasks.push_back(std::move(encoded));
  }
  json doc = {{"format_version", kOpFormatVersion},
              {"id", op.id},
              {"type", op.type},
              {"table", op.table},
              {"tid", op.tid},
              {"pid", op.pid ? json(*op.pid) : json(nullptr)},
              {"params", op.params},
              {"status", StatusName(op.status)},
              {"tasks", std::move(tasks)},
              {"current_task", op.current_task},
              {"created_ms", op.created_ms},
              {"start_ms", op.start_ms},
              {"end_ms", op.end_ms},
              {"error", op.error},
              {"epoch", op.epoch}};
  return doc.dump();
}

Result<Op> DecodeOp(std::string_view text, const std::string& key) {
  KV_ASSIGN_OR_RETURN(json doc, ParseJsonObject(text, key));
  KV_ASSIGN_OR_RETURN(uint64_t version, JsonField<uint64_t>(doc, "format_version", key));
  if (version != kOpFormatVersion) {
    return Status::FailedPrecondition(key + ": op format_version " + std::to_string(version) +
                                      " is not the supported " + std::to_string(kOpFormatVersion) +
                                      " (written by another nameserver version?)");
  }
  Op op;
  KV_ASSIGN_OR_RETURN(op.id, JsonField<uint64_t>(doc, "id", key));
  if (OpKey(op.id) != key) return Status::Corruption(key + ": holds op id " + std::to_string(op.id));
  KV_ASSIGN_OR_RETURN(op.type, JsonField<std::string>(doc, "type", key));
  KV_ASSIGN_OR_RETURN(op.table, JsonField<std::string>(doc, "table", key));
  KV_ASSIGN_OR_RETURN(op.tid, JsonField<uint32_t>(doc, "tid", key));
  KV_ASSIGN_OR_RETURN(op.pid, PidField(doc, key));
  auto params = doc.find("params");
  if (params == doc.end() || !params->is_object()) {
    return Status::Corruption(key + ": field params is missing or not an object");
  }
  op.params = *params;
  KV_ASSIGN_OR_RETURN(op.status, StatusField(doc, "status", key));
  auto tasks = doc.find("tasks");
  if (tasks == doc.end() || !tasks->is_array()) {
    return Status::Corruption(key + ": field tasks is missing or not an array");
  }
  for (size_t i = 0; i < tasks->size(); ++i) {
    KV_ASSIGN_OR_RETURN(Task task, DecodeTask((*tasks)[i], key + " tasks[" + std::to_string(i) + "]"));
    op.tasks.push_back(std::move(task));
  }
  KV_ASSIGN_OR_RETURN(op.current_task, JsonField<uint32_t>(doc, "current_task", key));
  if (op.current_task > op.tasks.size()) {
    return Status::Corruption(key + ": current_task " + std::to_string(op.current_task) + " is past its " +
                              std::to_string(op.tasks.size()) + " tasks");
  }
  KV_ASSIGN_OR_RETURN(op.created_ms, JsonField<int64_t>(doc, "created_ms", key));
  KV_ASSIGN_OR_RETURN(op.start_ms, JsonField<int64_t>(doc, "start_ms", key));
  KV_ASSIGN_OR_RETURN(op.end_ms, JsonField<int64_t>(doc, "end_ms", key));
  KV_ASSIGN_OR_RETURN(op.error, JsonField<std::string>(doc, "error", key));
  KV_ASSIGN_OR_RETURN(op.epoch, JsonField<uint64_t>(doc, "epoch", key));
  return op;
}

Result<uint64_t> AdvanceCounter(meta::MetaStore* store, const std::string& key) {
  // Only the active nameserver allocates, so a conflict means a concurrent
  // allocation by a nameserver that has not yet noticed it is stale: taking
  // the next value is still unique, so try again a few times.
  constexpr int kTries = 8;
  for (int i = 0; i < kTries; ++i) {
    KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> current, store->Get(key));
    uint64_t value = 1;
    if (current) {
      KV_ASSIGN_OR_RETURN(json doc, ParseJsonObject(current->value, key));
      KV_ASSIGN_OR_RETURN(uint64_t version, JsonField<uint64_t>(doc, "format_version", key));
      if (version != kOpFormatVersion) return Status::FailedPrecondition(key + ": unknown format_version");
      KV_ASSIGN_OR_RETURN(value, JsonField<uint64_t>(doc, "value", key));
    }
    if (value == 0 || value == std::numeric_limits<uint64_t>::max()) {
      return Status::Corruption(key + ": counter holds " + std::to_string(value));
    }
    json next = {{"format_version", kOpFormatVersion}, {"value", value + 1}};
    Status put = store->PutIfVersion(key, next.dump(), current ? current->version : meta::kMustNotExist);
    if (put.ok()) return value;
    if (!put.IsFailedPrecondition()) return put.WithContext("advancing " + key);
  }
  return Status::Aborted(key + ": kept changing under concurrent allocation");
}

Result<uint64_t> AllocateEpoch(meta::MetaStore* store) { return AdvanceCounter(store, kEpochKey); }

Result<uint64_t> OpStore::AllocateId() { return AdvanceCounter(store_, kNextOpKey); }

Result<int64_t> OpStore::Write(const Op& op, int64_t expected_version) {
  const std::string key = OpKey(op.id);
  const std::string value = EncodeOp(op);
  Status put = store_->PutIfVersion(key, value, expected_version);
  auto moved = [&](const std::string& detail) {
    return Status::Aborted("op " + std::to_string(op.id) + " (" + key +
                           ") was changed by another nameserver; this one (epoch " + std::to_string(op.epoch) +
                           ") is no longer the active one: " + detail);
  };
  if (put.IsFailedPrecondition()) return moved(put.message());
  KV_RETURN_IF_ERROR(put.WithContext("writing op " + key));
  // The store promises a new version, not which one: read it back.
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> written, store_->Get(key));
  if (!written || written->value != value) return moved("read back another value");
  return written->version;
}

Result<std::optional<StoredOp>> OpStore::Load(uint64_t id) {
  const std::string key = OpKey(id);
  KV_ASSIGN_OR_RETURN(std::optional<meta::Versioned> current, store_->Get(key));
  if (!current) return std::optional<StoredOp>();
  KV_ASSIGN_OR_RETURN(Op op, DecodeOp(current->value, key));
  return std::optional<StoredOp>(StoredOp{std::move(op), current->version});
}

Result<std::vector<StoredOp>> OpStore::LoadAll() {
  KV_ASSIGN_OR_RETURN(auto entries, store_->List(std::string(kOpsFolder)));
  std::vector<StoredOp> ops;
  for (const auto& [key, doc] : entries) {
    KV_ASSIGN_OR_RETURN(Op op, DecodeOp(doc.value, key));
    ops.push_back({std::move(op), doc.version});
  }
  // Keys sort as text ("/ops/10" before "/ops/9"); showopstatus wants ids.
  std::sort(ops.begin(), ops.end(), [](const StoredOp& a, const StoredOp& b) { return a.op.id < b.op.id; });
  return ops;
}

Status OpStore::Delete(uint64_t id) { return store_->Delete(OpKey(id)).WithContext("deleting op " + OpKey(id)); }

}  // namespace kv::op
