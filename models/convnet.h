// The paper's ConvNet (Figure 2, a Keras model), for any input shape and class count.
// Per block with filters f and dropout d:
//   Conv3x3(f, same) -> ELU -> BatchNorm -> Conv3x3(f, same) -> ELU -> BatchNorm
//   -> MaxPool2x2 -> Dropout(d)
// with (f, d) = (32, 0.2), (64, 0.3), (128, 0.4); then Flatten -> Dense(classes).
// The graph ends in logits: training feeds them to a fused softmax+loss node
// (losses/), inference may add a Softmax (Options::softmax).
#pragma once
#include <vector>

#include "core/graph/graph.h"

namespace adma::models {

struct ConvNetOptions {
  int64_t classes = 10;
  std::vector<int64_t> filters{32, 64, 128};
  std::vector<double> dropout{0.2, 0.3, 0.4};  // per block; 0 leaves the Dropout out
  bool batchnorm = true;
  bool softmax = false;  // append a Softmax node after the logits
  double bn_momentum = 0.99, bn_eps = 1e-3;
  double l2 = 0;  // Keras kernel_regularizer=l2(l2) on every conv kernel (the paper: 1e-4)
};

// Adds the ConvNet to `g` on top of `input` ([N, C, H, W]); returns the last value (logits or probabilities).
Value build_convnet(Graph& g, Value input, const ConvNetOptions& o);

}  // namespace adma::models
