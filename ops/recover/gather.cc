#include "ops/recover/gather.h"

#include <mutex>

#include "common/file.h"
#include "ops/recover/offline_report.h"
#include "ops/recover/online_collect.h"

namespace kv::recover {
namespace {

Result<std::string> ReadInput(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return Status::InvalidArgument(path + ": cannot be read: " + text.status().message());
  return text;
}

}  // namespace

Result<Collection> Gather(const GatherInputs& in) {
  if (in.nameservers.empty() && in.offline_reports.empty() && in.collected_files.empty()) {
    return Status::InvalidArgument("nothing to collect: give --ns, --offline REPORT or --collected FILE");
  }
  Collection all;
  if (!in.nameservers.empty()) {
    std::mutex mu;
    size_t answered = 0;
    OnlineCollectOptions options;
    options.nameservers = in.nameservers;
    options.nameserver_timeout = in.nameserver_timeout;
    options.tablet_deadline = in.tablet_deadline;
    options.max_concurrency = in.max_concurrency;
    options.collected = in.now;
    if (in.progress) {
      options.progress = [&](const std::string& endpoint, const Status& outcome) {
        std::lock_guard lock(mu);
        ++answered;
        in.progress("[" + std::to_string(answered) + "] tablet " + endpoint + ": " +
                    (outcome.ok() ? std::string("collected") : "not collected: " + outcome.message()));
      };
    }
    KV_ASSIGN_OR_RETURN(Collection online, CollectOnline(options));
    KV_RETURN_IF_ERROR(Merge(&all, std::move(online)));
  }
  for (const std::string& path : in.collected_files) {
    KV_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
    KV_ASSIGN_OR_RETURN(Collection c, ParseCollectionJsonLines(text, path));
    KV_RETURN_IF_ERROR(Merge(&all, std::move(c)));
  }
  for (const std::string& path : in.offline_reports) {
    KV_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
    KV_ASSIGN_OR_RETURN(Collection c, ParseInspectTabletReport(text, path));
    if (in.progress) in.progress("report " + path + ": tablet " + c.tablets.front().endpoint + ", " +
                                 std::to_string(c.replicas.size()) + " replicas");
    KV_RETURN_IF_ERROR(Merge(&all, std::move(c)));
  }
  return all;
}

}  // namespace kv::recover
