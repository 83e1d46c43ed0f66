// Which record an operation touches, as YCSB's core workload chooses it
// (requestdistribution): uniform; zipfian (Gray et al.'s generator with
// YCSB's constant 0.99, scrambled: the item's FNV-1a hash spreads the hot
// items over the key space, hence over partitions); latest (the newest
// inserted items are the hottest). Keys are YCSB's hashed ones: "user" and
// the FNV-1a hash of the item number, so inserts land all over the table.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "ops/bench/workload.h"

namespace kv::bench {

// YCSB's key of item i: "user" + FNV-1a 64 of i.
std::string KeyName(uint64_t item);
uint64_t Fnv1a64(uint64_t value);

class ZipfianGenerator {
 public:
  static constexpr double kTheta = 0.99;  // YCSB's ZIPFIAN_CONSTANT
  explicit ZipfianGenerator(uint64_t items);
  // An item in [0, items): 0 the most frequent, then 1, ...
  uint64_t Next(std::mt19937_64& random) const;
  uint64_t items() const { return items_; }

 private:
  uint64_t items_;
  double zetan_, alpha_, eta_, half_pow_theta_;
};

class KeyChooser {
 public:
  // items: the records the load phase inserted (recordcount).
  KeyChooser(Distribution distribution, uint64_t items);
  // The item an operation reads or updates; `inserted` is how many items
  // exist now (items plus the run's inserts), which `latest` follows.
  uint64_t Next(std::mt19937_64& random, uint64_t inserted) const;

 private:
  Distribution distribution_;
  uint64_t items_;
  ZipfianGenerator zipfian_;
};

}  // namespace kv::bench
