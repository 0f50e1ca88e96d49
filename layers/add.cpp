// Add: shape rule and the calls into kernels/elementwise.h.
#include "layers/add.h"

#include "kernels/elementwise.h"

namespace adma::layers {

Shape Add::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 2, "Add takes two inputs, got ", in.size());
  ADMA_CHECK(in[0] == in[1], "Add needs equal shapes, got ", in[0].str(), " and ", in[1].str());
  return in[0];
}

void Add::forward(Context& ctx) { kernels::add(ctx, in(0), in(1), out()); }

void Add::backward(Context& ctx) {
  for (int i = 0; i < 2; ++i)
    if (in_grad(i).defined()) kernels::axpy(ctx, 1.0, out_grad(), in_grad(i));
}

}  // namespace adma::layers
