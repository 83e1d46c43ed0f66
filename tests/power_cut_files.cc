#include "tests/power_cut_files.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/file.h"

namespace kv::test {
namespace {
namespace fs = std::filesystem;

std::string FolderOf(const std::string& path) { return fs::path(path).lexically_normal().parent_path().string(); }
std::string Normal(const std::string& path) { return fs::path(path).lexically_normal().string(); }

}  // namespace

// One open file: the real one, and the synced size it shares with the simulator.
class PowerCutFiles::File : public wal::AppendFile {
 public:
  File(PowerCutFiles* owner, std::unique_ptr<wal::AppendFile> real, std::shared_ptr<Synced> state)
      : owner_(owner), real_(std::move(real)), state_(std::move(state)) {}

  Status Append(std::string_view data) override {
    std::lock_guard<std::mutex> l(owner_->mu_);
    KV_RETURN_IF_ERROR(owner_->PowerOnLocked());
    KV_RETURN_IF_ERROR(real_->Append(data));
    state_->size += data.size();
    return Status::OK();
  }
  Status Sync() override {
    std::lock_guard<std::mutex> l(owner_->mu_);
    KV_RETURN_IF_ERROR(owner_->PowerOnLocked());
    if (owner_->cut_at_next_sync_) {
      owner_->PowerCutLocked(Cut::kUnsyncedGone);
      return owner_->PowerOnLocked();
    }
    KV_RETURN_IF_ERROR(real_->Sync());
    state_->synced = state_->size;
    return Status::OK();
  }

 private:
  PowerCutFiles* owner_;
  std::unique_ptr<wal::AppendFile> real_;
  std::shared_ptr<Synced> state_;
};

Status PowerCutFiles::PowerOnLocked() const {
  return on_ ? Status::OK() : Status::IOError("the power is off (simulated power cut)");
}

std::shared_ptr<PowerCutFiles::Synced> PowerCutFiles::Track(const std::string& path, uint64_t size,
                                                            uint64_t synced) {
  auto& state = files_[path];
  if (!state) state = std::make_shared<Synced>(Synced{size, synced});
  return state;
}

Result<std::unique_ptr<wal::AppendFile>> PowerCutFiles::Create(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  KV_RETURN_IF_ERROR(PowerOnLocked());
  KV_ASSIGN_OR_RETURN(std::unique_ptr<wal::AppendFile> real, wal::PosixFileOps().Create(path));
  const std::string name = Normal(path);
  files_.erase(name);
  unsynced_names_[FolderOf(name)].push_back({"", name});
  return std::unique_ptr<wal::AppendFile>(new File(this, std::move(real), Track(name, 0, 0)));
}

Result<std::unique_ptr<wal::AppendFile>> PowerCutFiles::OpenForAppend(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  KV_RETURN_IF_ERROR(PowerOnLocked());
  KV_ASSIGN_OR_RETURN(std::unique_ptr<wal::AppendFile> real, wal::PosixFileOps().OpenForAppend(path));
  KV_ASSIGN_OR_RETURN(uint64_t size, FileSize(path));
  // A file first seen here was there before the simulator: durable as it is.
  return std::unique_ptr<wal::AppendFile>(new File(this, std::move(real), Track(Normal(path), size, size)));
}

Status PowerCutFiles::Rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> l(mu_);
  KV_RETURN_IF_ERROR(PowerOnLocked());
  KV_RETURN_IF_ERROR(wal::PosixFileOps().Rename(from, to));
  const std::string src = Normal(from), dst = Normal(to);
  if (auto it = files_.find(src); it != files_.end()) {
    files_[dst] = it->second;
    files_.erase(it);
  }
  unsynced_names_[FolderOf(dst)].push_back({src, dst});
  return Status::OK();
}

Status PowerCutFiles::Truncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  KV_RETURN_IF_ERROR(PowerOnLocked());
  KV_RETURN_IF_ERROR(wal::PosixFileOps().Truncate(path, size));
  if (auto it = files_.find(Normal(path)); it != files_.end()) {
    it->second->size = size;
    it->second->synced = std::min(it->second->synced, size);
  }
  return Status::OK();
}

Status PowerCutFiles::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> l(mu_);
  KV_RETURN_IF_ERROR(PowerOnLocked());
  KV_RETURN_IF_ERROR(wal::PosixFileOps().SyncDir(dir));
  unsynced_names_.erase(Normal(dir));
  return Status::OK();
}

void PowerCutFiles::PowerCut(Cut how) {
  std::lock_guard<std::mutex> l(mu_);
  PowerCutLocked(how);
}

void PowerCutFiles::PowerCutLocked(Cut how) {
  for (auto& [path, state] : files_) {
    if (state->size <= state->synced) continue;
    uint64_t keep = state->synced;
    if (how == Cut::kTornUnsynced) keep += rng_() % (state->size - state->synced + 1);
    // A file that is gone now went by a path the simulator did not see; nothing to cut.
    if (::truncate(path.c_str(), static_cast<off_t>(keep)) == 0 || errno == ENOENT) state->size = keep;
  }
  // Newest first, so that a file created and then renamed goes back and then goes.
  for (auto& [folder, changes] : unsynced_names_) {
    for (auto c = changes.rbegin(); c != changes.rend(); ++c) {
      std::error_code ec;
      if (c->from.empty()) {
        fs::remove(c->to, ec);
        files_.erase(c->to);
        continue;
      }
      fs::rename(c->to, c->from, ec);
      if (auto it = files_.find(c->to); it != files_.end()) {
        files_[c->from] = it->second;
        files_.erase(it);
      }
    }
  }
  unsynced_names_.clear();
  on_ = false;
  cut_at_next_sync_ = false;
  ++cuts_;
}

void PowerCutFiles::Restart() {
  std::lock_guard<std::mutex> l(mu_);
  on_ = true;
}

void PowerCutFiles::CutAtNextSync() {
  std::lock_guard<std::mutex> l(mu_);
  cut_at_next_sync_ = true;
}

bool PowerCutFiles::power_on() const {
  std::lock_guard<std::mutex> l(mu_);
  return on_;
}

uint64_t PowerCutFiles::unsynced_bytes() const {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t n = 0;
  for (const auto& [path, state] : files_) n += state->size - state->synced;
  return n;
}

uint64_t PowerCutFiles::cuts() const {
  std::lock_guard<std::mutex> l(mu_);
  return cuts_;
}

}  // namespace kv::test
