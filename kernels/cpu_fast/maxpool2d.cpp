// Fast CPU max pooling (kernels/maxpool2d.h, cpu_fast::): the reference's window scan
// (kernels/cpu/maxpool2d_windows.h), planes (n, c) over threads; ties keep the first
// maximum, as the reference does. The
// ConvNet's 2x2 windows at stride 2 take a loop of their own: the four values of a
// window compared in the reference's order (row by row), with selects instead of a
// tracked index, which the compiler turns into vector compares and blends; the
// general loop's data-dependent index defeats that (batch 64, one thread, the first
// pooling: 1.15 -> 0.19 ms). Backward keeps the general loop: 2x2 versions with
// selects, or adding zeros into all four positions, measured 1.6-4x slower than its
// well-predicted branches.
#include "kernels/cpu/maxpool2d_windows.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/maxpool2d.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {
using cpu::typed;
using cpu::windows_of_plane;

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
}  // namespace cpu_fast

void cpu_fast::maxpool2d_forward(Context&, const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
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

void cpu_fast::maxpool2d_backward(Context&, const MaxPool2dSetup& p, const Tensor& x, const Tensor&, const Tensor& dy,
                                  Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    parallel_for(p.in[0] * p.in[1], threads_for(p.in.numel()), [&](int64_t pl, int) {
      windows_of_plane(p, x.data<T>(), pl, [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
    });
  });
}

}  // namespace adma::kernels
