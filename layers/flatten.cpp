// Flatten: the shape rule (the graph binds the output as a view of the input).
#include "layers/flatten.h"

namespace adma::layers {

Shape Flatten::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "Flatten takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() >= 2, "Flatten input needs a batch axis and features, got ", in[0].str());
  return Shape{in[0][0], in[0].numel_from(1)};
}

}  // namespace adma::layers
