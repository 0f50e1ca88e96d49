// CPU reference of kernels/leaky_relu.h (the fast backend runs it too: its cpu_fast names are using-declarations).
#include "kernels/leaky_relu.h"

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::leaky_relu_setup_init(Context&, LeakyReluSetup&) {}  // nothing to decide on the CPU

void cpu::leaky_relu_forward(Context&, const LeakyReluSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    for (int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = px[i] > 0 ? px[i] : alpha * px[i];
  });
}

void cpu::leaky_relu_backward(Context&, const LeakyReluSetup& p, const Tensor& x, const Tensor& dy, Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    for (int64_t i = 0, n = x.numel(); i < n; ++i) pdx[i] += px[i] > 0 ? pdy[i] : alpha * pdy[i];
  });
}

}  // namespace adma::kernels
