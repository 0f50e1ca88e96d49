// CPU reference of kernels/maxpool2d.h.
#include "kernels/maxpool2d.h"

#include "kernels/cpu/fast.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::maxpool2d_setup_init(Context&, MaxPool2dSetup&) {}  // nothing to decide on the CPU

namespace cpu {
namespace {
// Visits every window; f(plane offset of x, plane offset of y, output index, arg-max index in x).
template <typename T, typename F>
void for_each_window(const MaxPool2dSetup& p, const T* x, F&& f) {
  const int64_t planes = p.in[0] * p.in[1], h = p.in[2], w = p.in[3], oh = p.out_h(), ow = p.out_w();
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * h * w;
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t best = (i * p.sh) * w + j * p.sw;
        for (int64_t a = 0; a < p.kh; ++a)
          for (int64_t b = 0; b < p.kw; ++b) {
            const int64_t at = (i * p.sh + a) * w + j * p.sw + b;
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
