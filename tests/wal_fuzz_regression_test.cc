// A deterministic cousin of the libFuzzer target (fuzz/wal_reader_fuzz.cc): valid
// logs get thousands of seeded random mutations (bit flips, truncations, byte
// runs, splices, lost and extended files), and after each one the reader must
// keep every promise of fuzz/wal_read_checker.h: no crash, no record with a bad
// checksum, offsets strictly increasing, every byte of every file accounted for.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "fuzz/wal_fuzz_input.h"
#include "fuzz/wal_read_checker.h"
#include "tests/test_util.h"
#include "wal/reader.h"
#include "wal/writer.h"

using namespace kv;

namespace {

constexpr uint64_t kSeed = 20261128;
constexpr int kMutations = 2000;

using File = wal::fuzz::SegmentBytes;
using Log = std::vector<File>;

// Records of every type and size, several terms, in segments of a few records.
Log WriteBaseLog(uint64_t segment_bytes, int records) {
  test::TempDir tmp;
  auto w = wal::Writer::Open(tmp.path(), {.tid = 5, .pid = 1, .segment_bytes = segment_bytes});
  REQUIRE(w.ok());
  for (int i = 1; i <= records; ++i) {
    const uint64_t term = 1 + i / 7;
    const std::string key = "k" + std::to_string(i);
    std::vector<wal::Record> rs;
    switch (i % 5) {
      case 0: rs.push_back(wal::Record::Noop(term, i % 2 ? "" : "term starts")); break;
      case 1: rs.push_back(wal::Record::Put(term, key, std::string(static_cast<size_t>(i * 7 % 90), 'v'))); break;
      case 2: rs.push_back(wal::Record::Delete(term, key)); break;
      default: {
        wal::BatchBuilder b;
        for (int n = 0; n < i % 4 + 1; ++n) b.Put(key + "." + std::to_string(n), "batched");
        b.Delete(key);
        rs.push_back(b.Finish(term));
      }
    }
    REQUIRE((*w)->AppendAssigning(&rs).ok());
  }
  w->reset();
  Log log;
  const auto paths = wal::ListSegmentFiles(tmp.path());
  REQUIRE(paths.ok());
  for (const std::string& path : *paths) {
    log.push_back({std::filesystem::path(path).filename(), test::ReadFile(path)});
  }
  return log;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  // Applies one random mutation to log and says what it did.
  std::string Mutate(Log* log) {
    if (log->empty()) return "nothing left to mutate";
    File& f = (*log)[Below(log->size())];
    const File& other = (*log)[Below(log->size())];
    const size_t size = f.bytes.size();
    switch (Below(8)) {
      case 0: {
        if (size == 0) return "flip in an empty file";
        const size_t pos = Below(size);
        const int bit = static_cast<int>(Below(8));
        f.bytes[pos] = static_cast<char>(f.bytes[pos] ^ (1 << bit));
        return f.name + ": flip bit " + std::to_string(bit) + " of byte " + std::to_string(pos);
      }
      case 1: {
        const size_t keep = Below(size + 1);
        f.bytes.resize(keep);
        return f.name + ": truncate to " + std::to_string(keep);
      }
      case 2: {
        const size_t pos = Below(size + 1), len = std::min<size_t>(1 + Below(64), size - pos);
        const int fill = static_cast<int>(Below(3));
        for (size_t i = pos; i < pos + len; ++i) f.bytes[i] = fill == 0 ? '\0' : fill == 1 ? '\xff' : Byte();
        return f.name + ": overwrite " + std::to_string(len) + " bytes at " + std::to_string(pos) + " with " +
               (fill == 0 ? "zeros" : fill == 1 ? "0xff" : "random bytes");
      }
      case 3:
      case 4: {
        if (other.bytes.empty()) return "splice from an empty file";
        const size_t from = Below(other.bytes.size());
        const std::string piece = other.bytes.substr(from, 1 + Below(200));
        const size_t at = Below(size + 1);
        const bool insert = Below(2) == 0;
        if (insert) {
          f.bytes.insert(at, piece);
        } else {
          f.bytes.replace(at, std::min(piece.size(), size - at), piece);
        }
        return f.name + ": " + (insert ? "insert " : "overwrite with ") + std::to_string(piece.size()) +
               " bytes of " + other.name + " from " + std::to_string(from) + " at " + std::to_string(at);
      }
      case 5: {
        std::string junk;
        for (size_t n = 1 + Below(100); n > 0; --n) junk.push_back(Byte());
        f.bytes.append(junk);
        return f.name + ": append " + std::to_string(junk.size()) + " random bytes";
      }
      case 6: {
        const std::string name = f.name;
        log->erase(log->begin() + (&f - log->data()));
        return name + ": removed";
      }
      default: {
        const size_t pos = Below(size + 1), len = 1 + Below(40);
        f.bytes.insert(pos, len, '\0');
        return f.name + ": insert " + std::to_string(len) + " zeros at " + std::to_string(pos);
      }
    }
  }

 private:
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  char Byte() { return static_cast<char>(Below(256)); }
  std::mt19937_64 rng_;
};

void WriteLog(const std::string& dir, const Log& log) { REQUIRE(wal::fuzz::ReplaceFolderContents(dir, log)); }

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return bytes;
}

