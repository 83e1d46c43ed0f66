#include "cluster/tablet/folder_quarantine.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "common/file.h"
#include "common/quarantine.h"

namespace kv::tablet {

Result<std::string> MoveFolderIntoQuarantine(const std::string& root, const std::string& folder,
                                             const std::string& reason, const std::string& command) {
  if (!IsDirectory(folder)) return Status::NotFound(folder + " is not a folder");
  KV_ASSIGN_OR_RETURN(Quarantine q, Quarantine::Create(root, reason, command));
  const std::filesystem::path from(folder);
  const std::string target = q.dir() + "/" + from.filename().string();
  if (std::rename(folder.c_str(), target.c_str()) != 0) {
    return Status::FromErrno("move " + folder + " into quarantine " + q.dir(), errno);
  }
  KV_RETURN_IF_ERROR(FsyncDir(q.dir()));
  KV_RETURN_IF_ERROR(FsyncDir(from.parent_path().string()));
  return target;
}

}  // namespace kv::tablet
