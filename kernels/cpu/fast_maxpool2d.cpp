// Fast CPU max pooling (kernels/cpu/fast.h): the reference's windows, planes
// (n, c) over threads; ties keep the first maximum, as the reference does. The
// ConvNet's 2x2 windows at stride 2 take a loop of their own: the four values of a
// window compared in the reference's order (row by row), with selects instead of a
// tracked index, which the compiler turns into vector compares and blends; the
// general loop's data-dependent index defeats that (batch 64, one thread, the first
// pooling: 1.15 -> 0.19 ms). Backward keeps the general loop: 2x2 versions with
// selects, or adding zeros into all four positions, measured 1.6-4x slower than its
// well-predicted branches.
#include <algorithm>

#include "kernels/cpu/fast.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels::cpu::fast {

namespace {
// f(output index, arg-max index in x) for every window of plane `pl`.
template <typename T, typename F>
void windows_of_plane(const MaxPool2dSetup& p, const T* x, int64_t pl, F&& f) {
  const int64_t h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
  const T* xp = x + pl * h * w;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      // The window clipped to the image: padded positions (-inf) never win.
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

bool two_by_two(const MaxPool2dSetup& p) {
  return p.kh == 2 && p.kw == 2 && p.sh == 2 && p.sw == 2 && p.ph == 0 && p.pw == 0;
}

// y = max of each 2x2 window of plane x (h x w) into y (oh x ow). "v > m ? v : m"
// keeps the earlier value on ties and, like the reference, a NaN only when it comes first.
template <typename T>
void pool2x2_plane(const T* __restrict x, T* __restrict y, int64_t w, int64_t oh, int64_t ow) {
  for (int64_t i = 0; i < oh; ++i) {
    const T* r0 = x + 2 * i * w;
    const T* r1 = r0 + w;
    T* out = y + i * ow;
    for (int64_t j = 0; j < ow; ++j) {
      T m = r0[2 * j], v = r0[2 * j + 1];
      m = v > m ? v : m;
      v = r1[2 * j];
      m = v > m ? v : m;
      v = r1[2 * j + 1];
      out[j] = v > m ? v : m;
    }
  }
}
}  // namespace

void maxpool2d_forward(const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const int64_t h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
    if (two_by_two(p))
      return parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
        pool2x2_plane(px + pl * h * w, py + pl * oh * ow, w, oh, ow);
      });
    parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
      windows_of_plane(p, px, pl, [&](int64_t out, int64_t arg) { py[out] = px[arg]; });
    });
  });
}

void maxpool2d_backward(const MaxPool2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
      windows_of_plane(p, x.data<T>(), pl, [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
    });
  });
}

}  // namespace adma::kernels::cpu::fast
