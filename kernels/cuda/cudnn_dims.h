// The four int dimensions of a cuDNN NCHW tensor descriptor for a Shape, checked
// on the host. No CUDA headers here: tests call it on machines without a GPU.
#pragma once
#include <array>
#include <climits>
#include <cstdint>

#include "core/error.h"
#include "core/shape.h"

namespace adma::kernels::cuda {

// A shape of rank <= 4 padded with trailing 1s ([N, C] -> N, C, 1, 1). Refused
// instead of truncated: a rank above 4 (a 4-d descriptor would silently drop the
// rest), a dimension or element count above INT_MAX (cuDNN takes int; its tensors
// are limited to 2^31 elements), and a zero or negative dimension.
inline std::array<int, 4> cudnn_nchw(const int64_t* dims, int rank, const char* what) {
  ADMA_CHECK(rank >= 1 && rank <= 4, what, ": cuDNN descriptors here are NCHW of rank 1 to 4, got rank ", rank);
  std::array<int, 4> out{1, 1, 1, 1};
  int64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    ADMA_CHECK(dims[i] > 0 && dims[i] <= INT_MAX, what, ": dimension ", i, " is ", dims[i],
               "; cuDNN needs 1 to ", INT_MAX);
    total *= dims[i];
    ADMA_CHECK(total <= INT_MAX, what, ": more than ", INT_MAX, " elements, the most a cuDNN tensor may hold");
    out[static_cast<size_t>(i)] = static_cast<int>(dims[i]);
  }
  return out;
}
inline std::array<int, 4> cudnn_nchw(const Shape& s, const char* what = "cuDNN tensor") {
  return cudnn_nchw(s.begin(), s.rank(), what);
}

}  // namespace adma::kernels::cuda
