// CPU reference of kernels/maxpool2d.h.
#include "kernels/maxpool2d.h"

#include <algorithm>

#include "kernels/cpu/fast.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::maxpool2d_setup_init(Context&, MaxPool2dSetup&) {}  // nothing to decide on the CPU

namespace cpu {
namespace {
// Visits every window; f(output index, arg-max index in x). A window's rows and
// columns are clipped to the image: padded positions are -inf and never win, so
// leaving them out is the same (the first real element starts the search).
template <typename T, typename F>
void for_each_window(const MaxPool2dSetup& p, const T* x, F&& f) {
  const int64_t planes = p.in[0] * p.in[1], h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * h * w;
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        const int64_t top = i * p.sh - p.ph, left = j * p.sw - p.pw;
        const int64_t a0 = std::max<int64_t>(top, 0), a1 = std::min(top + p.kh, h);
        const int64_t b0 = std::max<int64_t>(left, 0), b1 = std::min(left + p.kw, w);
        int64_t best = a0 * w + b0;
        for (int64_t a = a0; a < a1; ++a)
          for (int64_t b = b0; b < b1; ++b) {
            const int64_t at = a * w + b;
            if (xp[at] > xp[best]) best = at;  // strict: the first maximum wins ties
          }
        f(pl * oh * ow + i * ow + j, pl * h * w + best);
      }
  }
}
}  // namespace
}  // namespace cpu

void cpu::maxpool2d_forward(Context& ctx, const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
  if (fast::enabled(ctx)) return fast::maxpool2d_forward(p, x, y);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for_each_window(p, px, [&](int64_t out, int64_t arg) { py[out] = px[arg]; });
  });
}

void cpu::maxpool2d_backward(Context& ctx, const MaxPool2dSetup& p, const Tensor& x, const Tensor&, const Tensor& dy,
                             Tensor& dx) {
  if (fast::enabled(ctx)) return fast::maxpool2d_backward(p, x, dy, dx);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for_each_window(p, x.data<T>(), [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
  });
}

}  // namespace adma::kernels
