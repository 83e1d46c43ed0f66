// The output of `inspect wal` (docs/inspect.md, "inspect wal"): what
// inspect/wal_inspect.h reads, printed for people or, with json, as one JSON
// object per line on stdout. Notes, damage and how the read ended go to
// stderr either way. Each printer returns the command's exit code.
#pragma once

#include <vector>

#include "inspect/wal_inspect.h"

namespace kv::inspect {

struct WalRecordStyle {
  bool hex = false;          // keys and values in hex (else printable, \xNN for the rest)
  bool print_value = false;  // values, not only their sizes
};

// The notes ResolveWalInput made (names that are not segments, an interrupted salvage).
void PrintWalNotes(const std::vector<WalNote>& notes, bool json);
// The records that pass filter, then how the read ended: exit 1 when it met damage.
int PrintWalDump(const WalInput& input, const WalFilter& filter, WalRecordStyle style, bool json);
// Per segment, per term and per type counts: exit 1 when the read met damage.
int PrintWalStats(const WalInput& input, bool json);
// Every damage, then the verdict: exit 0 only for a clean log (or no segments).
int PrintWalVerify(const WalInput& input, bool json);

}  // namespace kv::inspect
