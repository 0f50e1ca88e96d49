// Element types. float32 everywhere; float64 on the CPU only, for gradient checks;
// int32 for class labels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace adma {

enum class DType { F32, F64, I32 };

inline size_t dtype_size(DType t) { return t == DType::F64 ? 8 : 4; }
inline const char* dtype_name(DType t) {
  return t == DType::F32 ? "float32" : t == DType::F64 ? "float64" : "int32";
}

template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::F32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::F64; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::I32; };

}  // namespace adma
