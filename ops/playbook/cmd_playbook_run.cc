// `ops playbook run FILE`: runs a playbook on a playground of its own in
// --dir (docs/playbooks.md). Exit 0 when every step held, 1 when one failed
// or the run was interrupted (Ctrl-C; --resume continues), 2 for a bad
// playbook (nothing runs) or a bad --dir/--resume.
#include <csignal>

#include "cli/command.h"
#include "ops/playbook/playbook.h"
#include "ops/playbook/runner.h"

namespace kv::ops {
namespace {

std::atomic<bool> interrupted{false};
extern "C" void OnInterrupt(int) { interrupted = true; }

class PlaybookRunCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"playbook", "run"}; }
  std::string Help() const override {
    return "Run a playbook (playbooks/*.yaml) on a playground of its own; exit 0 only if every step held";
  }
  void AddFlags(CLI::App* app) override {
    app->add_option("file", file_, "the playbook")->required();
    app->add_option("--dir", dir_, "the run folder: playground, step outputs, state, report (default: NAME.run)");
    app->add_option("--set", sets_, "a parameter, key=value (several allowed)");
    app->add_flag("--quick", quick_, "the playbook's short form: its quick: values (for CI, or a first try)");
    app->add_flag("--dry-run", dry_run_, "print every step with its parameters put in; run nothing");
    app->add_flag("--resume", resume_, "continue the run in --dir from where it stopped");
    app->add_option("--bin-dir", bin_dir_, "where the servers and tools are (default: beside ops, or its build tree)");
  }
  int Run(const cli::CommonFlags& common) override {
    auto book = playbook::LoadPlaybook(file_, sets_, quick_);
    if (!book.ok()) return cli::ReportError(book.status());
    playbook::RunnerOptions options;
    options.dir = dir_.empty() ? book->name + ".run" : dir_;
    options.dry_run = dry_run_;
    options.resume = resume_;
    options.bin_dir = bin_dir_;
    options.interrupted = &interrupted;
    struct sigaction on_interrupt {};
    on_interrupt.sa_handler = OnInterrupt;
    for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &on_interrupt, nullptr);
    auto outcome = playbook::RunPlaybook(*book, options);
    if (!outcome.ok()) return cli::ReportError(outcome.status());
    return *outcome == playbook::RunOutcome::kPassed ? cli::kExitOk : cli::kExitFailed;
  }

 private:
  std::string file_, dir_, bin_dir_;
  std::vector<std::string> sets_;
  bool dry_run_ = false, resume_ = false, quick_ = false;
};

}  // namespace
}  // namespace kv::ops

using kv::ops::PlaybookRunCommand;
KV_REGISTER_COMMAND(PlaybookRunCommand);
