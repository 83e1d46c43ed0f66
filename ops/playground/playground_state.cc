#include "ops/playground/playground_state.h"

#include <nlohmann/json.hpp>

#include "common/file.h"

namespace kv::ops {
using nlohmann::json;

std::vector<std::string> PlaygroundState::EndpointsOf(const std::string& role) const {
  std::vector<std::string> out;
  for (const ServerRecord& s : servers) {
    if (s.role == role) out.push_back(s.endpoint);
  }
  return out;
}

std::string PlaygroundStatePath(const std::string& dir) { return dir + "/" + kPlaygroundStateFile; }

Status SaveState(const PlaygroundState& state) {
  json servers = json::array();
  for (const ServerRecord& s : state.servers) {
    servers.push_back({{"name", s.name},
                       {"role", s.role},
                       {"endpoint", s.endpoint},
                       {"data_dir", s.data_dir},
                       {"args", s.args},
                       {"pid", s.process.pid},
                       {"start_time", s.process.start_time}});
  }
  const json doc = {{"format_version", kPlaygroundFormatVersion},
                    {"dir", state.dir},
                    {"created", state.created},
                    {"zk_cluster", state.zk_cluster},
                    {"zk_root_path", state.zk_root_path},
                    {"nameserver_binary", state.nameserver_binary},
                    {"tablet_binary", state.tablet_binary},
                    {"tablet_flags", state.tablet_flags},
                    {"servers", servers}};
  return WriteFileAtomic(PlaygroundStatePath(state.dir), doc.dump(2) + "\n");
}

Result<PlaygroundState> LoadState(const std::string& dir) {
  const std::string path = PlaygroundStatePath(dir);
  if (!PathExists(path)) {
    return Status::InvalidArgument("no playground in " + dir + " (no " + kPlaygroundStateFile +
                                   "; start one with `ops playground up`)");
  }
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string damaged = path + " is damaged: ";
  if (!doc.is_object()) return Status::InvalidArgument(damaged + "not a JSON object");
  const int version = doc.value("format_version", 0);
  if (version != kPlaygroundFormatVersion) {
    return Status::InvalidArgument(path + " has format_version " + std::to_string(version) + "; this ops reads " +
                                   std::to_string(kPlaygroundFormatVersion));
  }
  try {
    PlaygroundState state;
    state.dir = dir;
    state.created = doc.value("created", "");
    state.zk_cluster = doc.value("zk_cluster", "");
    state.zk_root_path = doc.value("zk_root_path", "");
    state.nameserver_binary = doc.at("nameserver_binary").get<std::string>();
    state.tablet_binary = doc.at("tablet_binary").get<std::string>();
    state.tablet_flags = doc.value("tablet_flags", std::vector<std::string>());
    for (const json& s : doc.at("servers")) {
      ServerRecord r;
      r.name = s.at("name").get<std::string>();
      r.role = s.at("role").get<std::string>();
      r.endpoint = s.at("endpoint").get<std::string>();
      r.data_dir = s.at("data_dir").get<std::string>();
      r.args = s.at("args").get<std::vector<std::string>>();
      r.process.pid = s.at("pid").get<pid_t>();
      r.process.start_time = s.at("start_time").get<uint64_t>();
      if (r.role != kRoleNameserver && r.role != kRoleTablet) {
        return Status::InvalidArgument(damaged + "server " + r.name + " has unknown role '" + r.role + "'");
      }
      state.servers.push_back(std::move(r));
    }
    return state;
  } catch (const json::exception& e) {
    // nlohmann's accessors throw on a missing or mistyped field; it stops here.
    return Status::InvalidArgument(damaged + e.what());
  }
}

}  // namespace kv::ops
