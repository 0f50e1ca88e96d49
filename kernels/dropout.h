// Inverted dropout with rate p (Srivastava et al. 2014; Keras/PyTorch scaling):
//   keep_i ~ Bernoulli(1 - p),  y_i = x_i keep_i / (1 - p),  dx_i += dy_i keep_i / (1 - p)
// The mask lives in the node's reserve memory from forward to backward.
// CPU: Philox stream (seed, counter), mask stored as the scale factor per element; the
// fast backend draws the reference's masks, blocks over threads.
// CUDA: cudnnDropoutForward/Backward; RNG states allocated once in the setup.
// Both sides restart their stream on dropout_reseed, so a gradient check can
// replay the same mask; the two backends draw different masks.
#pragma once
#include <cstdint>
#include <memory>

#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

namespace cuda {
struct DropoutState;  // cuDNN dropout descriptor and RNG states (kernels/cuda/cudnn_dropout.cpp)
}

struct DropoutSetup : KernelSetup {
  Shape shape;
  DType dtype = DType::F32;
  double rate = 0.0;
  uint64_t seed = 0;
  uint64_t counter = 0;                      // CPU: next Philox block
  std::shared_ptr<cuda::DropoutState> cuda;  // null on the CPU
};

namespace cpu {
void dropout_setup_init(Context& ctx, DropoutSetup& s);
void dropout_reseed(Context& ctx, DropoutSetup& s, uint64_t seed);
void dropout_forward(Context& ctx, DropoutSetup& s, const Tensor& x, Tensor& y, Tensor& reserve);
void dropout_backward(Context& ctx, const DropoutSetup& s, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                      Tensor& workspace);
}  // namespace cpu
namespace cpu_fast {
using cpu::dropout_setup_init;
using cpu::dropout_reseed;
void dropout_forward(Context& ctx, DropoutSetup& s, const Tensor& x, Tensor& y, Tensor& reserve);
void dropout_backward(Context& ctx, const DropoutSetup& s, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                      Tensor& workspace);
}  // namespace cpu_fast
namespace cuda {
void dropout_setup_init(Context& ctx, DropoutSetup& s);
void dropout_reseed(Context& ctx, DropoutSetup& s, uint64_t seed);
void dropout_forward(Context& ctx, DropoutSetup& s, const Tensor& x, Tensor& y, Tensor& reserve);
void dropout_backward(Context& ctx, const DropoutSetup& s, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                      Tensor& workspace);
}  // namespace cuda

inline void dropout_setup_init(Context& ctx, DropoutSetup& s) { ADMA_DISPATCH(ctx, dropout_setup_init, ctx, s); }
inline DropoutSetup dropout_setup(Context& ctx, const Shape& shape, DType dtype, double rate, uint64_t seed) {
  ADMA_CHECK(rate >= 0.0 && rate < 1.0, "dropout rate must be in [0, 1), got ", rate);
  DropoutSetup s;
  s.shape = shape;
  s.dtype = dtype;
  s.rate = rate;
  s.seed = seed;
  dropout_setup_init(ctx, s);
  return s;
}
inline void dropout_reseed(Context& ctx, DropoutSetup& s, uint64_t seed) {
  ADMA_DISPATCH(ctx, dropout_reseed, ctx, s, seed);
}
inline void dropout_forward(Context& ctx, DropoutSetup& s, const Tensor& x, Tensor& y, Tensor& reserve) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&x, &y})
    expect_operand("dropout_forward", *t, s.shape, s.dtype);
  ADMA_CHECK(reserve.nbytes() >= s.reserve_bytes, "dropout_forward: reserve of ", reserve.nbytes(), " bytes, need ",
             s.reserve_bytes);
  ADMA_DISPATCH(ctx, dropout_forward, ctx, s, x, y, reserve);
}
inline void dropout_backward(Context& ctx, const DropoutSetup& s, const Tensor& dy, Tensor& dx, const Tensor& reserve,
                             Tensor& ws) {
  for (const Tensor* t : std::initializer_list<const Tensor*>{&dy, &dx})
    expect_operand("dropout_backward", *t, s.shape, s.dtype);
  ADMA_CHECK(ws.nbytes() >= s.workspace_bytes, "dropout_backward: workspace of ", ws.nbytes(), " bytes, need ",
             s.workspace_bytes);
  ADMA_DISPATCH(ctx, dropout_backward, ctx, s, dy, dx, reserve, ws);
}

}  // namespace adma::kernels
