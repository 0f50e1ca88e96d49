// Fast CPU dropout (kernels/cpu/fast.h). The reference draws Philox block b =
// counter + b for elements 4b .. 4b+3, so blocks are independent: threads take
// ranges of blocks and the masks are bit-identical to the reference's.
#include "core/rng.h"
#include "kernels/cpu/fast.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels::cpu::fast {

void dropout_forward(DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  const int64_t n = x.numel(), blocks = (n + 3) / 4;
  const uint64_t first = p.counter;
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    T* mask = static_cast<T*>(reserve.raw());
    const T scale = static_cast<T>(1.0 / (1.0 - p.rate));
    const float rate = static_cast<float>(p.rate);
    const int64_t per = 1024;  // blocks per task
    parallel_for((blocks + per - 1) / per, threads_for(n), [&](int64_t task, int) {
      for (int64_t b = task * per, end = std::min(blocks, b + per); b < end; ++b) {
        const Philox4 bits = philox(p.seed, first + static_cast<uint64_t>(b));
        for (int64_t j = 0; j < 4 && 4 * b + j < n; ++j) {
          const int64_t i = 4 * b + j;
          // keep (probability 1 - rate) as a 0/1 factor: no branch to mispredict
          mask[i] = scale * static_cast<T>(uint_to_unit(bits.v[j]) > rate);
          py[i] = px[i] * mask[i];
        }
      }
    });
  });
  p.counter = first + static_cast<uint64_t>(blocks);
}

void dropout_backward(const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve) {
  typed(p.dtype, [&](auto tag) {
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

}  // namespace adma::kernels::cpu::fast
