#include "ops/recover/recover_command.h"

#include <unistd.h>

#include <cstdlib>

#include "common/file.h"
#include "ops/endpoints.h"
#include "ops/exit_status.h"
#include "ops/recover/gather.h"
#include "ops/recover/output_file.h"
#include "ops/recover/plan_report.h"

namespace kv::recover {

void RecoverDataCommand::AddFlags(CLI::App* app) {
  app->add_option("--ns", ns_,
                  std::string("collect online from this cluster's nameservers HOST:PORT[,...] (default: $") + ops::kNsEnv +
                      ", unless --collected is given)")
      ->type_name("ENDPOINTS");
  app->add_option("--offline", offline_, "an `inspect tablet DATA_DIR --json` report of a tablet that cannot start")
      ->type_name("REPORT");
  app->add_option("--collected", collected_, "a collect file written by `ops recoverdata collect -o`")->type_name("FILE");
  app->add_option("--timeout-ms", timeout_ms_, "the nameserver's calls")->type_name("MS")->capture_default_str();
  app->add_option("--tablet-timeout-ms", tablet_timeout_ms_, "each tablet's answer (tablets are asked at once)")
      ->type_name("MS")
      ->capture_default_str();
  app->add_option("--concurrency", concurrency_, "tablets asked at once")->type_name("N")->capture_default_str();
  AddCommandFlags(app);
}

void RecoverDataCommand::AddPlanFlags(CLI::App* app) {
  app->add_option("--table", tables_, "plan only this table (repeatable; default: every table)")->type_name("NAME");
  app->add_flag("--accept-data-loss", accept_data_loss_,
                "plan partitions that may lose acknowledged writes, or have no replica, too (the loss is shown)");
  app->add_option("-o,--output", output_, "write the plan file here (refused when the file exists)")->type_name("PLAN");
}

int RecoverDataCommand::Run(const cli::CommonFlags& common) {
  if (timeout_ms_ <= 0 || tablet_timeout_ms_ <= 0) {
    return ops::Fail(Status::InvalidArgument("--timeout-ms and --tablet-timeout-ms must be positive"));
  }
  if (concurrency_ <= 0) return ops::Fail(Status::InvalidArgument("--concurrency must be at least 1"));
  if (Status usage = CheckUsage(); !usage.ok()) return ops::Fail(usage);
  if (!output_.empty()) {
    if (Status s = CheckNewFile(output_); !s.ok()) return ops::Fail(s);
  }
  GatherInputs in;
  const char* env = std::getenv(ops::kNsEnv);
  if (!ns_.empty() || (env != nullptr && *env != '\0' && collected_.empty())) {
    auto nameservers = ops::ResolveNameservers(ns_, env);
    if (!nameservers.ok()) return ops::Fail(nameservers.status());
    in.nameservers = std::move(nameservers).value();
  }
  in.offline_reports = offline_;
  in.collected_files = collected_;
  in.nameserver_timeout = std::chrono::milliseconds(timeout_ms_);
  in.tablet_deadline = std::chrono::milliseconds(tablet_timeout_ms_);
  in.max_concurrency = size_t(concurrency_);
  in.now = UtcTimestamp();
  if (isatty(STDERR_FILENO)) in.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto collection = Gather(in);
  if (!collection.ok()) return ops::Fail(collection.status());
  return RunWith(std::move(collection).value(), common);
}

int RecoverDataCommand::PlanAndReport(const Collection& collection, const cli::CommonFlags& common) {
  auto plan = MakePlan(collection, {tables_, accept_data_loss_, UtcTimestamp()});
  if (!plan.ok()) return ops::Fail(plan.status());
  const std::string lines = PlanToJsonLines(*plan);
  if (!output_.empty()) {
    if (Status s = WriteNewFile(output_, lines); !s.ok()) return ops::Fail(s);
  }
  if (common.json) {
    std::fputs(lines.c_str(), stdout);
  } else {
    PrintPlan(*plan, stdout, stderr);
  }
  if (!output_.empty()) std::fprintf(stderr, "plan %s written to %s\n", plan->id.c_str(), output_.c_str());
  return Summarize(*plan).refused > 0 ? cli::kExitFailed : cli::kExitOk;
}

}  // namespace kv::recover
