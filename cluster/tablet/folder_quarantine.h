// Moving a whole folder (a dropped replica) into quarantine instead of
// deleting it: a new <root>/<UTC time>-<reason>/ made by kv::Quarantine, with
// its manifest.json naming the reason and the command, and the folder renamed
// into it whole (kv::Quarantine::MoveIn takes single files; a replica folder
// has subfolders that must keep their layout to be opened again).
#pragma once

#include <string>

#include "common/status.h"

namespace kv::tablet {

// Returns where the folder went: <quarantine>/<folder's name>.
Result<std::string> MoveFolderIntoQuarantine(const std::string& root, const std::string& folder,
                                             const std::string& reason, const std::string& command);

}  // namespace kv::tablet
