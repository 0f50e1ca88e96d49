// CPU reference of kernels/elu.h: one loop each way.
#include "kernels/elu.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::elu_setup_init(Context&, EluSetup&) {}  // nothing to decide on the CPU

void cpu::elu_forward(Context&, const EluSetup& p, const Tensor& x, Tensor& y) {
  typed(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    for (int64_t i = 0, n = x.numel(); i < n; ++i) py[i] = px[i] > 0 ? px[i] : alpha * std::expm1(px[i]);
  });
}

void cpu::elu_backward(Context&, const EluSetup& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) {
  typed(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *py = y.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    const T alpha = static_cast<T>(p.alpha);
    for (int64_t i = 0, n = x.numel(); i < n; ++i) pdx[i] += pdy[i] * (px[i] > 0 ? T(1) : py[i] + alpha);
  });
}

}  // namespace adma::kernels
