#include "tests/recover_test_util.h"

#include <catch2/catch.hpp>

#include "inspect/tablet_inspect.h"

namespace kv::test {

std::string WriteReport(const TempDir& tmp, const std::string& data_dir, const std::string& name) {
  auto report = inspect::InspectTablet(data_dir, {});
  REQUIRE(report.ok());
  std::string text = inspect::TabletHeaderJson(*report).dump() + "\n";
  for (const auto& p : report->replicas) text += inspect::PartitionReportJson(p).dump() + "\n";
  WriteFile(tmp / name, text);
  return tmp / name;
}

std::vector<std::string> With(std::vector<std::string> args) {
  for (const char* arg : {"--tablet-timeout-ms", "1000", "--timeout-ms", "10000"}) args.push_back(arg);
  if (args[1] != "plan") {
    args.push_back("--wait-s");
    args.push_back("120");
  }
  return args;
}

std::string AutoFailover(client::Client& client) {
  auto conf = client.ConfGet("auto_failover");
  return conf.ok() && conf->count("auto_failover") ? conf->at("auto_failover") : "?";
}

}  // namespace kv::test
