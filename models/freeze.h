// Which parameters train when fine-tuning: the top K layers counted from the output
// (the paper's "only the top 5 layers trained"), or the parameters whose names match glob
// patterns ("layer4.*,fc.*"). Both install training rules on a graph that is built but
// not yet planned (Graph::set_rules; the graph applies them as each parameter is
// declared), so a frozen parameter gets no gradient buffer, no optimizer state and no L2,
// and backward stops below the lowest layer that trains (core/graph/param_rules.h).
//
// What counts as a layer (for train_top): a weight layer, that is a Conv2d or Dense node,
// together with the BatchNorm2d that normalises its output (the first BatchNorm2d reached
// from it through parameter-free one-input nodes: ResNet's conv -> bn, the ConvNet's
// conv -> activation -> bn). A conv and its BN are one layer because the BN's scale and
// shift act on that conv's output alone, and it is how the depth of a network is
// counted: ResNet-34's 34 are its 33 convs and the fc, BN not counted (the three 1x1
// projection shortcuts are layers here too, 37 in all). The fc (Dense) is one layer. A
// BatchNorm2d with no weight layer above it counts alone. Layers are counted in node
// order from the output: for ResNet-34 the top 5 are fc, layer4.2.conv2 (+bn2),
// layer4.2.conv1 (+bn1), layer4.1.conv2 (+bn2), layer4.1.conv1 (+bn1); top 8 is all of
// layer4 (its downsample pair comes after conv2/bn2 in torchvision's forward) and fc.
// For the paper's ConvNet (7 layers): dense, block3.conv2 + bn2, block3.conv1 + bn1, ...
//
// A loss node's parameters (a learnable Adma `a`) are not the model's: neither form
// touches them. BatchNorm layers that are frozen still normalise with batch statistics
// and update their running statistics in training mode, as PyTorch does with
// requires_grad=False (Keras 2 instead runs a frozen BatchNormalization in inference mode).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace adma::models {

// A parameterised layer: its weight node (or a lone BatchNorm2d) and the nodes it owns.
struct ModelLayer {
  std::string name;                // "layer4.2.conv2", "fc"
  std::vector<std::string> nodes;  // {"layer4.2.conv2", "layer4.2.bn2"}
};

// The model's layers as counted above, in node order (input first). Before or after plan().
std::vector<ModelLayer> parameterised_layers(const Graph& g);

// What a selection decided; the lists fill in while the graph plans (parameters are
// declared then), so read them after plan() or build().
struct TrainSelection {
  std::string description;             // "the top 5 layers", "parameters matching layer4.*,fc.*"
  std::vector<std::string> layers;     // train_top: the layers that train, output first
  std::vector<std::string> patterns;   // train_only: the patterns
  std::vector<int64_t> matched;        // train_only: parameters each pattern matched
  std::vector<std::string> trained;    // parameter names that train, in declaration order
  std::vector<std::string> frozen;     // and those frozen
};

// Freezes every model parameter but those of the top k layers (1 <= k <= the layer count).
// Replaces any rules set before with Graph::set_rules. Before plan().
std::shared_ptr<const TrainSelection> train_top(Graph& g, int64_t k);

// Freezes every model parameter whose name matches none of the comma-separated glob
// patterns ('*' any characters, dots included; '?' one; [abc] a class), e.g.
// "layer4.*,fc.*" or "fc.weight". Before plan(); after it, check_selection() refuses a
// pattern that matched nothing (a typo would otherwise freeze the whole model).
std::shared_ptr<const TrainSelection> train_only(Graph& g, const std::string& patterns);

// After plan(): throws naming the first pattern that matched no parameter, or when nothing trains.
void check_selection(const TrainSelection& s);

// After build(): what trains, one line per parameter with its shape, and the totals:
//   "training the top 5 layers: 2,364,426 of 21,289,802 parameters (11.1 %), 9 tensors:\n  fc.weight [10, 512]\n ..."
std::string training_report(const Graph& g, const TrainSelection& s);

}  // namespace adma::models
