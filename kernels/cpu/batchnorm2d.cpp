// CPU reference of kernels/batchnorm2d.h: batch norm's loops (kernels/cpu/batchnorm_loops.h)
// over x itself; sums in double for a stable reference.
#include "kernels/batchnorm2d.h"

#include "kernels/cpu/batchnorm_loops.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

namespace cpu {
namespace {
constexpr auto identity = [](double x) { return x; };
constexpr auto one = [](double) { return 1.0; };
}  // namespace
}  // namespace cpu

void cpu::batchnorm2d_setup_init(Context&, BatchNorm2dSetup&) {}  // nothing to decide on the CPU

void cpu::batchnorm2d_forward_train(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                    const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_forward_train_loops(p.shape, p.momentum, p.eps, x.data<T>(), identity, gamma, beta, rm, rv, sm, si,
                                  y.data<T>());
  });
}

void cpu::batchnorm2d_forward_eval(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                   const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_forward_eval_loops(p.shape, p.eps, x.data<T>(), identity, gamma, beta, rm, rv, y.data<T>());
  });
}

void cpu::batchnorm2d_backward(Context&, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                               const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma,
                               Tensor& dbeta) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_backward_loops(p.shape, x.data<T>(), identity, one, dy.data<T>(), gamma, sm, si, dx.data<T>(), dgamma,
                             dbeta);
  });
}

}  // namespace adma::kernels
