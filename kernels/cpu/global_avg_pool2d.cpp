// CPU reference of kernels/global_avg_pool2d.h (the fast backend runs it too: its cpu_fast names are using-declarations).
#include "kernels/global_avg_pool2d.h"

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::global_avg_pool2d_setup_init(Context&, GlobalAvgPool2dSetup&) {}  // nothing to decide on the CPU

void cpu::global_avg_pool2d_forward(Context&, const GlobalAvgPool2dSetup& p, const Tensor& x, Tensor& y) {
  const int64_t hw = p.plane_size();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t pl = 0; pl < p.planes(); ++pl) {
      T sum = 0;
      for (int64_t i = 0; i < hw; ++i) sum += px[pl * hw + i];
      py[pl] = sum / static_cast<T>(hw);
    }
  });
}

void cpu::global_avg_pool2d_backward(Context&, const GlobalAvgPool2dSetup& p, const Tensor& dy, Tensor& dx) {
  const int64_t hw = p.plane_size();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t pl = 0; pl < p.planes(); ++pl) {
      const T g = pdy[pl] / static_cast<T>(hw);
      for (int64_t i = 0; i < hw; ++i) pdx[pl * hw + i] += g;
    }
  });
}

}  // namespace adma::kernels
