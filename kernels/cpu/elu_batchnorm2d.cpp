// CPU reference of kernels/elu_batchnorm2d.h: batch norm's loops (kernels/cpu/batchnorm_loops.h)
// over z = elu(x), computed where it is read; sums in double for a stable reference.
#include "kernels/elu_batchnorm2d.h"

#include <cmath>

#include "kernels/cpu/batchnorm_loops.h"
#include "kernels/cpu/typed.h"

namespace adma::kernels {

namespace cpu {
namespace {
// z = elu(x), and dz/dx = 1 for x > 0, else alpha exp(x).
auto elu_of(double alpha) {
  return [alpha](double x) { return x > 0 ? x : alpha * std::expm1(x); };
}
auto elu_slope_of(double alpha) {
  return [alpha](double x) { return x > 0 ? 1.0 : alpha * std::exp(x); };
}
}  // namespace
}  // namespace cpu

void cpu::elu_batchnorm2d_setup_init(Context&, EluBatchNorm2dSetup&) {}  // nothing to decide on the CPU

void cpu::elu_batchnorm2d_forward_train(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                        const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si,
                                        Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_forward_train_loops(p.shape, p.momentum, p.eps, x.data<T>(), elu_of(p.alpha), gamma, beta, rm, rv, sm,
                                  si, y.data<T>());
  });
}

void cpu::elu_batchnorm2d_forward_eval(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                       const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_forward_eval_loops(p.shape, p.eps, x.data<T>(), elu_of(p.alpha), gamma, beta, rm, rv, y.data<T>());
  });
}

void cpu::elu_batchnorm2d_backward(Context&, const EluBatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                   const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx,
                                   Tensor& dgamma, Tensor& dbeta) {
  typed(p.dtype, [&](auto tag) {
    using T = decltype(tag);
    batchnorm_backward_loops(p.shape, x.data<T>(), elu_of(p.alpha), elu_slope_of(p.alpha), dy.data<T>(), gamma, sm,
                             si, dx.defined() ? dx.data<T>() : nullptr, dgamma, dbeta);
  });
}

}  // namespace adma::kernels
