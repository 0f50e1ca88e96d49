// Backend-independent part of kernels/conv2d.h: the operand checks.
#include "kernels/conv2d.h"

namespace adma::kernels {

void check_conv2d_operands(const char* op, const Conv2dSetup& s, const Tensor* x, const Tensor* w, const Tensor* y,
                           const Tensor* b, const Tensor* workspace) {
  const auto& g = s.g;
  if (x) expect_operand(op, *x, Shape({g.n, g.c, g.h, g.w}), s.dtype);
  if (w) expect_operand(op, *w, Shape({g.k, g.c, g.r, g.s}), s.dtype);
  if (y) expect_operand(op, *y, Shape({g.n, g.k, g.out_h(), g.out_w()}), s.dtype);
  if (b) expect_operand(op, *b, Shape({g.k}), s.dtype);
  if (workspace)
    ADMA_CHECK(s.workspace_bytes == 0 || workspace->nbytes() >= s.workspace_bytes, op, ": workspace of ",
               workspace->nbytes(), " bytes, need ", s.workspace_bytes);
}

}  // namespace adma::kernels
