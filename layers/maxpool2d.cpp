// MaxPool2d: floor-mode output shape.
#include "layers/maxpool2d.h"

namespace adma::layers {

Shape MaxPool2d::infer_shape(const std::vector<Shape>& in) const {
  ADMA_CHECK(in.size() == 1, "MaxPool2d takes one input, got ", in.size());
  ADMA_CHECK(in[0].rank() == 4, "MaxPool2d input must be [N, C, H, W], got ", in[0].str());
  ADMA_CHECK(k_ > 0 && s_ > 0, "MaxPool2d kernel and stride must be positive");
  ADMA_CHECK(in[0][2] >= k_ && in[0][3] >= k_, "MaxPool2d: a ", k_, "x", k_, " window does not fit ", in[0].str());
  return Shape{in[0][0], in[0][1], (in[0][2] - k_) / s_ + 1, (in[0][3] - k_) / s_ + 1};
}

}  // namespace adma::layers