// Inputs on which fuzz/wal_reader_fuzz once found a broken promise, in its input format.
struct Found {
  const char* what;
  const char* hex;
};
const Found kFound[] = {
    {"an empty segment whose header starts inside the offsets of the segment before it "
     "(FindTail refused what the reader read without complaint)",
     "0b26010519dcefbd0800000001000000000000000100000000000000010000003f6c0e59046b6579317878782c000000e220fb34"
     "0b00000002000000000000000100000000000000010000009c2c046b046b6579327878787878782f0000008ee935a50b00000003"
     "00000000000000010000000000000003000000975c57800201026b330176020164002f000000a2ff384f11000000040000000000"
     "00000100000000000000010000009d9511c4046b6579347878787878787878787878783500000015fe84901400000005000000"
     "00000000020000000000000001000000d79ee38f046b65793578787878787878787878787878787838000000f91108e40b00000006"
     "0000000000000002000000000000000300000050d56ab20201026b360176020164002f0000009332da561a00000007000000000000"
     "00020000000000000001000000d9ca9175046b657938787878787878780000000e6f574d0b000000090000000000000002000000"
     "0000000003000000c037d6360201026b390176020164002f0000009b6b1f71240000000a0000000000000003000000000000000100"
     "0000881f0716056b65793130787878787878787878787878787878787878787878787878787878787878b8ffffffbea84bfd2700"
     "00000b00000000000000030000000000000001000000a669966c056b65793131787878787878787878787878787878787878787878"
     "7878787878787878787878784b000000"},
};

}  // namespace

TEST_CASE("the reader keeps its promises on thousands of mutated logs", "[wal][fuzz]") {
  const std::vector<Log> bases = {WriteBaseLog(400, 40), WriteBaseLog(1 << 20, 25)};
  REQUIRE(bases[0].size() >= 4);
  REQUIRE(bases[1].size() == 1);
  for (const Log& base : bases) {
    test::TempDir tmp;
    WriteLog(tmp.path(), base);
    REQUIRE(wal::fuzz::CheckReaderPromises(tmp.path()).empty());  // the unmutated log
  }

  Mutator mutator(kSeed);
  std::mt19937_64 pick(kSeed + 1);
  test::TempDir tmp;
  for (int i = 0; i < kMutations; ++i) {
    Log log = bases[pick() % bases.size()];
    std::string done;
    for (int n = 1 + static_cast<int>(pick() % 3); n > 0; --n) done += mutator.Mutate(&log) + "; ";
    WriteLog(tmp.path(), log);
    const std::string broken = wal::fuzz::CheckReaderPromises(tmp.path());
    if (!broken.empty()) FAIL("mutation " << i << " (seed " << kSeed << "): " << done << "\n  " << broken);
  }
}

TEST_CASE("inputs the fuzzer once broke the reader on keep its promises", "[wal][fuzz][regression]") {
  test::TempDir tmp;
  for (const Found& found : kFound) {
    INFO(found.what);
    const std::string input = FromHex(found.hex);
    WriteLog(tmp.path(), wal::fuzz::SegmentsFromFuzzInput(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
    CHECK(wal::fuzz::CheckReaderPromises(tmp.path()) == "");
  }
}
