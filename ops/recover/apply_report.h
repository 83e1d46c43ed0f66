// What `ops recoverdata apply` and `verify` print: for people a few lines
// (stdout) and one line per partition that is not done; with --json one
// JSON object (documented in docs/FORMATS.md "recoverdata apply and verify").
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ops/recover/apply.h"
#include "ops/recover/verify.h"

namespace kv::recover {

// The steps before they are confirmed: partitions to recover, healthy, held.
void PrintSteps(const Plan& plan, const ApplySteps& steps, FILE* out);
void PrintApplied(const ApplyOutcome& outcome, FILE* out);
void PrintVerified(const VerifyReport& report, FILE* out);

nlohmann::json AppliedJson(const Plan& plan, const ApplyOutcome& outcome);
nlohmann::json VerifiedJson(const VerifyReport& report);

// Exit 0 when every partition the plan acts on was recovered; else 1.
bool AppliedAll(const ApplyOutcome& outcome);

}  // namespace kv::recover
