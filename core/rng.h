// Philox4x32-10 (Salmon et al., SC'11): a counter-based RNG. The value at
// (seed, counter) is a pure function, so the CPU and a CUDA kernel can draw the
// same numbers, and a stream can be re-seeded exactly (dropout gradient checks).
#pragma once
#include <cmath>
#include <cstdint>

#include "core/host_device.h"

namespace adma {

struct Philox4 {
  uint32_t v[4];
};

// One Philox4x32-10 block: 4 x 32 random bits for counter `ctr` under key `seed`.
ADMA_HD inline Philox4 philox(uint64_t seed, uint64_t ctr) {
  uint32_t c0 = static_cast<uint32_t>(ctr), c1 = static_cast<uint32_t>(ctr >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0;
    uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2;
    uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// Maps 32 random bits to a float in (0, 1]: never 0, so log() is safe.
ADMA_HD inline float uint_to_unit(uint32_t x) { return (static_cast<float>(x) + 1.0f) * 2.3283064e-10f; }

// A sequential stream on the host: init, shuffling, CPU dropout.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : seed_(seed) {}
  uint64_t seed() const { return seed_; }
  uint32_t next_u32() {
    if (lane_ == 4) {
      block_ = philox(seed_, ctr_++);
      lane_ = 0;
    }
    return block_.v[lane_++];
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() {
    uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;
    return (hi * 67108864.0 + lo) / 9007199254740992.0;
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() {  // Box-Muller
    double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)); }

 private:
  uint64_t seed_;
  uint64_t ctr_ = 0;
  Philox4 block_{};
  int lane_ = 4;
};

}  // namespace adma
