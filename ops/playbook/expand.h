// `${name}` in a playbook's values: its parameters, what earlier steps
// captured, and the built-ins the runner knows (docs/playbooks.md):
//   ${dir}             the run's folder           ${playbook_dir}  the playbook file's folder
//   ${ns}              the playground's nameserver(s), once it is up
//   ${SERVER.endpoint} ${SERVER.data_dir}  of a playground server (tablet-2, nameserver)
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::playbook {

using Variables = std::map<std::string, std::string>;

// The names of every ${...} in text, in order.
std::vector<std::string> ReferencedNames(const std::string& text);

// Every ${name} replaced by its value. Names without one: left as they are
// when keep_unknown (a dry run shows them), else InvalidArgument naming it.
Result<std::string> Expand(const std::string& text, const Variables& vars, bool keep_unknown = false);

// A built-in that only the running playground can resolve: "ns", "SERVER.endpoint", "SERVER.data_dir".
bool IsPlaygroundBuiltin(const std::string& name);

// Splits a command line as a shell would for plain words, 'single' and
// "double" quotes: `put t k "a value"` -> {put, t, k, a value}. InvalidArgument
// for an unclosed quote.
Result<std::vector<std::string>> SplitWords(const std::string& line);

// The whole text as a number ("12", "-1.5"); nullopt when it is not one.
std::optional<double> ParseNumber(const std::string& text);

// "500ms", "10s", "2m", or a plain number of seconds ("1.5"). InvalidArgument otherwise.
Result<double> ParseSeconds(const std::string& text);

// An `exit:` value: one code or several, comma-separated ("0", "0,1"). InvalidArgument naming a bad one.
Result<std::set<int>> ParseExitCodes(const std::string& text);

}  // namespace kv::playbook
