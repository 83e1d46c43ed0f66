// `inspect sst PATH...`: properties, entries or block checksums of RocksDB SST
// files, read through RocksDB's own reader (inspect/sst_inspect.h says what it
// can and cannot show). Exit 0 when every file was read cleanly, 1 when any file
// is damaged or cannot be read as an SST, 2 for bad usage or a missing path.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <tuple>

#include "cli/command.h"
#include "cli/table.h"
#include "inspect/sst_inspect.h"

namespace kv::inspect {
namespace {

// An aligned table that streams: the first page of rows sets the column widths,
// later rows print as they come (a wider cell shifts only its own row), so a
// listing of any length holds at most one page in memory.
class StreamingTable {
 public:
  explicit StreamingTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  void Add(std::vector<std::string> row) {
    if (!width_.empty()) return PrintRow(row);
    page_.push_back(std::move(row));
    if (page_.size() == kPageRows) Flush();
  }

  // Prints the rows still held; call once at the end.
  void Flush() {
    if (width_.empty()) {
      if (page_.empty()) return;
      for (const std::string& h : headers_) width_.push_back(h.size());
      for (const auto& row : page_) {
        for (size_t c = 0; c < row.size(); ++c) width_[c] = std::max(width_[c], row[c].size());
      }
      PrintRow(headers_);
      std::vector<std::string> rule;
      for (size_t w : width_) rule.emplace_back(w, '-');
      PrintRow(rule);
    }
    for (const auto& row : page_) PrintRow(row);
    page_.clear();
  }

 private:
  static constexpr size_t kPageRows = 256;

  void PrintRow(const std::vector<std::string>& row) const {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line.append(width_[c] + 2 - std::min(width_[c], row[c].size()), ' ');
    }
    std::printf("%s\n", line.c_str());
  }

  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> page_;
  std::vector<size_t> width_;  // empty until the first page is printed
};

std::string FormatUnixTime(uint64_t seconds) {
  if (seconds == 0) return "unknown";
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> DecodeHex(const std::string& flag, const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) break;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  if (out.size() * 2 != hex.size()) {
    return Status::InvalidArgument(flag + " '" + hex + "' is not hex (pairs of 0-9a-f, as --hex/--key-hex ask)");
  }
  return out;
}

class SstCommand : public cli::Command {
 public:
  std::vector<std::string> Path() const override { return {"sst"}; }
  std::string Help() const override {
    return "Properties (default), entries (--scan) or block checksums (--verify) of RocksDB SST files; "
           "a folder means its *.sst files";
  }

  void AddFlags(CLI::App* app) override {
    app->add_option("PATH", paths_, "an .sst file, or a folder (e.g. a RocksDB db/) for all its *.sst")
        ->required();
    auto* scan = app->add_flag("--scan", scan_,
                               "list live entries: key, type (put or merge), value size; deleted keys are "
                               "not listed, keys under range deletions are");
    app->add_flag("--verify", verify_, "check every block's checksum; exit 1 if any file is damaged")
        ->excludes(scan);
    app->add_flag("--print-value", print_value_, "with --scan, print values too")->needs(scan);
    limit_opt_ = app->add_option("--limit", limit_, "with --scan, list at most N entries of each file")
                     ->needs(scan);
    from_opt_ = app->add_option("--from", from_, "with --scan, start at this key (inclusive)")->needs(scan);
    to_opt_ = app->add_option("--to", to_, "with --scan, stop before this key (exclusive)")->needs(scan);
    app->add_flag("--hex", hex_, "keys and values in hex, in the output and in --from/--to");
    app->add_flag("--key-hex", key_hex_, "keys in hex, in the output and in --from/--to");
  }

