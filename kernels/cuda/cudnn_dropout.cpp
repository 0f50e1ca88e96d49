// CUDA side of kernels/dropout.h: cuDNN dropout. Its RNG states (a few MB) are
// allocated and seeded once per setup; the mask lives in the node's reserve.
// cudnnDropoutBackward overwrites dx, so it writes into the workspace and an
// axpy adds that into dx (every backward in adma accumulates).
#include "kernels/dropout.h"

#include "core/cuda/runtime.h"
#include "kernels/cuda/cudnn_util.h"
#include "kernels/elementwise.h"

namespace adma::kernels {

namespace cuda {
struct DropoutState {
  TensorDesc t;
  cudnnDropoutDescriptor_t drop = nullptr;
  void* states = nullptr;
  size_t state_bytes = 0;
  int device = 0;
  ~DropoutState() {
    cudnnDestroyDropoutDescriptor(drop);
    cuda_rt::free(states, device);
  }
};
}  // namespace cuda

void cuda::dropout_setup_init(Context& ctx, DropoutSetup& p) {
  expect_f32("dropout", p.dtype);
  auto s = std::make_shared<DropoutState>();
  s->device = ctx.device.index;
  s->t.set(Shape{p.shape.numel(), 1, 1, 1});
  CUDNN_CHECK(cudnnCreateDropoutDescriptor(&s->drop));
  CUDNN_CHECK(cudnnDropoutGetStatesSize(cudnn_of(ctx), &s->state_bytes));
  s->states = cuda_rt::malloc(s->state_bytes, ctx.device.index);
  CUDNN_CHECK(cudnnSetDropoutDescriptor(s->drop, cudnn_of(ctx), static_cast<float>(p.rate), s->states,
                                        s->state_bytes, p.seed));
  CUDNN_CHECK(cudnnDropoutGetReserveSpaceSize(s->t.d, &p.reserve_bytes));
  p.workspace_bytes = p.shape.numel() * sizeof(float);
  p.cuda = s;
}

void cuda::dropout_reseed(Context& ctx, DropoutSetup& p, uint64_t seed) {
  auto& s = *p.cuda;
  p.seed = seed;
  CUDNN_CHECK(cudnnSetDropoutDescriptor(s.drop, cudnn_of(ctx), static_cast<float>(p.rate), s.states, s.state_bytes,
                                        seed));
}

void cuda::dropout_forward(Context& ctx, DropoutSetup& p, const Tensor& x, Tensor& y, Tensor& reserve) {
  auto& s = *p.cuda;
  CUDNN_CHECK(cudnnDropoutForward(cudnn_of(ctx), s.drop, s.t.d, cptr(x), s.t.d, ptr(y), reserve.raw(),
                                  p.reserve_bytes));
}

void cuda::dropout_backward(Context& ctx, const DropoutSetup& p, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                            Tensor& ws) {
  auto& s = *p.cuda;
  Tensor tmp = Tensor::view(ws.storage(), ws.byte_offset(), dx.shape(), DType::F32);
  CUDNN_CHECK(cudnnDropoutBackward(cudnn_of(ctx), s.drop, s.t.d, cptr(dy), s.t.d, ptr(tmp), reserve.raw(),
                                   p.reserve_bytes));
  axpy(ctx, 1.0, tmp, dx);
}

}  // namespace adma::kernels
