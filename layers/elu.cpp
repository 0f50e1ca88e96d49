// ELU: shape rule (elementwise: output shape = input shape).
#include "layers/elu.h"

namespace adma::layers {

Shape Elu::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "ELU takes one input, got ", in.size());
  ADMA_CHECK(alpha_ > 0, "ELU alpha must be positive, got ", alpha_);
  return in[0];
}

}  // namespace adma::layers
