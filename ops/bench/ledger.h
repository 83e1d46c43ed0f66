// The ledger of acknowledged writes (`ops bench --ledger FILE`, then `ops
// bench verify --ledger FILE`): every write the store acknowledged, appended
// as the acknowledgement arrives, so a later check proves none was lost.
//
// Format (text, version 1): a first line "# kv-ledger 1 table=<table>", then
// one line per acknowledged write, in acknowledgement order:
//   <key> TAB <CRC32C of the value, 8 hex> TAB <pid> TAB <term> TAB <offset>
// Keys hold no tab or newline (the bench's keys are "user<digits>").
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kv::bench {

constexpr int kLedgerVersion = 1;

class LedgerWriter {
 public:
  // Refuses a file that exists (a ledger is never appended to by two runs).
  static Result<std::unique_ptr<LedgerWriter>> Create(const std::string& path, const std::string& table);
  // Appends to the ledger a run that was interrupted left (a resumed
  // playbook): its table must be table; a torn last line (the writer died
  // mid-line) is cut first. InvalidArgument for a file that is not such a ledger.
  static Result<std::unique_ptr<LedgerWriter>> Reopen(const std::string& path, const std::string& table);
  ~LedgerWriter();
  // Thread-safe; buffered, flushed by Close (and when the buffer fills).
  void Acknowledged(const std::string& key, const std::string& value, uint32_t pid, uint64_t term, uint64_t offset);
  Status Close();

 private:
  LedgerWriter(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  std::mutex mu_;
  std::FILE* file_;
  std::string path_;
};

struct LedgerCheck {
  std::string table;
  uint64_t writes = 0;       // lines in the ledger
  uint64_t keys = 0;         // distinct keys, each read once
  uint64_t checked = 0;      // keys whose value is their last acknowledged write's
  uint64_t overwritten = 0;  // writes a later acknowledged write of the same key replaced
  uint64_t lost = 0;         // keys missing, or holding another value than their last acknowledged write
  std::string first_lost;    // one of them, for the operator
};

// Reads the ledgers, in order (later files hold later writes: a load's, then
// a run's over the same keys), in buckets (by key hash, through files in work_dir, a
// folder of its own, removed at the end), so memory stays bounded by one bucket whatever the ledger's
// size; for each key, only its last acknowledged write must be readable: the
// one at the greatest (term, offset), as the store's log orders them (threads
// that raced on a key may have recorded their acknowledgements the other way
// round); at equal positions the later line.
// read(table, key), table from the ledger's header: the value now, nullopt
// when absent. InvalidArgument (bad input)
// for a file that is not a ledger, names the line.
Result<LedgerCheck> CheckLedger(const std::vector<std::string>& paths, const std::string& work_dir,
                                const std::function<Result<std::optional<std::string>>(const std::string& table,
                                                                                       const std::string& key)>& read);

}  // namespace kv::bench
