// The paper's ConvNet and its ablation options, built layer by layer on the graph builder API.
#include "models/convnet.h"

#include <cmath>

#include "core/backend_options.h"
#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/elu.h"
#include "layers/elu_batchnorm2d.h"
#include "layers/flatten.h"
#include "layers/leaky_relu.h"
#include "layers/maxout.h"
#include "layers/maxpool2d.h"
#include "layers/relu.h"
#include "layers/softmax.h"

namespace adma::models {

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::Elu: return "elu";
    case Activation::Relu: return "relu";
    case Activation::LeakyRelu: return "leaky-relu";
    case Activation::Maxout: return "maxout";
  }
  return "?";
}

void check_convnet_options(const ConvNetOptions& o) {
  ADMA_CHECK(o.classes >= 1, "ConvNet needs at least one class, got ", o.classes);
  ADMA_CHECK(!o.filters.empty(), "ConvNet needs at least one block of filters");
  ADMA_CHECK(o.filters.size() == o.dropout.size(), "ConvNet: ", o.filters.size(), " blocks of filters but ",
             o.dropout.size(), " dropout rates");
  for (int64_t f : o.filters) ADMA_CHECK(f >= 1, "ConvNet: filters must be >= 1, got ", f);
  for (double d : o.dropout) ADMA_CHECK(d >= 0 && d < 1, "ConvNet: a dropout rate must be in [0, 1), got ", d);
  ADMA_CHECK(o.kernel >= 1 && o.kernel % 2 == 1, "ConvNet: kernel must be odd (the padding (kernel - 1) / 2 "
             "keeps the size), got ", o.kernel);
  ADMA_CHECK(o.stride >= 1, "ConvNet: stride must be >= 1, got ", o.stride);
  ADMA_CHECK(o.pool >= 1, "ConvNet: pool must be >= 1, got ", o.pool);
  ADMA_CHECK(o.pool_stride >= 0, "ConvNet: pool_stride must be >= 0 (0: the window), got ", o.pool_stride);
  ADMA_CHECK(std::isfinite(o.leaky_alpha) && o.leaky_alpha >= 0, "ConvNet: the leaky-relu slope must be finite and "
             ">= 0, got ", o.leaky_alpha);
  ADMA_CHECK(o.maxout_pieces >= 1, "ConvNet: maxout needs at least one piece, got ", o.maxout_pieces);
}

namespace {

// The activation after a conv; returns its output.
Value activation(Graph& g, const ConvNetOptions& o, const std::string& blk, const std::string& i, Value x) {
  switch (o.activation) {
    case Activation::Elu: return g.add<layers::Elu>(blk + "elu" + i, {x}, 1.0);
    case Activation::Relu: return g.add<layers::Relu>(blk + "relu" + i, {x});
    case Activation::LeakyRelu: return g.add<layers::LeakyRelu>(blk + "leaky_relu" + i, {x}, o.leaky_alpha);
    case Activation::Maxout: return g.add<layers::Maxout>(blk + "maxout" + i, {x}, o.maxout_pieces);
  }
  ADMA_THROW("ConvNet: unknown activation");
}

}  // namespace

Value build_convnet(Graph& g, Value x, const ConvNetOptions& o) {
  check_convnet_options(o);
  // Stride 1 keeps Keras's "same" (the paper's model); a larger stride pads as PyTorch does.
  const layers::Conv2dPadding padding =
      o.stride == 1 ? layers::Conv2dPadding("same") : layers::Conv2dPadding((o.kernel - 1) / 2);
  const int64_t pieces = o.activation == Activation::Maxout ? o.maxout_pieces : 1;
  // ADMA_FUSED_ELU_BN=1: each ELU -> BatchNorm pair is one EluBatchNorm2d node, named and
  // parametrised as the batch norm (the same model: tests/test_elu_batchnorm2d.cpp).
  const bool fuse_elu_bn = o.activation == Activation::Elu && o.batchnorm && backend_options().fused_elu_bn;
  for (size_t b = 0; b < o.filters.size(); ++b) {
    const std::string blk = "block" + std::to_string(b + 1) + ".";
    for (int c = 1; c <= 2; ++c) {
      const std::string i = std::to_string(c);
      x = g.add<layers::Conv2d>(blk + "conv" + i, {x},
                                layers::Conv2d::Options{pieces * o.filters[b], o.kernel, o.stride, padding, true, o.l2});
      if (fuse_elu_bn) {
        x = g.add<layers::EluBatchNorm2d>(blk + "bn" + i, {x},
                                          layers::EluBatchNorm2d::Options{1.0, o.bn_momentum, o.bn_eps});
        continue;
      }
      x = activation(g, o, blk, i, x);
      if (o.batchnorm)
        x = g.add<layers::BatchNorm2d>(blk + "bn" + i, {x}, layers::BatchNorm2d::Options{o.bn_momentum, o.bn_eps});
    }
    x = g.add<layers::MaxPool2d>(blk + "pool", {x}, o.pool, o.pool_stride > 0 ? o.pool_stride : o.pool);
    if (o.dropout[b] > 0) x = g.add<layers::Dropout>(blk + "dropout", {x}, o.dropout[b]);
  }
  x = g.add<layers::Flatten>("flatten", {x});
  x = g.add<layers::Dense>("dense", {x}, layers::Dense::Options{o.classes, true});
  if (o.softmax) x = g.add<layers::Softmax>("softmax", {x});
  return x;
}

}  // namespace adma::models
