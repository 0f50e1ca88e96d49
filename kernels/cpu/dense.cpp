// CPU reference of kernels/dense.h (OpenBLAS).
#include "kernels/dense.h"

#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::dense_forward(Context&, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) {
  const int64_t n = x.dim(0), in = x.dim(1), out = w.dim(0);
  typed(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    gemm(false, true, n, out, in, T(1), x.data<T>(), in, w.data<T>(), in, T(0), py, out);
    if (b.defined())
      for (int64_t i = 0; i < n; ++i)
        for (int64_t o = 0; o < out; ++o) py[i * out + o] += b.data<T>()[o];
  });
}

void cpu::dense_backward_data(Context&, const Tensor& w, const Tensor& dy, Tensor& dx) {
  const int64_t n = dy.dim(0), out = w.dim(0), in = w.dim(1);
  typed(w.dtype(), [&](auto tag) {
    using T = decltype(tag);
    gemm(false, false, n, in, out, T(1), dy.data<T>(), out, w.data<T>(), in, T(1), dx.data<T>(), in);
  });
}

void cpu::dense_backward_params(Context&, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db) {
  const int64_t n = x.dim(0), in = x.dim(1), out = dy.dim(1);
  typed(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (dw.defined()) gemm(true, false, out, in, n, T(1), dy.data<T>(), out, x.data<T>(), in, T(1), dw.data<T>(), in);
    if (db.defined()) {
      const T* pdy = dy.data<T>();
      T* pdb = db.data<T>();
      for (int64_t i = 0; i < n; ++i)
        for (int64_t o = 0; o < out; ++o) pdb[o] += pdy[i * out + o];
    }
  });
}

}  // namespace adma::kernels
