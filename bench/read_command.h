// `wal-bench scan` and `wal-bench verify`: one command that differs only in
// whether payloads are decoded, so each cmd_*.cc names and registers it.
#pragma once

#include <string>
#include <vector>

#include "bench/report.h"
#include "cli/command.h"

namespace kv::bench {

class ReadCommand : public cli::Command {
 public:
  ReadCommand(std::string name, std::string help, bool decode_ops)
      : name_(std::move(name)), help_(std::move(help)), decode_ops_(decode_ops) {}
  std::vector<std::string> Path() const override { return {name_}; }
  std::string Help() const override { return help_; }
  void AddFlags(CLI::App* app) override;
  int Run(const cli::CommonFlags& common) override;

 private:
  const std::string name_, help_;
  const bool decode_ops_;
  std::string dir_;
  int runs_ = 5;
};

// Prints the rows; when a read found damage or undecodable payloads, says so in
// one line on stderr and returns 1 (a benchmark over a damaged log measured
// something else), else 0.
int ReportReads(const std::vector<ReadRow>& rows, bool json);

}  // namespace kv::bench
