// ResNet with basic blocks (He et al. 2016; ResNet-18 and ResNet-34) in torchvision's
// layout and names, so a torchvision state dict maps onto it one to one by name:
//   conv1 (7x7/2, pad 3, no bias) -> bn1 -> relu -> maxpool (3x3/2, pad 1)
//   -> layer1 .. layer4 of BasicBlocks, [3, 4, 6, 3] for ResNet-34, widths 64 .. 512,
//      the first block of layers 2-4 with stride 2 and a projection shortcut
//   -> avgpool (GlobalAvgPool2d: [N, 512, h, w] -> [N, 512]) -> fc (Dense, classes)
// A BasicBlock "layerL.B" (torchvision's BasicBlock.forward):
//   out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
//   shortcut = x, or downsample.1(downsample.0(x)) (1x1/stride conv, no bias, then BN)
// Node names are torchvision's module paths ("layer1.0.conv1", "layer2.0.downsample.0"),
// so the parameters and buffers are its state_dict() keys: "layer1.0.conv1.weight",
// "layer1.0.bn1.weight", "layer1.0.bn1.running_mean", ..., "fc.weight", "fc.bias"
// (BatchNorm2d with pytorch_names). The parameter-free nodes torchvision shares or does not
// name get their own names: "relu", "maxpool", "avgpool" as torchvision's modules,
// "layerL.B.relu1", "layerL.B.add", "layerL.B.relu2" inside a block.
// Node order follows torchvision's forward: within a block conv1, bn1, relu1, conv2, bn2,
// then the downsample pair, add, relu2 (models/freeze.h counts layers in this order).
// BatchNorm: PyTorch's eps 1e-5 and momentum 0.1 (Keras convention here: 0.9). The one
// buffer torchvision has and adma does not, num_batches_tracked (an int64 step count that
// BatchNorm reads only when momentum is None), is dropped by the converter
// (scripts/torchvision_to_safetensors.py) and ignored by models::load_weights.
// Fresh parameters take the graph's initialisers (glorot-uniform kernels, zero biases, BN
// 1 and 0), not torchvision's Kaiming-normal: the model is meant to start from converted
// weights; trained from scratch, BN after every conv makes the difference small.
#pragma once
#include <vector>

#include "core/graph/graph.h"

namespace adma::models {

struct ResNetOptions {
  int64_t classes = 1000;
  std::vector<int64_t> blocks{3, 4, 6, 3};  // BasicBlocks per stage: ResNet-34 ({2, 2, 2, 2}: ResNet-18)
  int64_t width = 64;                       // channels of conv1 and layer1, doubled per stage
  double bn_momentum = 0.9;                 // Keras convention: PyTorch's momentum 0.1
  double bn_eps = 1e-5;
  double l2 = 0;  // Keras-style coupled L2 on every conv kernel, as the paper's (torchvision trains with none)
};

void check_resnet_options(const ResNetOptions& o);

// Adds the ResNet to `g` on top of `input` ([N, C, H, W], any C; 3 for ImageNet weights);
// returns the logits [N, classes].
Value build_resnet(Graph& g, Value input, const ResNetOptions& o);

}  // namespace adma::models
