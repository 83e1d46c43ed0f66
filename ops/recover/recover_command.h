// The base of the `ops recoverdata` commands (ops/cmd_recoverdata_*.cc): the
// inputs every phase takes (--ns, --offline, --collected and the collection's
// bounds), gathered into one Collection (gather.h) before the command runs,
// and the plan step `plan` and `run` share. Failures go through ops/exit_status.h:
// bad input exit 2, an unreachable nameserver or a refused plan exit 1.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "ops/recover/collection.h"
#include "ops/recover/plan.h"

namespace kv::recover {

class RecoverDataCommand : public cli::Command {
 public:
  void AddFlags(CLI::App* app) final;
  int Run(const cli::CommonFlags& common) final;

 protected:
  virtual void AddCommandFlags(CLI::App* app) = 0;
  virtual int RunWith(Collection collection, const cli::CommonFlags& common) = 0;
  // Usage a command checks before anything is collected (InvalidArgument: exit 2).
  virtual Status CheckUsage() const { return Status::OK(); }

  // --table, --accept-data-loss and -o PLAN, for the commands that plan.
  void AddPlanFlags(CLI::App* app);
  // Plans, prints (a table, or with --json the plan file's lines), writes -o.
  // Exit 0; 1 when a partition is refused (it needs --accept-data-loss).
  // made: the plan, for a command that goes on to apply it.
  int PlanAndReport(const Collection& collection, const cli::CommonFlags& common, Plan* made = nullptr);

  // InvalidArgument unless --ns or $KV_NS names a cluster (apply needs one).
  Status CheckNamesCluster() const;
  // --yes and --wait-s, for the commands that apply.
  void AddApplyFlags(CLI::App* app);
  // Applies plan (apply.h) after a fresh collection, asking first on a
  // terminal unless --yes; then, with then_verify, verifies. Exit 0 when
  // every partition is recovered (and verified), 1 otherwise, 2 bad input.
  int ApplyAndReport(const Plan& plan, const Collection& fresh, const cli::CommonFlags& common, bool then_verify);

  std::string output_;  // -o

 private:
  std::string ns_;
  std::vector<std::string> offline_, collected_;
  int timeout_ms_ = 5000;
  int tablet_timeout_ms_ = 3000;
  int concurrency_ = 16;
  std::vector<std::string> tables_;
  bool accept_data_loss_ = false;
  bool yes_ = false;
  int wait_s_ = 600;
};

}  // namespace kv::recover
