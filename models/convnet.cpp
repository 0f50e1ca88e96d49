// The paper's ConvNet, built layer by layer on the graph builder API.
#include "models/convnet.h"

#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/flatten.h"
#include "layers/maxpool2d.h"
#include "layers/softmax.h"

namespace adma::models {

Value build_convnet(Graph& g, Value x, const ConvNetOptions& o) {
  ADMA_CHECK(o.filters.size() == o.dropout.size(), "ConvNet: ", o.filters.size(), " blocks of filters but ",
             o.dropout.size(), " dropout rates");
  ADMA_CHECK(o.classes >= 1, "ConvNet needs at least one class, got ", o.classes);
  for (size_t b = 0; b < o.filters.size(); ++b) {
    const std::string blk = "block" + std::to_string(b + 1) + ".";
    for (int c = 1; c <= 2; ++c) {
      const std::string i = std::to_string(c);
      x = g.add<layers::Conv2d>(blk + "conv" + i, {x}, layers::Conv2d::Options{o.filters[b], 3, 1, "same", true, o.l2});
      x = g.add<layers::Elu>(blk + "elu" + i, {x}, 1.0);
      if (o.batchnorm)
        x = g.add<layers::BatchNorm2d>(blk + "bn" + i, {x}, layers::BatchNorm2d::Options{o.bn_momentum, o.bn_eps});
    }
    x = g.add<layers::MaxPool2d>(blk + "pool", {x}, 2, 2);
    if (o.dropout[b] > 0) x = g.add<layers::Dropout>(blk + "dropout", {x}, o.dropout[b]);
  }
  x = g.add<layers::Flatten>("flatten", {x});
  x = g.add<layers::Dense>("dense", {x}, layers::Dense::Options{o.classes, true});
  if (o.softmax) x = g.add<layers::Softmax>("softmax", {x});
  return x;
}

}  // namespace adma::models
