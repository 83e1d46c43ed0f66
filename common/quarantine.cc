#include "common/quarantine.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/crc32c.h"
#include "common/file.h"

namespace kv {
namespace fs = std::filesystem;

Result<Quarantine> Quarantine::Create(const std::string& root, const std::string& reason,
                                      const std::string& command) {
  KV_RETURN_IF_ERROR(CreateDirs(root));
  const std::string base = root + "/" + UtcTimestampCompact() + "-" + reason;
  std::string dir = base;
  for (int n = 2; PathExists(dir); ++n) dir = base + "-" + std::to_string(n);
  KV_RETURN_IF_ERROR(CreateDirs(dir));
  Quarantine q(dir, reason, command, UtcTimestamp());
  KV_RETURN_IF_ERROR(q.Record({}));  // writes an empty manifest: the folder explains itself at once
  return q;
}

std::string Quarantine::UniqueStoredName(const std::string& base) const {
  std::string name = base;
  for (int n = 2; PathExists(dir_ + "/" + name); ++n) name = base + "." + std::to_string(n);
  return name;
}

// In pieces: a quarantined SST or segment may be larger than memory should hold.
static Result<uint32_t> FileCrc(const std::string& path) {
  constexpr size_t kPiece = 1 << 20;
  KV_ASSIGN_OR_RETURN(UniqueFd fd, OpenReadOnly(path));
  uint32_t crc = 0;
  for (uint64_t at = 0;; at += kPiece) {
    auto piece = ReadRange(fd.get(), at, kPiece);
    if (!piece.ok()) return piece.status().WithContext(path);
    crc = crc32c::Extend(crc, piece->data(), piece->size());
    if (piece->size() < kPiece) return crc;
  }
}

Status Quarantine::MoveIn(const std::string& path, const std::string& why) {
  KV_ASSIGN_OR_RETURN(uint64_t bytes, FileSize(path));
  KV_ASSIGN_OR_RETURN(uint32_t crc, FileCrc(path));
  const std::string stored = UniqueStoredName(fs::path(path).filename().string());
  const std::string target = dir_ + "/" + stored;
  if (::rename(path.c_str(), target.c_str()) != 0) {
    if (errno != EXDEV) return Status::FromErrno("move " + path + " into quarantine", errno);
    // Another filesystem: copy durably first, only then remove the original.
    KV_RETURN_IF_ERROR(CopyIn(path, why));
    if (::unlink(path.c_str()) != 0) return Status::FromErrno("remove " + path, errno);
    items_.back().action = "moved";
    return Record({});
  }
  KV_RETURN_IF_ERROR(FsyncDir(dir_));
  KV_RETURN_IF_ERROR(FsyncDir(fs::path(path).parent_path().string()));
  return Record({"moved", fs::absolute(path).string(), stored, bytes, crc, why});
}

Status Quarantine::MoveFolderIn(const std::string& path, const std::string& why) {
  if (!IsDirectory(path)) return Status::NotFound(path + " is not a folder");
  std::vector<StoredFile> files;
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string file = it->path().string();
    KV_ASSIGN_OR_RETURN(uint64_t bytes, FileSize(file));
    KV_ASSIGN_OR_RETURN(uint32_t crc, FileCrc(file));
    files.push_back({fs::relative(it->path(), path).string(), bytes, crc});
    total += bytes;
  }
  if (ec) return Status::IOError("list " + path + ": " + ec.message());
  std::sort(files.begin(), files.end(), [](const StoredFile& a, const StoredFile& b) { return a.path < b.path; });
  fs::path folder = fs::absolute(path).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "dir/" names dir
  const std::string stored = UniqueStoredName(folder.filename().string());
  const std::string target = dir_ + "/" + stored;
  if (::rename(path.c_str(), target.c_str()) != 0) {
    const int err = errno;
    if (err == EXDEV) {
      return Status::FailedPrecondition("move " + path + " into quarantine " + dir_ +
                                        ": another filesystem; choose a quarantine root on the folder's filesystem");
    }
    return Status::FromErrno("move " + path + " into quarantine", err);
  }
  KV_RETURN_IF_ERROR(FsyncDir(dir_));
  KV_RETURN_IF_ERROR(FsyncDir(folder.parent_path().string()));
  return Record({"moved", folder.string(), stored, total, 0, why, std::move(files)});
}

Status Quarantine::CopyIn(const std::string& path, const std::string& why) {
  KV_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  const std::string stored = UniqueStoredName(fs::path(path).filename().string());
  KV_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + stored, data));
  return Record({"copied", fs::absolute(path).string(), stored, data.size(),
                 crc32c::Value(data), why});
}

Status Quarantine::AddBytes(const std::string& name, std::string_view data,
                            const std::string& original_path, const std::string& why) {
  const std::string stored = UniqueStoredName(name);
  KV_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + stored, data));
  return Record({"cut", fs::absolute(original_path).string(), stored, data.size(),
                 crc32c::Value(data), why});
}

// Appends item (when it names a stored file) and rewrites the manifest.
Status Quarantine::Record(Item item) {
  if (!item.stored.empty()) items_.push_back(std::move(item));
  nlohmann::json items = nlohmann::json::array();
  for (const Item& i : items_) {
    nlohmann::json item = {{"action", i.action}, {"original", i.original}, {"stored", i.stored}, {"bytes", i.bytes}};
    if (i.folder_files) {
      item["kind"] = "folder";
      item["files"] = nlohmann::json::array();
      for (const StoredFile& f : *i.folder_files) {
        item["files"].push_back({{"path", f.path}, {"bytes", f.bytes}, {"crc32c", f.crc32c}});
      }
    } else {
      item["crc32c"] = i.crc32c;
    }
    item["why"] = i.why;
    items.push_back(std::move(item));
  }
  nlohmann::json manifest = {{"format_version", kManifestVersion},
                             {"created", created_},
                             {"reason", reason_},
                             {"command", command_},
                             {"items", items}};
  return WriteFileAtomic(dir_ + "/manifest.json", manifest.dump(2) + "\n");
}

}  // namespace kv
