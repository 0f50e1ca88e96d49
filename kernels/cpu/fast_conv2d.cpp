// Fast CPU convolution (kernels/cpu/fast.h): the reference's im2col + GEMM, with
// the images of the batch spread over OpenMP threads. Thread t owns slot t of the
// workspace: a column matrix col[(c r s), (p q)] of one image (small enough to stay
// in the core's L2 between im2col and the GEMM) and, for backward-filter, its own
// filter gradient dw_t [K, CRS], summed into dw after all images are done. OpenBLAS
// runs single-threaded inside each thread (kernels/cpu/threads.h).
// Backward-data with stride 1 is itself a convolution, of dy with the filters
// flipped and transposed (wt[c, k, r, s] = w[k, c, R-1-r, S-1-s], padding R-1-ph):
//   dx[c, h, w] += sum_{k, r, s} wt[c, k, r, s] dy[k, h + r - (R-1-ph), w + s - (S-1-pw)]
// so it is im2col(dy) and one GEMM [C, KRS] x [KRS, HW] that adds straight into dx,
// instead of the reference's GEMM with inner dimension K and a col2im scatter.
#include <cstring>

#include "kernels/cpu/fast.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/threads.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels::cpu::fast {

namespace {

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

// The output columns q whose input column q*sw + s - pw falls inside [0, w): [lo, hi).
inline void valid_range(int64_t ow, int64_t w, int64_t sw, int64_t off, int64_t& lo, int64_t& hi) {
  lo = 0;
  while (lo < ow && lo * sw + off < 0) ++lo;
  hi = ow;
  while (hi > lo && (hi - 1) * sw + off >= w) --hi;
}

// im2col of one image, as the reference's, with the bounds test hoisted out of the
// inner loop: each row of col is zeros, a copied run of x, zeros.
template <typename T>
void im2col(const Conv2dGeometry& g, const T* x, T* col) {
  const int64_t oh = g.out_h(), ow = g.out_w();
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t r = 0; r < g.r; ++r)
      for (int64_t s = 0; s < g.s; ++s) {
        T* row = col + ((c * g.r + r) * g.s + s) * oh * ow;
        int64_t lo, hi;
        valid_range(ow, g.w, g.stride_w, s - g.pad_w, lo, hi);
        for (int64_t p = 0; p < oh; ++p) {
          T* out = row + p * ow;
          const int64_t ih = p * g.stride_h + r - g.pad_h;
          if (ih < 0 || ih >= g.h) {
            std::memset(out, 0, sizeof(T) * ow);
            continue;
          }
          const T* in = x + (c * g.h + ih) * g.w + s - g.pad_w;
          for (int64_t q = 0; q < lo; ++q) out[q] = 0;
          if (g.stride_w == 1)
            std::memcpy(out + lo, in + lo, sizeof(T) * (hi - lo));
          else
            for (int64_t q = lo; q < hi; ++q) out[q] = in[q * g.stride_w];
          for (int64_t q = hi; q < ow; ++q) out[q] = 0;
        }
      }
}

// col2im: x += the columns scattered back (the adjoint of im2col).
template <typename T>
void col2im_add(const Conv2dGeometry& g, const T* col, T* x) {
  const int64_t oh = g.out_h(), ow = g.out_w();
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t r = 0; r < g.r; ++r)
      for (int64_t s = 0; s < g.s; ++s) {
        const T* row = col + ((c * g.r + r) * g.s + s) * oh * ow;
        int64_t lo, hi;
        valid_range(ow, g.w, g.stride_w, s - g.pad_w, lo, hi);
        for (int64_t p = 0; p < oh; ++p) {
          const int64_t ih = p * g.stride_h + r - g.pad_h;
          if (ih < 0 || ih >= g.h) continue;
          const T* in = row + p * ow;
          T* out = x + (c * g.h + ih) * g.w + s - g.pad_w;
          if (g.stride_w == 1) {
#pragma omp simd
            for (int64_t q = lo; q < hi; ++q) out[q] += in[q];
          } else {
            for (int64_t q = lo; q < hi; ++q) out[q * g.stride_w] += in[q];
          }
        }
      }
}

}  // namespace

size_t conv2d_workspace_bytes(const Conv2dSetup& p) {
  // One slot per thread the fast path may run with, plus slack for 64-byte alignment.
  return slots_of(p).stride_bytes * static_cast<size_t>(max_threads()) + 64;
}

void conv2d_forward(const Conv2dSetup& p, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y, Tensor& ws) {
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

void conv2d_backward_data(const Conv2dSetup& p, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& ws) {
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

void conv2d_backward_filter(const Conv2dSetup& p, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& ws) {
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

void conv2d_backward_bias(const Conv2dSetup& p, const Tensor& dy, Tensor& db) {
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

}  // namespace adma::kernels::cpu::fast