  int Run(const cli::CommonFlags& common) override {
    json_ = common.json;
    if (limit_opt_->count() > 0 && limit_ < 1) return cli::UsageError("--limit must be at least 1");
    SstScanOptions scan;
    scan.limit = static_cast<uint64_t>(limit_);
    for (auto [opt, text, bound] : {std::tuple{from_opt_, &from_, &scan.from}, std::tuple{to_opt_, &to_, &scan.to}}) {
      if (opt->count() == 0) continue;
      auto key = ParseKey(opt->get_name(), *text);
      if (!key.ok()) return cli::ReportError(key.status());
      *bound = std::move(*key);
    }
    auto files = ListSstFiles(paths_);
    if (!files.ok()) return cli::ReportError(files.status());

    bool all_clean = true;
    for (size_t i = 0; i < files->size(); ++i) {
      const std::string& file = (*files)[i];
      if (files->size() > 1 && isatty(STDERR_FILENO)) {
        std::fprintf(stderr, "[%zu/%zu] %s\n", i + 1, files->size(), file.c_str());
      }
      const bool clean = verify_ ? Verify(file) : scan_ ? Scan(file, scan) : ShowProperties(file);
      all_clean = all_clean && clean;
    }
    if (verify_ && !json_) verify_table_.Print();
    return all_clean ? cli::kExitOk : cli::kExitFailed;
  }

 private:
  Result<std::string> ParseKey(const std::string& flag, const std::string& text) const {
    if (hex_ || key_hex_) return DecodeHex(flag, text);
    return text;
  }
  std::string ShowKey(std::string_view key) const { return hex_ || key_hex_ ? cli::Hex(key) : cli::Printable(key); }
  std::string ShowValue(std::string_view value) const { return hex_ ? cli::Hex(value) : cli::Printable(value); }

  // A file that could not be read at all: one line on stderr, and a JSON line so
  // that programs see every file they asked about.
  bool FileFailed(const std::string& file, const Status& s) const {
    if (json_) cli::PrintJsonLine({{"kind", "error"}, {"file", file}, {"error", s.message()}});
    cli::ReportError(s);
    return false;
  }

  bool ShowProperties(const std::string& file) const {
    auto p = ReadSstProperties(file);
    if (!p.ok()) return FileFailed(file, p.status());
    const Status& keys = p->key_range_status;
    // An unknown comparator only hides the keys; anything else means damage.
    const bool damaged = !keys.ok() && !keys.IsFailedPrecondition();
    auto show_key = [&](const std::optional<std::string>& key) -> std::string {
      if (key) return ShowKey(*key);
      if (keys.ok()) return "(no live key)";
      return damaged ? "(unreadable)" : "(comparator unknown to inspect)";
    };
    if (json_) {
      nlohmann::json j = {{"kind", "properties"},
                          {"file", file},
                          {"file_size", p->file_size},
                          {"entries", p->entries},
                          {"deletions", p->deletions},
                          {"merge_operands", p->merge_operands},
                          {"range_deletions", p->range_deletions},
                          {"data_blocks", p->data_blocks},
                          {"data_size", p->data_size},
                          {"index_size", p->index_size},
                          {"filter_size", p->filter_size},
                          {"raw_key_size", p->raw_key_size},
                          {"raw_value_size", p->raw_value_size},
                          {"format_version", p->format_version},
                          {"filter_policy", p->filter_policy},
                          {"compression", p->compression},
                          {"comparator", p->comparator},
                          {"column_family", p->column_family},
                          {"column_family_id", p->column_family_id ? nlohmann::json(*p->column_family_id) : nullptr},
                          {"file_creation_time", p->file_creation_time},
                          {"db_id", p->db_id},
                          {"original_file_number", p->original_file_number},
                          {"smallest_key", p->smallest_key ? nlohmann::json(ShowKey(*p->smallest_key)) : nullptr},
                          {"largest_key", p->largest_key ? nlohmann::json(ShowKey(*p->largest_key)) : nullptr}};
      if (!keys.ok()) j["error"] = keys.message();
      cli::PrintJsonLine(j);
    } else {
      const std::string cf = p->column_family.empty() ? "unknown" : p->column_family;
      cli::Table t({"file", file});
      t.AddRow({"file size", std::to_string(p->file_size)});
      t.AddRow({"entries", std::to_string(p->entries)});
      t.AddRow({"deletions", std::to_string(p->deletions)});
      t.AddRow({"merge operands", std::to_string(p->merge_operands)});
      t.AddRow({"range deletions", std::to_string(p->range_deletions)});
      t.AddRow({"data blocks", std::to_string(p->data_blocks)});
      t.AddRow({"data size", std::to_string(p->data_size)});
      t.AddRow({"index size", std::to_string(p->index_size)});
      t.AddRow({"filter size", std::to_string(p->filter_size)});
      t.AddRow({"filter policy", p->filter_policy.empty() ? "none" : p->filter_policy});
      t.AddRow({"compression", p->compression});
      t.AddRow({"comparator", p->comparator});
      t.AddRow({"column family", p->column_family_id ? cf + " (id " + std::to_string(*p->column_family_id) + ")" : cf});
      t.AddRow({"created", FormatUnixTime(p->file_creation_time)});
      t.AddRow({"db id", p->db_id.empty() ? "unknown" : p->db_id});
      t.AddRow({"original file number", std::to_string(p->original_file_number)});
      t.AddRow({"smallest key", show_key(p->smallest_key)});
      t.AddRow({"largest key", show_key(p->largest_key)});
      t.Print();
      std::printf("\n");
    }
    if (!keys.ok()) cli::ReportError(keys);
    return !damaged;
  }

