#include "ops/playground/server_binaries.h"

#include <unistd.h>

#include <filesystem>
#include <vector>

namespace kv::ops {
namespace fs = std::filesystem;
namespace {

bool IsExecutable(const fs::path& p) { return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0; }

// The first candidate folder where both binaries exist.
Result<ServerBinaries> FirstComplete(const std::vector<std::pair<fs::path, fs::path>>& candidates) {
  std::string looked;
  for (const auto& [ns, tablet] : candidates) {
    const fs::path ns_path = fs::weakly_canonical(ns), tablet_path = fs::weakly_canonical(tablet);
    if (IsExecutable(ns_path) && IsExecutable(tablet_path)) return ServerBinaries{ns_path, tablet_path};
    looked += (looked.empty() ? "" : ", ") + ns_path.parent_path().string();
  }
  return Status::NotFound("cannot find the nameserver and tablet binaries (looked in " + looked +
                          "): build them, or pass --bin-dir");
}

std::vector<std::pair<fs::path, fs::path>> CandidatesIn(const fs::path& dir, const fs::path& build_root) {
  return {{dir / "nameserver", dir / "tablet"},
          {build_root / "cluster/nameserver/nameserver", build_root / "cluster/tablet/tablet"}};
}

}  // namespace

Result<std::string> OwnProgramDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Status::IOError("cannot read /proc/self/exe: " + ec.message());
  return exe.parent_path().string();
}

Result<std::string> FindProgram(const std::string& name, const std::string& bin_dir) {
  std::vector<fs::path> candidates;
  if (!bin_dir.empty()) {
    candidates = {fs::path(bin_dir) / name, fs::path(bin_dir) / name / name};
  } else {
    KV_ASSIGN_OR_RETURN(std::string own, OwnProgramDir());
    candidates = {fs::path(own) / name, fs::path(own).parent_path() / name / name};
  }
  std::string looked;
  for (const fs::path& c : candidates) {
    const fs::path p = fs::weakly_canonical(c);
    if (IsExecutable(p)) return p.string();
    looked += (looked.empty() ? "" : ", ") + p.string();
  }
  return Status::NotFound("cannot find the " + name + " program (looked at " + looked + "): build it");
}

Result<ServerBinaries> FindServerBinaries(const std::string& bin_dir) {
  if (!bin_dir.empty()) {
    auto found = FirstComplete(CandidatesIn(bin_dir, bin_dir));
    // The operator named the folder: a wrong one is bad input.
    if (!found.ok()) return Status::InvalidArgument("--bin-dir " + bin_dir + ": " + found.status().message());
    return found;
  }
  KV_ASSIGN_OR_RETURN(std::string own, OwnProgramDir());
  return FirstComplete(CandidatesIn(own, fs::path(own).parent_path()));
}

}  // namespace kv::ops
