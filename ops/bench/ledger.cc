#include "ops/bench/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "common/crc32c.h"
#include "common/file.h"

namespace kv::bench {
namespace {

constexpr uint64_t kEntriesPerBucket = 1'000'000;  // what one bucket's map holds at most, about

std::string Header(const std::string& table) {
  return "# kv-ledger " + std::to_string(kLedgerVersion) + " table=" + table;
}

struct Entry {
  std::string crc;  // as written: 8 hex digits
  uint64_t term = 0, offset = 0;
  uint64_t seq = 0;  // the line's number over all the ledgers checked together, in order
  // Two writes of one key acknowledged to threads that raced: the ledger may
  // hold them in either order, the store in its log's (term, offset) order.
  // Equal positions (a store without a log) fall back to the ledgers' order.
  bool After(const Entry& e) const { return std::tie(term, offset, seq) > std::tie(e.term, e.offset, e.seq); }
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  for (size_t from = 0;;) {
    const size_t tab = line.find('\t', from);
    fields.push_back(line.substr(from, tab - from));
    if (tab == std::string::npos) return fields;
    from = tab + 1;
  }
}

// "key TAB crc TAB pid TAB term TAB offset" into its fields; nullopt when it is not a ledger line.
std::optional<std::vector<std::string>> LedgerFields(const std::string& line) {
  std::vector<std::string> fields = SplitTabs(line);
  auto is_number = [](const std::string& f) {
    return !f.empty() && f.size() <= 19 && f.find_first_not_of("0123456789") == std::string::npos;
  };
  if (fields.size() != 5 || fields[0].empty() || fields[1].size() != 8 || !is_number(fields[2]) ||
      !is_number(fields[3]) || !is_number(fields[4])) {
    return std::nullopt;
  }
  return fields;
}

}  // namespace

Result<std::unique_ptr<LedgerWriter>> LedgerWriter::Create(const std::string& path, const std::string& table) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create ledger " + path + " (a ledger is never reused)", errno);
  std::FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    return Status::FromErrno("open ledger " + path, errno);
  }
  std::fprintf(file, "%s\n", Header(table).c_str());
  return std::unique_ptr<LedgerWriter>(new LedgerWriter(file, path));
}

Result<std::unique_ptr<LedgerWriter>> LedgerWriter::Reopen(const std::string& path, const std::string& table) {
  KV_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  if (text.rfind(Header(table) + "\n", 0) != 0) {
    return Status::InvalidArgument(path + ":1: not a ledger of version " + std::to_string(kLedgerVersion) + " of table " + table);
  }
  const size_t whole = text.rfind('\n') + 1;  // the header's newline at least
  if (::truncate(path.c_str(), static_cast<off_t>(whole)) != 0) return Status::FromErrno("truncate " + path, errno);
  std::FILE* file = std::fopen(path.c_str(), "ae");
  if (file == nullptr) return Status::FromErrno("open ledger " + path, errno);
  return std::unique_ptr<LedgerWriter>(new LedgerWriter(file, path));
}

LedgerWriter::~LedgerWriter() { (void)Close(); }

void LedgerWriter::Acknowledged(const std::string& key, const std::string& value, uint32_t pid, uint64_t term,
                                uint64_t offset) {
  std::lock_guard<std::mutex> l(mu_);
  if (file_ == nullptr) return;
  std::fprintf(file_, "%s\t%08x\t%u\t%llu\t%llu\n", key.c_str(), crc32c::Value(value), pid,
               static_cast<unsigned long long>(term), static_cast<unsigned long long>(offset));
}

Status LedgerWriter::Close() {
  std::lock_guard<std::mutex> l(mu_);
  if (file_ == nullptr) return Status::OK();
  const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) return Status::IOError("writing ledger " + path_ + " failed");
  return Status::OK();
}

