// Moving a whole folder (a dropped replica) into quarantine instead of
// deleting it: a new <root>/<UTC time>-<reason>/ made by kv::Quarantine, with
// its manifest.json naming the reason and the command, and the folder renamed
// into it whole, keeping its layout so it can be opened again. Not
// kv::Quarantine::MoveFolderIn, which reads every file to list its CRC: a
// replica of many gigabytes dropped within a DropReplica call's deadline
// cannot afford that; its own checksums (WAL records, SST blocks) remain.
#pragma once

#include <string>

#include "common/status.h"

namespace kv::tablet {

// Returns where the folder went: <quarantine>/<folder's name>.
Result<std::string> MoveFolderIntoQuarantine(const std::string& root, const std::string& folder,
                                             const std::string& reason, const std::string& command);

}  // namespace kv::tablet
