// ResNet-18/34 in torchvision's names (models/resnet.h), built on the graph builder API.
#include "models/resnet.h"

#include "layers/add.h"
#include "layers/batchnorm2d.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/global_avg_pool2d.h"
#include "layers/maxpool2d.h"
#include "layers/relu.h"

namespace adma::models {

void check_resnet_options(const ResNetOptions& o) {
  ADMA_CHECK(o.classes >= 1, "ResNet needs at least one class, got ", o.classes);
  ADMA_CHECK(!o.blocks.empty(), "ResNet needs at least one stage of blocks");
  for (int64_t b : o.blocks) ADMA_CHECK(b >= 1, "ResNet: every stage needs at least one block, got ", b);
  ADMA_CHECK(o.width >= 1, "ResNet: width must be >= 1, got ", o.width);
}

namespace {

struct Builder {
  Graph& g;
  const ResNetOptions& o;

  Value conv(const std::string& name, Value x, int64_t filters, int64_t kernel, int64_t stride, int64_t pad) {
    return g.add<layers::Conv2d>(name, {x}, layers::Conv2d::Options{filters, kernel, stride, pad, false, o.l2});
  }
  Value bn(const std::string& name, Value x) {
    return g.add<layers::BatchNorm2d>(name, {x}, layers::BatchNorm2d::Options{o.bn_momentum, o.bn_eps, true});
  }
  // torchvision's BasicBlock: two 3x3 convs; the shortcut projects when the shape changes.
  Value basic_block(const std::string& p, Value x, int64_t planes, int64_t stride) {
    const bool project = stride != 1 || g.shape(x)[1] != planes;
    Value y = conv(p + "conv1", x, planes, 3, stride, 1);
    y = bn(p + "bn1", y);
    y = g.add<layers::Relu>(p + "relu1", {y});
    y = conv(p + "conv2", y, planes, 3, 1, 1);
    y = bn(p + "bn2", y);
    Value shortcut = x;
    if (project) shortcut = bn(p + "downsample.1", conv(p + "downsample.0", x, planes, 1, stride, 0));
    y = g.add<layers::Add>(p + "add", {y, shortcut});
    return g.add<layers::Relu>(p + "relu2", {y});
  }
};

}  // namespace

Value build_resnet(Graph& g, Value x, const ResNetOptions& o) {
  check_resnet_options(o);
  Builder b{g, o};
  x = b.conv("conv1", x, o.width, 7, 2, 3);
  x = b.bn("bn1", x);
  x = g.add<layers::Relu>("relu", {x});
  x = g.add<layers::MaxPool2d>("maxpool", {x}, 3, 2, 1);
  int64_t planes = o.width;
  for (size_t s = 0; s < o.blocks.size(); ++s) {
    if (s > 0) planes *= 2;
    for (int64_t i = 0; i < o.blocks[s]; ++i) {
      const std::string p = "layer" + std::to_string(s + 1) + "." + std::to_string(i) + ".";
      x = b.basic_block(p, x, planes, s > 0 && i == 0 ? 2 : 1);
    }
  }
  x = g.add<layers::GlobalAvgPool2d>("avgpool", {x});
  return g.add<layers::Dense>("fc", {x}, layers::Dense::Options{o.classes, true});
}

}  // namespace adma::models
