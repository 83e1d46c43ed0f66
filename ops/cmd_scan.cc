// `ops scan TABLE [--from K] [--to K] [--limit N]`: keys in order across all
// partitions. Streams: the table is printed in chunks, so any size fits in memory.
#include "cli/table.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

constexpr size_t kRowsPerChunk = 1000;

class ScanCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"scan"}; }
  std::string Help() const override {
    return "List the keys of TABLE in key order, merged across partitions: [--from, --to) up to --limit";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("table", table_, "table name")->required();
    app->add_option("--from", from_, "first key (inclusive)")->type_name("KEY");
    app->add_option("--to", to_, "end key (exclusive; default: to the end)")->type_name("KEY");
    app->add_option("--limit", limit_, "at most this many keys (0 = all)")->type_name("N")->capture_default_str();
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    if (limit_ < 0) return Fail(Status::InvalidArgument("--limit must not be negative"));
    const std::vector<std::string> headers = {"key", "value"};
    cli::Table chunk(headers);
    const Status scanned = client.ScanEach(table_, from_, to_, static_cast<uint64_t>(limit_),
                                           [&](const client::KeyValue& kv) {
                                             if (common.json) {
                                               cli::PrintJsonLine({{"key", cli::Printable(kv.key)},
                                                                   {"value", cli::Printable(kv.value)}});
                                               return;
                                             }
                                             chunk.AddRow({cli::Printable(kv.key), cli::Printable(kv.value)});
                                             if (chunk.rows() == kRowsPerChunk) {
                                               chunk.Print();
                                               chunk = cli::Table(headers);
                                             }
                                           });
    if (!common.json && chunk.rows() > 0) chunk.Print();
    if (!scanned.ok()) return Fail(scanned);
    return cli::kExitOk;
  }

 private:
  std::string table_, from_, to_;
  long long limit_ = 0;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::ScanCommand;
KV_REGISTER_COMMAND(ScanCommand);
