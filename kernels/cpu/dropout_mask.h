// The CPU dropout mask, shared by the reference (kernels/cpu/dropout.cpp) and the fast
// backend (kernels/cpu_fast/dropout.cpp), which therefore draw the same masks. Block b
// of a call (Philox counter = first + b) gives 32 random bits to each of the elements
// 4b .. 4b+3; element i is kept when u = (bits + 1) / 2^32 is above the rate:
//   mask_i = keep_i / (1 - rate)  (stored as the factor itself),  y_i = x_i mask_i
// Blocks are independent, so any split of them over threads draws the same mask.
#pragma once
#include <cstdint>

#include "core/rng.h"

namespace adma::kernels::cpu {

// Elements 4b .. min(4b + 3, n - 1) of block b: their mask factors and outputs.
template <typename T>
inline void dropout_block(uint64_t seed, uint64_t first, int64_t b, int64_t n, float rate, T scale, const T* x, T* y,
                          T* mask) {
  const Philox4 bits = philox(seed, first + static_cast<uint64_t>(b));
  for (int64_t j = 0; j < 4 && 4 * b + j < n; ++j) {
    const int64_t i = 4 * b + j;
    // keep (probability 1 - rate) as a 0/1 factor: no branch to mispredict
    mask[i] = scale * static_cast<T>(uint_to_unit(bits.v[j]) > rate);
    y[i] = x[i] * mask[i];
  }
}

}  // namespace adma::kernels::cpu
