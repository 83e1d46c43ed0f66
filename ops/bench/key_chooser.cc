#include "ops/bench/key_chooser.h"

#include <algorithm>
#include <cmath>

namespace kv::bench {

uint64_t Fnv1a64(uint64_t value) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < 8; ++i) {
    hash ^= (value >> (8 * i)) & 0xff;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string KeyName(uint64_t item) { return "user" + std::to_string(Fnv1a64(item)); }

ZipfianGenerator::ZipfianGenerator(uint64_t items) : items_(std::max<uint64_t>(items, 1)) {
  double zetan = 0;
  for (uint64_t i = 1; i <= items_; ++i) zetan += 1.0 / std::pow(double(i), kTheta);
  const double zeta2 = 1.0 + 1.0 / std::pow(2.0, kTheta);
  zetan_ = zetan;
  alpha_ = 1.0 / (1.0 - kTheta);
  eta_ = (1.0 - std::pow(2.0 / double(items_), 1.0 - kTheta)) / (1.0 - zeta2 / zetan_);
  half_pow_theta_ = std::pow(0.5, kTheta);
}

uint64_t ZipfianGenerator::Next(std::mt19937_64& random) const {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(random);
  const double uz = u * zetan_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + half_pow_theta_) return std::min<uint64_t>(1, items_ - 1);
  const auto item = uint64_t(double(items_) * std::pow(eta_ * u - eta_ + 1.0, alpha_));
  return std::min(item, items_ - 1);
}

KeyChooser::KeyChooser(Distribution distribution, uint64_t items)
    : distribution_(distribution), items_(std::max<uint64_t>(items, 1)), zipfian_(items_) {}

uint64_t KeyChooser::Next(std::mt19937_64& random, uint64_t inserted) const {
  const uint64_t n = std::max<uint64_t>(inserted, 1);
  switch (distribution_) {
    case Distribution::kUniform: return std::uniform_int_distribution<uint64_t>(0, n - 1)(random);
    case Distribution::kZipfian: return Fnv1a64(zipfian_.Next(random)) % n;
    case Distribution::kLatest: {
      // The newest first: item n-1 is the hottest (YCSB's SkewedLatestGenerator).
      const uint64_t back = zipfian_.Next(random) % n;
      return n - 1 - back;
    }
  }
  return 0;
}

}  // namespace kv::bench
