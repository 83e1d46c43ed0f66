#include "ops/recover/recover_command.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/table.h"
#include "cluster/client/kv_client.h"
#include "common/file.h"
#include "ops/confirm.h"
#include "ops/recover/apply_report.h"
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

Status RecoverDataCommand::CheckNamesCluster() const {
  const char* env = std::getenv(ops::kNsEnv);
  if (!ns_.empty() || (env != nullptr && *env != '\0')) return Status::OK();
  return Status::InvalidArgument(std::string("applying needs the cluster: give --ns or set $") + ops::kNsEnv);
}

void RecoverDataCommand::AddApplyFlags(CLI::App* app) {
  app->add_flag("--yes,-y", yes_, "do not ask for confirmation");
  app->add_option("--wait-s", wait_s_, "follow the ops this long (they go on in the nameserver afterwards)")
      ->type_name("S")
      ->capture_default_str();
}

int RecoverDataCommand::ApplyAndReport(const Plan& plan, const Collection& fresh, const cli::CommonFlags& common,
                                       bool then_verify) {
  if (fresh.nameservers.empty()) {
    return ops::Fail(Status::InvalidArgument("applying needs the cluster collected online: give --ns"));
  }
  client::ClientOptions options;
  options.nameservers = fresh.nameservers;
  options.retry.overall = std::chrono::milliseconds(timeout_ms_);
  options.retry.per_rpc = std::min(options.retry.per_rpc, options.retry.overall);
  auto client = client::Client::Connect(std::move(options));
  if (!client.ok()) return ops::Fail(client.status());

  const bool terminal = isatty(STDERR_FILENO);
  ApplyOptions apply;
  apply.wait = std::chrono::seconds(wait_s_);
  apply.confirm = [&](const ApplySteps& steps) {
    PrintSteps(plan, steps, common.json ? stderr : stdout);
    if (yes_) return true;
    auto confirmed = ops::Confirm("apply plan " + plan.id + " to " + std::to_string(steps.partitions.size()) +
                                      " partitions?",
                                  stdin, stderr);
    return confirmed.ok() && *confirmed;
  };
  apply.progress = [terminal](const std::string& line, size_t final, size_t total) {
    if (terminal) {
      const size_t width = 30, filled = total ? final * width / total : width;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu %s\033[K", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), final, total, line.c_str());
      if (final == total) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "%zu/%zu %s\n", final, total, line.c_str());
    }
  };
  const auto started = std::chrono::steady_clock::now();
  auto applied = Apply(**client, plan, fresh, apply);
  if (!applied.ok()) return ops::Fail(applied.status());
  const double apply_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  bool ok = AppliedAll(*applied);
  nlohmann::json json = {{"apply", AppliedJson(plan, *applied)}, {"apply_seconds", apply_s}};
  if (!common.json) {
    PrintApplied(*applied, stdout);
    std::printf("apply: %.1f s\n", apply_s);
  }
  if (then_verify) {
    const auto verify_started = std::chrono::steady_clock::now();
    auto verified = Verify(**client, {TablesOf(plan), std::chrono::seconds(wait_s_)});
    if (!verified.ok()) return ops::Fail(verified.status());
    const double verify_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - verify_started).count();
    ok = ok && verified->Undone() == 0;
    json["verify"] = VerifiedJson(*verified);
    json["verify_seconds"] = verify_s;
    if (!common.json) {
      PrintVerified(*verified, stdout);
      std::printf("verify: %.1f s\n", verify_s);
    }
  }
  if (common.json) cli::PrintJsonLine(json);
  return ok ? cli::kExitOk : cli::kExitFailed;
}

int RecoverDataCommand::Run(const cli::CommonFlags& common) {
  if (timeout_ms_ <= 0 || tablet_timeout_ms_ <= 0) {
    return ops::Fail(Status::InvalidArgument("--timeout-ms and --tablet-timeout-ms must be positive"));
  }
  if (concurrency_ <= 0) return ops::Fail(Status::InvalidArgument("--concurrency must be at least 1"));
  if (wait_s_ <= 0) return ops::Fail(Status::InvalidArgument("--wait-s must be positive"));
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

int RecoverDataCommand::PlanAndReport(const Collection& collection, const cli::CommonFlags& common, Plan* made) {
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
  if (made != nullptr) *made = *plan;
  return Summarize(*plan).refused > 0 ? cli::kExitFailed : cli::kExitOk;
}

}  // namespace kv::recover
