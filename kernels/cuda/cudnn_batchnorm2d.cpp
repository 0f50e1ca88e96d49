// CUDA side of kernels/batchnorm2d.h: cuDNN spatial batch norm. cuDNN keeps the
// running variance unbiased, as the CPU reference does.
#include "kernels/batchnorm2d.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels::cuda {

namespace {
struct BnState {
  TensorDesc x, bn;
};
BnState& state(const BatchNormPlan& p) { return *static_cast<BnState*>(p.cuda.get()); }
}  // namespace

void batchnorm_plan_init(Context&, BatchNormPlan& p) {
  expect_f32("batchnorm", p.dtype);
  // Shape, eps > 0 and momentum are checked above the dispatch (kernels/batchnorm2d.h).
  ADMA_CHECK(p.eps >= CUDNN_BN_MIN_EPSILON, "batchnorm: cuDNN needs epsilon >= ", CUDNN_BN_MIN_EPSILON, ", got ",
             p.eps);
  auto s = std::make_shared<BnState>();
  s->x.set(p.shape);
  CUDNN_CHECK(cudnnDeriveBNTensorDescriptor(s->bn.d, s->x.d, CUDNN_BATCHNORM_SPATIAL));
  p.cuda = s;
}

void batchnorm_forward_train(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& gamma,
                             const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, s.x.d,
                                                     cptr(x), s.x.d, ptr(y), s.bn.d, cptr(gamma), cptr(beta),
                                                     1.0 - p.momentum, ptr(rm), ptr(rv), p.eps, ptr(sm), ptr(si)));
}

void batchnorm_forward_eval(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& gamma,
                            const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  auto& s = state(p);
  CUDNN_CHECK(cudnnBatchNormalizationForwardInference(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, s.x.d,
                                                      cptr(x), s.x.d, ptr(y), s.bn.d, cptr(gamma), cptr(beta),
                                                      cptr(rm), cptr(rv), p.eps));
}

void batchnorm_backward(Context& ctx, const BatchNormPlan& p, const Tensor& x, const Tensor& dy, const Tensor& gamma,
                        const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma, Tensor& dbeta) {
  auto& s = state(p);
  // alpha = beta = 1 for data and parameter gradients: cuDNN adds into them.
  CUDNN_CHECK(cudnnBatchNormalizationBackward(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kOne, &kOne, &kOne,
                                              s.x.d, cptr(x), s.x.d, cptr(dy), s.x.d, ptr(dx), s.bn.d, cptr(gamma),
                                              ptr(dgamma), ptr(dbeta), p.eps, cptr(sm), cptr(si)));
}

}  // namespace adma::kernels::cuda
