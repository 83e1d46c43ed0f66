// `ops bench verify --ledger FILE...`: every write bench runs recorded as
// acknowledged (ops/bench/ledger.h) reads back: for each key, its last
// acknowledged write's value. Exit 1 on any loss, naming one.
#include <cstdio>

#include "cli/table.h"
#include "ops/bench/ledger.h"
#include "ops/cluster_command.h"

namespace kv::ops {
namespace {

class BenchVerifyCommand : public ClusterCommand {
 public:
  std::vector<std::string> Path() const override { return {"bench", "verify"}; }
  std::string Help() const override {
    return "Check that every write a bench run's ledger holds as acknowledged reads back (exit 1 on any loss)";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("--ledger", ledgers_,
                    "a ledger `ops bench load|run --ledger` wrote; several in the order they were written (a load's, then a run's)")
        ->required()
        ->check(CLI::ExistingFile);
  }
  int RunWith(client::Client& client, const cli::CommonFlags& common) override {
    auto check = bench::CheckLedger(ledgers_, ledgers_.back() + ".verify", [&](const std::string& table, const std::string& key) {
      return client.Get(table, key);
    });
    if (!check.ok()) return Fail(check.status());
    if (common.json) {
      cli::PrintJsonLine({{"ledgers", ledgers_}, {"table", check->table}, {"writes", check->writes}, {"keys", check->keys},
                          {"checked", check->checked}, {"overwritten", check->overwritten}, {"lost", check->lost}});
    } else {
      std::string names;
      for (const std::string& l : ledgers_) names += (names.empty() ? "" : ", ") + l;
      std::printf("ledger %s (table %s): %llu acknowledged writes of %llu keys; checked %llu, overwritten later %llu, lost %llu\n",
                  names.c_str(), check->table.c_str(), static_cast<unsigned long long>(check->writes),
                  static_cast<unsigned long long>(check->keys), static_cast<unsigned long long>(check->checked),
                  static_cast<unsigned long long>(check->overwritten), static_cast<unsigned long long>(check->lost));
    }
    if (check->lost > 0) {
      std::fprintf(stderr, "ops: %llu acknowledged write(s) lost, e.g. %s\n",
                   static_cast<unsigned long long>(check->lost), check->first_lost.c_str());
      return cli::kExitFailed;
    }
    return cli::kExitOk;
  }

 private:
  std::vector<std::string> ledgers_;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::BenchVerifyCommand;
KV_REGISTER_COMMAND(BenchVerifyCommand);