Result<LedgerCheck> CheckLedger(const std::vector<std::string>& paths, const std::string& work_dir,
                                const std::function<Result<std::optional<std::string>>(const std::string& table,
                                                                                       const std::string& key)>& read) {
  if (paths.empty()) return Status::InvalidArgument("no ledger to check");
  LedgerCheck check;
  const std::string prefix = "# kv-ledger " + std::to_string(kLedgerVersion) + " table=";
  uint64_t total_size = 0;
  for (const std::string& path : paths) {
    std::ifstream in(path);
    std::string header;
    if (!in) return Status::NotFound("ledger " + path + ": cannot be read");
    if (!std::getline(in, header) || header.rfind(prefix, 0) != 0) {
      return Status::InvalidArgument(path + ":1: not a ledger of version " + std::to_string(kLedgerVersion));
    }
    const std::string table = header.substr(prefix.size());
    if (!check.table.empty() && table != check.table) {
      return Status::InvalidArgument(path + ":1: a ledger of table " + table + ", not " + check.table);
    }
    check.table = table;
    const Result<uint64_t> size = FileSize(path);
    total_size += size.ok() ? *size : 0;
  }

  // Pass 1: every line into the bucket of its key, so that each bucket fits in
  // memory. A line is known by its sequence number over all the files, in order.
  const size_t buckets = size_t(std::max<uint64_t>(1, total_size / (kEntriesPerBucket * 40)));
  KV_RETURN_IF_ERROR(CreateDirs(work_dir));
  std::vector<std::unique_ptr<std::ofstream>> out;
  for (size_t b = 0; b < buckets; ++b) {
    out.push_back(std::make_unique<std::ofstream>(work_dir + "/bucket-" + std::to_string(b)));
  }
  std::vector<uint64_t> first_seq;  // of each file's first line
  uint64_t seq = 0;
  std::string line;
  for (const std::string& path : paths) {
    std::ifstream in(path);
    std::getline(in, line);  // the header, read above
    first_seq.push_back(seq);
    for (uint64_t line_no = 2; std::getline(in, line); ++line_no, ++seq) {
      const std::optional<std::vector<std::string>> f = LedgerFields(line);
      if (!f) {
        (void)RemoveTree(work_dir);
        return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": not a ledger line");
      }
      ++check.writes;
      const std::vector<std::string>& field = *f;  // key, crc, pid, term, offset
      *out[std::hash<std::string>{}(field[0]) % buckets] << seq << '\t' << field[0] << '\t' << field[1] << '\t'
                                                         << field[3] << '\t' << field[4] << '\n';
    }
  }
  for (auto& o : out) o->close();
  auto where = [&](uint64_t s) {  // FILE:LINE of a sequence number
    size_t file = std::upper_bound(first_seq.begin(), first_seq.end(), s) - first_seq.begin() - 1;
    return paths[file] + ":" + std::to_string(s - first_seq[file] + 2);
  };

  // Pass 2: per bucket, each key's last write, then one read per key.
  for (size_t b = 0; b < buckets; ++b) {
    const std::string bucket = work_dir + "/bucket-" + std::to_string(b);
    std::map<std::string, Entry> last;
    std::ifstream bin(bucket);
    while (std::getline(bin, line)) {
      // As pass 1 wrote it: sequence number, key, crc, term, offset.
      const std::vector<std::string> f = SplitTabs(line);
      const Entry entry{.crc = f[2], .term = std::stoull(f[3]), .offset = std::stoull(f[4]), .seq = std::stoull(f[0])};
      auto [it, fresh] = last.try_emplace(f[1], entry);
      if (fresh) continue;
      ++check.overwritten;
      if (entry.After(it->second)) it->second = entry;
    }
    bin.close();
    (void)RemoveTree(bucket);
    for (const auto& [key, entry] : last) {
      ++check.keys;
      KV_ASSIGN_OR_RETURN(std::optional<std::string> value, read(check.table, key));
      char crc[16];
      if (value) std::snprintf(crc, sizeof crc, "%08x", crc32c::Value(*value));
      if (value && entry.crc == crc) {
        ++check.checked;
      } else {
        ++check.lost;
        if (check.first_lost.empty()) {
          check.first_lost = key + " (" + where(entry.seq) + "): " + (value ? "holds another value" : "missing");
        }
      }
    }
  }
  (void)RemoveTree(work_dir);
  return check;
}

}  // namespace kv::bench
