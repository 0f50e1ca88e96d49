// The window scan of max pooling, for one plane (one image's channel): the reference
// (kernels/cpu/maxpool2d.cpp) runs it over every plane in turn, the fast backend
// (kernels/cpu_fast/maxpool2d.cpp) over planes in parallel. For window (i, j) the
// arg-max is the first maximum in row-major order (strict >: the first of equal values
// wins, and a NaN wins only where it comes first), so forward and backward agree on it.
#pragma once
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
      int64_t best = (i * p.sh) * w + j * p.sw;
      for (int64_t a = 0; a < p.kh; ++a)
        for (int64_t b = 0; b < p.kw; ++b) {
          const int64_t at = (i * p.sh + a) * w + j * p.sw + b;
          if (xp[at] > xp[best]) best = at;
        }
      f(pl * oh * ow + i * ow + j, pl * h * w + best);
    }
}

}  // namespace adma::kernels::cpu
