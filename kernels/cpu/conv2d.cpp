// CPU reference of kernels/conv2d.h: im2col + GEMM per image (kernels/cpu/im2col.h).
//   col[(c r s), (p q)] = x[c, p*sh + r - ph, q*sw + s - pw]   (0 outside the image)
//   y_n [K, PQ]  = w [K, CRS] col [CRS, PQ]
//   dw  [K, CRS] += dy_n [K, PQ] col^T
//   col = w^T dy_n, then col2im scatters (adds) col back into dx_n.
#include "kernels/conv2d.h"

#include "kernels/cpu/im2col.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

namespace cpu {
namespace {

// The workspace is raw bytes (shared by every node; its size checked above the
// dispatch); here it holds one column matrix.
template <typename T>
T* workspace_as(Tensor& ws) {
  return static_cast<T*>(ws.raw());
}

}  // namespace
}  // namespace cpu

// The workspace holds one column matrix [C R S, P Q].
void cpu::conv2d_setup_init(Context&, Conv2dSetup& p) {
  const auto& g = p.g;
  p.workspace_bytes = static_cast<size_t>(g.c * g.r * g.s * g.out_h() * g.out_w()) * dtype_size(p.dtype);
}

void cpu::conv2d_forward(Context&, const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b,
                         Tensor& y, Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* col = workspace_as<T>(ws);
    for (int64_t n = 0; n < g.n; ++n) {
      im2col(g, x.data<T>() + n * g.c * g.h * g.w, col);
      T* yn = y.data<T>() + n * g.k * pq;
      gemm(false, false, g.k, pq, crs, T(1), w.data<T>(), crs, col, pq, T(0), yn, pq);
      if (b.defined())
        for (int64_t k = 0; k < g.k; ++k)
          for (int64_t i = 0; i < pq; ++i) yn[k * pq + i] += b.data<T>()[k];
    }
  });
}

void cpu::conv2d_backward_data(Context&, const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx,
                               Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* col = workspace_as<T>(ws);
    for (int64_t n = 0; n < g.n; ++n) {
      gemm(true, false, crs, pq, g.k, T(1), w.data<T>(), crs, dy.data<T>() + n * g.k * pq, pq, T(0), col, pq);
      col2im_add(g, col, dx.data<T>() + n * g.c * g.h * g.w);
    }
  });
}

void cpu::conv2d_backward_filter(Context&, const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw,
                                 Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* col = workspace_as<T>(ws);
    for (int64_t n = 0; n < g.n; ++n) {
      im2col(g, x.data<T>() + n * g.c * g.h * g.w, col);
      gemm(false, true, g.k, crs, pq, T(1), dy.data<T>() + n * g.k * pq, pq, col, pq, T(1), dw.data<T>(), crs);
    }
  });
}

void cpu::conv2d_backward_bias(Context&, const Conv2dSetup& p, const Tensor& dy, Tensor& db) {
  const auto& g = p.g;
  const int64_t pq = g.out_h() * g.out_w();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdb = db.data<T>();
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t k = 0; k < g.k; ++k) {
        T sum = 0;
        for (int64_t i = 0; i < pq; ++i) sum += pdy[(n * g.k + k) * pq + i];
        pdb[k] += sum;
      }
  });
}

}  // namespace adma::kernels
