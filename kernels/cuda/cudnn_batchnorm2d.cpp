// CUDA side of kernels/batchnorm2d.h: cuDNN spatial batch norm. cuDNN keeps the
// running variance unbiased, as the CPU reference does.
#include "kernels/batchnorm2d.h"

#include "kernels/cuda/cudnn_util.h"

namespace adma::kernels {

namespace cuda {
struct BatchNorm2dState {
  TensorDesc x, bn;
};
}  // namespace cuda

void cuda::batchnorm2d_setup_init(Context&, BatchNorm2dSetup& p) {
  expect_f32("batchnorm2d", p.dtype);
  // Shape, eps > 0 and momentum are checked above the dispatch (kernels/batchnorm2d.h).
  ADMA_CHECK(p.eps >= CUDNN_BN_MIN_EPSILON, "batchnorm2d: cuDNN needs epsilon >= ", CUDNN_BN_MIN_EPSILON, ", got ",
             p.eps);
  auto s = std::make_shared<BatchNorm2dState>();
  s->x.set(p.shape);
  CUDNN_CHECK(cudnnDeriveBNTensorDescriptor(s->bn.d, s->x.d, CUDNN_BATCHNORM_SPATIAL));
  p.cuda = s;
}

void cuda::batchnorm2d_forward_train(Context& ctx, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                     const Tensor& beta, Tensor& rm, Tensor& rv, Tensor& sm, Tensor& si, Tensor& y) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnBatchNormalizationForwardTraining(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, s.x.d,
                                                     cptr(x), s.x.d, ptr(y), s.bn.d, cptr(gamma), cptr(beta),
                                                     1.0 - p.momentum, ptr(rm), ptr(rv), p.eps, ptr(sm), ptr(si)));
}

void cuda::batchnorm2d_forward_eval(Context& ctx, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& gamma,
                                    const Tensor& beta, const Tensor& rm, const Tensor& rv, Tensor& y) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnBatchNormalizationForwardInference(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, s.x.d,
                                                      cptr(x), s.x.d, ptr(y), s.bn.d, cptr(gamma), cptr(beta),
                                                      cptr(rm), cptr(rv), p.eps));
}

void cuda::batchnorm2d_backward(Context& ctx, const BatchNorm2dSetup& p, const Tensor& x, const Tensor& dy,
                                const Tensor& gamma, const Tensor& sm, const Tensor& si, Tensor& dx, Tensor& dgamma,
                                Tensor& dbeta) {
  auto& s = *p.cuda;
  // alpha = beta = 1 for data and parameter gradients: cuDNN adds into them.
  CUDNN_CHECK(cudnnBatchNormalizationBackward(cudnn_of(ctx), CUDNN_BATCHNORM_SPATIAL, &kOne, &kOne, &kOne, &kOne,
                                              s.x.d, cptr(x), s.x.d, cptr(dy), s.x.d, ptr(dx), s.bn.d, cptr(gamma),
                                              ptr(dgamma), ptr(dbeta), p.eps, cptr(sm), cptr(si)));
}

}  // namespace adma::kernels
