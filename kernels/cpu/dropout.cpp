// CPU reference of kernels/dropout.h: the mask of kernels/cpu/dropout_mask.h, one
// Philox block (4 elements) after another.
#include "kernels/dropout.h"

#include "kernels/cpu/dropout_mask.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::dropout_setup_init(Context&, DropoutSetup& p) { p.reserve_bytes = p.shape.numel() * dtype_size(p.dtype); }

void cpu::dropout_reseed(Context&, DropoutSetup& p, uint64_t seed) {
  p.seed = seed;
  p.counter = 0;
}

void cpu::dropout_forward(Context&, DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  const int64_t n = x.numel(), blocks = (n + 3) / 4;
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T scale = static_cast<T>(1.0 / (1.0 - p.rate));
    for (int64_t b = 0; b < blocks; ++b)
      dropout_block(p.seed, p.counter, b, n, static_cast<float>(p.rate), scale, x.data<T>(), y.data<T>(),
                    static_cast<T*>(reserve.raw()));
  });
  p.counter += static_cast<uint64_t>(blocks);
}

void cpu::dropout_backward(Context&, const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                           Tensor&) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* mask = static_cast<const T*>(reserve.raw());
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t i = 0, n = dy.numel(); i < n; ++i) pdx[i] += pdy[i] * mask[i];
  });
}

}  // namespace adma::kernels
