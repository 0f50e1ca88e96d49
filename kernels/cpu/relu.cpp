// CPU reference of kernels/relu.h (the fast backend runs it too: cpu_fast::relu_* are using-declarations).
#include "kernels/relu.h"

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::relu_setup_init(Context&, ReluSetup&) {}  // nothing to decide on the CPU

void cpu::relu_forward(Context&, const ReluSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = px[i] > 0 ? px[i] : T(0);
  });
}

void cpu::relu_backward(Context&, const ReluSetup& p, const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t i = 0, n = x.numel(); i < n; ++i)
      if (px[i] > 0) pdx[i] += pdy[i];
  });
}

}  // namespace adma::kernels
