// The window scan of max pooling, for one plane (one image's channel): the reference
// (kernels/cpu/maxpool2d.cpp) runs it over every plane in turn, the fast backend
// (kernels/cpu_fast/maxpool2d.cpp) over planes in parallel. For window (i, j) the
// arg-max is the first maximum in row-major order (strict >: the first of equal values
// wins, and a NaN wins only where it comes first), so forward and backward agree on it.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/maxpool2d.h"

namespace adma::kernels::cpu {

// f(output index, arg-max index in x) for every window of plane `pl` of x (indices
// count from the start of the tensor).
template <typename T, typename F>
void windows_of_plane(const MaxPool2dSetup& p, const T* x, int64_t pl, F&& f) {
  const int64_t h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
  const T* xp = x + pl * h * w;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      // The window clipped to the image: padded positions count as -inf and never win,
      // so leaving them out is the same (the first real element starts the search).
      const int64_t top = i * p.sh - p.ph, left = j * p.sw - p.pw;
      const int64_t a0 = std::max<int64_t>(top, 0), a1 = std::min(top + p.kh, h);
      const int64_t b0 = std::max<int64_t>(left, 0), b1 = std::min(left + p.kw, w);
      int64_t best = a0 * w + b0;
      for (int64_t a = a0; a < a1; ++a)
        for (int64_t b = b0; b < b1; ++b) {
          const int64_t at = a * w + b;
          if (xp[at] > xp[best]) best = at;
        }
      f(pl * oh * ow + i * ow + j, pl * h * w + best);
    }
}

}  // namespace adma::kernels::cpu
