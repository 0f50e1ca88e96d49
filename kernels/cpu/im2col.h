// im2col and its adjoint col2im for one image: the column matrix that turns a
// convolution into one GEMM. The reference (kernels/cpu/conv2d.cpp) and the fast
// backend's own kernels (kernels/cpu_fast/conv2d.cpp) both use these.
//   col[(c r s), (p q)] = x[c, p*sh + r - ph, q*sw + s - pw]     (0 outside the image)
//   col2im_add:  x[c, p*sh + r - ph, q*sw + s - pw] += col[(c r s), (p q)]
// For each (c, r, s) the output columns q whose input column falls inside the image
// form one range [lo, hi), so a row of col is zeros, a run of x, zeros: the bounds
// test is made once per row instead of once per element.
#pragma once
#include <cstdint>
#include <cstring>

#include "kernels/conv2d.h"

namespace adma::kernels::cpu {

// The output columns q in [0, ow) whose input column q*sw + off falls inside [0, w): [lo, hi).
inline void valid_columns(int64_t ow, int64_t w, int64_t sw, int64_t off, int64_t& lo, int64_t& hi) {
  lo = 0;
  while (lo < ow && lo * sw + off < 0) ++lo;
  hi = ow;
  while (hi > lo && (hi - 1) * sw + off >= w) --hi;
}

// col [C R S, P Q] from x [C, H, W] (one image).
template <typename T>
void im2col(const Conv2dGeometry& g, const T* x, T* col) {
  const int64_t oh = g.out_h(), ow = g.out_w();
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t r = 0; r < g.r; ++r)
      for (int64_t s = 0; s < g.s; ++s) {
        T* row = col + ((c * g.r + r) * g.s + s) * oh * ow;
        int64_t lo, hi;
        valid_columns(ow, g.w, g.stride_w, s - g.pad_w, lo, hi);
        for (int64_t p = 0; p < oh; ++p) {
          T* out = row + p * ow;
          const int64_t ih = p * g.stride_h + r - g.pad_h;
          if (ih < 0 || ih >= g.h) {
            std::memset(out, 0, sizeof(T) * ow);
            continue;
          }
          const T* in = x + (c * g.h + ih) * g.w + s - g.pad_w;
          for (int64_t q = 0; q < lo; ++q) out[q] = 0;
          if (g.stride_w == 1)
            std::memcpy(out + lo, in + lo, sizeof(T) * (hi - lo));
          else
            for (int64_t q = lo; q < hi; ++q) out[q] = in[q * g.stride_w];
          for (int64_t q = hi; q < ow; ++q) out[q] = 0;
        }
      }
}

// x [C, H, W] += the columns scattered back (one image). Each element of x receives its
// terms in the order (c, r, s, p, q), whatever the stride.
template <typename T>
void col2im_add(const Conv2dGeometry& g, const T* col, T* x) {
  const int64_t oh = g.out_h(), ow = g.out_w();
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t r = 0; r < g.r; ++r)
      for (int64_t s = 0; s < g.s; ++s) {
        const T* row = col + ((c * g.r + r) * g.s + s) * oh * ow;
        int64_t lo, hi;
        valid_columns(ow, g.w, g.stride_w, s - g.pad_w, lo, hi);
        for (int64_t p = 0; p < oh; ++p) {
          const int64_t ih = p * g.stride_h + r - g.pad_h;
          if (ih < 0 || ih >= g.h) continue;
          const T* in = row + p * ow;
          T* out = x + (c * g.h + ih) * g.w + s - g.pad_w;
          if (g.stride_w == 1)
            for (int64_t q = lo; q < hi; ++q) out[q] += in[q];
          else
            for (int64_t q = lo; q < hi; ++q) out[q * g.stride_w] += in[q];
        }
      }
}

}  // namespace adma::kernels::cpu
