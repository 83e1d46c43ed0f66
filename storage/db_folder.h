// Whole-DB-folder moves: installing a checkpoint as a DB, and moving a DB out
// of the way into quarantine. Internal to kv_storage.
#pragma once

#include <string>

#include "common/quarantine.h"
#include "common/status.h"

namespace kv::storage {

// Removes a temporary folder that an interrupted snapshot, install or rebuild
// left behind: hard links and partial copies, never the only copy of anything.
Status RemoveLeftover(const std::string& dir);

// Makes dst (which must not exist) a copy of the checkpoint in src: SST files
// are hard-linked (they are immutable), everything else is copied, since
// RocksDB may rewrite it in place; the snapshot's manifest.json is left out.
// Every file and dst itself are fsynced.
Status CopyCheckpoint(const std::string& src, const std::string& dst);

// Moves every file of a flat folder (a RocksDB folder has no subfolders) into
// q, each recorded in its manifest, then removes the emptied folder. The files
// land side by side, so the quarantine folder opens as the old DB.
// kv::Quarantine::MoveIn takes single files only; this loops over them.
Status MoveDbIntoQuarantine(Quarantine& q, const std::string& dir, const std::string& why);

}  // namespace kv::storage
