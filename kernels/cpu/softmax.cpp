// CPU reference of kernels/softmax.h: softmax over dim 1 at each (n, spatial) position.
#include "kernels/softmax.h"

#include <cmath>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::softmax_setup_init(Context&, SoftmaxSetup&) {}  // nothing to decide on the CPU

void cpu::softmax_forward(Context&, const SoftmaxSetup& p, const Tensor& x, Tensor& y) {
  const int64_t n = p.shape[0], c = p.shape[1], hw = p.shape.numel_from(2);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < hw; ++s) {
        const T* xi = px + i * c * hw + s;
        T* yi = py + i * c * hw + s;
        T mx = xi[0];
        for (int64_t k = 1; k < c; ++k) mx = std::max(mx, xi[k * hw]);
        double sum = 0;
        for (int64_t k = 0; k < c; ++k) sum += std::exp(static_cast<double>(xi[k * hw] - mx));
        for (int64_t k = 0; k < c; ++k) yi[k * hw] = static_cast<T>(std::exp(static_cast<double>(xi[k * hw] - mx)) / sum);
      }
  });
}

void cpu::softmax_backward(Context&, const SoftmaxSetup& p, const Tensor& y, const Tensor& dy, Tensor& dx) {
  const int64_t n = p.shape[0], c = p.shape[1], hw = p.shape.numel_from(2);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *py = y.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < hw; ++s) {
        const int64_t base = i * c * hw + s;
        double dot = 0;
        for (int64_t k = 0; k < c; ++k) dot += pdy[base + k * hw] * py[base + k * hw];
        for (int64_t k = 0; k < c; ++k)
          pdx[base + k * hw] += static_cast<T>(py[base + k * hw] * (pdy[base + k * hw] - dot));
      }
  });
}

}  // namespace adma::kernels
