// CPU reference of kernels/dropout.h. Element i of a call draws 32 Philox bits;
// it is kept when u = (bits + 1) / 2^32 is above the rate.
#include "kernels/dropout.h"

#include "core/rng.h"
#include "kernels/cpu/fast.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::dropout_setup_init(Context&, DropoutSetup& p) { p.reserve_bytes = p.shape.numel() * dtype_size(p.dtype); }

void cpu::dropout_reseed(Context&, DropoutSetup& p, uint64_t seed) {
  p.seed = seed;
  p.counter = 0;
}

void cpu::dropout_forward(Context& ctx, DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  if (fast::enabled(ctx)) return fast::dropout_forward(p, x, y, reserve);
  const int64_t n = x.numel();
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    T* mask = static_cast<T*>(reserve.raw());
    const T scale = static_cast<T>(1.0 / (1.0 - p.rate));
    for (int64_t base = 0; base < n; base += 4) {
      const Philox4 bits = philox(p.seed, p.counter++);
      for (int64_t j = 0; j < 4 && base + j < n; ++j) {
        const bool keep = uint_to_unit(bits.v[j]) > static_cast<float>(p.rate);
        mask[base + j] = keep ? scale : T(0);
        py[base + j] = px[base + j] * mask[base + j];
      }
    }
  });
}

void cpu::dropout_backward(Context& ctx, const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                           Tensor&) {
  if (fast::enabled(ctx)) return fast::dropout_backward(p, dy, dx, reserve);
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* mask = static_cast<const T*>(reserve.raw());
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t i = 0, n = dy.numel(); i < n; ++i) pdx[i] += pdy[i] * mask[i];
  });
}

}  // namespace adma::kernels
