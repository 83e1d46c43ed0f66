// `ops recoverdata apply`: makes a plan true through the nameserver
// (docs/recoverdata.md). Before anything is submitted: the plan must be this
// cluster's, no other recovery may be under way, and, unless this plan's
// recovery was started already (a resumed apply), a fresh collection must
// plan the partitions it acts on exactly as the plan did (else it is stale,
// and the changes are named). Then one kRecoverDataOP per partition
// (apply_steps.h), followed until every op is final or the wait ends; the
// ops go on in the nameserver when this process stops, and the same command
// again follows them instead of submitting new ones. A table the nameserver
// does not know (its metadata was lost) is first put back as its replicas
// describe it (RestoreTable), then recovered like the others.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ops/recover/apply_steps.h"
#include "ops/recover/collection.h"
#include "ops/recover/plan.h"

namespace kv::client {
class Client;
}

namespace kv::recover {

struct ApplyOptions {
  // Asked once the steps are known and before anything is submitted (not on
  // a resumed apply); false: nothing is done (Cancelled).
  std::function<bool(const ApplySteps&)> confirm;
  // Each partition's op as it ends: "orders pid 3: done (op 12)", with how
  // many of how many are final.
  std::function<void(const std::string& line, size_t final, size_t total)> progress;
  std::chrono::milliseconds wait{600000};
};

struct ApplyOutcome {
  ApplySteps steps;
  bool resumed = false;
  // Tables the nameserver did not know (its metadata was lost), put back from
  // their replicas' settings before anything else: one line each.
  std::vector<std::string> restored;
  std::vector<uint64_t> op_ids;
  std::vector<std::string> refused;  // partitions the nameserver did not take, one line each
  std::vector<std::string> failed;   // partitions whose op failed or was canceled, with its error
  size_t done = 0;                   // ops kDone
  bool waited_out = false;           // the wait ended before every op was final
};

// The partitions the plan acts on whose replicas a fresh plan sees otherwise
// (ChangesBetween restricted to them); empty: not stale.
std::vector<std::string> StaleChanges(const Plan& plan, const Plan& fresh);

// InvalidArgument: a plan of another cluster. FailedPrecondition: another
// recovery under way, or a stale plan (the message names the changes).
// Cancelled: the operator said no.
Result<ApplyOutcome> Apply(client::Client& client, const Plan& plan, const Collection& fresh,
                           const ApplyOptions& options);

}  // namespace kv::recover
