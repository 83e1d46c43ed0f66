// The shape every CLI command of the toolkit takes.
//
// Like RocksDB's ldb, each command is an object behind one base; unlike ldb,
// each lives in its own file and CLI11 builds the help. A tool's main() hands
// its commands to RunTool, which parses the shared flags, runs the command and
// maps the outcome to the exit codes of the design brief in one place:
//   0 success, 1 the operation ran and found a problem or failed,
//   2 bad usage or unreadable input.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::cli {

enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitUsage = 2 };

// The exit code for an error that stopped a command, the one policy of every
// tool (inspect, repair, ops, the benchmarks):
//   2  bad usage or unreadable input: InvalidArgument (a malformed flag or
//      value, an input that is not what the command reads) and NotFound (a
//      file, folder, table, partition or server named on the command line that
//      is not there);
//   1  the command ran and found a problem or failed: everything else (damage
//      found, a lock held, a refused operation, an unreachable cluster, an I/O
//      error while working).
// Libraries say which by the Status they return; no tool maps codes itself.
int ExitCodeFor(const Status& s);

// Flags every command has.
struct CommonFlags {
  bool json = false;  // one JSON object per line on stdout
};

class Command {
 public:
  virtual ~Command() = default;
  // Where the command sits under the tool, e.g. {"wal"} or {"wal", "salvage"}.
  virtual std::vector<std::string> Path() const = 0;
  virtual std::string Help() const = 0;
  // Declares the command's own flags and positionals on its CLI11 app.
  virtual void AddFlags(CLI::App* app) = 0;
  // Runs after parsing; returns the exit code.
  virtual int Run(const CommonFlags& common) = 0;
};

// Parses argv, runs the chosen command, returns the process exit code. Usage
// errors print one line naming the problem and the help to read.
int RunTool(const std::string& tool, const std::string& description,
            std::vector<std::unique_ptr<Command>> commands, int argc, char** argv);

// Commands register themselves from their own source file, so adding a command
// to a tool touches no shared file:   KV_REGISTER_COMMAND(WalCommand);
// A tool's main() then calls RunTool(..., TakeRegisteredCommands(), argc, argv).
using CommandFactory = std::unique_ptr<Command> (*)();
bool RegisterCommand(CommandFactory factory);
std::vector<std::unique_ptr<Command>> TakeRegisteredCommands();

// Prints "tool: message" on stderr and returns ExitCodeFor(s).
int ReportError(const Status& s);
// Prints a usage error on stderr and returns 2.
int UsageError(const std::string& message);

}  // namespace kv::cli

#define KV_REGISTER_COMMAND(Class)                                                    \
  namespace {                                                                       \
  const bool KV_CONCAT(kRegistered, Class) = ::kv::cli::RegisterCommand(            \
      []() -> std::unique_ptr<::kv::cli::Command> { return std::make_unique<Class>(); }); \
  }
