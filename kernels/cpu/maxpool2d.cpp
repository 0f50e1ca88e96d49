// CPU reference of kernels/maxpool2d.h: every window of every plane in turn
// (kernels/cpu/maxpool2d_windows.h); backward finds each window's arg-max again.
#include "kernels/maxpool2d.h"

#include "kernels/cpu/maxpool2d_windows.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

void cpu::maxpool2d_setup_init(Context&, MaxPool2dSetup&) {}  // nothing to decide on the CPU

void cpu::maxpool2d_forward(Context&, const MaxPool2dSetup& p, const Tensor& x, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t pl = 0; pl < p.in[0] * p.in[1]; ++pl)
      windows_of_plane(p, px, pl, [&](int64_t out, int64_t arg) { py[out] = px[arg]; });
  });
}

void cpu::maxpool2d_backward(Context&, const MaxPool2dSetup& p, const Tensor& x, const Tensor&, const Tensor& dy,
                             Tensor& dx) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for (int64_t pl = 0; pl < p.in[0] * p.in[1]; ++pl)
      windows_of_plane(p, x.data<T>(), pl, [&](int64_t out, int64_t arg) { pdx[arg] += pdy[out]; });
  });
}

}  // namespace adma::kernels
