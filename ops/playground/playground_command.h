// The base of the `ops playground ...` commands: --dir, the server table they
// print, and the signal commands (kill, stop, cont), which differ only by signal.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/command.h"
#include "ops/playground/playground.h"

namespace kv::ops {

class PlaygroundCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const final { return {"playground", Name()}; }
  void AddFlags(CLI::App* app) final;

 protected:
  virtual std::string Name() const = 0;
  virtual void AddCommandFlags(CLI::App* app) {}
  // Adds --timeout-ms with the given default; read it with timeout().
  void AddTimeoutFlag(CLI::App* app, int default_ms, const std::string& help);
  const std::string& dir() const { return dir_; }
  // InvalidArgument unless positive.
  Result<std::chrono::milliseconds> timeout() const;

 private:
  std::string dir_ = "playground";
  int timeout_ms_ = 0;
};

// The servers as a table (name, role, endpoint, pid, state, data_dir) or one JSON object each.
void PrintServers(const std::vector<ServerView>& servers, bool json);
// "kill", "stop", "cont": one signal to one server, by name or endpoint.
class PlaygroundSignalCommand : public PlaygroundCommand {
 public:
  PlaygroundSignalCommand(std::string name, int sig, std::string help, std::string done)
      : name_(std::move(name)), sig_(sig), help_(std::move(help)), done_(std::move(done)) {}
  std::string Help() const final { return help_; }
  int Run(const cli::CommonFlags& common) final;

 protected:
  std::string Name() const final { return name_; }
  void AddCommandFlags(CLI::App* app) final;

 private:
  const std::string name_;
  const int sig_;
  const std::string help_;
  const std::string done_;  // past tense for the report: "killed"
  std::string server_;
};

}  // namespace kv::ops
