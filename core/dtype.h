// Element types. float32 everywhere; float64 on the CPU only, for gradient checks;
// int32 for class labels; bfloat16 (core/bfloat16.h) only as the storage of the logits
// and their gradient in the bf16 loss kernel (kernels/softmax_loss.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bfloat16.h"

namespace adma {

enum class DType { F32, F64, I32, BF16 };

inline size_t dtype_size(DType t) { return t == DType::F64 ? 8 : t == DType::BF16 ? 2 : 4; }
inline const char* dtype_name(DType t) {
  return t == DType::F32 ? "float32" : t == DType::F64 ? "float64" : t == DType::BF16 ? "bfloat16" : "int32";
}

template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::F32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::F64; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::I32; };
template <> struct dtype_of<BFloat16> { static constexpr DType value = DType::BF16; };

}  // namespace adma
