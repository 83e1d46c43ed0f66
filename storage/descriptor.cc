#include "storage/descriptor.h"

#include "storage/json_fields.h"
#include "common/file.h"

namespace kv::storage {

const char* RoleName(Role role) { return role == Role::kLeader ? "leader" : "follower"; }

bool ParseRole(std::string_view name, Role* out) {
  if (name == "leader") {
    *out = Role::kLeader;
  } else if (name == "follower") {
    *out = Role::kFollower;
  } else {
    return false;
  }
  return true;
}

Result<Descriptor> ReadDescriptor(const std::string& path) {
  KV_ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonObject(path));
  KV_RETURN_IF_ERROR(CheckFormatVersion(j, Descriptor::kFormatVersion, path));
  Descriptor d;
  KV_ASSIGN_OR_RETURN(d.table, JsonField<std::string>(j, "table", path));
  KV_ASSIGN_OR_RETURN(d.tid, JsonField<uint32_t>(j, "tid", path));
  KV_ASSIGN_OR_RETURN(d.pid, JsonField<uint32_t>(j, "pid", path));
  KV_ASSIGN_OR_RETURN(d.term, JsonField<uint64_t>(j, "term", path));
  KV_ASSIGN_OR_RETURN(std::string role, JsonField<std::string>(j, "role", path));
  if (!ParseRole(role, &d.role)) {
    return Status::Corruption(path + ": role \"" + role + "\" is neither leader nor follower");
  }
  return d;
}

Status WriteDescriptor(const std::string& path, const Descriptor& d) {
  nlohmann::json j = {{"format_version", Descriptor::kFormatVersion},
                      {"table", d.table},
                      {"tid", d.tid},
                      {"pid", d.pid},
                      {"role", RoleName(d.role)},
                      {"term", d.term}};
  // Replacing invalid UTF-8 rather than throwing: a table name is never a reason to lose the file.
  return WriteFileAtomic(path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace kv::storage
