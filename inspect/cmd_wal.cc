// `inspect wal PATH...`: dump, count (--stats) or verify (--verify) WAL records.
// Flags become options for inspect/wal_inspect.h; the printers are
// inspect/wal_print.h's.
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "inspect/wal_inspect.h"
#include "inspect/wal_print.h"

namespace kv::inspect {
namespace {

// Decimal only: CLI11 would take "-1" as a huge number and "010" as octal.
std::optional<uint64_t> ParseDecimal(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}

class WalCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"wal"}; }
  std::string Help() const override {
    return "Dump, count (--stats) or verify (--verify) the records of WAL segments; never writes";
  }

  void AddFlags(CLI::App* app) override {
    app->add_option("paths", paths_, "segment files or WAL folders")->required();
    std::vector<CLI::Option*> dump_only = {
        app->add_option("--from", from_, "first offset to show")->type_name("OFFSET"),
        app->add_option("--to", to_, "last offset to show")->type_name("OFFSET"),
        app->add_option("--term", term_, "show only records of this term")->type_name("TERM"),
        app->add_option("--key-prefix", key_prefix_, "show only records with an op whose key starts with this")
            ->type_name("PREFIX"),
        app->add_option("--type", type_, "show only records of this type: put, delete, batch or noop")
            ->type_name("TYPE"),
        app->add_option("--limit", limit_, "show at most this many records")->type_name("N"),
        app->add_flag("--hex", style_.hex, "keys and values (and --key-prefix) in hex"),
        app->add_flag("--print-value", style_.print_value, "show values, not only their sizes"),
    };
    CLI::Option* stats = app->add_flag("--stats", stats_, "per segment, per term and per type counts");
    CLI::Option* verify = app->add_flag(
        "--verify", verify_, "report every damage; exit 1 when there is any (a torn tail included)");
    stats->excludes(verify);
    for (CLI::Option* o : dump_only) {
      stats->excludes(o);
      verify->excludes(o);
    }
  }

  int Run(const cli::CommonFlags& common) override {
    auto filter = Filter();
    if (!filter.ok()) return cli::UsageError(filter.status().message());
    auto input = ResolveWalInput(paths_);
    if (!input.ok()) return cli::ReportError(input.status());
    PrintWalNotes(input->notes, common.json);
    if (stats_) return PrintWalStats(*input, common.json);
    if (verify_) return PrintWalVerify(*input, common.json);
    return PrintWalDump(*input, *filter, style_, common.json);
  }

 private:
  Result<WalFilter> Filter() const {
    WalFilter f;
    KV_ASSIGN_OR_RETURN(f.from_offset, Decimal("--from", from_));
    KV_ASSIGN_OR_RETURN(f.to_offset, Decimal("--to", to_));
    if (!term_.empty()) {
      KV_ASSIGN_OR_RETURN(f.term, Decimal("--term", term_));
    }
    if (!type_.empty()) {
      wal::RecordType t;
      if (!wal::ParseRecordType(type_, &t)) {
        return Status::InvalidArgument("unknown --type '" + type_ + "' (expected put, delete, batch or noop)");
      }
      f.type = t;
    }
    if (!limit_.empty()) {
      KV_ASSIGN_OR_RETURN(f.limit, Decimal("--limit", limit_));
      if (f.limit == 0) return Status::InvalidArgument("--limit must be at least 1");
    }
    f.key_prefix = key_prefix_;
    if (style_.hex) {
      auto prefix = ParseHex(key_prefix_);
      if (!prefix.ok()) return prefix.status().WithContext("--key-prefix (hex, as --hex is given)");
      f.key_prefix = std::move(prefix).value();
    }
    KV_RETURN_IF_ERROR(ValidateWalFilter(f));
    return f;
  }

  static Result<uint64_t> Decimal(const char* flag, const std::string& text) {
    if (text.empty()) return uint64_t{0};
    auto v = ParseDecimal(text);
    if (!v) return Status::InvalidArgument(std::string(flag) + " '" + text + "' is not a non-negative whole number");
    return *v;
  }

  std::vector<std::string> paths_;
  std::string from_, to_, term_, type_, limit_, key_prefix_;
  WalRecordStyle style_;
  bool stats_ = false, verify_ = false;
};

}  // namespace
}  // namespace kv::inspect

using kv::inspect::WalCommand;
KV_REGISTER_COMMAND(WalCommand);
