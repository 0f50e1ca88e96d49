// Fast CPU dropout (kernels/dropout.h, cpu_fast::): the reference's mask
// (kernels/cpu/dropout_mask.h), whose Philox blocks are independent, so threads take
// ranges of blocks and the masks are bit-identical to the reference's.
#include <algorithm>

#include "kernels/cpu/dropout_mask.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu_fast/parallel.h"
#include "kernels/dropout.h"

namespace adma::kernels {

void cpu_fast::dropout_forward(Context&, DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  const int64_t n = x.numel(), blocks = (n + 3) / 4;
  const uint64_t first = p.counter;
  cpu::typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    T* mask = static_cast<T*>(reserve.raw());
    const T scale = static_cast<T>(1.0 / (1.0 - p.rate));
    const float rate = static_cast<float>(p.rate);
    const int64_t per = 1024;  // blocks per task
    parallel_for((blocks + per - 1) / per, threads_for(n), [&](int64_t task, int) {
      for (int64_t b = task * per, end = std::min(blocks, b + per); b < end; ++b)
        cpu::dropout_block(p.seed, first, b, n, rate, scale, px, py, mask);
    });
  });
  p.counter = first + static_cast<uint64_t>(blocks);
}

void cpu_fast::dropout_backward(Context&, const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                                Tensor&) {
  cpu::typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* mask = static_cast<const T*>(reserve.raw());
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    const int64_t n = dy.numel(), per = 16384;
    parallel_for((n + per - 1) / per, threads_for(n), [&](int64_t task, int) {
      const int64_t lo = task * per, hi = std::min(n, lo + per);
#pragma omp simd
      for (int64_t i = lo; i < hi; ++i) pdx[i] += pdy[i] * mask[i];
    });
  });
}

}  // namespace adma::kernels
