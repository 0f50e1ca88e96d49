// CPU reference of kernels/elementwise.h.
#include "kernels/elementwise.h"

#include <cstring>

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::fill(Context&, Tensor& y, double value) {
  typed(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = y.data<T>();
    for (int64_t i = 0, n = y.numel(); i < n; ++i) p[i] = static_cast<T>(value);
  });
}

void cpu::copy(Context&, const Tensor& x, Tensor& y) {
  std::memcpy(y.raw(), x.raw(), x.nbytes());
}

void cpu::add(Context&, const Tensor& a, const Tensor& b, Tensor& y) {
  typed(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* py = y.data<T>();
    for (int64_t i = 0, n = y.numel(); i < n; ++i) py[i] = pa[i] + pb[i];
  });
}

void cpu::axpy(Context&, double alpha, const Tensor& x, Tensor& y) {
  typed(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    const T a = static_cast<T>(alpha);
    for (int64_t i = 0, n = y.numel(); i < n; ++i) py[i] += a * px[i];
  });
}

}  // namespace adma::kernels
