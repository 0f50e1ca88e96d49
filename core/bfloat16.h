// bfloat16 on the host: the top 16 bits of a float32 (8 exponent bits, 7 mantissa bits).
// A storage type only (DType::BF16): the bf16 loss kernel reads logits and writes their
// gradient in it and computes in float; the host converts here, the device with
// cuda_bf16.h's __float2bfloat16_rn / __bfloat162float, which round the same way.
#pragma once
#include <cstdint>
#include <cstring>

namespace adma {

struct BFloat16 {
  uint16_t bits = 0;
};

inline float bf16_to_float(BFloat16 h) {
  const uint32_t u = static_cast<uint32_t>(h.bits) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Round to nearest, ties to even (IEEE's default, and __float2bfloat16_rn's): add
// 0x7fff plus the lowest kept bit, then drop the 16 low bits; a NaN stays a (quiet) NaN.
inline BFloat16 float_to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return BFloat16{static_cast<uint16_t>((u >> 16) | 0x0040u)};
  u += 0x7fffu + ((u >> 16) & 1u);
  return BFloat16{static_cast<uint16_t>(u >> 16)};
}

}  // namespace adma
