// Quarantine: where tools put what they remove or rewrite, instead of deleting it.
//
// A quarantine is one folder <root>/<UTC time>-<reason>/ holding the files taken
// out and a manifest.json that says, per item, where it came from, why, its size
// and its CRC32C (a folder item: each file's). The manifest is rewritten
// atomically after every item, so a crash mid-repair still leaves an accurate
// list. Format: docs/FORMATS.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kv {

// A folder's own quarantine root is a folder of this name inside it: a tablet's
// data dir, or a WAL folder repaired without --quarantine.
constexpr const char* kQuarantineFolderName = "quarantine";

class Quarantine {
 public:
  static constexpr int kManifestVersion = 1;

  // Creates a new, empty quarantine folder under root (made if missing).
  static Result<Quarantine> Create(const std::string& root, const std::string& reason,
                                   const std::string& command);

  // Moves path into the quarantine (the original disappears from its folder).
  Status MoveIn(const std::string& path, const std::string& why);
  // Moves a whole folder in by one rename, so what it holds keeps its layout
  // (a snapshot's checkpoint opens from there as it is). Its files, at any depth,
  // are listed with their sizes and CRC32C. Refuses across filesystems rather
  // than copy a folder (keep the quarantine root on the folder's filesystem).
  Status MoveFolderIn(const std::string& path, const std::string& why);
  // Copies path into the quarantine (the original stays, e.g. before it is rewritten).
  Status CopyIn(const std::string& path, const std::string& why);
  // Stores bytes cut out of original_path (e.g. a torn tail) as a new file `name`.
  Status AddBytes(const std::string& name, std::string_view data, const std::string& original_path,
                  const std::string& why);

  const std::string& dir() const { return dir_; }
  size_t item_count() const { return items_.size(); }

 private:
  struct StoredFile {
    std::string path;  // relative to the folder
    uint64_t bytes = 0;
    uint32_t crc32c = 0;
  };
  struct Item {
    std::string action;  // moved | copied | cut
    std::string original;
    std::string stored;
    uint64_t bytes = 0;   // a folder: the sum of its files'
    uint32_t crc32c = 0;  // a file only
    std::string why;
    std::optional<std::vector<StoredFile>> folder_files;  // set for a folder
  };
  Quarantine(std::string dir, std::string reason, std::string command, std::string created)
      : dir_(std::move(dir)), reason_(std::move(reason)), command_(std::move(command)),
        created_(std::move(created)) {}
  Status Record(Item item);
  std::string UniqueStoredName(const std::string& base) const;

  std::string dir_, reason_, command_, created_;
  std::vector<Item> items_;
};

}  // namespace kv
