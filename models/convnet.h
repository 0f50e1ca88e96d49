// The paper's ConvNet (Figure 2, a Keras model), for any input shape and class count.
// Per block with filters f and dropout d:
//   Conv3x3(f, same) -> ELU -> BatchNorm -> Conv3x3(f, same) -> ELU -> BatchNorm
//   -> MaxPool2x2 -> Dropout(d)
// with (f, d) = (32, 0.2), (64, 0.3), (128, 0.4); then Flatten -> Dense(classes).
// The graph ends in logits: training feeds them to a fused softmax+loss node
// (losses/), inference may add a Softmax (Options::softmax).
//
// The paper's ablations (Section 5) change one piece at a time; the defaults are the
// model above, node for node (names "block1.conv1", "block1.elu1", "block1.bn1", ...,
// "dense"; parameters in that order, initialised alike):
//   activation   ELU (Keras alpha 1), ReLU, LeakyReLU (slope `leaky_alpha`, Keras's 0.3)
//                or Maxout with k = `maxout_pieces` (Goodfellow et al. 2013): each conv
//                then has k f filters and the Maxout node ("block1.maxout1") keeps the
//                maximum of each k contiguous channels, so every block still hands f
//                channels on (a conv weight is [k f, C, kh, kw]; glorot's fan_out is
//                k f kh kw, the layer's as declared)
//   kernel       the conv window (odd: padding (kernel - 1) / 2 keeps the size)
//   stride       the conv stride; above 1 the padding is (kernel - 1) / 2 zeros per side,
//                PyTorch's rule (Keras's "same" pads unevenly there)
//   pool, pool_stride   the max-pool window and stride (0: the window)
//   dropout      per block, 0 leaves the Dropout node out; batchnorm off leaves BN out
// The spec strings that pick these are in models/registry.h.
#pragma once
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace adma::models {

enum class Activation { Elu, Relu, LeakyRelu, Maxout };
const char* activation_name(Activation a);  // "elu", "relu", "leaky-relu", "maxout"

struct ConvNetOptions {
  int64_t classes = 10;
  std::vector<int64_t> filters{32, 64, 128};
  std::vector<double> dropout{0.2, 0.3, 0.4};  // per block; 0 leaves the Dropout out
  bool batchnorm = true;
  bool softmax = false;  // append a Softmax node after the logits
  double bn_momentum = 0.99, bn_eps = 1e-3;
  double l2 = 0;  // Keras kernel_regularizer=l2(l2) on every conv kernel (the paper: 1e-4)
  // The ablation options (defaults: the paper's model).
  Activation activation = Activation::Elu;
  double leaky_alpha = 0.3;     // LeakyReLU slope for x <= 0 (Keras's default)
  int64_t maxout_pieces = 2;    // Maxout k: each conv has k * filters channels
  int64_t kernel = 3;           // conv window, odd
  int64_t stride = 1;           // conv stride
  int64_t pool = 2;             // max-pool window
  int64_t pool_stride = 0;      // 0: the window
};

// Throws naming the first option that cannot be built ("ConvNet: kernel must be odd ...").
void check_convnet_options(const ConvNetOptions& o);

// Adds the ConvNet to `g` on top of `input` ([N, C, H, W]); returns the last value (logits or probabilities).
Value build_convnet(Graph& g, Value input, const ConvNetOptions& o);

}  // namespace adma::models