  bool Scan(const std::string& file, const SstScanOptions& options) const {
    std::vector<std::string> headers{"key", "type", "value size"};
    if (print_value_) headers.push_back("value");
    StreamingTable table(std::move(headers));
    if (!json_) std::printf("file: %s\n", file.c_str());
    auto summary = ScanSst(file, options, [&](const SstEntry& e) {
      if (json_) {
        nlohmann::json j = {{"kind", "entry"},
                            {"file", file},
                            {"key", ShowKey(e.key)},
                            {"type", SstEntryTypeName(e.type)},
                            {"value_size", e.value.size()}};
        if (print_value_) j["value"] = ShowValue(e.value);
        cli::PrintJsonLine(j);
      } else {
        std::vector<std::string> row{ShowKey(e.key), SstEntryTypeName(e.type), std::to_string(e.value.size())};
        if (print_value_) row.push_back(ShowValue(e.value));
        table.Add(std::move(row));
      }
    });
    table.Flush();
    if (!summary.ok()) return FileFailed(file, summary.status());
    const bool damaged = summary->end == SstScanEnd::kDamaged;
    if (json_) {
      nlohmann::json j = {{"kind", "scan_end"},
                          {"file", file},
                          {"entries", summary->entries},
                          {"end", SstScanEndName(summary->end)}};
      if (damaged) j["error"] = summary->damage.message();
      cli::PrintJsonLine(j);
    } else {
      std::printf("%s: %llu entries listed, stopped: %s\n\n", file.c_str(),
                  static_cast<unsigned long long>(summary->entries), SstScanEndName(summary->end));
    }
    if (damaged) cli::ReportError(summary->damage);
    return !damaged;
  }

  bool Verify(const std::string& file) {
    const Status s = VerifySst(file);
    const char* verdict = s.ok() ? "ok" : s.IsCorruption() ? "corrupt" : "unreadable";
    if (json_) {
      cli::PrintJsonLine({{"kind", "verify"}, {"file", file}, {"status", verdict}, {"message", s.message()}});
    } else {
      verify_table_.AddRow({file, verdict, s.message()});
    }
    return s.ok();
  }

  std::vector<std::string> paths_;
  bool scan_ = false;
  bool verify_ = false;
  bool print_value_ = false;
  bool hex_ = false;
  bool key_hex_ = false;
  int64_t limit_ = 0;  // signed, so that a negative value is refused rather than wrapped
  std::string from_;
  std::string to_;
  CLI::Option* limit_opt_ = nullptr;
  CLI::Option* from_opt_ = nullptr;
  CLI::Option* to_opt_ = nullptr;
  bool json_ = false;
  cli::Table verify_table_{{"file", "status", "message"}};
};

}  // namespace

KV_REGISTER_COMMAND(SstCommand);

}  // namespace kv::inspect
