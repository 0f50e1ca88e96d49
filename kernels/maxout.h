// Maxout over channels (Goodfellow et al. 2013), k pieces per unit. Input [N, C, ...]
// with C = k M (any trailing spatial dimensions, S values per channel), output
// [N, M, ...]; unit m takes the CONTIGUOUS group of channels m k .. m k + k - 1:
//   y[n, m, s] = max_{j < k} x[n, m k + j, s]
//   backward: dx[n, m k + j*, s] += dy[n, m, s], j* the arg-max (no other element changes)
// Contiguous groups are the grouping of the paper's own code (pylearn2 reshapes to
// [..., num_units, num_pieces]), tf.contrib.layers.maxout and the usual PyTorch
// x.view(N, M, k, H, W).max(2), so weights from those frameworks map one to one.
// j* is the FIRST maximum (ties go to the lowest j, as in kernels/maxpool2d.h), and
// a NaN wins over every number (the first NaN, as torch.max does): a NaN in training
// shows in the output instead of being hidden by a larger neighbour.
// The arg-max is recomputed from x in backward, not saved: no state per node, and
// reading the k inputs again costs about what writing and reading an index would.
// CPU: plain loops (the fast backend runs them too). CUDA: an own kernel
// (kernels/cuda/maxout.cu), one thread per output element.
#pragma once
#include "core/tensor.h"
#include "kernels/dispatch.h"

namespace adma::kernels {

struct MaxoutSetup : KernelSetup {
  Shape in;  // [N, C, ...], rank 2 to 4
  DType dtype = DType::F32;
  int64_t pieces = 2;  // k
  int64_t batch() const { return in[0]; }
  int64_t units() const { return in[1] / pieces; }      // M
  int64_t spatial() const { return in.numel_from(2); }  // S (1 for [N, C])
  Shape out() const {
    Shape s = in;
    s[1] = units();
    return s;
  }
};

namespace cpu {
void maxout_setup_init(Context& ctx, MaxoutSetup& s);
void maxout_forward(Context& ctx, const MaxoutSetup& s, const Tensor& x, Tensor& y);
void maxout_backward(Context& ctx, const MaxoutSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx);
}  // namespace cpu
// The fast CPU backend has no version of its own: the reference serves.
namespace cpu_fast {
using cpu::maxout_setup_init;
using cpu::maxout_forward;
using cpu::maxout_backward;
}  // namespace cpu_fast
namespace cuda {
void maxout_setup_init(Context& ctx, MaxoutSetup& s);
void maxout_forward(Context& ctx, const MaxoutSetup& s, const Tensor& x, Tensor& y);
void maxout_backward(Context& ctx, const MaxoutSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx);
}  // namespace cuda

inline void maxout_setup_init(Context& ctx, MaxoutSetup& s) {
  ADMA_CHECK(s.in.rank() >= 2, "maxout: input must be [N, C, ...], got ", s.in.str());
  ADMA_CHECK(s.pieces >= 1 && s.in[1] % s.pieces == 0, "maxout: ", s.in[1], " channels do not split into groups of ",
             s.pieces, " pieces");
  ADMA_DISPATCH(ctx, maxout_setup_init, ctx, s);
}
inline MaxoutSetup maxout_setup(Context& ctx, const Shape& in, DType dtype, int64_t pieces) {
  MaxoutSetup s;
  s.in = in;
  s.dtype = dtype;
  s.pieces = pieces;
  maxout_setup_init(ctx, s);
  return s;
}
inline void maxout_forward(Context& ctx, const MaxoutSetup& s, const Tensor& x, Tensor& y) {
  expect_operand("maxout_forward x", x, s.in, s.dtype);
  expect_operand("maxout_forward y", y, s.out(), s.dtype);
  ADMA_DISPATCH(ctx, maxout_forward, ctx, s, x, y);
}
// dx += dy routed to each group's arg-max (recomputed from x)
inline void maxout_backward(Context& ctx, const MaxoutSetup& s, const Tensor& x, const Tensor& dy, Tensor& dx) {
  expect_operand("maxout_backward x", x, s.in, s.dtype);
  expect_operand("maxout_backward dy", dy, s.out(), s.dtype);
  expect_operand("maxout_backward dx", dx, s.in, s.dtype);
  ADMA_DISPATCH(ctx, maxout_backward, ctx, s, x, dy, dx);
}

}  // namespace adma::kernels
