// Fast CPU convolution (kernels/conv2d.h, cpu_fast::): oneDNN for float32 where it
// serves the setup (kernels/cpu_fast/dnnl_conv2d.cpp), else the own kernels below: the
// reference's im2col + GEMM (kernels/cpu/im2col.h), with the images of the batch spread
// over OpenMP threads. Thread t owns slot t of the workspace: a column matrix
// col[(c r s), (p q)] of one image (small enough to stay in the core's L2 between
// im2col and the GEMM) and, for backward-filter, its own filter gradient dw_t [K, CRS],
// summed into dw after all images are done. OpenBLAS runs single-threaded inside each
// thread (kernels/cpu/typed.h).
// Backward-data with stride 1 is itself a convolution, of dy with the filters
// flipped and transposed (wt[c, k, r, s] = w[k, c, R-1-r, S-1-s], padding R-1-ph):
//   dx[c, h, w] += sum_{k, r, s} wt[c, k, r, s] dy[k, h + r - (R-1-ph), w + s - (S-1-pw)]
// so it is im2col(dy) and one GEMM [C, KRS] x [KRS, HW] that adds straight into dx,
// instead of the reference's GEMM with inner dimension K and a col2im scatter.
#include <algorithm>
#include <cstring>

#include "kernels/conv2d.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/dnnl_conv2d.h"
#include "kernels/cpu_fast/parallel.h"

namespace adma::kernels {

namespace cpu_fast {
namespace {

using cpu::col2im_add;
using cpu::gemm;
using cpu::im2col;
using cpu::typed;

// Backward-data as a convolution needs stride 1 and padding no wider than the filter.
bool transposed_data(const Conv2dGeometry& g) {
  return g.stride_h == 1 && g.stride_w == 1 && g.pad_h <= g.r - 1 && g.pad_w <= g.s - 1;
}

// Per-thread slot: columns, then the thread's filter gradient; each 64-byte aligned.
struct Slots {
  size_t col_elems, dw_elems, stride_bytes;
};
Slots slots_of(const Conv2dSetup& p) {
  const auto& g = p.g;
  const size_t es = dtype_size(p.dtype);
  auto up = [](size_t b) { return (b + 63) / 64 * 64; };
  Slots s;
  s.col_elems = static_cast<size_t>(g.c * g.r * g.s * g.out_h() * g.out_w());
  if (transposed_data(g)) s.col_elems = std::max(s.col_elems, static_cast<size_t>(g.k * g.r * g.s * g.h * g.w));
  s.dw_elems = static_cast<size_t>(g.k * g.c * g.r * g.s);
  s.stride_bytes = up(s.col_elems * es) + up(s.dw_elems * es);
  return s;
}

// How many thread slots a workspace of this size holds (sized for the threads at setup time).
int slots_in(const Conv2dSetup& p, const Tensor& ws) {
  const size_t n = std::min(ws.nbytes(), p.workspace_bytes) / slots_of(p).stride_bytes;
  ADMA_CHECK(n >= 1, "conv2d: workspace of ", ws.nbytes(), " bytes, need ", slots_of(p).stride_bytes);
  return static_cast<int>(n);
}

template <typename T>
T* slot_col(const Conv2dSetup& p, Tensor& ws, int t) {
  return reinterpret_cast<T*>(static_cast<char*>(ws.raw()) + t * slots_of(p).stride_bytes);
}
template <typename T>
T* slot_dw(const Conv2dSetup& p, Tensor& ws, int t) {
  const Slots s = slots_of(p);
  return reinterpret_cast<T*>(static_cast<char*>(ws.raw()) + t * s.stride_bytes +
                              (s.col_elems * sizeof(T) + 63) / 64 * 64);
}

// One slot per thread the fast backend may run with, plus slack for 64-byte alignment.
size_t own_workspace_bytes(const Conv2dSetup& p) {
  return slots_of(p).stride_bytes * static_cast<size_t>(max_threads()) + 64;
}

void own_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y, Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  const int nt = std::min<int>(slots_in(p, ws), max_threads());
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pw = w.data<T>(), *pb = b.defined() ? b.data<T>() : nullptr;
    T* py = y.data<T>();
    parallel_for(g.n, nt, [&](int64_t n, int t) {
      T* col = slot_col<T>(p, ws, t);
      im2col(g, px + n * g.c * g.h * g.w, col);
      T* yn = py + n * g.k * pq;
      gemm(false, false, g.k, pq, crs, T(1), pw, crs, col, pq, T(0), yn, pq);
      if (pb)
        for (int64_t k = 0; k < g.k; ++k) {
          const T bk = pb[k];
          T* row = yn + k * pq;
#pragma omp simd
          for (int64_t i = 0; i < pq; ++i) row[i] += bk;
        }
    });
  });
}

