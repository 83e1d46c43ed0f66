#include "ops/playbook/run_state.h"

#include <nlohmann/json.hpp>

#include "common/file.h"

namespace kv::playbook {

std::string RunStatePath(const std::string& dir) { return dir + "/state.json"; }

Status SaveRunState(const RunState& s, const std::string& dir) {
  nlohmann::json running = nlohmann::json::array();
  for (const WorkloadSpec& w : s.running) running.push_back(WorkloadSpecJson(w));
  const nlohmann::json j = {{"format_version", kRunStateFormatVersion},
                            {"playbook", s.playbook},
                            {"fingerprint", s.fingerprint},
                            {"next_step", s.next_step},
                            {"started_unix_ms", s.started_unix_ms},
                            {"captured", s.captured},
                            {"running", running},
                            {"report", ReportJson(s.report)}};
  return WriteFileAtomic(RunStatePath(dir), j.dump(1) + "\n");
}

Result<RunState> LoadRunState(const std::string& dir) {
  const std::string path = RunStatePath(dir);
  if (!PathExists(path)) return Status::NotFound(dir + " holds no playbook run (no state.json)");
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::InvalidArgument(path + ": not JSON");
  try {
    if (j.at("format_version").get<int>() > kRunStateFormatVersion) {
      return Status::InvalidArgument(path + ": written by a newer runner (format " + j.at("format_version").dump() + ")");
    }
    RunState s;
    s.playbook = j.at("playbook");
    s.fingerprint = j.at("fingerprint");
    s.next_step = j.at("next_step");
    s.started_unix_ms = j.at("started_unix_ms");
    s.captured = j.at("captured").get<Variables>();
    for (const auto& w : j.at("running")) {
      KV_ASSIGN_OR_RETURN(WorkloadSpec spec, WorkloadSpecFromJson(w));
      s.running.push_back(std::move(spec));
    }
    KV_ASSIGN_OR_RETURN(s.report, ReportFromJson(j.at("report")));
    return s;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
}

}  // namespace kv::playbook
