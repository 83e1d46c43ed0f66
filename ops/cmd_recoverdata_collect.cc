// `ops recoverdata collect`: phase one of whole-cluster recovery, alone. Reads
// every replica's last (term, offset), applied and snapshot offsets and
// health, from the running tablets (all at once, a deadline each) and from
// `inspect tablet --json` reports of those that cannot start, into a collect
// file (docs/FORMATS.md) that `ops recoverdata plan --collected` reads.
// Changes nothing. Exit 0 (a partial collection too: it says so), 2 bad input
// or an existing -o, 1 the nameserver could not be asked.
#include <cstdio>

#include "cli/command.h"
#include "ops/exit_status.h"
#include "ops/recover/output_file.h"
#include "ops/recover/recover_command.h"

namespace kv::recover {
namespace {

class RecoverDataCollectCommand : public RecoverDataCommand {
 public:
  std::vector<std::string> Path() const override { return {"recoverdata", "collect"}; }
  std::string Help() const override {
    return "Collect every replica's positions and health (online, and from offline reports) into a collect file; "
           "changes nothing";
  }

 protected:
  void AddCommandFlags(CLI::App* app) override {
    app->add_option("-o,--output", output_, "write the collect file here (refused when it exists; default: stdout)")
        ->type_name("FILE");
  }

  int RunWith(Collection collection, const cli::CommonFlags&) override {
    const std::string lines = CollectionToJsonLines(collection);
    if (output_.empty()) {
      std::fputs(lines.c_str(), stdout);
    } else if (Status s = WriteNewFile(output_, lines); !s.ok()) {
      return ops::Fail(s);
    }
    std::fprintf(stderr, "collected %zu replicas on %zu tablets%s%s\n", collection.replicas.size(),
                 collection.tablets.size(), output_.empty() ? "" : (" into " + output_).c_str(),
                 collection.partial ? "; PARTIAL: some tablets were not read" : "");
    for (const std::string& u : collection.unreachable) std::fprintf(stderr, "not read: tablet %s\n", u.c_str());
    for (const std::string& n : collection.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
    return cli::kExitOk;
  }
};

}  // namespace
}  // namespace kv::recover

using kv::recover::RecoverDataCollectCommand;
KV_REGISTER_COMMAND(RecoverDataCollectCommand);