void own_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  const int nt = std::min<int>(slots_in(p, ws), max_threads());
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *pw = w.data<T>(), *pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    if (transposed_data(g)) {
      // The flipped filters go where slot 0 keeps its filter gradient (unused here).
      T* wt = slot_dw<T>(p, ws, 0);
      for (int64_t k = 0; k < g.k; ++k)
        for (int64_t c = 0; c < g.c; ++c)
          for (int64_t r = 0; r < g.r; ++r)
            for (int64_t s = 0; s < g.s; ++s)
              wt[((c * g.k + k) * g.r + r) * g.s + s] = pw[((k * g.c + c) * g.r + (g.r - 1 - r)) * g.s + (g.s - 1 - s)];
      Conv2dGeometry t;  // dy [K, P, Q] -> dx [C, H, W]
      t.n = g.n;
      t.c = g.k;
      t.h = g.out_h();
      t.w = g.out_w();
      t.k = g.c;
      t.r = g.r;
      t.s = g.s;
      t.pad_h = g.r - 1 - g.pad_h;
      t.pad_w = g.s - 1 - g.pad_w;
      const int64_t krs = g.k * g.r * g.s, hw = g.h * g.w;
      parallel_for(g.n, nt, [&](int64_t n, int th) {
        T* col = slot_col<T>(p, ws, th);
        im2col(t, pdy + n * g.k * pq, col);
        gemm(false, false, g.c, hw, krs, T(1), wt, krs, col, hw, T(1), pdx + n * g.c * hw, hw);
      });
      return;
    }
    parallel_for(g.n, nt, [&](int64_t n, int t) {
      T* col = slot_col<T>(p, ws, t);
      gemm(true, false, crs, pq, g.k, T(1), pw, crs, pdy + n * g.k * pq, pq, T(0), col, pq);
      col2im_add(g, col, pdx + n * g.c * g.h * g.w);
    });
  });
}

void own_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws) {
  const auto& g = p.g;
  const int64_t crs = g.c * g.r * g.s, pq = g.out_h() * g.out_w();
  const int nt = static_cast<int>(std::min<int64_t>({slots_in(p, ws), max_threads(), g.n}));
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    // Each thread sums its images into its own dw_t (zeroed first); no two threads share memory.
    parallel_for(nt, nt, [&](int64_t t, int) { std::memset(slot_dw<T>(p, ws, t), 0, sizeof(T) * g.k * crs); });
    parallel_for(g.n, nt, [&](int64_t n, int t) {
      T* col = slot_col<T>(p, ws, t);
      im2col(g, px + n * g.c * g.h * g.w, col);
      gemm(false, true, g.k, crs, pq, T(1), pdy + n * g.k * pq, pq, col, pq, T(1), slot_dw<T>(p, ws, t), crs);
    });
    // dw += sum_t dw_t, the filter entries split over the threads.
    T* pdw = dw.data<T>();
    const int64_t total = g.k * crs, chunk = (total + nt - 1) / nt;
    parallel_for(nt, nt, [&](int64_t part, int) {
      const int64_t lo = part * chunk, hi = std::min(total, lo + chunk);
      for (int t = 0; t < nt; ++t) {
        const T* src = slot_dw<T>(p, ws, t);
#pragma omp simd
        for (int64_t i = lo; i < hi; ++i) pdw[i] += src[i];
      }
    });
  });
}

}  // namespace
}  // namespace cpu_fast

// Sized for every engine that may serve the setup, and for the reference (one column
// matrix), so the reference may run a setup the fast backend made.
void cpu_fast::conv2d_setup_init(Context& ctx, Conv2dSetup& p) {
  cpu::conv2d_setup_init(ctx, p);
  p.workspace_bytes = std::max({p.workspace_bytes, own_workspace_bytes(p), dnnl_conv2d_setup(p)});
}

void cpu_fast::conv2d_forward(Context&, const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b,
                              Tensor& y, Tensor& ws) {
  if (p.dnnl) return dnnl_conv2d_forward(p, x, w, b, y, ws);
  own_forward(p, x, w, b, y, ws);
}

void cpu_fast::conv2d_backward_data(Context&, const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx,
                                    Tensor& ws) {
  if (p.dnnl) return dnnl_conv2d_backward_data(p, w, dy, dx, ws);
  own_backward_data(p, w, dy, dx, ws);
}

void cpu_fast::conv2d_backward_filter(Context&, const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw,
                                      Tensor& ws) {
  if (p.dnnl) return dnnl_conv2d_backward_filter(p, x, dy, dw, ws);
  own_backward_filter(p, x, dy, dw, ws);
}

// One pass over dy, the output channels over threads (oneDNN's backward-weights
// primitive is made without a bias).
void cpu_fast::conv2d_backward_bias(Context&, const Conv2dSetup& p, const Tensor& dy, Tensor& db) {
  const auto& g = p.g;
  const int64_t pq = g.out_h() * g.out_w();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdb = db.data<T>();
    parallel_for(g.k, threads_for(g.n * g.k * pq), [&](int64_t k, int) {
      T sum = 0;
      for (int64_t n = 0; n < g.n; ++n) {
        const T* row = pdy + (n * g.k + k) * pq;
#pragma omp simd reduction(+ : sum)
        for (int64_t i = 0; i < pq; ++i) sum += row[i];
      }
      pdb[k] += sum;
    });
  });
}

}  // namespace adma::kernels
