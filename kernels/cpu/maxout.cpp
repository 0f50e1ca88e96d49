// CPU reference of kernels/maxout.h (the fast backend runs it too: its cpu_fast names are using-declarations).
#include "kernels/maxout.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::maxout_setup_init(Context&, MaxoutSetup&) {}  // nothing to decide on the CPU

namespace cpu {
namespace {
// Visits every output element: f(output index, input index of its group's arg-max).
// The arg-max is the first NaN of the group if it has one, else its first maximum.
template <typename T, typename F>
void for_each_group(const MaxoutSetup& p, const T* x, F&& f) {
  const int64_t k = p.pieces, units = p.units(), hw = p.spatial(), channels = p.in[1];
  for (int64_t n = 0; n < p.batch(); ++n)
    for (int64_t m = 0; m < units; ++m)
      for (int64_t s = 0; s < hw; ++s) {
        const int64_t first = (n * channels + m * k) * hw + s;  // x[n, m k, s]; piece j is j hw further
        int64_t best = first;
        for (int64_t j = 1; j < k && !std::isnan(x[best]); ++j) {
          const int64_t at = first + j * hw;
          if (x[at] > x[best] || std::isnan(x[at])) best = at;
        }
        f((n * units + m) * hw + s, best);
      }
}
}  // namespace
}  // namespace cpu

void cpu::maxout_forward(Context&, const MaxoutSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for_each_group(p, px, [&](int64_t out, int64_t arg) { py[out] = px[arg]; });
  });
}

void cpu::maxout_backward(Context&, const MaxoutSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for_each_group(p, x.data<T>(), [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
  });
}

}  // namespace adma::kernels
